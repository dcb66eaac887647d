import { makeException, plural } from '../support/exceptions.js';
import { buildInventory, periodCaptures, scopeOfArn } from '../support/inventory.js';
import { bool, field, listOf, text, timeOf, type Json } from '../support/records.js';
import type { Control, ControlException } from '../types.js';

/** Vaults and recovery points are encrypted with KMS keys that are usable. */
export const backupEncrypted: Control = {
  id: 'backup.encrypted',
  title: 'Backup vaults and the recovery points of in-scope resources are encrypted with usable KMS keys',
  requires: ['backup.vaults'],
  optional: ['backup.recovery-points', 'kms.keys', 's3.buckets', 'rds.instances', 'rds.clusters', 'dynamodb.tables'],
  measure:
    'Every vault seen in the period must name a KMS encryption key (EncryptionKeyArn); where kms.keys describes that key it must be Enabled (not disabled or pending deletion). Every recovery point of an in-scope resource (backup.recovery-points) must have IsEncrypted true. Unencrypted recovery points are grouped per resource and vault, from the oldest to the newest.',
  evaluate({ view, config }) {
    const range = view.period;
    const exceptions: ControlException[] = [];
    // KMS keys by ARN and id, from every capture of the period (latest state wins).
    const keys = new Map<string, { state: string; evidence: string; at: string }>();
    for (const c of periodCaptures(view.series<Json>('kms.keys'), range)) {
      for (const k of listOf(c.data, 'keys') ?? []) {
        const meta = field(k, 'metadata');
        const state = text(meta, 'KeyState');
        if (!state) continue;
        for (const id of [text(meta, 'Arn'), text(meta, 'KeyId'), text(field(k, 'key'), 'KeyArn')]) if (id) keys.set(id, { state, evidence: c.evidenceId, at: c.at });
      }
    }
    const vaults = new Map<string, { account: string; region: string; first: string; last: string; problem?: string; evidence: Set<string> }>();
    for (const c of periodCaptures(view.series<Json>('backup.vaults'), range)) {
      for (const v of listOf(c.data, 'vaults') ?? []) {
        const vault = field(v, 'vault');
        const arn = text(vault, 'BackupVaultArn') ?? '';
        const keyArn = text(vault, 'EncryptionKeyArn');
        let problem: string | undefined;
        if (!keyArn) problem = 'names no KMS encryption key';
        else {
          const key = keys.get(keyArn) ?? keys.get(keyArn.split('/').pop() ?? '');
          if (key && key.state !== 'Enabled') problem = `its KMS key ${keyArn} is ${key.state}`;
        }
        const entry = vaults.get(arn) ?? { account: c.account, region: c.region, first: c.at, last: c.at, evidence: new Set<string>() };
        entry.last = c.at;
        if (problem) {
          if (!entry.problem) entry.first = c.at;
          entry.problem = problem;
          entry.evidence.add(c.evidenceId);
          const key = keyArn ? keys.get(keyArn) : undefined;
          if (key) entry.evidence.add(key.evidence);
        }
        vaults.set(arn, entry);
      }
    }
    for (const [arn, v] of vaults) {
      if (!v.problem) continue;
      exceptions.push(makeException('failure', { resource: arn, account: v.account, region: v.region, from: v.first, to: v.last, message: `vault ${v.problem}`, evidence: [...v.evidence] }));
    }
    // Recovery points of in-scope resources.
    const inventory = buildInventory(view);
    const unencrypted = new Map<string, { account: string; region: string; vault: string; first: string; last: string; count: number; evidence: Set<string> }>();
    let points = 0;
    const seen = new Set<string>();
    for (const c of periodCaptures(view.series<Json>('backup.recovery-points'), range)) {
      for (const v of listOf(c.data, 'vaults') ?? []) {
        const vault = text(field(v, 'vault'), 'BackupVaultName') ?? '?';
        for (const rp of listOf(v, 'recoveryPoints') ?? []) {
          const rpArn = text(rp, 'RecoveryPointArn') ?? '';
          if (seen.has(rpArn)) continue;
          seen.add(rpArn);
          const resource = text(rp, 'ResourceArn') ?? '';
          if (scopeOfArn(inventory, resource, config.scope.tags) !== 'in') continue;
          points += 1;
          if (bool(rp, 'IsEncrypted') === true) continue;
          const created = timeOf(rp, 'CreationDate') ?? c.at;
          const key = `${c.account}|${c.region}|${vault}|${resource}`;
          const entry = unencrypted.get(key) ?? { account: c.account, region: c.region, vault, first: created, last: created, count: 0, evidence: new Set<string>() };
          entry.count += 1;
          if (created < entry.first) entry.first = created;
          if (created > entry.last) entry.last = created;
          entry.evidence.add(c.evidenceId);
          unencrypted.set(key, entry);
        }
      }
    }
    for (const [key, u] of unencrypted) {
      const resource = key.split('|').slice(3).join('|');
      exceptions.push(
        makeException('failure', {
          resource,
          account: u.account,
          region: u.region,
          from: u.first,
          to: u.last,
          message: `${plural(u.count, 'recovery point')} in vault ${u.vault} not encrypted (IsEncrypted false), created ${u.first.slice(0, 10)} to ${u.last.slice(0, 10)}`,
          evidence: [...u.evidence],
        }),
      );
    }
    if (vaults.size === 0) return { status: 'not_applicable', summary: 'no backup vaults in the period', exceptions };
    return {
      summary: `${plural(vaults.size, 'vault')} and ${plural(points, 'recovery point')} of in-scope resources; ${exceptions.length} not encrypted with a usable KMS key.${
        view.has('backup.recovery-points') ? '' : ' Recovery points were not collected: only vaults were checked.'
      }`,
      exceptions,
    };
  },
};

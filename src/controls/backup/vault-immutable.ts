import type { Capture } from '../../period/types.js';
import { eventsNamed, eventSucceeded } from '../support/events.js';
import { evidenceOf, intervalExceptions, plural, unevaluated } from '../support/exceptions.js';
import { buildInventory, periodCaptures, scopeOfArn } from '../support/inventory.js';
import { bool, field, listOf, num, text, timeOf, type Json } from '../support/records.js';
import { findBadIntervals, observeResources } from '../support/timeline.js';
import type { Control, ControlException } from '../types.js';

const vaultKey = (account: string, region: string, name: string) => `${account}|${region}|${name}`;

/**
 * Backup vaults holding in-scope recovery points are locked in compliance mode (immutable) with a
 * minimum retention of at least the target, throughout the period.
 */
export const vaultImmutable: Control = {
  id: 'backup.vault-immutable',
  title: 'Backup vaults holding in-scope recovery points are locked in compliance mode with minimum retention at least the target, throughout the period',
  requires: ['backup.vaults'],
  optional: ['backup.recovery-points', 'cloudtrail.events', 's3.buckets', 'rds.instances', 'rds.clusters', 'dynamodb.tables'],
  measure:
    'A vault must comply when, at any snapshot of the period, it held a recovery point of an in-scope resource (backup.recovery-points; without scope tags, any recovery point). At every snapshot it must be Locked, past its LockDate (compliance mode is immutable from then; a lock without LockDate is governance mode, which privileged users can remove) and have MinRetentionDays ≥ targets.minRetentionDays. A DeleteBackupVaultLockConfiguration event marks the exact time a lock was removed. Each interval out of compliance is one exception.',
  evaluate({ view, config }) {
    const range = view.period;
    const target = config.targets.minRetentionDays;
    const scopeTags = config.scope.tags ?? {};
    const needsTags = Object.keys(scopeTags).length > 0;
    const inventory = buildInventory(view);
    const captures = periodCaptures(view.series<Json>('backup.vaults'), range);

    // Which vaults hold in-scope recovery points (at any capture of the period).
    const holding = new Map<string, { unknownScope: boolean; evidence: string }>();
    const rpCaptures = periodCaptures(view.series<Json>('backup.recovery-points'), range);
    for (const c of rpCaptures) {
      for (const v of listOf(c.data, 'vaults') ?? []) {
        const name = text(field(v, 'vault'), 'BackupVaultName') ?? '';
        for (const rp of listOf(v, 'recoveryPoints') ?? []) {
          const scope = scopeOfArn(inventory, text(rp, 'ResourceArn') ?? '', scopeTags);
          if (scope === 'out') continue;
          const key = vaultKey(c.account, c.region, name);
          const known = holding.get(key);
          if (!known || (known.unknownScope && scope === 'in')) holding.set(key, { unknownScope: scope === 'unknown', evidence: c.evidenceId });
        }
      }
    }
    if (rpCaptures.length === 0) {
      if (needsTags) {
        return {
          status: 'error',
          summary: 'could not be evaluated: without backup.recovery-points evidence the vaults holding in-scope recovery points cannot be told (scope.tags is set)',
          exceptions: [],
        };
      }
      for (const c of captures) {
        for (const v of listOf(c.data, 'vaults') ?? []) {
          const vault = field(v, 'vault');
          if ((num(vault, 'NumberOfRecoveryPoints') ?? 0) > 0) holding.set(vaultKey(c.account, c.region, text(vault, 'BackupVaultName') ?? ''), { unknownScope: false, evidence: c.evidenceId });
        }
      }
    }

    const graceEnds: Array<{ key: string; at: string; evidence: string }> = [];
    const timelines = observeResources<Json>({
      captures,
      list: (c: Capture) => listOf(c.data, 'vaults'),
      key: (v, c) => vaultKey(c.account, c.region, text(field(v, 'vault'), 'BackupVaultName') ?? ''),
      region: (_v, c) => c.region,
      createdAt: (v) => timeOf(field(v, 'vault'), 'CreationDate'),
      judge: (v, c) => {
        const vault = field(v, 'vault');
        const problems: string[] = [];
        // ListBackupVaults answered: a vault without `Locked` is AWS saying it has no lock.
        const locked = bool(vault, 'Locked') === true;
        const lockDate = timeOf(vault, 'LockDate');
        const minRetention = num(vault, 'MinRetentionDays');
        if (!locked) problems.push('not locked');
        else if (!lockDate) problems.push('locked in governance mode (no LockDate): privileged users can remove the lock');
        else if (lockDate > c.at) {
          problems.push(`compliance-mode lock still in its grace period until ${lockDate}`);
          if (minRetention !== undefined && minRetention >= target) {
            graceEnds.push({ key: vaultKey(c.account, c.region, text(vault, 'BackupVaultName') ?? ''), at: lockDate, evidence: c.evidenceId });
          }
        }
        if (locked && (minRetention === undefined || minRetention < target)) {
          problems.push(`minimum retention ${minRetention ?? 'not set'} days, below the target of ${target}`);
        }
        return problems.length > 0 ? { state: 'bad', detail: problems.join('; ') } : { state: 'ok', detail: 'locked in compliance mode' };
      },
    });
    for (const g of graceEnds) {
      // The lock becomes immutable at its LockDate unless a later snapshot says otherwise.
      timelines.get(g.key)?.observations.push({ at: g.at, state: 'ok', evidence: g.evidence, source: 'snapshot', detail: `compliance-mode lock immutable from ${g.at}` });
    }
    for (const e of eventsNamed(view, ['DeleteBackupVaultLockConfiguration'])) {
      if (!eventSucceeded(e)) continue;
      const name = text(e.params, 'backupVaultName', 'BackupVaultName');
      const t = name ? timelines.get(vaultKey(e.account, e.region, name)) : undefined;
      t?.observations.push({ at: e.time, state: 'bad', evidence: e.evidence, source: 'history', detail: `lock removed by ${e.username ?? 'a user'} (CloudTrail ${e.name} at ${e.time})` });
    }

    const exceptions: ControlException[] = [];
    let checked = 0;
    for (const [key, t] of timelines) {
      const hold = holding.get(key);
      if (!hold) continue;
      checked += 1;
      const name = key.split('|')[2];
      const arn = text(field(t.latest?.resource, 'vault'), 'BackupVaultArn') ?? name;
      const result = findBadIntervals(t.observations, range, t.since);
      const note = hold.unknownScope ? ' (it holds recovery points of resources whose scope proofpack cannot tell)' : '';
      for (const e of intervalExceptions(result, { resource: arn, account: t.account, region: t.region, what: 'not immutable' })) {
        exceptions.push({ ...e, message: e.message + note, evidence: [...new Set([...e.evidence, hold.evidence])].sort() });
      }
    }
    // Vaults that hold in-scope recovery points but are missing from every vault listing.
    for (const [key, hold] of holding) {
      if (timelines.has(key)) continue;
      const [account, region, name] = key.split('|');
      exceptions.push(unevaluated(range, { resource: name, account, region, message: 'the vault holds in-scope recovery points but no vault listing describes it', evidence: [hold.evidence, ...evidenceOf(view, ['backup.vaults'], { account, region })] }));
    }
    if (checked === 0 && exceptions.length === 0) {
      return { status: 'not_applicable', summary: 'no vault held in-scope recovery points in the period', exceptions };
    }
    const failing = new Set(exceptions.filter((e) => e.kind === 'failure').map((e) => e.resource)).size;
    return {
      summary: `${plural(checked, 'vault')} held in-scope recovery points; ${failing} ${failing === 1 ? 'was' : 'were'} not immutable with ≥ ${target} days minimum retention at some time in the period.`,
      exceptions,
    };
  },
};

import { regionOfArn } from '../support/arn.js';
import { makeException, plural } from '../support/exceptions.js';
import { buildInventory, INVENTORY_SOURCES } from '../support/inventory.js';
import { field, listOf, text, timeOf, type Json } from '../support/records.js';
import { scopeOf } from '../support/tags.js';
import type { Control, ControlException } from '../types.js';

/** No in-scope resource, replica or backup copy lives outside the approved regions. */
export const approvedRegions: Control = {
  id: 'inventory.approved-regions',
  title: 'No in-scope resource, replica or backup copy lives outside the approved regions',
  requires: [],
  optional: [...INVENTORY_SOURCES, 'backup.copy-jobs'],
  measure:
    'The approved regions are the config\'s `regions`. At every snapshot of the period: in-scope S3 buckets (ListBuckets covers every region), RDS instances and clusters, DynamoDB tables must be in an approved region, and so must their cross-region read replicas, global database members and global table replicas; copy jobs of the period must not copy to a vault elsewhere. Each resource or placement outside is one exception, first to last seen.',
  evaluate({ view, config }) {
    const range = view.period;
    if (!INVENTORY_SOURCES.some((s) => view.has(s))) {
      return { status: 'error', summary: `could not be evaluated: no inventory (${INVENTORY_SOURCES.join(', ')}) in the period`, exceptions: [] };
    }
    const approved = new Set(config.regions);
    const inventory = buildInventory(view);
    const outside = new Map<string, { resource: string; account: string; region: string; what: string; from: string; to: string; evidence: Set<string> }>();
    const flag = (resource: string, account: string, region: string, what: string, at: string, evidence: string) => {
      if (approved.has(region)) return;
      const key = `${resource}|${region}|${what}`;
      const e = outside.get(key) ?? { resource, account, region, what, from: at, to: at, evidence: new Set<string>() };
      if (at < e.from) e.from = at;
      if (at > e.to) e.to = at;
      e.evidence.add(evidence);
      outside.set(key, e);
    };
    let checked = 0;
    const seen = new Set<string>();
    for (const [evidenceId, resources] of inventory.captured) {
      for (const r of resources) {
        const tags = inventory.byArn.get(r.arn)?.tags ?? r.tags;
        if (scopeOf(tags, config.scope.tags) !== 'in') continue;
        if (!seen.has(r.arn)) {
          seen.add(r.arn);
          checked += 1;
        }
        flag(r.arn, r.account, r.region, r.type, r.lastSeen, evidenceId);
        const rec = r.record;
        for (const arn of [
          ...(((field(rec, 'ReadReplicaDBInstanceIdentifiers') as string[] | undefined) ?? []) as string[]),
          ...(((field(rec, 'ReadReplicaIdentifiers') as string[] | undefined) ?? []) as string[]),
        ]) {
          const region = regionOfArn(arn);
          if (region) flag(r.arn, r.account, region, `replica ${arn}`, r.lastSeen, evidenceId);
        }
        for (const rep of listOf(field(rec, 'table'), 'Replicas') ?? []) {
          const region = text(rep, 'RegionName');
          if (region) flag(r.arn, r.account, region, 'global table replica', r.lastSeen, evidenceId);
        }
      }
    }
    for (const rec of view.records<Json>('backup.copy-jobs')) {
      const created = timeOf(rec.record, 'CreationDate');
      if (!created || created < range.from || created >= range.to) continue;
      const arn = text(rec.record, 'ResourceArn') ?? text(rec.record, 'SourceRecoveryPointArn') ?? '?';
      if (scopeOf(inventory.byArn.get(arn)?.tags, config.scope.tags) === 'out') continue;
      const region = regionOfArn(text(rec.record, 'DestinationBackupVaultArn'));
      if (region) flag(arn, rec.account, region, `backup copy to ${text(rec.record, 'DestinationBackupVaultArn')}`, created, rec.evidenceId);
    }
    const exceptions: ControlException[] = [...outside.values()].map((o) =>
      makeException('failure', {
        resource: o.resource,
        account: o.account,
        region: o.region,
        from: o.from,
        to: o.to,
        message: `${o.what} in ${o.region}, which is not an approved region (${config.regions.join(', ')}); seen ${o.from.slice(0, 10)} to ${o.to.slice(0, 10)}`,
        evidence: [...o.evidence],
      }),
    );
    if (checked === 0) return { status: 'not_applicable', summary: 'no in-scope resources in the inventory', exceptions };
    return { summary: `${plural(checked, 'in-scope resource')}; ${plural(exceptions.length, 'placement')} outside the approved regions (${config.regions.join(', ')}).`, exceptions };
  },
};

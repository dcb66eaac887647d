import type { Capture } from '../../period/types.js';
import { readPlanSelections, selectingPlans } from '../support/backup-selection.js';
import { intervalExceptions, plural, unevaluated } from '../support/exceptions.js';
import { buildInventory, INVENTORY_SOURCES, periodCaptures, type InventoryResource } from '../support/inventory.js';
import { text, type Json } from '../support/records.js';
import { scopeOf } from '../support/tags.js';
import { findBadIntervals, type StateObservation } from '../support/timeline.js';
import type { Control, ControlException } from '../types.js';

const HOUR_MS = 3_600_000;

/**
 * Resources that are backed up through another resource: Aurora cluster members (the cluster is
 * backed up) and read replicas (their source is).
 */
function backedUpElsewhere(r: InventoryResource): boolean {
  if (r.type !== 'AWS::RDS::DBInstance') return false;
  return Boolean(text(r.record, 'DBClusterIdentifier') || text(r.record, 'ReadReplicaSourceDBInstanceIdentifier') || text(r.record, 'ReadReplicaSourceDBClusterIdentifier'));
}

/** Every in-scope resource is selected by an AWS Backup plan throughout the period. */
export const planCoverage: Control = {
  id: 'backup.plan-coverage',
  title: 'Every in-scope resource is selected by an AWS Backup plan throughout the period',
  requires: ['backup.selections'],
  optional: [...INVENTORY_SOURCES],
  measure:
    'The inventory (S3 buckets, RDS instances and Aurora clusters, DynamoDB tables) gives the in-scope resources (scope.tags) and their tags; at each snapshot of backup.selections, every in-scope resource of that account and region must be assigned to a plan by a selection (Resources/NotResources ARN patterns, ListOfTags, Conditions, as AWS applies them). Aurora cluster members and read replicas are covered through their cluster or source. Each interval a resource was not selected is one exception.',
  evaluate({ view, config }) {
    const range = view.period;
    const present = INVENTORY_SOURCES.filter((s) => view.has(s));
    if (present.length === 0) {
      return { status: 'error', summary: `could not be evaluated: no inventory of resources (${INVENTORY_SOURCES.join(', ')}) in the period`, exceptions: [] };
    }
    const inventory = buildInventory(view);
    const regions = new Set(config.regions);
    const inScope = inventory.resources.filter((r) => regions.has(r.region) && !backedUpElsewhere(r) && scopeOf(r.tags, config.scope.tags) !== 'out');
    const byAccountRegion = new Map<string, InventoryResource[]>();
    for (const r of inScope) {
      const key = `${r.account}|${r.region}`;
      byAccountRegion.set(key, [...(byAccountRegion.get(key) ?? []), r]);
    }
    const observations = new Map<string, StateObservation[]>();
    const captures = periodCaptures(view.series<Json>('backup.selections'), range);
    const capturesByKey = new Map<string, Capture<Json>[]>();
    for (const c of captures) capturesByKey.set(`${c.account}|${c.region}`, [...(capturesByKey.get(`${c.account}|${c.region}`) ?? []), c]);
    const exceptions: ControlException[] = [];
    for (const [key, resources] of byAccountRegion) {
      const mine = capturesByKey.get(key) ?? [];
      for (const r of resources) {
        if (scopeOf(r.tags, config.scope.tags) === 'unknown') {
          exceptions.push(unevaluated(range, { resource: r.arn, account: r.account, region: r.region, message: 'its tags could not be read, so its scope is unknown', evidence: [r.evidence] }));
          continue;
        }
        if (mine.length === 0) {
          exceptions.push(unevaluated(range, { resource: r.arn, account: r.account, region: r.region, message: `no backup.selections evidence for ${r.account} ${r.region}`, evidence: [r.evidence] }));
          continue;
        }
        const list: StateObservation[] = [];
        for (const c of mine) {
          // Only while the resource existed: not before it was first seen, nor after it was last seen.
          // (Captures of one snapshot are minutes apart: allow an hour either side.)
          if (Date.parse(c.at) < Date.parse(r.firstSeen) - HOUR_MS || Date.parse(c.at) > Date.parse(r.lastSeen) + HOUR_MS) continue;
          const found = selectingPlans(readPlanSelections(c.data), r.arn, r.tags);
          list.push({
            at: c.at,
            state: found.match === 'selected' ? 'ok' : found.match === 'unknown' ? 'unknown' : 'bad',
            evidence: c.evidenceId,
            source: 'snapshot',
            detail: found.match === 'selected' ? `selected by ${found.plans.join(', ')}` : (found.unknownBecause ?? 'no backup plan selects it'),
          });
        }
        observations.set(r.arn, list);
        const result = findBadIntervals(list, range, r.createdAt);
        if (!result.known) {
          if (list.length > 0) exceptions.push(unevaluated(range, { resource: r.arn, account: r.account, region: r.region, message: result.unknown[0] ?? 'unknown', evidence: list.map((o) => o.evidence) }));
          continue;
        }
        exceptions.push(
          ...intervalExceptions(result, { resource: r.arn, account: r.account, region: r.region, what: 'not selected by any backup plan' }).map((e) => ({
            ...e,
            evidence: [...new Set([...e.evidence, r.evidence])].sort(),
          })),
        );
      }
    }
    const checked = [...observations.keys()].length;
    if (inScope.length === 0) return { status: 'not_applicable', summary: 'no in-scope resources in the inventory', exceptions };
    const failing = new Set(exceptions.filter((e) => e.kind === 'failure').map((e) => e.resource)).size;
    const kinds = [...new Set(inScope.map((r) => r.type.split('::')[1]))].join(', ');
    return {
      summary: `${plural(checked, 'in-scope resource')} (${kinds}); ${failing} not selected by a backup plan at some time in the period.${
        present.length < INVENTORY_SOURCES.length ? ` Inventory from ${present.join(', ')} only.` : ''
      }`,
      exceptions,
    };
  },
};


import { makeException, plural } from '../support/exceptions.js';
import { buildInventory, INVENTORY_SOURCES } from '../support/inventory.js';
import { listOf, text, type Json } from '../support/records.js';
import { scopeOf } from '../support/tags.js';
import type { Control, ControlException } from '../types.js';

/** The secondary region of each pair holds every in-scope resource type the primary holds. */
export const regionParity: Control = {
  id: 'inventory.region-parity',
  title: 'The secondary region of each pair mirrors the in-scope resource types of its primary',
  requires: [],
  optional: [...INVENTORY_SOURCES, 'backup.vaults', 'config.resources'],
  measure:
    'At the latest snapshot of the period, per account and region pair: the in-scope resource types present in the primary (S3 buckets by their region, RDS instances and clusters, DynamoDB tables, Backup vaults; with no scope tags also the types config.resources tracks) must each be present in the secondary. Each type missing from the secondary is one exception.',
  notApplicable: (config) => (config.regionPairs.length === 0 ? 'no region pairs are configured (regionPairs)' : undefined),
  evaluate({ view, config }) {
    const range = view.period;
    const sources = [...INVENTORY_SOURCES, 'backup.vaults'];
    if (![...sources, 'config.resources'].some((s) => view.has(s))) {
      return { status: 'error', summary: `could not be evaluated: no inventory (${sources.join(', ')}, config.resources) in the period`, exceptions: [] };
    }
    // Latest state: resources seen in the last capture of their source before the period's end.
    const latestIds = new Set(sources.flatMap((s) => view.latest(s).map((c) => c.evidenceId)));
    const inventory = buildInventory(view, sources);
    const present = new Map<string, Map<string, { count: number; evidence: Set<string> }>>(); // account|region → type → count
    const note = (account: string, region: string, type: string, count: number, evidence: string) => {
      const key = `${account}|${region}`;
      const types = present.get(key) ?? new Map();
      const t = types.get(type) ?? { count: 0, evidence: new Set<string>() };
      t.count += count;
      t.evidence.add(evidence);
      types.set(type, t);
      present.set(key, types);
    };
    for (const [evidenceId, resources] of inventory.captured) {
      if (!latestIds.has(evidenceId)) continue;
      for (const r of resources) {
        // Backup vaults carry no tags in the evidence: they are infrastructure, always compared.
        if (r.type !== 'AWS::Backup::BackupVault' && scopeOf(r.tags, config.scope.tags) !== 'in') continue;
        note(r.account, r.region, r.type, 1, evidenceId);
      }
    }
    if (!config.scope.tags || Object.keys(config.scope.tags).length === 0) {
      for (const c of view.latest<Json>('config.resources')) {
        for (const t of listOf(c.data, 'types') ?? []) {
          const count = (listOf(t, 'resources') ?? []).length;
          if (count > 0) note(c.account, c.region, text(t, 'resourceType') ?? '?', count, c.evidenceId);
        }
      }
    }
    const exceptions: ControlException[] = [];
    const accounts = view.accounts.filter((a) => a !== 'local');
    let compared = 0;
    const at = view.snapshots.filter((s) => s.createdAt < range.to).at(-1)?.createdAt ?? range.to;
    for (const account of accounts) {
      for (const pair of config.regionPairs) {
        const primary = present.get(`${account}|${pair.primary}`) ?? new Map();
        const secondary = present.get(`${account}|${pair.secondary}`) ?? new Map();
        for (const [type, p] of primary) {
          compared += 1;
          if (secondary.has(type)) continue;
          exceptions.push(
            makeException('failure', {
              resource: type,
              account,
              region: pair.secondary,
              from: at,
              to: at,
              message: `${plural(p.count, type)} in ${pair.primary}, none in its secondary ${pair.secondary}`,
              evidence: [...p.evidence],
            }),
          );
        }
      }
    }
    if (compared === 0) return { status: 'not_applicable', summary: 'no in-scope resources in the primary regions', exceptions };
    return { summary: `${plural(compared, 'resource type')} compared across ${plural(config.regionPairs.length, 'region pair')}; ${exceptions.length} missing from the secondary.`, exceptions };
  },
};

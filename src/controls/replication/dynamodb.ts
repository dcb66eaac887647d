import type { Capture } from '../../period/types.js';
import { intervalExceptions, plural, unevaluated } from '../support/exceptions.js';
import { periodCaptures } from '../support/inventory.js';
import { field, isObject, listOf, text, timeOf, type Json } from '../support/records.js';
import { normalizeTags, scopeOf } from '../support/tags.js';
import { findBadIntervals, observeResources, type Judgement } from '../support/timeline.js';
import type { Control, ControlException } from '../types.js';

/** In-scope DynamoDB tables are global tables with an active replica in the paired region. */
export const replicationDynamodb: Control = {
  id: 'replication.dynamodb',
  title: 'In-scope DynamoDB tables are global tables spanning their region pair throughout the period',
  requires: ['dynamodb.tables'],
  measure:
    'At each snapshot, every in-scope table in a region of a configured pair must list each paired region among its Replicas (global tables version 2019.11.21, DescribeTable) with ReplicaStatus ACTIVE (or UPDATING). Both sides of a pair are checked, since each replica is a table of its region. Each interval without the replica is an exception.',
  notApplicable: (config) => (config.regionPairs.length === 0 ? 'no region pairs are configured (regionPairs)' : undefined),
  evaluate({ view, config }) {
    const range = view.period;
    const partners = new Map<string, string[]>();
    for (const p of config.regionPairs) {
      partners.set(p.primary, [...(partners.get(p.primary) ?? []), p.secondary]);
      partners.set(p.secondary, [...(partners.get(p.secondary) ?? []), p.primary]);
    }
    const timelines = observeResources<Json>({
      captures: periodCaptures(view.series<Json>('dynamodb.tables'), range).filter((c: Capture) => partners.has(c.region)),
      list: (c) => listOf(c.data, 'tables'),
      key: (t, c) => text(field(t, 'table'), 'TableArn') ?? `arn:aws:dynamodb:${c.region}:${c.account}:table/${text(t, 'name')}`,
      region: (_t, c) => c.region,
      createdAt: (t) => timeOf(field(t, 'table'), 'CreationDateTime'),
      judge: (t, c): Judgement => {
        const table = field(t, 'table');
        if (!isObject(table)) return { state: 'unknown', detail: 'DescribeTable could not be read' };
        const replicas = listOf(table, 'Replicas') ?? [];
        const active = new Set(
          replicas.filter((r) => ['ACTIVE', 'UPDATING', undefined].includes(text(r, 'ReplicaStatus'))).map((r) => text(r, 'RegionName')),
        );
        const missing = (partners.get(c.region) ?? []).filter((r) => !active.has(r));
        if (missing.length === 0) return { state: 'ok', detail: 'global table across the pair' };
        const inactive = replicas.filter((r) => missing.includes(text(r, 'RegionName') ?? '')).map((r) => `${text(r, 'RegionName')} ${text(r, 'ReplicaStatus')}`);
        return { state: 'bad', detail: inactive.length > 0 ? `replica not active: ${inactive.join(', ')}` : `no replica in ${missing.join(', ')}` };
      },
    });
    const exceptions: ControlException[] = [];
    let checked = 0;
    for (const t of timelines.values()) {
      const latest = t.latest?.resource;
      if (!latest) continue;
      const name = text(latest, 'name') ?? t.key;
      const scope = scopeOf(normalizeTags(field(latest, 'tags')), config.scope.tags);
      if (scope === 'out') continue;
      if (scope === 'unknown') {
        exceptions.push(unevaluated(range, { resource: t.key, account: t.account, region: t.region, message: 'its tags could not be read, so its scope is unknown', evidence: [t.latest!.capture.evidenceId] }));
        continue;
      }
      checked += 1;
      const result = findBadIntervals(t.observations, range, t.since);
      if (!result.known) {
        exceptions.push(unevaluated(range, { resource: t.key, account: t.account, region: t.region, message: result.unknown[0] ?? 'unknown', evidence: t.observations.map((o) => o.evidence) }));
        continue;
      }
      exceptions.push(...intervalExceptions(result, { resource: t.key, account: t.account, region: t.region, what: `table ${name} did not span its region pair` }));
    }
    if (checked === 0 && exceptions.length === 0) return { status: 'not_applicable', summary: 'no in-scope DynamoDB tables in paired regions', exceptions };
    const failing = new Set(exceptions.filter((e) => e.kind === 'failure').map((e) => e.resource)).size;
    return { summary: `${plural(checked, 'in-scope table')} in paired regions; ${failing} not a global table across its pair at some time in the period.`, exceptions };
  },
};

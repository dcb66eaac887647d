import type { Capture } from '../../period/types.js';
import { plural, scopedTimelineExceptions } from '../support/exceptions.js';
import { periodCaptures } from '../support/inventory.js';
import { field, isObject, listOf, text, timeOf, type Json } from '../support/records.js';
import { normalizeTags } from '../support/tags.js';
import { observeResources, type Judgement } from '../support/timeline.js';
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
      const judged = scopedTimelineExceptions(range, t, {
        resource: t.key,
        tags: normalizeTags(field(latest, 'tags')),
        scopeTags: config.scope.tags,
        what: `table ${text(latest, 'name') ?? t.key} did not span its region pair`,
      });
      if (judged.scope === 'in') checked += 1;
      if (judged.scope !== 'out') exceptions.push(...judged.exceptions);
    }
    if (checked === 0 && exceptions.length === 0) return { status: 'not_applicable', summary: 'no in-scope DynamoDB tables in paired regions', exceptions };
    const failing = new Set(exceptions.filter((e) => e.kind === 'failure').map((e) => e.resource)).size;
    return { summary: `${plural(checked, 'in-scope table')} in paired regions; ${failing} not a global table across its pair at some time in the period.`, exceptions };
  },
};

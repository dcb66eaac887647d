import type { Capture } from '../../period/types.js';
import { regionOfArn } from '../support/arn.js';
import { plural, scopedTimelineExceptions } from '../support/exceptions.js';
import { periodCaptures } from '../support/inventory.js';
import { bool, field, listOf, text, timeOf, type Json } from '../support/records.js';
import { normalizeTags } from '../support/tags.js';
import { observeResources, type Judgement, type ResourceTimeline } from '../support/timeline.js';
import type { Control, ControlException } from '../types.js';

/** Global clusters by identifier, from every capture of rds.clusters (AWS answers the same list in each region). */
function globalClustersOf(captures: readonly Capture<Json>[]): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const c of captures) for (const g of listOf(c.data, 'globalClusters') ?? []) out.set(`${c.account}|${text(g, 'GlobalClusterIdentifier')}`, g);
  return out;
}

function otherRegions(arns: readonly string[], home: string): string[] {
  return [...new Set(arns.map((a) => regionOfArn(a)).filter((r): r is string => Boolean(r) && r !== home))];
}

/** In-scope RDS databases have a cross-region read replica or an Aurora global database member in another region. */
export const replicationRds: Control = {
  id: 'replication.rds',
  title: 'In-scope RDS databases have a cross-region replica or an Aurora global database member in another region throughout the period',
  requires: ['rds.instances', 'rds.clusters'],
  measure:
    'At each snapshot: every in-scope RDS instance that is neither an Aurora member nor itself a replica must list a read replica in another region (ReadReplicaDBInstanceIdentifiers, cross-region replicas appear as ARNs); every in-scope Aurora cluster that is not itself a replica or a secondary of a global database must belong to a global database with a member in another region (DescribeGlobalClusters) or list a cross-region replica cluster (ReadReplicaIdentifiers). Each interval without one is an exception.',
  evaluate({ view, config }) {
    const range = view.period;
    const approved = new Set(config.regions);
    const instanceCaptures = periodCaptures(view.series<Json>('rds.instances'), range);
    const clusterCaptures = periodCaptures(view.series<Json>('rds.clusters'), range);
    const globals = globalClustersOf(clusterCaptures);
    const exceptions: ControlException[] = [];
    let checked = 0;

    const instances = observeResources<Json>({
      captures: instanceCaptures,
      list: (c: Capture) => (listOf(c.data, 'instances') ?? []).filter((i) => !text(i, 'DBClusterIdentifier') && !text(i, 'ReadReplicaSourceDBInstanceIdentifier') && !text(i, 'ReadReplicaSourceDBClusterIdentifier')),
      key: (i) => text(i, 'DBInstanceArn') ?? '',
      region: (_i, c) => c.region,
      createdAt: (i) => timeOf(i, 'InstanceCreateTime'),
      judge: (i, c): Judgement => {
        const replicas = otherRegions((field(i, 'ReadReplicaDBInstanceIdentifiers') as string[] | undefined) ?? [], c.region);
        const approvedReplicas = replicas.filter((r) => approved.has(r));
        if (approvedReplicas.length > 0) return { state: 'ok', detail: `read replica in ${approvedReplicas.join(', ')}` };
        return { state: 'bad', detail: replicas.length > 0 ? `read replicas only in ${replicas.join(', ')}, not an approved region` : 'no cross-region read replica' };
      },
    });
    const clusters = observeResources<Json>({
      captures: clusterCaptures,
      list: (c: Capture) =>
        (listOf(c.data, 'clusters') ?? []).filter((cl) => {
          if (text(cl, 'ReplicationSourceIdentifier')) return false;
          const gid = text(cl, 'GlobalClusterIdentifier');
          const g = gid ? globals.get(`${c.account}|${gid}`) : undefined;
          const me = (listOf(g, 'GlobalClusterMembers') ?? []).find((m) => text(m, 'DBClusterArn') === text(cl, 'DBClusterArn'));
          return !(me && bool(me, 'IsWriter') === false);
        }),
      key: (cl) => text(cl, 'DBClusterArn') ?? '',
      region: (_cl, c) => c.region,
      createdAt: (cl) => timeOf(cl, 'ClusterCreateTime'),
      judge: (cl, c): Judgement => {
        const gid = text(cl, 'GlobalClusterIdentifier');
        if (gid) {
          const g = globals.get(`${c.account}|${gid}`);
          if (!g) return { state: 'unknown', detail: `global database ${gid} is not in the evidence` };
          const regions = otherRegions((listOf(g, 'GlobalClusterMembers') ?? []).map((m) => text(m, 'DBClusterArn') ?? ''), c.region).filter((r) => approved.has(r));
          if (regions.length > 0) return { state: 'ok', detail: `global database ${gid} spans ${regions.join(', ')}` };
        }
        const replicas = otherRegions((field(cl, 'ReadReplicaIdentifiers') as string[] | undefined) ?? [], c.region).filter((r) => approved.has(r));
        if (replicas.length > 0) return { state: 'ok', detail: `replica cluster in ${replicas.join(', ')}` };
        return { state: 'bad', detail: gid ? `global database ${gid} has no member in another approved region` : 'no global database member or replica cluster in another region' };
      },
    });
    const evaluateAll = (timelines: Map<string, ResourceTimeline<Json>>, name: (r: Json) => string) => {
      for (const t of timelines.values()) {
        const latest = t.latest?.resource;
        if (!latest || !approved.has(t.region)) continue;
        const judged = scopedTimelineExceptions(range, t, {
          resource: t.key,
          tags: normalizeTags(field(latest, 'TagList')),
          scopeTags: config.scope.tags,
          what: `${name(latest)} had no cross-region replica`,
        });
        if (judged.scope === 'in') checked += 1;
        if (judged.scope !== 'out') exceptions.push(...judged.exceptions);
      }
    };
    evaluateAll(instances, (i) => `DB instance ${text(i, 'DBInstanceIdentifier')}`);
    evaluateAll(clusters, (cl) => `DB cluster ${text(cl, 'DBClusterIdentifier')}`);
    if (checked === 0 && exceptions.length === 0) return { status: 'not_applicable', summary: 'no in-scope RDS instances or Aurora clusters in the period', exceptions };
    const failing = new Set(exceptions.filter((e) => e.kind === 'failure').map((e) => e.resource)).size;
    return { summary: `${plural(checked, 'in-scope database')}; ${failing} without a cross-region replica at some time in the period.`, exceptions };
  },
};

import { paginateDescribeDBClusters, paginateDescribeGlobalClusters, type DBCluster, type GlobalCluster } from '@aws-sdk/client-rds';
import type { Collector } from '../types.js';

/**
 * Evidence of `rds.clusters` for one account × region.
 *
 * A cluster that replicates from another region names its source in `ReplicationSourceIdentifier`
 * (an ARN); a source lists cross-region replica clusters in `ReadReplicaIdentifiers`. Aurora
 * global databases are account-wide objects: DescribeGlobalClusters answers the same list in
 * every region, so each region's envelope holds it as AWS returned it and consumers dedupe by
 * `GlobalClusterIdentifier`. A member's region is the region in its `DBClusterArn`.
 */
export interface RdsClusters {
  /** DescribeDBClusters, every page, as AWS returns each DBCluster (Aurora, Multi-AZ DB clusters; TagList included). */
  clusters: DBCluster[];
  /** DescribeGlobalClusters, every page, with GlobalClusterMembers (IsWriter, Readers). Missing when the call failed (see gaps). */
  globalClusters?: GlobalCluster[];
}

/** RDS/Aurora DB clusters with members, replication sources and replicas, and Aurora global databases. */
export const rdsClusters: Collector<RdsClusters> = {
  id: 'rds.clusters',
  schema: 'rds.clusters.v1',
  title: 'Aurora and Multi-AZ DB clusters with members, cross-region replicas, backup retention, tags, and global clusters',
  scope: 'region',
  group: 'state',
  operations: ['rds:DescribeDBClusters', 'rds:DescribeGlobalClusters'],
  async collect(ctx) {
    const client = ctx.clients.rds;
    const clusters: DBCluster[] = [];
    for await (const page of paginateDescribeDBClusters({ client }, {})) clusters.push(...(page.DBClusters ?? []));
    ctx.progress(`${clusters.length} DB clusters`);

    const globalClusters = await ctx.attempt(
      'rds:DescribeGlobalClusters',
      (async () => {
        const list: GlobalCluster[] = [];
        for await (const page of paginateDescribeGlobalClusters({ client }, {})) list.push(...(page.GlobalClusters ?? []));
        return list;
      })(),
    );
    return {
      data: { clusters, ...(globalClusters ? { globalClusters } : {}) },
      recordCount: clusters.length + (globalClusters?.length ?? 0),
    };
  },
};

import {
  paginateDescribeDBInstanceAutomatedBackups,
  paginateDescribeDBInstances,
  type DBInstance,
  type DBInstanceAutomatedBackup,
} from '@aws-sdk/client-rds';
import type { Collector } from '../types.js';

/**
 * Evidence of `rds.instances` for one account × region.
 *
 * Cross-region read replicas are visible from both ends: the source lists them in
 * `ReadReplicaDBInstanceIdentifiers` as ARNs (same-region replicas as plain identifiers), and a
 * replica names its source in `ReadReplicaSourceDBInstanceIdentifier` (an ARN when the source is
 * in another region). Automated backups replicated to another region appear on the source
 * instance as `DBInstanceAutomatedBackupsReplications` (ARNs in the destination region) and, in
 * the destination region's `automatedBackups`, as entries whose `Region` is the source region.
 */
export interface RdsInstances {
  /** DescribeDBInstances, every page, as AWS returns each DBInstance (TagList included). */
  instances: DBInstance[];
  /**
   * DescribeDBInstanceAutomatedBackups in this region: automated backups of current instances
   * (`active`), of deleted ones (`retained`), and backups replicated here from another region
   * (`replicating`, `Region` = the source region). Missing when the call failed (see gaps).
   */
  automatedBackups?: DBInstanceAutomatedBackup[];
}

/** RDS DB instances with replicas, encryption, backup retention, tags and replicated automated backups. */
export const rdsInstances: Collector<RdsInstances> = {
  id: 'rds.instances',
  schema: 'rds.instances.v1',
  title: 'RDS DB instances with read replicas, Multi-AZ, encryption, backup retention, tags and cross-region automated backups',
  scope: 'region',
  group: 'state',
  operations: ['rds:DescribeDBInstances', 'rds:DescribeDBInstanceAutomatedBackups'],
  async collect(ctx) {
    const client = ctx.clients.rds;
    const instances: DBInstance[] = [];
    for await (const page of paginateDescribeDBInstances({ client }, {})) instances.push(...(page.DBInstances ?? []));
    ctx.progress(`${instances.length} DB instances`);

    const automatedBackups = await ctx.attempt(
      'rds:DescribeDBInstanceAutomatedBackups',
      (async () => {
        const backups: DBInstanceAutomatedBackup[] = [];
        for await (const page of paginateDescribeDBInstanceAutomatedBackups({ client }, {})) {
          backups.push(...(page.DBInstanceAutomatedBackups ?? []));
        }
        return backups;
      })(),
    );
    return {
      data: { instances, ...(automatedBackups ? { automatedBackups } : {}) },
      recordCount: instances.length,
    };
  },
};

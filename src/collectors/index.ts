import { UsageError } from '../errors.js';
import { backupPlans } from './backup/plans.js';
import { backupVaults } from './backup/vaults.js';
import { backupJobs } from './backup/backup-jobs.js';
import { backupCopyJobs } from './backup/copy-jobs.js';
import { backupProtectedResources } from './backup/protected-resources.js';
import { backupRecoveryPoints } from './backup/recovery-points.js';
import { backupReportPlans } from './backup/report-plans.js';
import { backupRestoreJobs } from './backup/restore-jobs.js';
import { backupRestoreTesting } from './backup/restore-testing.js';
import { backupSelections } from './backup/selections.js';
import { cloudtrailEvents } from './cloudtrail/events.js';
import { cloudtrailTrails } from './cloudtrail/trails.js';
import { cloudwatchAlarms } from './cloudwatch/alarms.js';
import { configAggregateResources } from './config/aggregate-resources.js';
import { configHistory } from './config/history.js';
import { configRecorders } from './config/recorders.js';
import { configResources } from './config/resources.js';
import { drRecords } from './dr/records.js';
import { dynamodbTables } from './dynamodb/tables.js';
import { kmsKeys } from './kms/keys.js';
import { rdsClusters } from './rds/clusters.js';
import { rdsInstances } from './rds/instances.js';
import { s3Buckets } from './s3/buckets.js';
import type { Collector, SourceGroup } from './types.js';

/** Every collector, in the order they are documented. Add a new one here (docs/ARCHITECTURE.md). */
export const collectors: readonly Collector[] = [
  backupPlans as Collector,
  backupVaults as Collector,
  backupSelections as Collector,
  backupProtectedResources as Collector,
  backupRecoveryPoints as Collector,
  backupJobs as Collector,
  backupCopyJobs as Collector,
  backupRestoreJobs as Collector,
  backupRestoreTesting as Collector,
  backupReportPlans as Collector,
  cloudtrailTrails as Collector,
  cloudtrailEvents as Collector,
  configRecorders as Collector,
  configResources as Collector,
  configAggregateResources as Collector,
  configHistory as Collector,
  drRecords as Collector,
  s3Buckets as Collector,
  rdsInstances as Collector,
  rdsClusters as Collector,
  dynamodbTables as Collector,
  kmsKeys as Collector,
  cloudwatchAlarms as Collector,
];

export const SOURCE_GROUPS: readonly SourceGroup[] = ['state', 'jobs', 'events', 'history', 'records'];

/**
 * The collectors `--only` asks for. Each word is a source group (`jobs`, `events`…), a service
 * (`backup`, `s3`: the part of the id before the dot) or a collector id. No words: all of them.
 */
export function selectCollectors(all: readonly Collector[], only?: readonly string[]): Collector[] {
  if (!only || only.length === 0) return [...all];
  const chosen = new Set<Collector>();
  for (const raw of only) {
    const word = raw.trim();
    if (!word) continue;
    const matches = all.filter((c) => c.group === word || c.id === word || c.id.split('.')[0] === word);
    if (matches.length === 0) {
      const services = [...new Set(all.map((c) => c.id.split('.')[0]))].sort();
      throw new UsageError(
        `--only: "${word}" is not a source group (${SOURCE_GROUPS.join(', ')}), a service (${services.join(', ')}) or a collector id`,
      );
    }
    for (const m of matches) chosen.add(m);
  }
  return all.filter((c) => chosen.has(c));
}

/**
 * A small, real evidence store for the report tests: one account, us-east-1 paired with us-west-2,
 * the first quarter of 2026. Monthly state snapshots (buckets, vaults, plans, selections, recovery
 * points, recorders, trails, tables, databases, alarms, DR records, Config history, CloudTrail
 * events) and job snapshots every 15 days (backup, copy and restore jobs, each window re-reading
 * two days of the one before, so the same job is seen twice). Deliberate findings:
 * - backup.job-success fails: the `claims` database's backups FAILED for seven days in February;
 * - dr.rto-rpo is waived: the February restore test took 300 minutes (target 240), waived in the config;
 * - a coverage gap: us-west-2 backup jobs were not captured from 2026-01-31 to 2026-02-15;
 * - sources never collected (kms.keys, config.resources, …) are gaps of their own.
 */
import type { Config } from '../../src/config/types.js';
import type { CallRecord } from '../../src/evidence/types.js';
import { testConfig } from './config.js';
import { ACCOUNT, at, createFixtureStore, plusDays, type FixtureEnvelope, type FixtureStore } from './evidence-fixtures.js';
import {
  backupJob,
  backupPlan,
  backupVault,
  copyJob,
  drRecord,
  dynamoTable,
  historyData,
  metricAlarm,
  planRule,
  rdsInstance,
  recorders,
  recoveryPoint,
  recoveryPoints,
  restoreJob,
  s3Bucket,
  s3BucketItem,
  s3Replica,
  selectionsData,
  trail,
  trailEvent,
} from './evidence-data.js';

export const PERIOD = { start: '2026-01-01', end: '2026-03-31' } as const;
export const CLAIMS_DB = `arn:aws:rds:us-east-1:${ACCOUNT}:db:claims`;
export const RECORDS_BUCKET = 'arn:aws:s3:::records';
/** The restore test whose RTO exceeds the target, and is waived. */
export const SLOW_RESTORE = 'restore-2026-02-20';

export function reportConfig(dir: string, overrides: Record<string, unknown> = {}): Config {
  return testConfig(
    {
      period: PERIOD,
      accounts: [{ id: ACCOUNT, name: 'prod' }],
      regions: ['us-east-1', 'us-west-2'],
      regionPairs: [{ primary: 'us-east-1', secondary: 'us-west-2' }],
      scope: { tags: { soc2: 'in-scope' } },
      targets: { rtoMinutes: 240, rpoMinutes: 60, drTestFrequency: 'quarterly' },
      store: dir,
      waivers: [
        {
          control: 'dr.rto-rpo',
          resource: SLOW_RESTORE,
          reason: 'Restore test ran against a cold-storage recovery point; runbook updated',
          approver: 'Priya Raman (CTO)',
          expires: '2026-12-31',
        },
      ],
      ...overrides,
    },
    dir,
  );
}

const call = (operation: string, parameters: Record<string, unknown>, records: number, id: string): CallRecord => ({
  operation,
  parameters,
  pages: 1,
  records,
  outcome: 'ok',
  requestIds: [`req-${id}`],
});

const DAY = 86_400_000;
const days = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += DAY) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};

/** Every backup, copy and restore job created in [from, to). */
function jobsBetween(from: string, to: string): { backup: Array<Record<string, unknown>>; copy: Array<Record<string, unknown>>; restore: Array<Record<string, unknown>> } {
  const backup: Array<Record<string, unknown>> = [];
  const copy: Array<Record<string, unknown>> = [];
  const restore: Array<Record<string, unknown>> = [];
  for (const day of days('2025-12-15', '2026-04-02')) {
    const created = at(day, 5);
    if (created < from || created >= to) continue;
    const failing = day >= '2026-02-10' && day <= '2026-02-16';
    backup.push(backupJob(`job-claims-${day}`, CLAIMS_DB, failing ? 'FAILED' : 'COMPLETED', created, { ResourceName: 'claims', BackupSizeInBytes: 2048 }));
    backup.push(backupJob(`job-records-${day}`, RECORDS_BUCKET, 'COMPLETED', at(day, 5, 1), { ResourceName: 'records', RecoveryPointArn: `arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:rp-${day}` }));
    copy.push(copyJob(`copy-records-${day}`, RECORDS_BUCKET, 'COMPLETED', at(day, 6), { SourceRecoveryPointArn: `arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:rp-${day}` }));
  }
  for (const [id, day, minutes] of [
    ['restore-2026-01-20', '2026-01-20', 45],
    [SLOW_RESTORE, '2026-02-20', 300],
    ['restore-2026-03-20', '2026-03-20', 45],
  ] as const) {
    const created = at(day, 3);
    if (created < from || created >= to) continue;
    restore.push(restoreJob(id, created, { CompletionDate: new Date(Date.parse(created) + minutes * 60_000).toISOString(), SourceResourceArn: RECORDS_BUCKET }));
  }
  return { backup, copy, restore };
}

/** Jobs envelopes of one capture: windows re-read two days of the previous capture. */
function jobEnvelopes(captureAt: string, previousAt: string, options: { skipWestBackupJobs?: boolean } = {}): FixtureEnvelope[] {
  const start = plusDays(previousAt, -2);
  const window = { start, end: captureAt };
  const jobs = jobsBetween(start, captureAt);
  const params = { ByCreatedAfter: start, ByCreatedBefore: captureAt, MaxResults: 1000 };
  const envelopes: FixtureEnvelope[] = [];
  for (const region of ['us-east-1', 'us-west-2']) {
    const east = region === 'us-east-1';
    const list = (l: Array<Record<string, unknown>>) => (east ? l : []);
    if (!(options.skipWestBackupJobs && !east)) {
      envelopes.push({
        collector: 'backup.backup-jobs',
        region,
        window,
        data: { jobs: list(jobs.backup) },
        calls: [call('backup:ListBackupJobs', params, list(jobs.backup).length, `bj-${region}-${captureAt}`)],
      });
    }
    envelopes.push(
      { collector: 'backup.copy-jobs', region, window, data: { jobs: list(jobs.copy) }, calls: [call('backup:ListCopyJobs', params, list(jobs.copy).length, `cj-${region}-${captureAt}`)] },
      {
        collector: 'backup.restore-jobs',
        region,
        window,
        data: { jobs: list(jobs.restore) },
        calls: [call('backup:ListRestoreJobs', params, list(jobs.restore).length, `rj-${region}-${captureAt}`)],
      },
    );
  }
  return envelopes;
}

const EVENT_NAMES = ['FailoverGlobalCluster', 'StartRestoreJob', 'PutBucketReplication', 'DeleteBucketReplication'];

function trailEvents(from: string, to: string): Array<Record<string, unknown>> {
  const all: Array<Record<string, unknown>> = [
    { ...trailEvent('PutBucketReplication', at('2026-01-12', 9), { bucketName: 'records' }), category: 'protection-change' },
    { ...trailEvent('StartRestoreJob', at('2026-02-20', 3), { recoveryPointArn: `arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:rp-2026-02-19` }), category: 'recovery' },
    { ...trailEvent('FailoverGlobalCluster', at('2026-03-05', 14), { globalClusterIdentifier: 'ledger-global' }), category: 'failover' },
    // A failed call: it changed nothing, but the population lists it with its error.
    { ...trailEvent('DeleteBucketReplication', at('2026-03-09', 11), { bucketName: 'records' }, { errorCode: 'AccessDenied' }), category: 'protection-change' },
  ];
  return all.filter((e) => String(e.EventTime) >= from && String(e.EventTime) < to);
}

/** State and history envelopes of a monthly capture at `captureAt` (history and events since `previousAt`). */
function stateEnvelopes(captureAt: string, previousAt: string): FixtureEnvelope[] {
  const envelopes: FixtureEnvelope[] = [];
  const snap = captureAt.slice(0, 10);
  envelopes.push({
    collector: 's3.buckets',
    region: 'global',
    data: { buckets: [s3Bucket('records'), s3Replica('records')] },
    calls: [call('s3:ListBuckets', {}, 2, `s3-${snap}`), call('s3:GetBucketReplication', { Bucket: 'records' }, 1, `s3r-${snap}`)],
  });
  envelopes.push({
    collector: 'dr.records',
    account: 'local',
    region: 'global',
    data: { folder: 'dr-tests', records: [drRecord('DR-2026-Q1', at('2026-02-14', 14), { rtoMinutes: 38, rpoMinutes: 1 })] },
  });
  const points = [recoveryPoint(RECORDS_BUCKET, { CreationDate: plusDays(captureAt, -3), RecoveryPointArn: `arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:rp-${plusDays(captureAt, -3).slice(0, 10)}` })];
  for (const region of ['us-east-1', 'us-west-2']) {
    const east = region === 'us-east-1';
    const vault = east ? 'primary' : 'secondary';
    envelopes.push(
      { collector: 'backup.vaults', region, data: { vaults: [backupVault(vault, region)] }, calls: [call('backup:ListBackupVaults', {}, 1, `bv-${region}-${snap}`)] },
      {
        collector: 'backup.plans',
        region,
        data: { plans: east ? [backupPlan('daily', [planRule('daily')])] : [backupPlan('west', [planRule('west', { TargetBackupVaultName: 'secondary', CopyActions: [] })], ACCOUNT, region)] },
        calls: [call('backup:ListBackupPlans', {}, 1, `bp-${region}-${snap}`)],
      },
      {
        collector: 'backup.selections',
        region,
        data: selectionsData([{ id: east ? 'plan-daily' : 'plan-west', selections: [{ Resources: ['*'], Conditions: { StringEquals: [{ ConditionKey: 'aws:ResourceTag/soc2', ConditionValue: 'in-scope' }] } }] }], region),
      },
      {
        collector: 'backup.recovery-points',
        region,
        data: recoveryPoints([{ name: vault, points: east ? points : [] }], region),
        calls: [call('backup:ListRecoveryPointsByBackupVault', { BackupVaultName: vault, MaxResults: 1000 }, east ? points.length : 0, `rp-${region}-${snap}`)],
      },
      { collector: 'config.recorders', region, data: recorders(true) },
      { collector: 'cloudtrail.trails', region, data: { trails: east ? [trail('org-trail')] : [] } },
      {
        collector: 'dynamodb.tables',
        region,
        data: { tables: [dynamoTable('members', region, [{ RegionName: east ? 'us-west-2' : 'us-east-1', ReplicaStatus: 'ACTIVE' }])] },
      },
      {
        collector: 'rds.instances',
        region,
        data: {
          instances: [
            east
              ? rdsInstance('claims', region, { ReadReplicaDBInstanceIdentifiers: [`arn:aws:rds:us-west-2:${ACCOUNT}:db:claims-replica`] })
              : rdsInstance('claims-replica', region, { ReadReplicaSourceDBInstanceIdentifier: CLAIMS_DB, ReadReplicaDBInstanceIdentifiers: [] }),
          ],
          automatedBackups: [],
        },
      },
      { collector: 'rds.clusters', region, data: { clusters: [], globalClusters: [] } },
      {
        collector: 'cloudwatch.alarms',
        region,
        data: {
          metricAlarms: east
            ? [
                metricAlarm('backup-failures', 'backup-job-failure'),
                metricAlarm('s3-replication', 's3-replication'),
                metricAlarm('rds-replica-lag', 'rds-replication'),
                metricAlarm('members-replication', 'dynamodb-replication'),
              ]
            : [metricAlarm('backup-failures-west', 'backup-job-failure', {}, region)],
          compositeAlarms: [],
        },
      },
    );
    // Windowed sources: what happened since the previous monthly capture.
    const window = { start: previousAt, end: captureAt };
    const items = east
      ? [s3BucketItem('records', at('2025-12-01')), s3BucketItem('records', at('2026-02-10', 8), { versioning: 'Enabled' })].map((item, i) =>
          i === 1 ? { ...item, supplementaryConfigurationParsed: { ...(item.supplementaryConfigurationParsed as object), BucketLoggingConfiguration: { destinationBucketName: 'logs' } } } : item,
        )
      : [];
    envelopes.push({
      collector: 'config.history',
      region,
      window,
      data: historyData(items.filter((i) => String(i.configurationItemCaptureTime) < captureAt)),
      calls: [call('config:GetResourceConfigHistory', { resourceType: 'AWS::S3::Bucket', resourceId: 'records', laterTime: captureAt }, items.length, `ch-${region}-${snap}`)],
    });
    const events = east ? trailEvents(previousAt, captureAt) : [];
    envelopes.push({
      collector: 'cloudtrail.events',
      region,
      window,
      data: { queries: EVENT_NAMES.map((n) => ({ eventName: n, category: 'protection-change', count: events.filter((e) => e.EventName === n).length })), events },
      calls: EVENT_NAMES.map((name) =>
        call(
          'cloudtrail:LookupEvents',
          { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }], StartTime: previousAt, EndTime: captureAt, MaxResults: 50 },
          events.filter((e) => e.EventName === name).length,
          `ct-${name}-${region}-${snap}`,
        ),
      ),
    });
  }
  return envelopes;
}

export const MONTHLY = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01'].map((d) => at(d, 2));
export const JOB_CAPTURES = ['2026-01-01', '2026-01-16', '2026-01-31', '2026-02-15', '2026-03-02', '2026-03-17', '2026-04-01'].map((d) => at(d, 3));

/** Writes the estate into a new temporary store (snapshots in time order). */
export async function createReportEstate(): Promise<FixtureStore> {
  const fx = await createFixtureStore();
  const writes: Array<{ at: string; envelopes: FixtureEnvelope[] }> = [];
  MONTHLY.forEach((m, i) => writes.push({ at: m, envelopes: stateEnvelopes(m, i === 0 ? plusDays(m, -31) : MONTHLY[i - 1]) }));
  JOB_CAPTURES.forEach((c, i) => writes.push({ at: c, envelopes: jobEnvelopes(c, i === 0 ? plusDays(c, -15) : JOB_CAPTURES[i - 1], { skipWestBackupJobs: c.startsWith('2026-02-15') }) }));
  writes.sort((a, b) => a.at.localeCompare(b.at));
  for (const w of writes) await fx.write(w);
  return fx;
}

/**
 * A small, real estate for the report documents' tests (and bench/report.ts): snapshots written
 * with evidence-fixtures.ts into a temporary LocalEvidenceStore, evaluated by evaluatePeriod, and
 * a ReportContext with evidence index rows built here (the way build-report does, simplified).
 *
 * One account (prod) in us-east-1 paired with us-west-2, plus eu-west-1 holding an in-scope bucket;
 * the first quarter of 2026. Deliberate facts:
 * - `records` (us-east-1) replicates to `records-replica` (us-west-2); AWS Config history shows its
 *   replication removed on 2026-02-10 and restored on 2026-02-20 (a replication.s3 exception, waived);
 * - `eu-archive` (eu-west-1) is in scope and does not replicate (an unwaived replication.s3 failure);
 * - bucket `exports` was created on 2026-03-05;
 * - a backup job failed; copy jobs from us-east-1 to us-west-2; a restore test; a game day;
 * - the narrative names us-east-1, Oregon and US East (Ohio) — Ohio holds nothing, and eu-west-1,
 *   which holds in-scope data, is never named.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { collectors } from '../../src/collectors/index.js';
import { buildCatalogue } from '../../src/controls/catalogue.js';
import type { Config } from '../../src/config/types.js';
import { evaluatePeriod } from '../../src/period/evaluate-period.js';
import type { EvidenceIndexRow, ReportContext } from '../../src/report/types.js';
import { sha256Hex } from '../../src/util/hash.js';
import { testConfig } from './config.js';
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
  restoreJob,
  s3Bucket,
  s3BucketItem,
  s3Replica,
  trail,
} from './evidence-data.js';
import { ACCOUNT, at, createFixtureStore, type FixtureEnvelope, type FixtureStore } from './evidence-fixtures.js';

export const FIXTURE_PERIOD = { start: '2026-01-01', end: '2026-03-31' } as const;
export const FIXTURE_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

export const FIXTURE_NARRATIVE = `services: |
  Larkspur Care Platform hosts clinical records for outpatient clinics.
commitments: |
  99.9% availability; recovery within 4 hours (RTO) losing at most 1 hour of data (RPO).
infrastructure: |
  The platform runs in us-east-1 (primary) and recovers into US West (Oregon).
  A standby environment is planned in US East (Ohio).
software: |
  A containerised API, PostgreSQL on Amazon RDS, DynamoDB and S3.
people: |
  The platform team (six engineers) operates the system; the CTO approves changes.
procedures: |
  Changes are reviewed and deployed through CI. Backups run daily and are copied to the recovery region.
data: |
  Clinical records (confidential), stored only in US regions.
boundaries: |
  Customer devices and clinics' own networks are outside the system.
incidents: |
  None.
cuecs:
  - Clinics manage the access of their own staff.
  - control: Clinics review their users every quarter.
    criteria: [CC6.2]
subserviceOrganizations:
  - name: Amazon Web Services, Inc.
    services: Infrastructure hosting (carve-out method).
    csocs:
      - AWS is responsible for the physical security of its data centers.
criteriaNotRelevant:
  - criterion: PI1.1
    reason: Processing integrity is not in the scope of this examination.
sections:
  - title: Glossary
    text: |
      RTO — recovery time objective. RPO — recovery point objective.
`;

export interface ReportFixture {
  fixture: FixtureStore;
  config: Config;
  context: ReportContext;
  cleanup(): Promise<void>;
}

const CAPTURES = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01'];

function kmsKeys(region: string): Record<string, unknown> {
  const id = 'mrk-5d8c1f0a9b2e4c7d8e1f2a3b4c5d6e7f';
  const arn = `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`;
  return {
    keys:
      region === 'us-east-1'
        ? [
            {
              key: { KeyArn: arn, KeyId: id },
              metadata: {
                AWSAccountId: ACCOUNT,
                Arn: arn,
                KeyId: id,
                CreationDate: '2025-03-12T08:31:07.000Z',
                Enabled: true,
                KeyManager: 'CUSTOMER',
                KeyState: 'Enabled',
                KeyUsage: 'ENCRYPT_DECRYPT',
                KeySpec: 'SYMMETRIC_DEFAULT',
                MultiRegion: true,
                MultiRegionConfiguration: {
                  MultiRegionKeyType: 'PRIMARY',
                  PrimaryKey: { Arn: arn, Region: 'us-east-1' },
                  ReplicaKeys: [{ Arn: `arn:aws:kms:us-west-2:${ACCOUNT}:key/${id}`, Region: 'us-west-2' }],
                },
                Origin: 'AWS_KMS',
              },
              rotation: { KeyId: arn, KeyRotationEnabled: true },
              aliases: [{ AliasName: 'alias/care-data', AliasArn: `arn:aws:kms:${region}:${ACCOUNT}:alias/care-data`, TargetKeyId: id }],
            },
          ]
        : [],
  };
}

function configResources(region: string, buckets: string[]): Record<string, unknown> {
  return {
    types: [
      { resourceType: 'AWS::S3::Bucket', resources: buckets.map((b) => ({ resourceType: 'AWS::S3::Bucket', resourceId: b, resourceName: b })) },
      { resourceType: 'AWS::EC2::Instance', resources: region === 'eu-west-1' ? [] : [{ resourceType: 'AWS::EC2::Instance', resourceId: `i-${region}-1` }, { resourceType: 'AWS::EC2::Instance', resourceId: `i-${region}-2` }] },
    ],
    counts: { totalDiscoveredResources: 40 + buckets.length, resourceCounts: [{ resourceType: 'AWS::S3::Bucket', count: buckets.length }] },
  };
}

/** A vault locked in governance mode (no LockDate). */
function governanceVault(name: string, region: string): Record<string, unknown> {
  const v = backupVault(name, region);
  delete (v.vault as Record<string, unknown>).LockDate;
  return v;
}

/** The state of the estate at one capture. `tagValue` lets the hostile test put markup into tags. */
function stateEnvelopes(capture: string, options: { tagValue?: string }): FixtureEnvelope[] {
  const tags = [{ Key: 'soc2', Value: 'in-scope' }, ...(options.tagValue ? [{ Key: 'note', Value: options.tagValue }] : [])];
  const exportsExists = capture >= '2026-03-05';
  const buckets = [
    s3Bucket('records', { tags }),
    s3Replica('records', { tags }),
    s3Bucket('eu-archive', { region: 'eu-west-1', replication: null, tags }),
    s3Bucket('logs', { replication: null, tags: [{ Key: 'team', Value: 'ops' }] }),
    ...(exportsExists ? [s3Bucket('exports', { replication: null, tags: [{ Key: 'team', Value: 'data' }] })] : []),
  ];
  const envelopes: FixtureEnvelope[] = [
    { collector: 's3.buckets', region: 'global', data: { buckets } },
    { collector: 'dr.records', account: 'local', region: 'global', data: { folder: 'dr-tests', records: [drRecord('DR-2026-Q1', at('2026-02-14', 14), { rtoMinutes: 38, rpoMinutes: 1 })] } },
  ];
  for (const region of FIXTURE_REGIONS) {
    const east = region === 'us-east-1';
    const west = region === 'us-west-2';
    envelopes.push(
      { collector: 'config.recorders', region, data: recorders(true) },
      { collector: 'config.resources', region, data: configResources(region, buckets.filter((b) => b.region === region).map((b) => String(b.name))) },
      { collector: 'kms.keys', region, data: kmsKeys(region) },
      { collector: 'cloudtrail.trails', region, data: { trails: east ? [trail('org-trail')] : [] } },
      {
        collector: 'cloudwatch.alarms',
        region,
        data: { metricAlarms: east ? [metricAlarm('backup-failures', 'backup-job-failure'), metricAlarm('s3-replication', 's3-replication'), metricAlarm('cpu', null)] : [], compositeAlarms: [] },
      },
      { collector: 'backup.vaults', region, data: { vaults: east ? [backupVault('primary', region)] : west ? [governanceVault('secondary', region)] : [] } },
      { collector: 'backup.plans', region, data: { plans: east ? [backupPlan('daily', [planRule('daily')])] : [] } },
      {
        collector: 'dynamodb.tables',
        region,
        data: { tables: east || west ? [dynamoTable('members', region, [{ RegionName: east ? 'us-west-2' : 'us-east-1', ReplicaStatus: 'ACTIVE' }])] : [] },
      },
      {
        collector: 'rds.instances',
        region,
        data: {
          instances: east
            ? [rdsInstance('claims', region, { ReadReplicaDBInstanceIdentifiers: [`arn:aws:rds:us-west-2:${ACCOUNT}:db:claims-replica`] })]
            : west
              ? [rdsInstance('claims-replica', region, { ReadReplicaSourceDBInstanceIdentifier: `arn:aws:rds:us-east-1:${ACCOUNT}:db:claims`, ReadReplicaDBInstanceIdentifiers: [] })]
              : [],
          automatedBackups: [],
        },
      },
      { collector: 'rds.clusters', region, data: { clusters: [], globalClusters: [] } },
    );
  }
  return envelopes;
}

function windowedEnvelopes(previous: string, capture: string): FixtureEnvelope[] {
  const window = { start: at(previous, 2), end: at(capture, 2) };
  const inWindow = (t: string) => t >= window.start && t < window.end;
  const history = [
    s3BucketItem('records', at('2025-12-01')),
    s3BucketItem('records', at('2026-02-10', 9), { replication: false }),
    s3BucketItem('records', at('2026-02-20', 16)),
    s3BucketItem('exports', at('2026-03-05', 11), { replication: false, status: 'ResourceDiscovered' }),
  ].filter((i) => String(i.configurationItemCaptureTime) < window.end);
  const backupJobs = [
    backupJob('job-records-jan', 'arn:aws:s3:::records', 'COMPLETED', at('2026-01-15', 5)),
    backupJob('job-records-feb', 'arn:aws:s3:::records', 'FAILED', at('2026-02-15', 5)),
    backupJob('job-records-mar', 'arn:aws:s3:::records', 'COMPLETED', at('2026-03-15', 5)),
  ].filter((j) => inWindow(String(j.CreationDate)));
  const copyJobs = [
    copyJob('copy-jan', 'arn:aws:s3:::records', 'COMPLETED', at('2026-01-15', 6)),
    copyJob('copy-feb', 'arn:aws:s3:::records', 'COMPLETED', at('2026-02-16', 6)),
    copyJob('copy-mar', 'arn:aws:s3:::records', 'FAILED', at('2026-03-15', 6)),
  ].filter((j) => inWindow(String(j.CreationDate)));
  const restores = [restoreJob('restore-2026-02-20', at('2026-02-20', 3))].filter((j) => inWindow(String(j.CreationDate)));
  const envelopes: FixtureEnvelope[] = [];
  for (const region of FIXTURE_REGIONS) {
    const east = region === 'us-east-1';
    envelopes.push(
      { collector: 'config.history', region, window, data: historyData(east ? history.filter((i) => String(i.configurationItemCaptureTime) >= '2025-12-01') : []) },
      { collector: 'backup.backup-jobs', region, window, data: { jobs: east ? backupJobs : [] } },
      { collector: 'backup.copy-jobs', region, window, data: { jobs: east ? copyJobs : [] } },
      { collector: 'backup.restore-jobs', region, window, data: { jobs: east ? restores : [] } },
    );
  }
  return envelopes;
}

export function fixtureConfig(dir: string, overrides: Record<string, unknown> = {}): Config {
  return testConfig(
    {
      period: FIXTURE_PERIOD,
      accounts: [{ id: ACCOUNT, name: 'prod' }],
      regions: FIXTURE_REGIONS,
      regionPairs: [{ primary: 'us-east-1', secondary: 'us-west-2' }],
      scope: { tags: { soc2: 'in-scope' } },
      targets: { rtoMinutes: 240, rpoMinutes: 60, drTestFrequency: 'quarterly' },
      store: dir,
      waivers: [{ control: 'replication.s3', resource: 'records', reason: 'Replication paused while the replica bucket was re-keyed', approver: 'Priya Raman (CTO)', expires: '2026-12-31' }],
      ...overrides,
    },
    dir,
  );
}

/** Evidence index rows for the view's envelopes, the way the report builds them (operations from the collector registry). */
export async function buildFixtureEvidenceIndex(fixture: FixtureStore, context: Omit<ReportContext, 'evidenceIndex'>): Promise<EvidenceIndexRow[]> {
  const catalogue = buildCatalogue();
  const operations = new Map(collectors.map((c) => [c.id, [...c.operations]]));
  const rows: EvidenceIndexRow[] = [];
  for (const e of context.view.envelopes) {
    const controls = catalogue.filter((c) => c.requires.includes(e.collector) || c.optional.includes(e.collector));
    const criteria = [...new Set(controls.flatMap((c) => c.criteria))].sort();
    const bytes = await readFile(path.join(fixture.dir, 'snapshots', e.snapshotId, e.path));
    rows.push({
      id: e.id,
      snapshotId: e.snapshotId,
      collector: e.collector,
      criteria,
      controls: controls.map((c) => c.id).sort(),
      operations: operations.get(e.collector) ?? [],
      account: e.account,
      region: e.region,
      window: { start: e.window.start, end: e.window.end },
      recordCount: e.recordCount,
      collectedAt: e.capturedAt,
      sha256: sha256Hex(bytes),
      bundlePath: `evidence/${criteria[0] ?? 'unmapped'}/${controls[0]?.id ?? 'unused'}/${e.id}.json`,
    });
  }
  return rows;
}

/** Writes the estate, evaluates the period and returns a ReportContext. */
export async function createReportFixture(options: { tagValue?: string; configOverrides?: Record<string, unknown> } = {}): Promise<ReportFixture> {
  const fixture = await createFixtureStore();
  const config = fixtureConfig(fixture.dir, options.configOverrides);
  for (let i = 0; i < CAPTURES.length; i++) {
    const capture = CAPTURES[i];
    const envelopes = stateEnvelopes(capture, options);
    if (i > 0) envelopes.push(...windowedEnvelopes(CAPTURES[i - 1], capture));
    await fixture.write({ at: at(capture, 2), envelopes, suffix: `rep${i}` });
  }
  const { view, coverage, evaluation } = await evaluatePeriod(config, { store: fixture.store });
  const base = {
    config,
    view,
    evaluation,
    coverage,
    bundleId: '6a30b2e0-7c32-51cc-8f74-5467c67c657f',
    bundleName: 'larkspur-health-inc_SOC2-T2_2026-01-01_2026-03-31.zip',
    generatedAt: '2026-04-01T02:01:00.000Z',
  };
  const evidenceIndex = await buildFixtureEvidenceIndex(fixture, base);
  return { fixture, config, context: { ...base, evidenceIndex }, cleanup: () => fixture.cleanup() };
}

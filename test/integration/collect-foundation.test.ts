import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BackupClient, CreateBackupPlanCommand, CreateBackupVaultCommand, PutBackupVaultLockConfigurationCommand } from '@aws-sdk/client-backup';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateBucketCommand,
  PutBucketReplicationCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetDiscoveredResourceCountsCommand } from '@aws-sdk/client-config-service';
import { AwsClientFactory } from '../../src/aws/client-factory.js';
import { classifyAwsError } from '../../src/aws/errors.js';
import { collectSnapshot } from '../../src/collectors/run-collection.js';
import { backupPlans } from '../../src/collectors/backup/plans.js';
import { backupVaults } from '../../src/collectors/backup/vaults.js';
import { cloudtrailTrails } from '../../src/collectors/cloudtrail/trails.js';
import { s3Buckets } from '../../src/collectors/s3/buckets.js';
import type { Collector } from '../../src/collectors/types.js';
import { validateEnvelope } from '../../src/evidence/envelope.js';
import { LocalEvidenceStore } from '../../src/evidence/local-store.js';
import { verifyChain, verifySnapshotFiles } from '../../src/evidence/chain.js';
import { sha256Hex } from '../../src/util/hash.js';
import type { Envelope } from '../../src/evidence/types.js';
import { seedClient } from '../support/aws-seed.js';
import { testConfig } from '../support/config.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { useMoto } from '../support/moto.js';

const PROD = '111111111111';
const SHARED = '222222222222';
const foundation = [backupPlans, backupVaults, cloudtrailTrails, s3Buckets] as Collector[];

const moto = useMoto();

/** Seeds the estate of the issue: a multi-region trail, two vaults (one locked), buckets with and without replication in two regions, in two accounts. */
async function seedEstate(): Promise<void> {
  for (const account of [PROD, SHARED]) {
    const east = { endpoint: moto.url, region: 'us-east-1', account };
    const west = { endpoint: moto.url, region: 'us-west-2', account };
    const s3 = seedClient(S3Client, east);
    const s3West = seedClient(S3Client, west);
    await s3.send(new CreateBucketCommand({ Bucket: `trail-logs-${account}` }));
    await s3.send(new CreateBucketCommand({ Bucket: `records-${account}` }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: `records-${account}`, VersioningConfiguration: { Status: 'Enabled' } }));
    await s3.send(new PutBucketTaggingCommand({ Bucket: `records-${account}`, Tagging: { TagSet: [{ Key: 'soc2', Value: 'in-scope' }] } }));
    await s3West.send(new CreateBucketCommand({ Bucket: `records-replica-${account}`, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
    await s3West.send(new PutBucketVersioningCommand({ Bucket: `records-replica-${account}`, VersioningConfiguration: { Status: 'Enabled' } }));
    await s3.send(
      new PutBucketReplicationCommand({
        Bucket: `records-${account}`,
        ReplicationConfiguration: {
          Role: `arn:aws:iam::${account}:role/replication`,
          Rules: [{ ID: 'to-west', Status: 'Enabled', Priority: 1, Filter: {}, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: `arn:aws:s3:::records-replica-${account}` } }],
        },
      }),
    );
    const backup = seedClient(BackupClient, east);
    await backup.send(new CreateBackupVaultCommand({ BackupVaultName: 'primary' }));
    await backup.send(new PutBackupVaultLockConfigurationCommand({ BackupVaultName: 'primary', MinRetentionDays: 35, MaxRetentionDays: 365, ChangeableForDays: 3 }));
    await backup.send(new CreateBackupVaultCommand({ BackupVaultName: 'scratch' }));
    await backup.send(
      new CreateBackupPlanCommand({
        BackupPlan: {
          BackupPlanName: 'daily',
          Rules: [
            {
              RuleName: 'daily-35d',
              TargetBackupVaultName: 'primary',
              ScheduleExpression: 'cron(0 5 * * ? *)',
              Lifecycle: { DeleteAfterDays: 35 },
              CopyActions: [{ DestinationBackupVaultArn: `arn:aws:backup:us-west-2:${account}:backup-vault:secondary`, Lifecycle: { DeleteAfterDays: 35 } }],
            },
          ],
        },
      }),
    );
    const trail = seedClient(CloudTrailClient, east);
    await trail.send(new CreateTrailCommand({ Name: 'org-trail', S3BucketName: `trail-logs-${account}`, IsMultiRegionTrail: true, EnableLogFileValidation: true }));
    await trail.send(new StartLoggingCommand({ Name: 'org-trail' }));
  }
}

async function readEnvelope(snapshotDir: string, account: string, region: string, collector: string): Promise<Envelope> {
  const value = JSON.parse(await readFile(path.join(snapshotDir, 'evidence', account, region, `${collector}.json`), 'utf8')) as unknown;
  validateEnvelope(value);
  return value;
}

test('collect writes a complete, hash-manifested snapshot for 2 accounts × 2 regions', async () => {
  await seedEstate();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-collect-'));
  const config = testConfig({
    store: dir,
    regions: ['us-east-1', 'us-west-2'],
    accounts: [
      { id: PROD, name: 'prod', roleArn: `arn:aws:iam::${PROD}:role/proofpack-read` },
      { id: SHARED, name: 'shared-services', roleArn: `arn:aws:iam::${SHARED}:role/proofpack-read` },
    ],
  });
  const store = new LocalEvidenceStore(dir);

  const result = await collectSnapshot(config, { store, endpointUrl: moto.url, collectors: foundation });

  // One envelope per account × region for regional sources, one per account for S3.
  expect(result.envelopes).toBe(2 * (3 * 2 + 1));
  const snapshotDir = result.path;
  expect(path.basename(snapshotDir)).toBe(result.snapshotId);
  expect(await readdir(path.join(dir, 'snapshots'))).toEqual([result.snapshotId]);

  // The manifest lists every file with its true hash and size, and nothing else is in the folder.
  const stored = await store.readManifest(result.snapshotId);
  expect(stored.sha256).toBe(result.manifestSha256);
  expect(stored.manifest.previous).toBeNull();
  for (const file of stored.manifest.files) {
    const bytes = await readFile(path.join(snapshotDir, file.path));
    expect({ path: file.path, sha256: sha256Hex(bytes), size: bytes.length }).toEqual(file);
  }
  expect(await verifySnapshotFiles(store, stored)).toEqual([]);
  expect(stored.manifest.accounts.map((a) => [a.id, a.callerIdentity?.account])).toEqual([
    [PROD, PROD],
    [SHARED, SHARED],
  ]);

  // Envelopes validate and hold what was seeded, per account (AssumeRole) and region.
  for (const account of [PROD, SHARED]) {
    const vaults = await readEnvelope(snapshotDir, account, 'us-east-1', 'backup.vaults');
    const byName = Object.fromEntries((vaults.data as { vaults: Array<{ vault: { BackupVaultName: string; Locked?: boolean; MinRetentionDays?: number } }> }).vaults.map((v) => [v.vault.BackupVaultName, v.vault]));
    expect(byName.primary).toMatchObject({ Locked: true, MinRetentionDays: 35 });
    expect(byName.scratch.Locked ?? false).toBe(false);
    expect(vaults.provenance.callerIdentity?.account).toBe(account);
    expect(vaults.provenance.calls.map((c) => c.operation)).toContain('backup:ListBackupVaults');

    const westVaults = await readEnvelope(snapshotDir, account, 'us-west-2', 'backup.vaults');
    expect((westVaults.data as { vaults: unknown[] }).vaults).toEqual([]);

    const trails = await readEnvelope(snapshotDir, account, 'us-east-1', 'cloudtrail.trails');
    const [trail] = (trails.data as { trails: Array<{ trail: Record<string, unknown>; status: Record<string, unknown>; shadow: boolean }> }).trails;
    expect(trail.trail).toMatchObject({ Name: 'org-trail', IsMultiRegionTrail: true, LogFileValidationEnabled: true });
    expect(trail.status).toMatchObject({ IsLogging: true });
    expect(trail.shadow).toBe(false);

    const plans = await readEnvelope(snapshotDir, account, 'us-east-1', 'backup.plans');
    const [plan] = (plans.data as { plans: Array<{ details: { BackupPlan: { Rules: Array<{ CopyActions: Array<{ DestinationBackupVaultArn: string }> }> } } }> }).plans;
    expect(plan.details.BackupPlan.Rules[0].CopyActions[0].DestinationBackupVaultArn).toBe(`arn:aws:backup:us-west-2:${account}:backup-vault:secondary`);

    const buckets = await readEnvelope(snapshotDir, account, 'global', 's3.buckets');
    const bucketByName = Object.fromEntries((buckets.data as { buckets: Array<{ name: string }> }).buckets.map((b) => [b.name, b]));
    expect(bucketByName[`records-${account}`]).toMatchObject({
      region: 'us-east-1',
      versioning: { Status: 'Enabled' },
      tags: [{ Key: 'soc2', Value: 'in-scope' }],
      replication: { Rules: [expect.objectContaining({ Status: 'Enabled', Destination: expect.objectContaining({ Bucket: `arn:aws:s3:::records-replica-${account}` }) })] },
    });
    expect(bucketByName[`records-replica-${account}`]).toMatchObject({ region: 'us-west-2', replication: null });
    expect(bucketByName[`trail-logs-${account}`]).toMatchObject({ tags: null, replication: null, objectLock: null });
  }
});

test('a second snapshot chains to the first by the SHA-256 of its manifest', async () => {
  await seedEstate();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-chain-'));
  const config = testConfig({ store: dir, regions: ['us-east-1'] });
  const store = new LocalEvidenceStore(dir);

  const first = await collectSnapshot(config, { store, endpointUrl: moto.url, collectors: foundation });
  const second = await collectSnapshot(config, { store, endpointUrl: moto.url, collectors: foundation });

  const secondManifest = (await store.readManifest(second.snapshotId)).manifest;
  expect(secondManifest.previous).toEqual({ snapshotId: first.snapshotId, manifestSha256: first.manifestSha256 });
  const all = await Promise.all((await store.listSnapshotIds()).map((id) => store.readManifest(id)));
  expect(verifyChain(all)).toEqual([]);
});

test('AccessDenied on a call becomes a recorded gap, and the rest of the snapshot is still written', async () => {
  await seedEstate();
  const proxy = await startFaultProxy({
    target: moto.url,
    rules: [
      {
        match: { target: 'DescribeTrails' },
        respond: {
          status: 400,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: JSON.stringify({ __type: 'AccessDeniedException', message: 'User is not authorized to perform: cloudtrail:DescribeTrails' }),
        },
      },
    ],
  });
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-denied-'));
    const config = testConfig({ store: dir, regions: ['us-east-1'] });
    const store = new LocalEvidenceStore(dir);

    const result = await collectSnapshot(config, { store, endpointUrl: proxy.url, collectors: foundation });

    expect(result.gaps).toEqual([
      expect.objectContaining({
        collector: 'cloudtrail.trails',
        account: '123456789012',
        region: 'us-east-1',
        kind: 'denied',
        operation: 'cloudtrail:DescribeTrails',
        errorCode: 'AccessDeniedException',
      }),
    ]);
    const gapsFile = JSON.parse(await readFile(path.join(result.path, 'gaps.json'), 'utf8')) as { items: unknown[] };
    expect(gapsFile.items).toEqual(result.gaps);
    // The denied source has no envelope; the others do.
    const index = JSON.parse(await readFile(path.join(result.path, 'index.json'), 'utf8')) as { envelopes: Array<{ collector: string }> };
    expect(index.envelopes.map((e) => e.collector).sort()).toEqual(['backup.plans', 'backup.vaults', 's3.buckets']);
  } finally {
    await proxy.stop();
  }
});

test('a throttled call is retried by the SDK and succeeds without a gap', async () => {
  await seedEstate();
  const proxy = await startFaultProxy({ target: moto.url, rules: [{ match: { target: 'DescribeTrails' }, throttle: 2 }] });
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-throttle-'));
    const config = testConfig({ store: dir, regions: ['us-east-1'] });
    const factory = new AwsClientFactory({ endpointUrl: proxy.url, maxAttempts: 4 });

    const result = await collectSnapshot(config, { store: new LocalEvidenceStore(dir), clientFactory: factory, endpointUrl: proxy.url, collectors: [cloudtrailTrails] });

    expect(proxy.requests.filter((r) => r.operation === 'DescribeTrails').map((r) => r.throttled)).toEqual([true, true, false]);
    expect(result.gaps).toEqual([]);
    expect(result.envelopes).toBe(1);
    // Every HTTP attempt, retries included, passed the rate limiter; the command itself counts once.
    const stats = factory.callStats();
    expect(stats.byOperation['cloudtrail:DescribeTrails']).toBe(1);
    expect(stats.attempts).toBe(proxy.requests.length);
    factory.destroy();
  } finally {
    await proxy.stop();
  }
});

test('an operation the endpoint does not implement is one request and an unsupported gap, not eight retries', async () => {
  const proxy = await startFaultProxy({ target: moto.url });
  const factory = new AwsClientFactory({ endpointUrl: proxy.url, maxAttempts: 8 });
  try {
    const config = factory.forRegion({ id: '123456789012', name: 'prod' }, 'us-east-1').config;

    // moto answers GetDiscoveredResourceCounts with HTTP 500 and an HTML page; the SDK would retry that 7 times.
    const error = await config.send(new GetDiscoveredResourceCountsCommand({})).catch((e: unknown) => e);

    expect(classifyAwsError(error)).toMatchObject({ kind: 'unsupported', message: 'the endpoint does not implement this operation (HTTP 500)' });
    expect(proxy.requests.filter((r) => r.operation === 'GetDiscoveredResourceCounts')).toHaveLength(1);
  } finally {
    factory.destroy();
    await proxy.stop();
  }
});

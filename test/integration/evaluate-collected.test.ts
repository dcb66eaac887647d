/**
 * End to end through the real collector runner: snapshots written by `collectSnapshot` against
 * moto are loaded by the period view (verified, validated) and evaluated, so the view reads
 * exactly what `collect` writes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutBucketReplicationCommand, PutBucketTaggingCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { cloudtrailTrails } from '../../src/collectors/cloudtrail/trails.js';
import { collectSnapshot } from '../../src/collectors/run-collection.js';
import { s3Buckets } from '../../src/collectors/s3/buckets.js';
import type { Collector } from '../../src/collectors/types.js';
import { LocalEvidenceStore } from '../../src/evidence/local-store.js';
import { evaluatePeriod } from '../../src/period/evaluate-period.js';
import { monitoringCloudtrail } from '../../src/controls/monitoring/cloudtrail.js';
import { replicationS3 } from '../../src/controls/replication/s3.js';
import { seedClient } from '../support/aws-seed.js';
import { testConfig } from '../support/config.js';
import { useMoto } from '../support/moto.js';

const ACCOUNT = '111111111111';
const moto = useMoto();
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-evaluate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('snapshots collected against moto are verified, loaded and evaluated; an S3 replication change between them is an exception', async () => {
  const east = { endpoint: moto.url, region: 'us-east-1', account: ACCOUNT };
  const s3 = seedClient(S3Client, east);
  const s3West = seedClient(S3Client, { ...east, region: 'us-west-2' });
  await s3.send(new CreateBucketCommand({ Bucket: 'trail-logs' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'records' }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: 'records', VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(new PutBucketTaggingCommand({ Bucket: 'records', Tagging: { TagSet: [{ Key: 'soc2', Value: 'in-scope' }] } }));
  await s3West.send(new CreateBucketCommand({ Bucket: 'records-replica', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
  await s3West.send(new PutBucketVersioningCommand({ Bucket: 'records-replica', VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(
    new PutBucketReplicationCommand({
      Bucket: 'records',
      ReplicationConfiguration: {
        Role: `arn:aws:iam::${ACCOUNT}:role/replication`,
        Rules: [{ ID: 'to-west', Status: 'Enabled', Priority: 1, Filter: {}, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: 'arn:aws:s3:::records-replica' } }],
      },
    }),
  );
  const trails = seedClient(CloudTrailClient, east);
  await trails.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-logs', IsMultiRegionTrail: true, EnableLogFileValidation: true }));
  await trails.send(new StartLoggingCommand({ Name: 'main' }));

  const config = testConfig({
    period: { start: '2026-01-01', end: '2026-03-31' },
    store: dir,
    // Through AssumeRole, as in production: moto then answers as that account.
    accounts: [{ id: ACCOUNT, name: 'prod', roleArn: `arn:aws:iam::${ACCOUNT}:role/proofpack-read` }],
    regions: ['us-east-1', 'us-west-2'],
    scope: { tags: { soc2: 'in-scope' } },
  });
  const store = new LocalEvidenceStore(dir);
  const collectors = [s3Buckets, cloudtrailTrails] as Collector[];
  const collectAt = async (iso: string) => collectSnapshot(config, { store, endpointUrl: moto.url, collectors, now: () => new Date(iso) });

  await collectAt('2026-01-01T02:00:00.000Z');
  await collectAt('2026-02-01T02:00:00.000Z');
  // Versioning suspended before the March capture, enabled again after the period (seen on April 1).
  await s3.send(new PutBucketVersioningCommand({ Bucket: 'records', VersioningConfiguration: { Status: 'Suspended' } }));
  await collectAt('2026-03-01T02:00:00.000Z');
  await s3.send(new PutBucketVersioningCommand({ Bucket: 'records', VersioningConfiguration: { Status: 'Enabled' } }));
  await collectAt('2026-04-01T02:00:00.000Z');

  const { view, coverage, evaluation } = await evaluatePeriod(config, { store, controls: [replicationS3, monitoringCloudtrail] });

  expect(view.problems).toEqual([]);
  expect(view.snapshots).toHaveLength(4);
  expect(view.series('s3.buckets')).toHaveLength(4);
  const s3Cell = coverage.cells.find((c) => c.source === 's3.buckets' && c.account === ACCOUNT);
  expect(s3Cell?.gaps).toEqual([]);
  const [replication, cloudtrail] = evaluation.controls;
  expect(replication.status).toBe('fail');
  expect(replication.exceptions).toEqual([
    expect.objectContaining({ resource: 'records', region: 'us-east-1', from: '2026-03-01T02:00:00.000Z', to: '2026-04-01T00:00:00.000Z', message: expect.stringMatching(/versioning Suspended/) }),
  ]);
  expect(cloudtrail.status).toBe('pass');
});

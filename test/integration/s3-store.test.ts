import { BackupClient, CreateBackupVaultCommand } from '@aws-sdk/client-backup';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { backupVaults } from '../../src/collectors/backup/vaults.js';
import { s3Buckets } from '../../src/collectors/s3/buckets.js';
import { collectSnapshot } from '../../src/collectors/run-collection.js';
import type { Collector } from '../../src/collectors/types.js';
import { StoreError } from '../../src/errors.js';
import { verifyChain, verifySnapshotFiles } from '../../src/evidence/chain.js';
import { validateEnvelope } from '../../src/evidence/envelope.js';
import { openStore } from '../../src/evidence/open-store.js';
import { S3EvidenceStore } from '../../src/evidence/s3-store.js';
import type { RunLogEntry } from '../../src/evidence/store.js';
import type { SnapshotMetadata } from '../../src/evidence/types.js';
import { seedClient } from '../support/aws-seed.js';
import { testConfig } from '../support/config.js';
import { startMoto, type MotoServer } from '../support/moto.js';

const LOCKED = 'evidence-locked';
const PLAIN = 'evidence-plain';
const collectors = [backupVaults, s3Buckets] as Collector[];

let moto: MotoServer;
let s3: S3Client;
const stores: S3EvidenceStore[] = [];

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  for (const store of stores) store.close();
  s3?.destroy();
  await moto.stop();
});
beforeEach(async () => {
  await moto.reset();
  s3 = seedClient(S3Client, { endpoint: moto.url, region: 'us-east-1' });
  await s3.send(new CreateBucketCommand({ Bucket: LOCKED, ObjectLockEnabledForBucket: true }));
  await s3.send(new CreateBucketCommand({ Bucket: PLAIN }));
  await seedClient(BackupClient, { endpoint: moto.url, region: 'us-east-1' }).send(new CreateBackupVaultCommand({ BackupVaultName: 'primary' }));
});

function s3Store(url: string, extra: Partial<ConstructorParameters<typeof S3EvidenceStore>[0]> = {}): S3EvidenceStore {
  const store = new S3EvidenceStore({ url, retention: { mode: 'COMPLIANCE', days: 1 }, endpointUrl: moto.url, ...extra });
  stores.push(store);
  return store;
}

function metadata(snapshotId: string): SnapshotMetadata {
  return { snapshotId, startedAt: '2026-02-01T00:00:00.000Z', toolVersion: 'test', sources: [], accounts: [], regions: ['us-east-1'] };
}

test('the S3 store round-trips a period: monthly snapshots written, listed, read back, chain and files verified', async () => {
  const store = s3Store(`s3://${LOCKED}/soc2`);
  const config = testConfig({ store: `s3://${LOCKED}/soc2`, storeRetention: { mode: 'COMPLIANCE', days: 1 }, regions: ['us-east-1'] });
  const months = ['2026-01-31T02:00:00Z', '2026-02-28T02:00:00Z', '2026-03-31T02:00:00Z'];

  const results = [];
  for (const at of months) results.push(await collectSnapshot(config, { store, endpointUrl: moto.url, collectors, now: () => new Date(at) }));

  // Listed in time order, each manifest chained to the one before.
  const ids = await store.listSnapshotIds();
  expect(ids).toEqual(results.map((r) => r.snapshotId));
  const manifests = await Promise.all(ids.map((id) => store.readManifest(id)));
  expect(manifests.map((m) => m.manifest.previous?.snapshotId ?? null)).toEqual([null, ids[0], ids[1]]);
  expect(manifests.map((m) => m.sha256)).toEqual(results.map((r) => r.manifestSha256));
  expect(verifyChain(manifests)).toEqual([]);
  for (const stored of manifests) expect(await verifySnapshotFiles(store, stored)).toEqual([]);
  expect(results[0].path).toBe(`s3://${LOCKED}/soc2/snapshots/${ids[0]}/`);

  // A fresh store (what `evaluate` / `report` open) reads the same evidence back.
  const reader = openStore({ ...config, configPath: '' }, { endpointUrl: moto.url }) as S3EvidenceStore;
  stores.push(reader);
  expect(await reader.listSnapshotIds()).toEqual(ids);
  const envelope = JSON.parse((await reader.readSnapshotFile(ids[2], 'evidence/123456789012/us-east-1/backup.vaults.json')).toString('utf8')) as unknown;
  validateEnvelope(envelope);
  expect((envelope.data as { vaults: Array<{ vault: { BackupVaultName: string } }> }).vaults.map((v) => v.vault.BackupVaultName)).toEqual(['primary']);

  // Every object carries the SHA-256 S3 checked on upload (equal to the manifest's) and its own retention.
  const last = manifests[2];
  for (const file of [...last.manifest.files, { path: 'manifest.json', sha256: last.sha256 }]) {
    const head = await s3.send(new HeadObjectCommand({ Bucket: LOCKED, Key: `soc2/snapshots/${ids[2]}/${file.path}`, ChecksumMode: 'ENABLED' }));
    expect(Buffer.from(head.ChecksumSHA256!, 'base64').toString('hex')).toBe(file.sha256);
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  }
  expect(await store.protection()).toEqual({ bucket: LOCKED, region: 'us-east-1', objectLock: true, perObject: { mode: 'COMPLIANCE', days: 1 } });
});

test('a locked snapshot cannot be deleted; an overwrite is only a new version, which verification catches', async () => {
  const store = s3Store(`s3://${LOCKED}/soc2`);
  const config = testConfig({ store: `s3://${LOCKED}/soc2`, regions: ['us-east-1'] });
  const { snapshotId } = await collectSnapshot(config, { store, endpointUrl: moto.url, collectors });
  const prefix = `soc2/snapshots/${snapshotId}/`;
  const versions = (await s3.send(new ListObjectVersionsCommand({ Bucket: LOCKED, Prefix: prefix }))).Versions ?? [];
  const manifestVersion = versions.find((v) => v.Key === `${prefix}manifest.json`)!;
  const envelopeKey = `${prefix}evidence/123456789012/us-east-1/backup.vaults.json`;
  const envelopeVersion = versions.find((v) => v.Key === envelopeKey)!;
  const original = await store.readSnapshotFile(snapshotId, 'evidence/123456789012/us-east-1/backup.vaults.json');

  // Deleting a locked version is refused by S3.
  for (const v of [manifestVersion, envelopeVersion]) {
    await expect(s3.send(new DeleteObjectCommand({ Bucket: LOCKED, Key: v.Key, VersionId: v.VersionId }))).rejects.toMatchObject({ name: 'AccessDenied' });
  }

  // Writing over the envelope makes a new version; the locked original is still there by its version id,
  // and verification against the manifest reports the altered file.
  await s3.send(new PutObjectCommand({ Bucket: LOCKED, Key: envelopeKey, Body: '{"forged":true}' }));
  const stored = await store.readManifest(snapshotId);
  expect(await verifySnapshotFiles(store, stored)).toEqual([
    { snapshotId, message: expect.stringContaining('evidence/123456789012/us-east-1/backup.vaults.json does not match the manifest') },
  ]);
  const kept = await s3.send(new GetObjectCommand({ Bucket: LOCKED, Key: envelopeKey, VersionId: envelopeVersion.VersionId }));
  expect(Buffer.from(await kept.Body!.transformToByteArray())).toEqual(original);
});

test('a snapshot is listed only once its manifest exists; a partial one resumes from another process and commits', async () => {
  const first = s3Store(`s3://${LOCKED}`);
  const writer = await first.beginSnapshot('20260301T000000Z-aaaaaa');
  const written = await writer.writeFile('evidence/111111111111/us-east-1/backup.vaults.json', '{"a":1}\n');
  await writer.suspend();
  expect(await first.listSnapshotIds()).toEqual([]);
  expect(await first.listPartialSnapshotIds()).toEqual(['20260301T000000Z-aaaaaa']);
  await expect(first.beginSnapshot('20260301T000000Z-aaaaaa')).rejects.toThrow(/partial snapshot of this id exists/);

  const second = s3Store(`s3://${LOCKED}`);
  const resumed = await second.beginSnapshot('20260301T000000Z-aaaaaa', { resume: true });
  expect(resumed.writtenFiles()).toEqual(['evidence/111111111111/us-east-1/backup.vaults.json']);
  await resumed.writeFile('index.json', '{}\n');
  const committed = await resumed.commit(metadata('20260301T000000Z-aaaaaa'));
  expect(committed.manifest.files).toContainEqual(written);
  expect(await second.listSnapshotIds()).toEqual(['20260301T000000Z-aaaaaa']);
  expect(await second.listPartialSnapshotIds()).toEqual([]);
  // A second commit of the same snapshot is refused (If-None-Match on the manifest).
  await expect(resumed.commit(metadata('20260301T000000Z-aaaaaa'))).rejects.toThrow(/already exists/);
});

test('concurrent commits are serialized by the lock: the chain has no fork', async () => {
  const a = s3Store(`s3://${LOCKED}/c`);
  const b = s3Store(`s3://${LOCKED}/c`);
  const ids = ['20260301T000000Z-aaaaaa', '20260301T000000Z-bbbbbb', '20260301T000000Z-cccccc', '20260301T000000Z-dddddd'];
  const writers = await Promise.all(ids.map((id, i) => (i % 2 ? b : a).beginSnapshot(id)));
  await Promise.all(writers.map((w) => w.writeFile('index.json', `{"id":"${w.snapshotId}"}\n`)));

  await Promise.all(writers.map((w) => w.commit(metadata(w.snapshotId))));

  const manifests = await Promise.all((await a.listSnapshotIds()).map((id) => a.readManifest(id)));
  expect(manifests).toHaveLength(4);
  expect(verifyChain(manifests)).toEqual([]);
  expect(manifests.filter((m) => m.manifest.previous === null)).toHaveLength(1);
});

test('a held commit lock makes a commit wait and then fail clearly; a stale lock is taken over', async () => {
  await s3.send(
    new PutObjectCommand({ Bucket: LOCKED, Key: 'l/locks/commit.json', Body: JSON.stringify({ state: 'held', owner: 'other-host:42', at: new Date().toISOString() }) }),
  );
  const blocked = s3Store(`s3://${LOCKED}/l`, { lock: { waitMs: 300 } });
  const writer = await blocked.beginSnapshot('20260301T000000Z-aaaaaa');
  await expect(writer.commit(metadata('20260301T000000Z-aaaaaa'))).rejects.toThrow(/another proofpack run \(other-host:42, since .*\) holds the store's commit lock/);
  expect(await blocked.listSnapshotIds()).toEqual([]);

  const patient = s3Store(`s3://${LOCKED}/l`, { lock: { staleMs: 0 } });
  const retry = await patient.beginSnapshot('20260301T000000Z-aaaaaa', { resume: true, join: true });
  await retry.commit(metadata('20260301T000000Z-aaaaaa'));
  expect(await patient.listSnapshotIds()).toEqual(['20260301T000000Z-aaaaaa']);
  const lock = JSON.parse(Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: LOCKED, Key: 'l/locks/commit.json' }))).Body!.transformToByteArray()).toString()) as { state: string };
  expect(lock.state).toBe('released');
});

test('the run log is one object per run, read back in time order', async () => {
  const store = s3Store(`s3://${PLAIN}/p`, { retention: undefined });
  const entry = (runId: string, startedAt: string): RunLogEntry => ({
    runId,
    command: 'collect',
    startedAt,
    endedAt: startedAt,
    snapshotId: null,
    sources: ['backup.vaults'],
    gaps: 0,
    exitCode: 0,
  });
  await store.appendRunLog(entry('second', '2026-02-02T02:00:00.000Z'));
  await store.appendRunLog(entry('first', '2026-02-01T02:00:00.000Z'));
  await store.appendRunLog(entry('first', '2026-02-01T02:00:00.000Z'));

  expect((await store.readRunLog()).map((e) => e.runId)).toEqual(['first', 'first', 'second']);
  expect((await store.listStoreFiles('runs')).length).toBe(3);
});

test('storeRetention on a bucket without Object Lock is refused with the reason; a missing bucket too', async () => {
  const store = s3Store(`s3://${PLAIN}/p`);
  const error = await store.beginSnapshot('20260301T000000Z-aaaaaa').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StoreError);
  expect((error as Error).message).toBe(
    `s3://${PLAIN}/p: storeRetention is set (COMPLIANCE, 1 days) but the bucket has no Object Lock; create the bucket with Object Lock enabled, or remove storeRetention`,
  );
  await expect(s3Store('s3://no-such-bucket', { retention: undefined }).listSnapshotIds()).rejects.toThrow('s3://no-such-bucket: the bucket does not exist');
  // Without retention the same bucket is a working (if not immutable) store.
  const plain = s3Store(`s3://${PLAIN}/p`, { retention: undefined });
  expect(await plain.protection()).toEqual({ bucket: PLAIN, region: 'us-east-1', objectLock: false });
});

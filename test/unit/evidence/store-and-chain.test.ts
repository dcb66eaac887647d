import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { verifyChain, verifySnapshotFiles } from '../../../src/evidence/chain.js';
import { validateEnvelope } from '../../../src/evidence/envelope.js';
import { LocalEvidenceStore } from '../../../src/evidence/local-store.js';
import { serializeManifest } from '../../../src/evidence/manifest.js';
import { newSnapshotId, snapshotIdTime } from '../../../src/evidence/snapshot-id.js';
import type { CommittedSnapshot, StoredManifest } from '../../../src/evidence/store.js';
import type { Envelope, SnapshotMetadata } from '../../../src/evidence/types.js';
import { EvidenceValidationError } from '../../../src/errors.js';
import { sha256Hex } from '../../../src/util/hash.js';

function metadata(snapshotId: string): SnapshotMetadata {
  return { snapshotId, startedAt: snapshotIdTime(snapshotId).toISOString(), toolVersion: '0.1.0', sources: ['s3.buckets'], accounts: [{ id: '123456789012', name: 'prod' }], regions: ['us-east-1'] };
}

async function tempStore(): Promise<LocalEvidenceStore> {
  return new LocalEvidenceStore(await mkdtemp(path.join(os.tmpdir(), 'proofpack-store-')));
}

async function commitSnapshot(store: LocalEvidenceStore, at: string, files: Record<string, string>): Promise<CommittedSnapshot> {
  const id = newSnapshotId(new Date(at), 'abc123');
  const writer = await store.beginSnapshot(id);
  for (const [rel, text] of Object.entries(files)) await writer.writeFile(rel, text);
  return writer.commit(metadata(id), { createdAt: new Date(at) });
}

function envelope(overrides: Partial<Envelope> = {}): Envelope {
  return {
    envelope: 'proofpack.evidence/v1',
    id: '20260131T000000Z-abc123_123456789012_global_s3.buckets',
    snapshotId: '20260131T000000Z-abc123',
    collector: 's3.buckets',
    schema: 's3.buckets.v1',
    account: '123456789012',
    region: 'global',
    window: { start: '2026-01-31T00:00:00.000Z', end: '2026-01-31T00:00:05.000Z' },
    complete: true,
    provenance: {
      toolVersion: '0.1.0',
      callerIdentity: { account: '123456789012', arn: 'arn:aws:sts::123456789012:assumed-role/proofpack-read/proofpack' },
      startedAt: '2026-01-31T00:00:00.000Z',
      endedAt: '2026-01-31T00:00:05.000Z',
      calls: [{ operation: 's3:ListBuckets', parameters: {}, pages: 1, records: 1, outcome: 'ok' }],
    },
    recordCount: 1,
    gaps: [],
    data: { buckets: [{ name: 'records', region: 'us-east-1', versioning: { Status: 'Enabled' }, replication: null, tags: null }] },
    ...overrides,
  };
}

describe('envelopes', () => {
  test('a well-formed envelope validates', () => {
    expect(() => validateEnvelope(envelope())).not.toThrow();
  });

  test('the frame is checked: a missing provenance is named', () => {
    const bad = envelope() as Partial<Envelope>;
    delete bad.provenance;
    expect(() => validateEnvelope(bad, 'evidence/x.json')).toThrow(/evidence\/x.json: not a valid evidence envelope: must have required property 'provenance'/);
  });

  test('the data is checked against the schema the envelope names, with the path of the problem', () => {
    const bad = envelope({ data: { buckets: [{ name: 'records', region: 'us-east-1', versioning: { Status: 'On' } }] } });
    let error: unknown;
    try {
      validateEnvelope(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EvidenceValidationError);
    expect((error as EvidenceValidationError).problems).toEqual(['data.buckets[0].versioning.Status: must be one of "Enabled", "Suspended"']);
  });

  test('an unknown schema id is refused', () => {
    expect(() => validateEnvelope(envelope({ schema: 'nothing.here.v1' }))).toThrow(/unknown schema/);
  });
});

describe('the local store', () => {
  test('a snapshot is invisible until committed, then listed with a manifest of every file', async () => {
    const store = await tempStore();
    const id = newSnapshotId(new Date('2026-01-31T00:00:00Z'), 'aaaaaa');
    const writer = await store.beginSnapshot(id);
    await writer.writeFile('evidence/123456789012/global/s3.buckets.json', '{"a":1}\n');
    expect(await store.listSnapshotIds()).toEqual([]);
    expect(await store.listPartialSnapshotIds()).toEqual([id]);

    const committed = await writer.commit(metadata(id));

    expect(await store.listSnapshotIds()).toEqual([id]);
    expect(await store.listPartialSnapshotIds()).toEqual([]);
    expect(committed.manifest.files).toEqual([{ path: 'evidence/123456789012/global/s3.buckets.json', sha256: sha256Hex('{"a":1}\n'), size: 8 }]);
    const onDisk = await readFile(path.join(committed.location, 'manifest.json'));
    expect(sha256Hex(onDisk)).toBe(committed.sha256);
    expect(serializeManifest(committed.manifest).sha256).toBe(committed.sha256);
  });

  test('a resumed snapshot keeps what was written before the interruption', async () => {
    const store = await tempStore();
    const id = newSnapshotId(new Date('2026-02-28T00:00:00Z'), 'bbbbbb');
    const first = await store.beginSnapshot(id);
    await first.writeFile('run.json', '{}');
    await first.suspend();

    const resumed = await store.beginSnapshot(id, { resume: true });

    expect(resumed.writtenFiles()).toEqual(['run.json']);
    expect((await resumed.readFile('run.json')).toString()).toBe('{}');
    await resumed.writeFile('gaps.json', '[]');
    const committed = await resumed.commit(metadata(id));
    expect(committed.manifest.files.map((f) => f.path)).toEqual(['gaps.json', 'run.json']);
  });

  test('paths that would leave the snapshot are refused', async () => {
    const store = await tempStore();
    const writer = await store.beginSnapshot(newSnapshotId(new Date(), 'cccccc'));
    await expect(writer.writeFile('../escape.json', 'x')).rejects.toThrow(/unsafe path/);
    await expect(writer.writeFile('/etc/passwd', 'x')).rejects.toThrow(/unsafe path/);
    await expect(writer.writeFile('manifest.json', 'x')).rejects.toThrow(/written by commit/);
  });

  test('an aborted snapshot leaves nothing behind', async () => {
    const store = await tempStore();
    const writer = await store.beginSnapshot(newSnapshotId(new Date(), 'dddddd'));
    await writer.writeFile('run.json', '{}');
    await writer.abort();
    expect(await readdir(path.join(store.location, 'snapshots'))).toEqual([]);
  });

  test('verifySnapshotFiles finds an altered file, a missing file and a file the manifest does not list', async () => {
    const store = await tempStore();
    const committed = await commitSnapshot(store, '2026-01-31T00:00:00Z', { 'a.json': '1', 'b.json': '2' });
    expect(await verifySnapshotFiles(store, committed)).toEqual([]);

    await writeFile(path.join(committed.location, 'a.json'), '3');
    await writeFile(path.join(committed.location, 'extra.json'), '{}');
    const { rm } = await import('node:fs/promises');
    await rm(path.join(committed.location, 'b.json'));

    const problems = (await verifySnapshotFiles(store, committed)).map((p) => p.message);
    expect(problems).toEqual([
      `a.json does not match the manifest (SHA-256 ${sha256Hex('3')}, expected ${sha256Hex('1')})`,
      'b.json is listed in the manifest but missing',
      'extra.json is not listed in the manifest',
    ]);
  });
});

describe('the hash chain', () => {
  test('snapshots committed one after another form an unbroken chain', async () => {
    const store = await tempStore();
    const a = await commitSnapshot(store, '2026-01-31T00:00:00Z', { 'x.json': 'a' });
    const b = await commitSnapshot(store, '2026-02-28T00:00:00Z', { 'x.json': 'b' });
    const c = await commitSnapshot(store, '2026-03-31T00:00:00Z', { 'x.json': 'c' });

    expect(a.manifest.previous).toBeNull();
    expect(b.manifest.previous).toEqual({ snapshotId: a.manifest.snapshotId, manifestSha256: a.sha256 });
    expect(c.manifest.previous).toEqual({ snapshotId: b.manifest.snapshotId, manifestSha256: b.sha256 });
    expect(verifyChain([c, a, b])).toEqual([]);
  });

  test('an altered manifest breaks the link that names it', async () => {
    const store = await tempStore();
    const a = await commitSnapshot(store, '2026-01-31T00:00:00Z', { 'x.json': 'a' });
    const b = await commitSnapshot(store, '2026-02-28T00:00:00Z', { 'x.json': 'b' });
    const altered: StoredManifest = { ...a, sha256: sha256Hex('something else') };

    const problems = verifyChain([altered, b]);

    expect(problems).toEqual([
      expect.objectContaining({ snapshotId: b.manifest.snapshotId, message: expect.stringContaining('altered after it was chained') }),
    ]);
  });

  test('a removed snapshot in the middle is reported as a missing link', async () => {
    const store = await tempStore();
    const a = await commitSnapshot(store, '2026-01-31T00:00:00Z', { 'x.json': 'a' });
    await commitSnapshot(store, '2026-02-28T00:00:00Z', { 'x.json': 'b' });
    const c = await commitSnapshot(store, '2026-03-31T00:00:00Z', { 'x.json': 'c' });

    const problems = verifyChain([a, c]).map((p) => p.message);

    expect(problems).toEqual([expect.stringMatching(/names previous snapshot 20260228T000000Z-abc123, which is missing/)]);
  });

  test('two snapshots naming the same predecessor are a fork', async () => {
    const store = await tempStore();
    const a = await commitSnapshot(store, '2026-01-31T00:00:00Z', { 'x.json': 'a' });
    const b = await commitSnapshot(store, '2026-02-28T00:00:00Z', { 'x.json': 'b' });
    const forged: StoredManifest = { ...b, manifest: { ...b.manifest, snapshotId: '20260301T000000Z-ffffff', createdAt: '2026-03-01T00:00:00.000Z' }, sha256: sha256Hex('forged') };

    const problems = verifyChain([a, b, forged]).map((p) => p.message);

    expect(problems).toContain(`forks the chain: ${b.manifest.snapshotId} also follows ${a.manifest.snapshotId}`);
  });

  test('a snapshot that restarts the chain is reported', async () => {
    const store = await tempStore();
    const a = await commitSnapshot(store, '2026-01-31T00:00:00Z', { 'x.json': 'a' });
    const b = await commitSnapshot(store, '2026-02-28T00:00:00Z', { 'x.json': 'b' });
    const restarted: StoredManifest = { ...b, manifest: { ...b.manifest, previous: null } };

    expect(verifyChain([a, restarted]).map((p) => p.message)).toEqual([
      `names no previous snapshot, but ${a.manifest.snapshotId} was committed before it (the chain restarts here)`,
    ]);
  });
});

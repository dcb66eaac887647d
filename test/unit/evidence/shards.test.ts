import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalEvidenceStore } from '../../../src/evidence/local-store.js';
import { mergeShardedRun, openShardRun, readShardStatus, type OpenedShard } from '../../../src/evidence/shards.js';
import type { Gap, SnapshotMetadata } from '../../../src/evidence/types.js';
import { canonicalJson } from '../../../src/util/canonical-json.js';

const SOURCES = ['backup.vaults'];
const REGIONS = ['us-east-1'];

async function newStore(): Promise<LocalEvidenceStore> {
  return new LocalEvidenceStore(await mkdtemp(path.join(os.tmpdir(), 'proofpack-shards-unit-')));
}

/** Writes what the runner writes for one shard: its envelopes, run.json, index.json, gaps.json. */
async function writeShard(shard: OpenedShard, accounts: string[], gaps: Gap[] = [], content = (a: string) => `{"account":"${a}"}\n`): Promise<SnapshotMetadata> {
  const startedAt = `2026-03-01T02:00:0${shard.shard.index}.000Z`;
  await shard.writer.writeFile(
    'run.json',
    canonicalJson({
      run: 'proofpack.snapshot-run/v1',
      snapshotId: shard.snapshotId,
      runId: shard.runId,
      startedAt,
      shard: `${shard.shard.index}/${shard.shard.count}`,
      sources: SOURCES,
      accounts: accounts.map((id) => ({ id, name: `acct-${id}` })),
      regions: REGIONS,
      windows: [],
    }),
  );
  const envelopes = [];
  for (const account of accounts) {
    const rel = `evidence/${account}/us-east-1/backup.vaults.json`;
    await shard.writer.writeFile(rel, content(account));
    envelopes.push({
      id: `${shard.snapshotId}_${account}_us-east-1_backup.vaults`,
      path: rel,
      collector: 'backup.vaults',
      schema: 'backup.vaults.v1',
      account,
      region: 'us-east-1',
      window: { start: startedAt, end: startedAt },
      complete: true,
      recordCount: 1,
    });
  }
  await shard.writer.writeFile('index.json', canonicalJson({ index: 'proofpack.snapshot-index/v1', snapshotId: shard.snapshotId, envelopes }));
  await shard.writer.writeFile('gaps.json', canonicalJson({ gaps: 'proofpack.snapshot-gaps/v1', snapshotId: shard.snapshotId, items: gaps }));
  return {
    snapshotId: shard.snapshotId,
    runId: shard.runId,
    startedAt,
    toolVersion: 'test',
    organization: 'Larkspur',
    sources: SOURCES,
    accounts: accounts.map((id) => ({ id, name: `acct-${id}`, callerIdentity: { account: id, arn: `arn:aws:sts::${id}:assumed-role/r/proofpack` } })),
    regions: REGIONS,
    shard: `${shard.shard.index}/${shard.shard.count}`,
  };
}

const orgGap: Gap = { collector: '*', account: '999999999999', region: '*', kind: 'account', message: 'suspended', at: '2026-03-01T02:00:00.000Z' };

test('the first shard claims the snapshot id; the last one to finish merges the parts into one snapshot', async () => {
  const store = await newStore();
  const one = await openShardRun(store, { runId: 'r-1', shard: { index: 1, count: 2 }, proposedSnapshotId: '20260301T020001Z-aaaaaa' });
  const two = await openShardRun(store, { runId: 'r-1', shard: { index: 2, count: 2 }, proposedSnapshotId: '20260301T020002Z-bbbbbb' });
  expect(two.snapshotId).toBe('20260301T020001Z-aaaaaa');

  const firstDone = await one.finish(await writeShard(one, ['333333333333', '111111111111'], [orgGap]));
  expect(firstDone).toMatchObject({ shard: '1/2', merged: null, waitingFor: ['2/2'] });
  expect(await store.listSnapshotIds()).toEqual([]);
  // Each shard's own files live outside the snapshot.
  expect(await store.listStoreFiles('shards/r-1/1-of-2')).toEqual(['done.json', 'gaps.json', 'index.json', 'run.json'].map((f) => `shards/r-1/1-of-2/${f}`));

  const secondDone = await two.finish(await writeShard(two, ['222222222222'], [{ ...orgGap, at: '2026-03-01T02:00:02.000Z' }]));

  const merged = secondDone.merged!;
  expect(merged.status).toBe('merged');
  expect(await store.listSnapshotIds()).toEqual(['20260301T020001Z-aaaaaa']);
  const { manifest } = await store.readManifest('20260301T020001Z-aaaaaa');
  expect(manifest.files.map((f) => f.path)).toEqual([
    'evidence/111111111111/us-east-1/backup.vaults.json',
    'evidence/222222222222/us-east-1/backup.vaults.json',
    'evidence/333333333333/us-east-1/backup.vaults.json',
    'gaps.json',
    'index.json',
    'run.json',
  ]);
  expect(manifest).toMatchObject({ runId: 'r-1', startedAt: '2026-03-01T02:00:01.000Z', organization: 'Larkspur', previous: null });
  expect(manifest.shard).toBeUndefined();
  expect(manifest.accounts.map((a) => a.id)).toEqual(['111111111111', '222222222222', '333333333333']);
  const read = async (rel: string) => JSON.parse((await store.readSnapshotFile('20260301T020001Z-aaaaaa', rel)).toString('utf8')) as Record<string, unknown[]>;
  expect(((await read('index.json')).envelopes as Array<{ account: string }>).map((e) => e.account)).toEqual(['111111111111', '222222222222', '333333333333']);
  // A gap both shards saw (about the organization) is listed once.
  expect((await read('gaps.json')).items).toEqual([orgGap]);
  expect(await read('run.json')).toMatchObject({ runId: 'r-1', accounts: [{ id: '111111111111' }, { id: '222222222222' }, { id: '333333333333' }] });
  expect((await read('run.json')).shard).toBeUndefined();
  expect(await readdir(path.join(store.location, 'snapshots'))).toEqual(['20260301T020001Z-aaaaaa']);
});

test('a shard started again continues its part; merge names the shards that are missing or unfinished', async () => {
  const store = await newStore();
  const one = await openShardRun(store, { runId: 'r-2', shard: { index: 1, count: 3 }, proposedSnapshotId: '20260301T020001Z-aaaaaa' });
  await writeShard(one, ['111111111111']);
  await one.writer.suspend();

  const again = await openShardRun(store, { runId: 'r-2', shard: { index: 1, count: 3 }, proposedSnapshotId: '20260301T030000Z-cccccc' });
  expect(again.resuming).toBe(true);
  expect(again.writer.writtenFiles()).toEqual(['evidence/111111111111/us-east-1/backup.vaults.json']);
  expect(JSON.parse((await again.writer.readFile('run.json')).toString('utf8'))).toMatchObject({ shard: '1/3' });

  await openShardRun(store, { runId: 'r-2', shard: { index: 3, count: 3 }, proposedSnapshotId: '20260301T020003Z-dddddd' }).then(async (s) => {
    await s.writer.writeFile('run.json', '{}');
  });
  expect(await readShardStatus(store, 'r-2')).toEqual({ shards: 3, done: [], missing: ['1/3', '2/3', '3/3'], started: ['1/3', '3/3'] });
  await expect(mergeShardedRun(store, 'r-2')).rejects.toThrow(
    'run r-2 cannot be merged yet: 0 of 3 shards are done; missing 1/3, 2/3, 3/3 (1/3, 3/3 started but not finished)',
  );
  await expect(mergeShardedRun(store, 'nope')).rejects.toThrow(/no sharded run "nope"/);
  await expect(mergeShardedRun(store, '../etc')).rejects.toThrow(/--run-id: expected 1-128 letters/);
});

test('shards that wrote the same evidence differently are not merged', async () => {
  const store = await newStore();
  const one = await openShardRun(store, { runId: 'r-3', shard: { index: 1, count: 2 }, proposedSnapshotId: '20260301T020001Z-aaaaaa' });
  const two = await openShardRun(store, { runId: 'r-3', shard: { index: 2, count: 2 }, proposedSnapshotId: '20260301T020001Z-aaaaaa' });
  await one.finish(await writeShard(one, ['111111111111']));

  const outcome = two.finish(await writeShard(two, ['111111111111'], [], () => '{"different":true}\n'));

  await expect(outcome).rejects.toThrow('run r-3: evidence/111111111111/us-east-1/backup.vaults.json was written by two shards with different contents; the shards overlap (same accounts?)');
  expect(await store.listSnapshotIds()).toEqual([]);
});

test('a shard without a run id is refused before any AWS call', async () => {
  const { collectSnapshot } = await import('../../../src/collectors/run-collection.js');
  const { testConfig } = await import('../../support/config.js');
  const store = await newStore();

  const run = collectSnapshot(testConfig({ store: store.location }), { store, shard: { index: 1, count: 2 }, endpointUrl: 'http://127.0.0.1:9' });

  await expect(run).rejects.toThrow('--shard needs --run-id ID, the same for every shard of the run (e.g. the CI run id or the Job name)');
  expect(await store.listPartialSnapshotIds()).toEqual([]);
});

test('a plain --resume never picks the shared snapshot of a sharded run', async () => {
  const { listUnshardedPartialIds } = await import('../../../src/evidence/shards.js');
  const store = await newStore();
  const plain = await store.beginSnapshot('20260301T010000Z-aaaaaa');
  await plain.writeFile('run.json', '{}');
  const shard = await openShardRun(store, { runId: 'r-5', shard: { index: 1, count: 2 }, proposedSnapshotId: '20260301T020000Z-bbbbbb' });
  await shard.writer.writeFile('evidence/111111111111/us-east-1/backup.vaults.json', '{}');

  expect(await store.listPartialSnapshotIds()).toEqual(['20260301T010000Z-aaaaaa', '20260301T020000Z-bbbbbb']);
  expect(await listUnshardedPartialIds(store)).toEqual(['20260301T010000Z-aaaaaa']);
});

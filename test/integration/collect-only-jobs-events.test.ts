import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { collectSnapshot } from '../../src/collectors/run-collection.js';
import { LocalEvidenceStore } from '../../src/evidence/local-store.js';
import type { SnapshotIndex } from '../../src/evidence/snapshot-index.js';
import { testConfig } from '../support/config.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startMoto, type MotoServer } from '../support/moto.js';

let moto: MotoServer;
let proxy: FaultProxy;
const json = (body: unknown) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  moto = await startMoto();
  // moto does not serve job listings or LookupEvents: empty answers shaped like AWS's, over HTTP.
  proxy = await startFaultProxy({
    target: moto.url,
    rules: [
      { match: { path: /^\/backup-jobs\/?(\?|$)/ }, respond: json({ BackupJobs: [] }) },
      { match: { path: /^\/copy-jobs\/?(\?|$)/ }, respond: json({ CopyJobs: [] }) },
      { match: { path: /^\/restore-jobs\/?(\?|$)/ }, respond: json({ RestoreJobs: [] }) },
      { match: { target: 'LookupEvents' }, respond: { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ Events: [] }) } },
    ],
  });
});
afterAll(async () => {
  await proxy.stop();
  await moto.stop();
});

async function indexOf(snapshotPath: string): Promise<SnapshotIndex> {
  return JSON.parse(await readFile(path.join(snapshotPath, 'index.json'), 'utf8')) as SnapshotIndex;
}

test('collect --only jobs,events makes a light snapshot whose windows start where the previous one ended', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-light-'));
  const store = new LocalEvidenceStore(dir);
  const config = testConfig({ store: dir, regions: ['us-east-1', 'us-west-2'], period: { start: '2026-03-01', end: '2026-08-31' } });
  const clock = { now: new Date('2026-03-20T03:00:00Z') };

  const first = await collectSnapshot(config, { store, endpointUrl: proxy.url, only: ['jobs', 'events'], now: () => clock.now });
  clock.now = new Date('2026-03-21T03:00:00Z');
  const second = await collectSnapshot(config, { store, endpointUrl: proxy.url, only: ['jobs', 'events'], now: () => clock.now });

  const expected = ['backup.backup-jobs', 'backup.copy-jobs', 'backup.restore-jobs', 'cloudtrail.events'];
  expect(first.sources).toEqual(expected);
  for (const result of [first, second]) {
    const index = await indexOf(result.path);
    // Only those sources, for each account × region, and nothing else in the snapshot.
    expect([...new Set(index.envelopes.map((e) => e.collector))].sort()).toEqual(expected);
    expect(index.envelopes).toHaveLength(expected.length * 2);
    expect((await store.readManifest(result.snapshotId)).manifest.sources).toEqual(expected);
    expect(result.gaps).toEqual([]);
  }
  const firstIndex = await indexOf(first.path);
  const secondIndex = await indexOf(second.path);
  for (const entry of secondIndex.envelopes) {
    const before = firstIndex.envelopes.find((e) => e.collector === entry.collector && e.region === entry.region)!;
    expect(before.window).toEqual({ start: '2026-03-01T00:00:00.000Z', end: '2026-03-20T03:00:00.000Z' });
    expect(entry.window).toEqual({ start: before.window.end, end: '2026-03-21T03:00:00.000Z' });
  }
});

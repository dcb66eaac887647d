import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPeriod } from '../../../src/period/load-period.js';
import { ACCOUNT, OTHER_ACCOUNT, at, createFixtureStore, type FixtureStore } from '../../support/evidence-fixtures.js';
import { backupJob, s3Bucket, trail } from '../../support/evidence-data.js';
import { testConfig } from '../../support/config.js';

const config = testConfig({ period: { start: '2026-01-01', end: '2026-06-30' }, accounts: [{ id: ACCOUNT, name: 'prod' }] });

let fx: FixtureStore;
beforeEach(async () => {
  fx = await createFixtureStore();
});
afterEach(async () => {
  await fx.cleanup();
});

function bucketsEnvelope(names: string[], account = ACCOUNT) {
  return { collector: 's3.buckets', account, region: 'global', data: { buckets: names.map((n) => s3Bucket(n)) } };
}

describe('loadPeriod', () => {
  test('keeps every capture of a point-in-time source in time order and picks the latest in the period', async () => {
    // Arrange: monthly captures, one before the period (inside the edge), one long before, one after the end.
    await fx.write({ at: at('2025-06-01', 2), envelopes: [bucketsEnvelope(['ancient'])] });
    await fx.write({ at: at('2025-12-15', 2), envelopes: [bucketsEnvelope(['a'])] });
    await fx.write({ at: at('2026-03-01', 2), envelopes: [bucketsEnvelope(['a', 'b']), { collector: 'cloudtrail.trails', data: { trails: [trail('main')] } }] });
    await fx.write({ at: at('2026-06-30', 23), envelopes: [bucketsEnvelope(['a', 'b', 'c'])] });
    await fx.write({ at: at('2026-07-01', 2), envelopes: [bucketsEnvelope(['a', 'b', 'c', 'd'])] });

    // Act
    const view = await loadPeriod(fx.store, config);

    // Assert
    const series = view.series<{ buckets: Array<{ name: string }> }>('s3.buckets');
    expect(series.map((c) => c.at.slice(0, 10))).toEqual(['2025-12-15', '2026-03-01', '2026-06-30', '2026-07-01']);
    expect(view.latest<{ buckets: unknown[] }>('s3.buckets').map((c) => c.data.buckets.length)).toEqual([3]);
    expect(view.series('cloudtrail.trails')).toHaveLength(1);
    expect(view.has('cloudtrail.trails')).toBe(true);
    expect(view.has('backup.vaults')).toBe(false);
    expect(view.problems).toEqual([]);
    expect(view.snapshots).toHaveLength(4);
    expect(series[0].evidenceId).toBe(`${series[0].snapshotId}_${ACCOUNT}_global_s3.buckets`);
    expect(view.envelopes.every((e) => e.trusted)).toBe(true);
  });

  test('keeps one capture per source, account, region and day: the latest complete one', async () => {
    await fx.write({ at: at('2026-02-01', 1), envelopes: [bucketsEnvelope(['early'])] });
    await fx.write({ at: at('2026-02-01', 9), envelopes: [bucketsEnvelope(['late'])] });
    await fx.write({
      at: at('2026-02-01', 12),
      envelopes: [{ ...bucketsEnvelope(['partial']), gaps: [{ collector: 's3.buckets', account: ACCOUNT, region: 'global', kind: 'denied', message: 'AccessDenied', resource: 'partial' }] }],
    });
    await fx.write({ at: at('2026-02-01', 3), envelopes: [bucketsEnvelope(['x'], OTHER_ACCOUNT)] });

    const view = await loadPeriod(fx.store, config);

    const names = view.series<{ buckets: Array<{ name: string }> }>('s3.buckets').map((c) => `${c.account}:${c.data.buckets[0].name}`);
    expect(names).toEqual([`${OTHER_ACCOUNT}:x`, `${ACCOUNT}:late`]);
    expect(view.accounts).toEqual([ACCOUNT, OTHER_ACCOUNT]);
  });

  test('jobs captured in overlapping snapshots are counted once, in their latest observed state', async () => {
    const first = at('2026-02-01', 2);
    const second = at('2026-02-02', 2);
    const job = (id: string, state: string) => backupJob(id, 'arn:aws:s3:::records', state, at('2026-01-31', 23));
    // The second window's 3-day lookback lists j1 and j2 again: j1 finished since, j2 failed.
    await fx.write({ at: first, envelopes: [{ collector: 'backup.backup-jobs', window: { start: at('2026-01-31', 2), end: first }, data: { jobs: [job('j1', 'RUNNING'), job('j2', 'RUNNING')] } }] });
    const later = await fx.write({
      at: second,
      envelopes: [{ collector: 'backup.backup-jobs', window: { start: first, end: second }, data: { jobs: [job('j1', 'COMPLETED'), job('j2', 'FAILED'), job('j3', 'COMPLETED')] } }],
    });

    const view = await loadPeriod(fx.store, config);

    const jobs = view.records<{ BackupJobId: string; State: string }>('backup.backup-jobs');
    expect(jobs.map((j) => `${j.key}:${j.record.State}:${j.observations}`)).toEqual(['j1:COMPLETED:2', 'j2:FAILED:2', 'j3:COMPLETED:1']);
    expect(jobs.every((j) => j.snapshotId === later && j.evidenceId === `${later}_${ACCOUNT}_us-east-1_backup.backup-jobs`)).toBe(true);
    expect(view.series('backup.backup-jobs')).toEqual([]);
  });

  test('an altered evidence file is reported and its data left out', async () => {
    const first = await fx.write({ at: at('2026-02-01', 2), envelopes: [bucketsEnvelope(['a'])] });
    await fx.write({ at: at('2026-03-01', 2), envelopes: [bucketsEnvelope(['a', 'b'])] });
    const file = path.join(fx.dir, 'snapshots', first, 'evidence', ACCOUNT, 'global', 's3.buckets.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"a"', '"tampered"'));

    const view = await loadPeriod(fx.store, config);

    expect(view.problems).toEqual([
      expect.objectContaining({ kind: 'altered', snapshotId: first, path: `evidence/${ACCOUNT}/global/s3.buckets.json` }),
    ]);
    expect(view.series('s3.buckets').map((c) => c.snapshotId)).not.toContain(first);
    expect(view.envelopes.find((e) => e.snapshotId === first)?.trusted).toBe(false);
  });

  test('a deleted snapshot breaks the chain; an altered manifest makes its snapshot untrusted', async () => {
    await fx.write({ at: at('2026-01-10', 2), envelopes: [bucketsEnvelope(['a'])] });
    const middle = await fx.write({ at: at('2026-02-10', 2), envelopes: [bucketsEnvelope(['a'])] });
    const third = await fx.write({ at: at('2026-03-10', 2), envelopes: [bucketsEnvelope(['a'])] });
    const fourth = await fx.write({ at: at('2026-04-10', 2), envelopes: [bucketsEnvelope(['a'])] });
    await fx.write({ at: at('2026-05-10', 2), envelopes: [bucketsEnvelope(['a'])] });
    await rm(path.join(fx.dir, 'snapshots', middle), { recursive: true });
    const manifest = path.join(fx.dir, 'snapshots', fourth, 'manifest.json');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('"toolVersion": "test"', '"toolVersion": "tést"'));

    const view = await loadPeriod(fx.store, config);

    const kinds = view.problems.map((p) => `${p.kind}:${p.snapshotId === third ? 'third' : p.snapshotId === fourth ? 'fourth' : p.snapshotId}`);
    expect(kinds).toContain('chain:third');
    expect(kinds).toContain('altered:fourth');
    expect(view.snapshots.find((s) => s.id === fourth)?.trusted).toBe(false);
    expect(view.series('s3.buckets').map((c) => c.snapshotId)).not.toContain(fourth);
  });

  test('an envelope that does not match its schema is reported as invalid and not used', async () => {
    const id = await fx.write({
      at: at('2026-02-01', 2),
      envelopes: [{ collector: 's3.buckets', region: 'global', data: { buckets: [{ name: 'no-region' }] }, invalid: true }],
    });

    const view = await loadPeriod(fx.store, config);

    expect(view.problems).toEqual([expect.objectContaining({ kind: 'invalid', snapshotId: id, message: expect.stringContaining('s3.buckets.v1') })]);
    expect(view.has('s3.buckets')).toBe(false);
  });
});

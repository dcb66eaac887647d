import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildCoverageLedger } from '../../../src/coverage/build-ledger.js';
import type { CoverageCell } from '../../../src/coverage/types.js';
import { loadPeriod } from '../../../src/period/load-period.js';
import { ACCOUNT, at, createFixtureStore, plusDays, type FixtureStore } from '../../support/evidence-fixtures.js';
import { backupJob, historyData, recorders, s3Bucket, s3BucketItem } from '../../support/evidence-data.js';
import { testConfig } from '../../support/config.js';

const config = testConfig({ period: { start: '2026-01-01', end: '2026-03-31' }, accounts: [{ id: ACCOUNT, name: 'prod' }], regions: ['us-east-1'] });

let fx: FixtureStore;
beforeEach(async () => {
  fx = await createFixtureStore();
});
afterEach(async () => {
  await fx.cleanup();
});

async function ledger() {
  const view = await loadPeriod(fx.store, config);
  return buildCoverageLedger(view, { regions: config.regions });
}

function cell(cells: CoverageCell[], source: string, region = 'us-east-1'): CoverageCell {
  const found = cells.find((c) => c.source === source && c.account === ACCOUNT && c.region === region);
  if (!found) throw new Error(`no cell ${source}`);
  return found;
}

const jobs = (start: string, end: string) => ({ collector: 'backup.backup-jobs', window: { start, end }, data: { jobs: [backupJob('j1', 'arn:aws:s3:::records', 'COMPLETED', plusDays(end, -1))] } });

describe('coverage ledger', () => {
  test('backup jobs captured 40 days apart: the days between are a retention gap, with the reason the runner recorded', async () => {
    const first = at('2026-02-01', 2);
    const second = at('2026-03-13', 2);
    const reachable = plusDays(second, -30);
    const a = await fx.write({ at: first, envelopes: [jobs('2026-01-01T00:00:00.000Z', first)] });
    const b = await fx.write({
      at: second,
      envelopes: [jobs(reachable, second)],
      gaps: [
        {
          collector: 'backup.backup-jobs',
          account: ACCOUNT,
          region: 'us-east-1',
          kind: 'window',
          message: `the source keeps 30 days; the previous capture ended ${first}, so ${first} to ${reachable} can no longer be collected`,
          window: { start: first, end: reachable },
          at: second,
        },
      ],
    });
    const c = cell((await ledger()).cells, 'backup.backup-jobs');
    expect(c.gaps).toEqual([
      expect.objectContaining({ from: '2026-02-01', to: '2026-02-11', days: 11, reason: 'retention', snapshots: [b], message: expect.stringMatching(/source keeps 30 days.*can no longer be collected/) }),
      expect.objectContaining({ from: '2026-03-13', to: '2026-03-31', reason: 'no-snapshot' }),
    ]);
    expect(c.covered).toEqual([
      { from: '2026-01-01', to: '2026-01-31', days: 31, snapshots: [a] },
      { from: '2026-02-12', to: '2026-03-12', days: 29, snapshots: [b] },
    ]);
  });

  test('without the runner\'s gap record, the distance between the captures explains the gap', async () => {
    const first = at('2026-02-01', 2);
    const second = at('2026-03-13', 2);
    await fx.write({ at: first, envelopes: [jobs('2026-01-01T00:00:00.000Z', first)] });
    await fx.write({ at: second, envelopes: [jobs(plusDays(second, -30), second)] });
    const c = cell((await ledger()).cells, 'backup.backup-jobs');
    expect(c.gaps[0]).toMatchObject({ from: '2026-02-01', to: '2026-02-11', reason: 'retention', message: expect.stringMatching(/are 40 days apart, but backup.backup-jobs keeps only 30 days/) });
  });

  test('a denied call is the reason for the days its window should have covered', async () => {
    const first = at('2026-02-01', 2);
    await fx.write({ at: first, envelopes: [jobs('2026-01-01T00:00:00.000Z', first)] });
    await fx.write({
      at: at('2026-02-15', 2),
      envelopes: [],
      gaps: [{ collector: 'backup.backup-jobs', account: ACCOUNT, region: 'us-east-1', kind: 'denied', operation: 'backup:ListBackupJobs', errorCode: 'AccessDeniedException', message: 'not authorized', window: { start: first, end: at('2026-02-15', 2) } }],
    });
    await fx.write({ at: at('2026-03-31', 23), envelopes: [jobs(at('2026-03-02', 2), at('2026-03-31', 23))] });
    const c = cell((await ledger()).cells, 'backup.backup-jobs');
    expect(c.gaps[0]).toMatchObject({ from: '2026-02-01', to: '2026-02-15', reason: 'denied', message: expect.stringMatching(/the call was denied \(backup:ListBackupJobs AccessDeniedException\)/) });
    expect(c.gaps[1]).toMatchObject({ from: '2026-02-16', to: '2026-03-02', reason: 'retention' });
  });

  test('point-in-time sources: captures at most 35 days apart cover the days between; further apart is a gap', async () => {
    const buckets = { collector: 's3.buckets', region: 'global', data: { buckets: [s3Bucket('records')] } };
    const jan = await fx.write({ at: at('2026-01-01', 2), envelopes: [buckets] });
    const feb = await fx.write({ at: at('2026-02-01', 2), envelopes: [buckets] });
    const apr = await fx.write({ at: at('2026-04-01', 2), envelopes: [buckets] });
    const c = cell((await ledger()).cells, 's3.buckets', 'global');
    expect(c.kind).toBe('point-in-time');
    expect(c.covered).toEqual([{ from: '2026-01-01', to: '2026-02-01', days: 32, snapshots: [jan, feb] }]);
    expect(c.gaps).toEqual([
      expect.objectContaining({ from: '2026-02-02', to: '2026-03-31', reason: 'no-snapshot', snapshots: [feb, apr], message: expect.stringMatching(/are 59 days apart, more than 35/) }),
    ]);
  });

  test('an incomplete envelope does not cover, and says why', async () => {
    await fx.write({
      at: at('2026-01-15', 2),
      envelopes: [{ ...jobs('2026-01-01T00:00:00.000Z', at('2026-01-15', 2)), gaps: [{ collector: 'backup.backup-jobs', account: ACCOUNT, region: 'us-east-1', kind: 'throttled', operation: 'backup:ListBackupJobs', message: 'Rate exceeded', resource: 'page 3' }] }],
    });
    const c = cell((await ledger()).cells, 'backup.backup-jobs');
    expect(c.gaps[0]).toMatchObject({ from: '2026-01-01', to: '2026-01-15', reason: 'incomplete', message: expect.stringMatching(/is incomplete: the call was throttled/) });
  });

  test('an altered snapshot is a verification gap and a problem', async () => {
    const id = await fx.write({ at: at('2026-02-01', 2), envelopes: [jobs('2026-01-01T00:00:00.000Z', at('2026-02-01', 2))] });
    const file = path.join(fx.dir, 'snapshots', id, 'evidence', ACCOUNT, 'us-east-1', 'backup.backup-jobs.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('COMPLETED', 'FAILED'));
    const l = await ledger();
    expect(cell(l.cells, 'backup.backup-jobs').gaps[0]).toMatchObject({ from: '2026-01-01', to: '2026-02-01', reason: 'verification', message: expect.stringMatching(/failed verification: .*does not match the manifest/) });
    expect(l.problems).toHaveLength(1);
    expect(l.summary.complete).toBe(false);
  });

  test('days when AWS Config was not recording are gaps of Config history even where a window covers them', async () => {
    const end = at('2026-04-01', 2);
    await fx.write({ at: at('2026-01-01', 1), envelopes: [{ collector: 'config.recorders', data: recorders(true) }] });
    await fx.write({
      at: end,
      envelopes: [
        { collector: 'config.history', window: { start: '2026-01-01T00:00:00.000Z', end }, data: historyData([s3BucketItem('records', at('2025-12-01'))]) },
        { collector: 'config.recorders', data: recorders(true, { lastStopTime: at('2026-02-10', 6), lastStartTime: at('2026-02-12', 6) }) },
      ],
    });
    const c = cell((await ledger()).cells, 'config.history');
    expect(c.gaps).toEqual([expect.objectContaining({ from: '2026-02-10', to: '2026-02-12', reason: 'recorder-off', message: expect.stringMatching(/not recording from 2026-02-10T06:00/) })]);
  });

  test('a source never collected is one gap range over the whole period; a complete ledger has none', async () => {
    const l = await ledger();
    const c = cell(l.cells, 'backup.copy-jobs');
    expect(c.gaps).toEqual([expect.objectContaining({ from: '2026-01-01', to: '2026-03-31', days: 90, reason: 'no-snapshot' })]);
    expect(l.summary.complete).toBe(false);
    expect(l.rules.pointInTimeMaxSpacingDays).toBe(35);
  });
});

/**
 * Scaling check of the evaluate stage (not a test): a synthetic estate of N resources collected
 * monthly (full state) and daily (Backup jobs with the collector's 3-day lookback, copy jobs),
 * written as real snapshots, then `evaluatePeriod` (load + verify + ledger + every control) is
 * timed for the first half of the daily snapshots and for all of them. Prints wall time, peak RSS
 * and the ratio, so quadratic behaviour in jobs or snapshots would show.
 *
 *   npx tsx bench/evaluate-scale.ts [--resources 1000] [--days 180]
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { LocalEvidenceStore } from '../src/evidence/local-store.js';
import { CONTROLS } from '../src/controls/index.js';
import { evaluateControls } from '../src/controls/evaluate-controls.js';
import { buildLedgerFor } from '../src/period/evaluate-period.js';
import { loadPeriod } from '../src/period/load-period.js';
import { ACCOUNT, writeFixtureSnapshot, type FixtureEnvelope } from '../test/support/evidence-fixtures.js';
import { backupJob, backupPlan, backupVault, copyJob, planRule, recorders, recoveryPoint, recoveryPoints, s3Bucket, s3Replica, selectionsData, trail } from '../test/support/evidence-data.js';
import { testConfig } from '../test/support/config.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RESOURCES = arg('resources', 1000);
const DAYS = arg('days', 180);
const DAY_MS = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function bucketNames(): string[] {
  return Array.from({ length: RESOURCES }, (_, i) => `data-${String(i).padStart(4, '0')}`);
}

function monthly(at: number): FixtureEnvelope[] {
  const names = bucketNames();
  const byTag = { Resources: ['arn:aws:s3:::*'], Conditions: { StringEquals: [{ ConditionKey: 'aws:ResourceTag/soc2', ConditionValue: 'in-scope' }] } };
  return [
    { collector: 's3.buckets', region: 'global', data: { buckets: names.flatMap((n) => [s3Bucket(n), s3Replica(n)]) } },
    { collector: 'backup.vaults', data: { vaults: [backupVault('primary')] } },
    { collector: 'backup.vaults', region: 'us-west-2', data: { vaults: [backupVault('secondary', 'us-west-2')] } },
    { collector: 'backup.plans', data: { plans: [backupPlan('daily', [planRule('daily')])] } },
    { collector: 'backup.plans', region: 'us-west-2', data: { plans: [] } },
    { collector: 'backup.selections', data: selectionsData([{ id: 'daily', selections: [byTag] }]) },
    { collector: 'backup.selections', region: 'us-west-2', data: selectionsData([]) },
    // 35 daily recovery points per resource are kept: a month's state of the primary vault.
    {
      collector: 'backup.recovery-points',
      data: recoveryPoints([{ name: 'primary', points: names.flatMap((n) => Array.from({ length: 35 }, (_, d) => recoveryPoint(`arn:aws:s3:::${n}`, { CreationDate: iso(at - d * DAY_MS) }))) }]),
    },
    { collector: 'cloudtrail.trails', data: { trails: [trail('main')] } },
    { collector: 'cloudtrail.trails', region: 'us-west-2', data: { trails: [{ ...trail('main'), shadow: true, status: null, selectors: null }] } },
    { collector: 'config.recorders', data: recorders(true) },
    { collector: 'config.recorders', region: 'us-west-2', data: recorders(true) },
  ];
}

function daily(at: number, previous: number): FixtureEnvelope[] {
  const names = bucketNames();
  const jobs: Array<Record<string, unknown>> = [];
  const copies: Array<Record<string, unknown>> = [];
  // The collector asks for 3 days before the window: each job is seen in up to 4 snapshots.
  for (let day = Math.floor((previous - 3 * DAY_MS) / DAY_MS) * DAY_MS; day < at; day += DAY_MS) {
    if (day < START) continue;
    const created = iso(day + 5 * 3_600_000);
    for (const [i, n] of names.entries()) {
      jobs.push(backupJob(`job-${n}-${created.slice(0, 10)}`, `arn:aws:s3:::${n}`, i % 997 === 0 && day % 7 === 0 ? 'FAILED' : 'COMPLETED', created));
      if (i % 5 === 0) copies.push(copyJob(`copy-${n}-${created.slice(0, 10)}`, `arn:aws:s3:::${n}`, 'COMPLETED', created));
    }
  }
  const window = { start: iso(previous), end: iso(at) };
  return [
    { collector: 'backup.backup-jobs', window, data: { jobs } },
    { collector: 'backup.backup-jobs', region: 'us-west-2', window, data: { jobs: [] } },
    { collector: 'backup.copy-jobs', window, data: { jobs: copies } },
    { collector: 'backup.copy-jobs', region: 'us-west-2', window, data: { jobs: [] } },
  ];
}

async function generate(dir: string, days: number): Promise<LocalEvidenceStore> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const store = new LocalEvidenceStore(dir);
  let previous = START;
  for (let d = 0; d < days; d += 1) {
    const at = START + (d + 1) * DAY_MS + 2 * 3_600_000;
    const envelopes = daily(at, previous);
    if (d % 30 === 0) envelopes.push(...monthly(at));
    await writeFixtureSnapshot(store, { at: iso(at), envelopes, suffix: `b${d}` });
    previous = at;
  }
  return store;
}

async function measure(days: number) {
  const dir = path.resolve('bench/.work/evaluate', `days-${days}`);
  const t0 = Date.now();
  const store = await generate(dir, days);
  const generated = (Date.now() - t0) / 1000;
  const end = iso(START + (days - 1) * DAY_MS).slice(0, 10);
  const config = testConfig({
    period: { start: '2026-01-01', end },
    accounts: [{ id: ACCOUNT, name: 'prod' }],
    regions: ['us-east-1', 'us-west-2'],
    regionPairs: [{ primary: 'us-east-1', secondary: 'us-west-2' }],
    scope: { tags: { soc2: 'in-scope' } },
  });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  // The three steps of evaluatePeriod, timed one by one.
  const t1 = Date.now();
  const view = await loadPeriod(store, config);
  const t2 = Date.now();
  const coverage = await buildLedgerFor(view, config, store);
  const t3 = Date.now();
  const perControl: string[] = [];
  const results = CONTROLS.map((control) => {
    const s0 = Date.now();
    const r = evaluateControls(view, coverage, config, [control]);
    perControl.push(`${control.id} ${((Date.now() - s0) / 1000).toFixed(1)}`);
    return r.controls[0];
  });
  const t4 = Date.now();
  const seconds = (t4 - t1) / 1000;
  const evaluation = { summary: results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {}) };
  console.log(`  load ${((t2 - t1) / 1000).toFixed(1)} s, ledger ${((t3 - t2) / 1000).toFixed(1)} s, controls ${((t4 - t3) / 1000).toFixed(1)} s (${perControl.filter((p) => !p.endsWith(' 0.0')).join(', ')})`);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const jobs = view.records('backup.backup-jobs').length;
  const observations = view.records<unknown>('backup.backup-jobs').reduce((n, r) => n + r.observations, 0);
  console.log(
    `${days} daily snapshots (${view.snapshots.length} loaded), ${RESOURCES} resources: ${jobs} distinct jobs from ${observations} observations; evaluate ${seconds.toFixed(1)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (generation ${generated.toFixed(0)} s); statuses ${JSON.stringify(evaluation.summary)}`,
  );
  await rm(dir, { recursive: true, force: true });
  return { seconds, peak, jobs };
}

const half = await measure(Math.round(DAYS / 2));
const full = await measure(DAYS);
console.log(`ratio full/half: time ${(full.seconds / half.seconds).toFixed(2)}, jobs ${(full.jobs / half.jobs).toFixed(2)} (linear ≈ 2)`);

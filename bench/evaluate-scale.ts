/**
 * Scaling check of the evaluate stage (not a test): an estate from the sample generator
 * (samples/generator: the real collectors against a simulated AWS, every run written through the
 * store) of N in-scope resources with daily backups of N resources and their cross-region copies,
 * collected monthly (state, Config history) and daily (jobs and events); `evaluatePeriod`'s steps
 * (load + verify, ledger, every control) are timed for half the period and for all of it. Prints
 * wall time, peak RSS and the ratio, so quadratic behaviour in jobs or snapshots would show.
 *
 *   npx tsx bench/evaluate-scale.ts [--resources 1000] [--months 6] [--jobs-per-day 1000]
 */
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../src/config/load-config.js';
import type { Config } from '../src/config/types.js';
import { CONTROLS } from '../src/controls/index.js';
import { evaluateControls } from '../src/controls/evaluate-controls.js';
import { LocalEvidenceStore } from '../src/evidence/local-store.js';
import { buildLedgerFor } from '../src/period/evaluate-period.js';
import { loadPeriod } from '../src/period/load-period.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RESOURCES = arg('resources', 1000);
const MONTHS = arg('months', 6);
const JOBS_PER_DAY = arg('jobs-per-day', RESOURCES);

/**
 * A generated estate of `months` months (daily job captures, no deliberate findings), generated in
 * a child process so that the generator's memory does not count in the peak measured here.
 */
async function generate(dir: string, months: number): Promise<{ store: LocalEvidenceStore; config: Config; snapshots: number }> {
  await rm(dir, { recursive: true, force: true });
  const flags = ['--out', dir, '--seed', 'bench', '--resources', String(RESOURCES), '--jobs-per-day', String(JOBS_PER_DAY), '--months', String(months), '--captures', 'daily', '--no-findings'];
  execFileSync(process.execPath, ['--import', 'tsx', 'samples/generate.ts', ...flags], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { config } = await loadConfig(path.join(dir, 'proofpack.yaml'));
  const store = new LocalEvidenceStore(config.store);
  return { store, config, snapshots: (await store.listSnapshotIds()).length };
}

async function measure(months: number) {
  const dir = path.resolve('bench/.work/evaluate', `months-${months}`);
  const t0 = Date.now();
  const { store, config, snapshots } = await generate(dir, months);
  const generated = (Date.now() - t0) / 1000;
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
    `${months} months, ${snapshots} snapshots (${view.snapshots.length} loaded), ${RESOURCES} resources, ${JOBS_PER_DAY} backups a day: ${jobs} distinct backup jobs from ${observations} observations; evaluate ${seconds.toFixed(1)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (generation ${generated.toFixed(0)} s); statuses ${JSON.stringify(evaluation.summary)}`,
  );
  await rm(dir, { recursive: true, force: true });
  return { seconds, peak, jobs };
}

const half = await measure(Math.max(1, Math.round(MONTHS / 2)));
const full = await measure(MONTHS);
console.log(`ratio full/half: time ${(full.seconds / half.seconds).toFixed(2)}, jobs ${(full.jobs / half.jobs).toFixed(2)} (linear ≈ 2)`);

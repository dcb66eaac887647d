/**
 * Generates the Larkspur sample estate (samples/larkspur/, checked in) or, with the scale flags,
 * larger estates for benchmarks. Deterministic: the same flags give the same bytes.
 *
 *   npm run samples                                   # samples/larkspur/
 *   npm run samples -- --out /tmp/big --resources 10000 --jobs-per-day 600 --captures daily
 *
 * Flags: --out DIR, --seed S, --accounts N, --regions N, --resources N (in-scope resources, at
 * least), --jobs-per-day N (backup jobs a day in the primary regions), --months N (period length),
 * --captures daily|weekly (job and event captures), --no-findings (leave the deliberate findings out).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OPTIONS, type EstateOptions } from './generator/estate.js';
import { generateEstate } from './generator/generate-estate.js';

const here = path.dirname(fileURLToPath(import.meta.url));

interface Flags extends Partial<EstateOptions> {
  out: string;
}

export function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = { out: path.join(here, 'larkspur') };
  const numeric = (name: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < 0) throw new Error(`--${name}: expected a whole number, got ${JSON.stringify(value)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = argv[i + 1];
    switch (arg) {
      case '--out':
        if (!value) throw new Error('--out: expected a folder');
        flags.out = path.resolve(value);
        i += 1;
        break;
      case '--seed':
        if (!value) throw new Error('--seed: expected a text');
        flags.seed = value;
        i += 1;
        break;
      case '--accounts':
        flags.accounts = numeric('accounts', value);
        i += 1;
        break;
      case '--regions':
        flags.regions = numeric('regions', value);
        i += 1;
        break;
      case '--resources':
        flags.resources = numeric('resources', value);
        i += 1;
        break;
      case '--jobs-per-day':
        flags.jobsPerDay = numeric('jobs-per-day', value);
        i += 1;
        break;
      case '--months':
        flags.months = numeric('months', value);
        i += 1;
        break;
      case '--captures':
        if (value !== 'daily' && value !== 'weekly') throw new Error(`--captures: expected daily or weekly, got ${JSON.stringify(value)}`);
        flags.jobCaptures = value;
        i += 1;
        break;
      case '--no-findings':
        flags.findings = false;
        break;
      default:
        throw new Error(`unknown flag ${arg} (flags: --out, --seed, --accounts, --regions, --resources, --jobs-per-day, --months, --captures, --no-findings)`);
    }
  }
  return flags;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const started = performance.now();
  const tty = Boolean(process.stderr.isTTY);
  const result = await generateEstate({
    ...flags,
    onRun: (outcome, done, total) => {
      if (tty) process.stderr.write(`\r\x1b[2K  run ${done}/${total}  ${outcome.snapshotId} (${outcome.kind}, ${outcome.envelopes} envelopes, ${outcome.records} records)`);
    },
  });
  if (tty) process.stderr.write('\n');
  const e = result.estate;
  const o = e.options;
  const inScope = result.inScope.reduce((n, r) => n + r.count, 0);
  const lines = [
    `${path.relative(process.cwd(), result.out) || '.'}: ${e.organization} — ${e.system}, ${e.period.start} to ${e.period.end}`,
    `  options: seed ${o.seed}, ${o.accounts} accounts, ${o.regions} regions, ≥${o.resources} resources${o.jobsPerDay !== undefined ? `, ${o.jobsPerDay} jobs a day` : ''}, ${o.months} months, ${o.jobCaptures} captures${o.findings ? '' : ', no findings'}${o.seed === DEFAULT_OPTIONS.seed ? '' : ''}`,
    `  in-scope resources: ${inScope}`,
    `  jobs: ${result.activity.counts.backupJobs} backup, ${result.activity.counts.copyJobs} copy, ${result.activity.counts.restoreJobs} restore; ${result.activity.counts.events} CloudTrail events`,
    `  snapshots: ${result.runs.filter((r) => r.kind === 'monthly').length} monthly, ${result.runs.filter((r) => r.kind === 'jobs').length} job captures; ${result.runs.reduce((n, r) => n + r.envelopes, 0)} envelopes, ${result.runs.reduce((n, r) => n + r.calls, 0)} simulated API calls`,
    `  time: model ${(result.timings.model / 1000).toFixed(1)} s, runs ${(result.timings.runs / 1000).toFixed(1)} s, total ${((performance.now() - started) / 1000).toFixed(1)} s`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`samples/generate.ts: ${(error as Error).message}\n`);
    if (process.env.PROOFPACK_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = 1;
  });
}

/**
 * Generates a sample estate folder: proofpack.yaml, narrative.yaml, dr-tests/, diagrams/ and an
 * evidence store (evidence/) holding every collect run of the period, deterministically from the
 * options. `samples/generate.ts` is the command line; bench/ and the tests call this directly.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readDrRecords } from '../../src/collectors/dr/records.js';
import { parseConfig } from '../../src/config/load-config.js';
import '../../src/controls/index.js';
import { LocalEvidenceStore } from '../../src/evidence/local-store.js';
import { buildActivity, buildGameDays, type Activity } from './activity.js';
import { SimulatedAws } from './aws-sim.js';
import { planRuns, replayRun, type RunOutcome } from './collect-runs.js';
import { buildConfigInventory } from './config-items.js';
import { DEFAULT_OPTIONS, DAY_MS, buildEstate, countInScope, type Estate, type EstateOptions } from './estate.js';
import { configFile, diagramFiles, drTestFiles, narrativeFile, type SampleFile } from './files.js';

export interface GenerateOptions extends Partial<EstateOptions> {
  /** The folder to write (created; its generated parts are replaced). */
  out: string;
  /** Called after each run with its outcome (progress). */
  onRun?: (outcome: RunOutcome, done: number, total: number) => void;
}

export interface GenerateResult {
  out: string;
  estate: Estate;
  activity: Activity;
  runs: RunOutcome[];
  inScope: Array<{ kind: string; region: string; count: number }>;
  /** Milliseconds spent building the model and replaying the runs. */
  timings: { model: number; runs: number };
}

/** What the generator owns inside `out` (replaced on every run; nothing else there is touched). */
export const GENERATED_PATHS = ['proofpack.yaml', 'narrative.yaml', 'dr-tests', 'diagrams', 'evidence'] as const;

export async function generateEstate(options: GenerateOptions): Promise<GenerateResult> {
  const out = path.resolve(options.out);
  const settings: EstateOptions = { ...DEFAULT_OPTIONS, ...Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && k !== 'out' && k !== 'onRun')) };
  const t0 = performance.now();
  const estate = buildEstate(settings);
  const gameDays = buildGameDays(estate);

  await mkdir(out, { recursive: true });
  for (const p of GENERATED_PATHS) await rm(path.join(out, p), { recursive: true, force: true });
  const configText = configFile(estate, { jobCaptures: settings.jobCaptures });
  const files: SampleFile[] = [
    { path: 'proofpack.yaml', content: configText },
    { path: 'narrative.yaml', content: narrativeFile(estate) },
    ...drTestFiles(gameDays),
    ...diagramFiles(estate),
  ];
  await mkdir(path.join(out, 'dr-tests'), { recursive: true });
  for (const f of files) {
    await mkdir(path.dirname(path.join(out, f.path)), { recursive: true });
    await writeFile(path.join(out, f.path), f.content);
  }
  const { config } = parseConfig(configText, { file: 'proofpack.yaml', configPath: path.join(out, 'proofpack.yaml') });
  const drRecords = await readDrRecords(config);

  const runs = planRuns(estate);
  const until = Math.max(...runs.map((r) => r.startedAt)) + DAY_MS;
  const activity = buildActivity(estate, until);
  const inventory = buildConfigInventory(estate);
  const sim = new SimulatedAws(estate, activity, inventory);
  const t1 = performance.now();

  const store = new LocalEvidenceStore(config.store);
  const outcomes: RunOutcome[] = [];
  for (const run of runs) {
    const outcome = await replayRun(run, { estate, config, sim, store, gameDays, drRecords });
    outcomes.push(outcome);
    options.onRun?.(outcome, outcomes.length, runs.length);
  }
  const t2 = performance.now();
  return { out, estate, activity, runs: outcomes, inScope: countInScope(estate), timings: { model: t1 - t0, runs: t2 - t1 } };
}

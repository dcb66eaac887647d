import type { Config } from '../config/types.js';
import { CONTROLS } from '../controls/index.js';
import { evaluateControls } from '../controls/evaluate-controls.js';
import type { Control, Evaluation } from '../controls/types.js';
import { buildCoverageLedger } from '../coverage/build-ledger.js';
import { missedRunEvidence } from '../coverage/missed-runs.js';
import { collectors } from '../collectors/index.js';
import { schedulesFromConfig } from '../evidence/run-schedule.js';
import type { CoverageLedger } from '../coverage/types.js';
import type { EvidenceStore } from '../evidence/store.js';
import { loadPeriod, type LoadPeriodOptions } from './load-period.js';
import type { PeriodView } from './types.js';

export interface PeriodEvaluation {
  view: PeriodView;
  coverage: CoverageLedger;
  evaluation: Evaluation;
}

/**
 * The whole evaluate stage: load and verify the period's snapshots, build the coverage ledger,
 * evaluate every control. `proofpack evaluate`, `coverage` and `report` call this; the view is
 * returned too so the report can build the System Description from the same evidence.
 */
export async function evaluatePeriod(
  config: Config,
  options: { store: EvidenceStore; controls?: readonly Control[] } & LoadPeriodOptions,
): Promise<PeriodEvaluation> {
  const view = await loadPeriod(options.store, config, options);
  const coverage = await buildLedgerFor(view, config, options.store);
  const evaluation = evaluateControls(view, coverage, config, options.controls ?? CONTROLS);
  return { view, coverage, evaluation };
}

/**
 * Whether a source is collected for an account × region under this config (the collector's
 * `appliesTo`: e.g. the Config aggregator inventory only in the aggregator's account). Sources
 * that do not apply have no cells in the ledger, so they are never gaps.
 */
export function sourceApplies(config: Partial<Config>): (source: string, account: string, region: string) => boolean {
  const byId = new Map(collectors.map((c) => [c.id, c]));
  const names = new Map((Array.isArray(config.accounts) ? config.accounts : []).map((a) => [a.id, a.name]));
  return (source, account, region) => {
    const collector = byId.get(source);
    if (!collector?.appliesTo || !config.period) return true;
    return collector.appliesTo(config as Config, { id: account, name: names.get(account) ?? account }, region);
  };
}

/** The coverage ledger of a loaded period, with the scheduled runs the run log shows were missed. */
export async function buildLedgerFor(
  view: PeriodView,
  config: Pick<Config, 'regions' | 'period'> & Partial<Pick<Config, 'schedules'>>,
  store: EvidenceStore,
  now: Date = new Date(),
): Promise<CoverageLedger> {
  const missed = missedRunEvidence(await store.readRunLog(), config.period, { schedules: schedulesFromConfig(config, collectors), now });
  return buildCoverageLedger(view, { regions: config.regions, externalGaps: missed.gaps, notices: missed.notices, applies: sourceApplies(config) });
}

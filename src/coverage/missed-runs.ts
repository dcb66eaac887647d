import type { RunLogEntry } from '../evidence/store.js';
import type { CoverageNotice, ExternalGap } from './types.js';

/**
 * Where missed scheduled runs enter the ledger. Issue 8 adds the schedule and a pure
 * `findMissedRuns(runs, schedule, period)` over `<store>/runs.jsonl`; plug it in here: each missed
 * run becomes a notice (shown in `proofpack coverage`) and an `ExternalGap` with reason
 * `missed-run`, which explains the days no snapshot covers. Until a schedule exists in the config
 * there is nothing to compare the run log with, so nothing is reported.
 */
export function missedRunEvidence(_runs: readonly RunLogEntry[], _period: { start: string; end: string }): { gaps: ExternalGap[]; notices: CoverageNotice[] } {
  return { gaps: [], notices: [] };
}

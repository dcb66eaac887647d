import { findMissedRuns, type RunSchedule } from '../evidence/run-schedule.js';
import type { RunLogEntry } from '../evidence/store.js';
import type { CoverageNotice, ExternalGap } from './types.js';

/**
 * Where missed scheduled runs enter the ledger: for each schedule of the config (`schedules`,
 * resolved to collector ids by `schedulesFromConfig`), `findMissedRuns` over the run log
 * (`<store>/runs.jsonl`, or `runs/` in S3) lists the days, weeks or months without a successful
 * run. Each becomes a notice (shown in `proofpack coverage`) and an `ExternalGap` with reason
 * `missed-run` for each of the schedule's sources, which explains the days no snapshot covers.
 * Without schedules there is nothing to compare the run log with, so nothing is reported.
 */
export function missedRunEvidence(
  runs: readonly RunLogEntry[],
  period: { start: string; end: string },
  options: { schedules?: readonly RunSchedule[]; now?: Date } = {},
): { gaps: ExternalGap[]; notices: CoverageNotice[] } {
  const gaps: ExternalGap[] = [];
  const notices: CoverageNotice[] = [];
  for (const schedule of options.schedules ?? []) {
    for (const missed of findMissedRuns(runs, schedule, period, options.now ?? new Date())) {
      const message = `scheduled run "${missed.schedule}" (${missed.cadence}) missed ${missed.window.start} to ${missed.window.end}: ${missed.reason}`;
      notices.push({ kind: 'missed-run', message, at: missed.window.start });
      for (const source of schedule.sources) gaps.push({ reason: 'missed-run', from: missed.window.start, to: missed.window.end, message, source });
    }
  }
  return { gaps, notices };
}

import { findMissedRuns, type MissedRun, type RunSchedule } from '../evidence/run-schedule.js';
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
    for (const missed of mergeConsecutive(findMissedRuns(runs, schedule, period, options.now ?? new Date()))) {
      const slots = missed.count === 1 ? '' : ` (${missed.count} ${missed.cadence === 'daily' ? 'days' : missed.cadence === 'weekly' ? 'weeks' : 'months'})`;
      const first = day(missed.start);
      const last = day(missed.end, -1);
      const when = first === last ? first : `${first} to ${last}`;
      const message = `scheduled run "${missed.schedule}" (${missed.cadence}) missed ${when}${slots}: ${missed.reasons.join('; ')}`;
      notices.push({ kind: 'missed-run', message, at: missed.start });
      for (const source of schedule.sources) gaps.push({ reason: 'missed-run', from: missed.start, to: missed.end, message, source });
    }
  }
  return { gaps, notices };
}

interface MissedStretch {
  schedule: string;
  cadence: MissedRun['cadence'];
  start: string;
  end: string;
  count: number;
  reasons: string[];
}

/** Consecutive missed slots of one schedule as one stretch (ranges, not days), with each distinct reason once. */
function mergeConsecutive(missed: readonly MissedRun[]): MissedStretch[] {
  const stretches: MissedStretch[] = [];
  for (const m of missed) {
    const last = stretches.at(-1);
    if (last && last.end === m.window.start) {
      last.end = m.window.end;
      last.count += 1;
      if (!last.reasons.includes(m.reason)) last.reasons.push(m.reason);
    } else {
      stretches.push({ schedule: m.schedule, cadence: m.cadence, start: m.window.start, end: m.window.end, count: 1, reasons: [m.reason] });
    }
  }
  return stretches;
}

/** YYYY-MM-DD of an instant; `shift` −1 gives the last day of a half-open range ending at midnight. */
function day(iso: string, shift = 0): string {
  return new Date(Date.parse(iso) + shift * 1000).toISOString().slice(0, 10);
}

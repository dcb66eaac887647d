import type { Config } from '../config/types.js';
import type { RunLogEntry } from './store.js';

/**
 * Missed scheduled runs, from the run log (`<store>/runs.jsonl`, or `runs/` in S3). A schedule
 * (config `schedules`) says how often a run of which sources is expected; every slot of the
 * period (a UTC day, an ISO week, a calendar month) without a successful run that collected
 * those sources is a missed run — for the coverage ledger, which shows it beside the days it
 * left uncovered. Pure: the caller reads the run log and passes it in.
 */

export type Cadence = 'daily' | 'weekly' | 'monthly';

export interface RunSchedule {
  name: string;
  cadence: Cadence;
  /** Collector ids a run must have collected to count for this schedule. Empty: any collect run. */
  sources: string[];
  /** Hours after a slot ends before its absence counts (a late start, a long run). Default 12. */
  graceHours?: number;
}

export interface MissedRun {
  schedule: string;
  cadence: Cadence;
  /** The slot without a successful run, [start, end) in UTC, clipped to the period. */
  window: { start: string; end: string };
  /** Why the slot is not covered: no run at all, or what was wrong with the runs there were. */
  reason: string;
  /** Run ids logged in the slot that did not count. */
  runs: string[];
}

const DAY_MS = 86_400_000;
const DEFAULT_GRACE_HOURS = 12;

/**
 * Every slot of `period` (inclusive UTC dates) that ended (plus grace) before `now` and has no
 * successful run for `schedule`. A run counts for the slot it started in when:
 * - it is an unsharded `collect` that committed a snapshot (exit 0, or 3 = gaps under --strict),
 *   or the `merge` of a sharded run (its shards alone do not count until merged);
 * - it collected every source of the schedule (a monthly full run also serves the daily jobs).
 */
export function findMissedRuns(
  runs: readonly RunLogEntry[],
  schedule: RunSchedule,
  period: { start: string; end: string },
  now: Date,
): MissedRun[] {
  const graceMs = (schedule.graceHours ?? DEFAULT_GRACE_HOURS) * 3_600_000;
  const periodStart = Date.parse(`${period.start}T00:00:00Z`);
  const periodEnd = Date.parse(`${period.end}T00:00:00Z`) + DAY_MS;
  const missed: MissedRun[] = [];
  for (const slot of slotsOf(schedule.cadence, periodStart, periodEnd)) {
    if (slot.unitEnd + graceMs > now.getTime()) break;
    // A week or month the period only partly covers is served by a run anywhere in that calendar
    // week or month (the weekly run of the period's first, partial week may fall before the period).
    const inSlot = runs.filter((r) => {
      const t = Date.parse(r.startedAt);
      return t >= slot.unitStart && t < slot.unitEnd;
    });
    if (inSlot.some((r) => countsFor(r, schedule))) continue;
    missed.push({
      schedule: schedule.name,
      cadence: schedule.cadence,
      window: { start: new Date(slot.start).toISOString(), end: new Date(slot.end).toISOString() },
      reason: explainMiss(inSlot, schedule),
      runs: [...new Set(inSlot.map((r) => r.runId))],
    });
  }
  return missed;
}

/** The schedules of a config, with each one's `only` words resolved to collector ids as `collect --only` does. */
export function schedulesFromConfig(config: Pick<Config, 'schedules'>, collectors: ReadonlyArray<{ id: string; group: string }>): RunSchedule[] {
  return (config.schedules ?? []).map((s) => ({
    name: s.name,
    cadence: s.cadence,
    sources: s.only?.length
      ? collectors.filter((c) => s.only!.some((word) => c.group === word || c.id === word || c.id.split('.')[0] === word)).map((c) => c.id)
      : collectors.map((c) => c.id),
    ...(s.graceHours !== undefined ? { graceHours: s.graceHours } : {}),
  }));
}

function succeeded(run: RunLogEntry): boolean {
  return (run.exitCode === 0 || run.exitCode === 3) && Boolean(run.snapshotId);
}

function countsFor(run: RunLogEntry, schedule: RunSchedule): boolean {
  if (!succeeded(run)) return false;
  if (run.command === 'collect' && run.shard) return false;
  if (run.command !== 'collect' && run.command !== 'merge') return false;
  const collected = new Set(run.sources);
  return schedule.sources.every((s) => collected.has(s));
}

function explainMiss(inSlot: readonly RunLogEntry[], schedule: RunSchedule): string {
  if (inSlot.length === 0) return 'no run was logged';
  const reasons: string[] = [];
  const shardsByRun = new Map<string, RunLogEntry[]>();
  for (const run of inSlot) {
    if (run.command === 'collect' && run.shard) {
      shardsByRun.set(run.runId, [...(shardsByRun.get(run.runId) ?? []), run]);
      continue;
    }
    if (!succeeded(run)) {
      reasons.push(`run ${run.runId} ${run.command === 'merge' ? 'merge ' : ''}failed (exit ${run.exitCode}${run.message ? `: ${run.message}` : ''})`);
      continue;
    }
    const collected = new Set(run.sources);
    const lacking = schedule.sources.filter((s) => !collected.has(s));
    if (lacking.length > 0) reasons.push(`run ${run.runId} did not collect ${lacking.join(', ')}`);
  }
  for (const [runId, shards] of shardsByRun) {
    if (inSlot.some((r) => r.runId === runId && r.command === 'merge')) continue;
    const count = Number(shards[0].shard!.split('/')[1]);
    const ok = new Set(shards.filter(succeeded).map((s) => s.shard));
    const missing = Array.from({ length: count }, (_, i) => `${i + 1}/${count}`).filter((label) => !ok.has(label));
    reasons.push(
      missing.length > 0
        ? `sharded run ${runId} is incomplete: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} did not finish`
        : `sharded run ${runId} finished every shard but was never merged (proofpack merge --run-id ${runId})`,
    );
  }
  return reasons.join('; ');
}

/** The cadence's slots covering [start, end), clipped to it. */
/**
 * The calendar days, ISO weeks or months that intersect [start, end): `start`/`end` clipped to the
 * period, `unitStart`/`unitEnd` the whole calendar unit.
 */
function* slotsOf(cadence: Cadence, start: number, end: number): Generator<{ start: number; end: number; unitStart: number; unitEnd: number }> {
  let cursor = start;
  while (cursor < end) {
    const d = new Date(cursor);
    let unitStart: number;
    let next: number;
    if (cadence === 'daily') {
      unitStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    } else if (cadence === 'weekly') {
      const sinceMonday = (d.getUTCDay() + 6) % 7; // ISO weeks start on Monday
      unitStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - sinceMonday);
      next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - sinceMonday + 7);
    } else {
      unitStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
    yield { start: cursor, end: Math.min(next, end), unitStart, unitEnd: next };
    cursor = next;
  }
}

import { recorderOffIntervals, type RecorderInterval } from '../controls/support/config-recorders.js';
import { GLOBAL_REGION, LOCAL_ACCOUNT } from '../evidence/envelope.js';
import type { EnvelopeSummary, PeriodView, SnapshotGap, SourceInfo } from '../period/types.js';
import { DAY_MS, dayIndex, dayOf, dayStartMs, daysApart, mergeIntervals } from './days.js';
import type { CoverageCell, CoverageGapRange, CoverageGapReason, CoverageLedger, CoverageNotice, CoveredRange, ExternalGap } from './types.js';

/** Point-in-time sources: a day is covered when it holds a capture, or captures at most this many days apart bracket it. */
export const POINT_IN_TIME_MAX_SPACING_DAYS = 35;

export const LEDGER_RULES = {
  windowed:
    'a day is covered when the windows of complete, verified envelopes together span the whole UTC day (time-windowed sources: jobs, events, configuration history)',
  pointInTime: `a day is covered when a complete, verified capture was taken that UTC day, or when the captures before and after it are at most ${POINT_IN_TIME_MAX_SPACING_DAYS} days apart`,
  pointInTimeMaxSpacingDays: POINT_IN_TIME_MAX_SPACING_DAYS,
} as const;

export interface LedgerOptions {
  /** Regions of the config (cells of regional sources). */
  regions: readonly string[];
  /** Periods without evidence known from outside the snapshots, e.g. missed scheduled runs (src/coverage/missed-runs.ts). */
  externalGaps?: readonly ExternalGap[];
  notices?: readonly CoverageNotice[];
  /** Whether a source is collected for an account × region at all (the collector's `appliesTo`); default: everywhere. */
  applies?: (source: string, account: string, region: string) => boolean;
}

/** Explanations of missing days, highest priority first. */
const PRIORITY: readonly CoverageGapReason[] = [
  'verification',
  'chain',
  'recorder-off',
  'account',
  'denied',
  'throttled',
  'failed',
  'unsupported',
  'invalid',
  'incomplete',
  'retention',
  'missed-run',
  'no-snapshot',
];

interface Explanation {
  reason: CoverageGapReason;
  fromMs: number;
  toMs: number;
  message: string;
  snapshots: string[];
}

/** Sources whose evidence comes from AWS Config's recorder: no recording, no evidence. */
function recordedByConfig(source: string): boolean {
  return source.startsWith('config.') && source !== 'config.recorders';
}

/**
 * The coverage ledger: for every source × account × region × day of the period, which snapshots
 * cover it, or why nothing does. Compact: consecutive days with the same snapshots' coverage or
 * the same reason form one range. Cost is linear in envelopes, gaps and days.
 */
export function buildCoverageLedger(view: PeriodView, options: LedgerOptions): CoverageLedger {
  const period = view.period;
  const firstMs = dayStartMs(period.start);
  const dayCount = Math.round((Date.parse(period.to) - firstMs) / DAY_MS);

  const envelopesByCell = new Map<string, EnvelopeSummary[]>();
  for (const e of view.envelopes) {
    const key = `${e.collector}|${e.account}|${e.region}`;
    const list = envelopesByCell.get(key) ?? [];
    list.push(e);
    envelopesByCell.set(key, list);
  }
  const gapsByKey = new Map<string, SnapshotGap[]>();
  for (const g of view.gaps) {
    const key = `${g.collector}|${g.account}|${g.region}`;
    const list = gapsByKey.get(key) ?? [];
    list.push(g);
    gapsByKey.set(key, list);
  }
  const recorderOff = new Map<string, RecorderInterval[]>();
  const recorderCaptures = new Map<string, ReturnType<PeriodView['series']>[number][]>();
  for (const c of view.series('config.recorders')) {
    const key = `${c.account}|${c.region}`;
    const list = recorderCaptures.get(key) ?? [];
    list.push(c);
    recorderCaptures.set(key, list);
  }
  for (const [key, captures] of recorderCaptures) recorderOff.set(key, recorderOffIntervals(captures, period.to));
  const problemsBySnapshot = new Map<string, string[]>();
  for (const p of view.problems) {
    const list = problemsBySnapshot.get(p.snapshotId) ?? [];
    list.push(p.path ? `${p.path}: ${p.message}` : p.message);
    problemsBySnapshot.set(p.snapshotId, list);
  }
  const chainExplanations = buildChainExplanations(view);

  const cells: CoverageCell[] = [];
  for (const source of view.sources) {
    for (const { account, region } of cellTargets(source, view.accounts, options.regions)) {
      if (options.applies && !options.applies(source.id, account, region)) continue;
      const key = `${source.id}|${account}|${region}`;
      const envelopes = envelopesByCell.get(key) ?? [];
      const gaps = [
        ...(gapsByKey.get(key) ?? []),
        ...(gapsByKey.get(`*|${account}|*`) ?? []),
        ...(gapsByKey.get(`*|${account}|${region}`) ?? []),
        ...(gapsByKey.get(`${source.id}|${account}|*`) ?? []),
        ...(gapsByKey.get('*|*|*') ?? []),
      ];
      const external = (options.externalGaps ?? []).filter(
        (g) => (!g.source || g.source === source.id) && (!g.account || g.account === account) && (!g.region || g.region === region),
      );
      const off = recordedByConfig(source.id) ? (recorderOff.get(`${account}|${region}`) ?? []) : [];
      const input: CellInput = { source, account, region, envelopes, gaps, external, off, problemsBySnapshot, chain: chainExplanations, firstMs, dayCount };
      cells.push(source.kind === 'windowed' ? buildWindowedCell(input) : buildPointInTimeCell(input));
    }
  }
  const gapRanges = cells.reduce((n, c) => n + c.gaps.length, 0);
  const completeCells = cells.filter((c) => c.gaps.length === 0).length;
  return {
    period: { start: period.start, end: period.end },
    days: dayCount,
    rules: { ...LEDGER_RULES },
    cells,
    problems: [...view.problems],
    notices: [...(options.notices ?? [])],
    summary: {
      cells: cells.length,
      completeCells,
      gapRanges,
      gapCellDays: cells.reduce((n, c) => n + c.gapDays, 0),
      problems: view.problems.length,
      complete: gapRanges === 0 && view.problems.length === 0,
    },
  };
}

function cellTargets(source: SourceInfo, accounts: readonly string[], regions: readonly string[]): Array<{ account: string; region: string }> {
  if (source.scope === 'local') return [{ account: LOCAL_ACCOUNT, region: GLOBAL_REGION }];
  if (source.scope === 'account') return accounts.map((account) => ({ account, region: GLOBAL_REGION }));
  return accounts.flatMap((account) => regions.map((region) => ({ account, region })));
}

interface CellInput {
  source: SourceInfo;
  account: string;
  region: string;
  envelopes: EnvelopeSummary[];
  gaps: SnapshotGap[];
  external: readonly ExternalGap[];
  off: RecorderInterval[];
  problemsBySnapshot: Map<string, string[]>;
  chain: Explanation[];
  firstMs: number;
  dayCount: number;
}

/** Chain breaks: the time between the snapshot before a broken link and the snapshot that reports it. */
function buildChainExplanations(view: PeriodView): Explanation[] {
  const ordered = view.snapshots;
  const out: Explanation[] = [];
  for (const p of view.problems) {
    if (p.kind !== 'chain') continue;
    const index = ordered.findIndex((s) => s.id === p.snapshotId);
    if (index < 0) continue;
    const before = index > 0 ? ordered[index - 1] : undefined;
    out.push({
      reason: 'chain',
      fromMs: before ? Date.parse(before.createdAt) : Date.parse(view.period.from),
      toMs: Date.parse(ordered[index].createdAt),
      message: `the hash chain is broken at snapshot ${p.snapshotId}: ${p.message}`,
      snapshots: [p.snapshotId],
    });
  }
  return out;
}

/** Explanations common to both kinds of source: verification, gaps recorded by runs, recorder off, external. */
function commonExplanations(input: CellInput, windowlessInterval: (atMs: number) => [number, number]): Explanation[] {
  const out: Explanation[] = [];
  const gapsBySnapshot = new Map<string, SnapshotGap[]>();
  for (const g of input.gaps) gapsBySnapshot.set(g.snapshotId, [...(gapsBySnapshot.get(g.snapshotId) ?? []), g]);
  const envelopeSnapshots = new Set(input.envelopes.map((e) => e.snapshotId));
  for (const e of input.envelopes) {
    if (e.trusted) continue;
    const problems = input.problemsBySnapshot.get(e.snapshotId) ?? ['failed verification'];
    const [fromMs, toMs] = windowOf(e, windowlessInterval);
    out.push({ reason: 'verification', fromMs, toMs, message: `snapshot ${e.snapshotId} failed verification: ${problems.join('; ')}`, snapshots: [e.snapshotId] });
  }
  for (const e of input.envelopes) {
    if (!e.trusted || e.complete) continue;
    const [fromMs, toMs] = windowOf(e, windowlessInterval);
    const reasons = (gapsBySnapshot.get(e.snapshotId) ?? [])
      .filter((g) => g.collector === e.collector && g.kind !== 'window')
      .map((g) => describeGap(g));
    out.push({
      reason: 'incomplete',
      fromMs,
      toMs,
      message: `envelope ${e.id} is incomplete${reasons.length ? `: ${[...new Set(reasons)].join('; ')}` : ''}`,
      snapshots: [e.snapshotId],
    });
  }
  for (const g of input.gaps) {
    // Per-resource failures make their envelope incomplete: explained above, with the envelope.
    if (g.resource && envelopeSnapshots.has(g.snapshotId)) continue;
    const reason: CoverageGapReason = g.kind === 'window' ? 'retention' : g.kind;
    let interval: [number, number];
    if (g.window) interval = [Date.parse(g.window.start), Date.parse(g.window.end)];
    else interval = windowlessInterval(Date.parse(g.at ?? g.snapshotAt));
    out.push({ reason, fromMs: interval[0], toMs: interval[1], message: describeGap(g), snapshots: [g.snapshotId] });
  }
  for (const o of input.off) {
    out.push({ reason: 'recorder-off', fromMs: Date.parse(o.from), toMs: Date.parse(o.to), message: `AWS Config was not recording from ${o.from} to ${o.to}: ${o.message}`, snapshots: [] });
  }
  for (const x of input.external) {
    out.push({ reason: x.reason, fromMs: Date.parse(x.from), toMs: Date.parse(x.to), message: x.message, snapshots: [] });
  }
  out.push(...input.chain);
  return out;
}

function windowOf(e: EnvelopeSummary, windowless: (atMs: number) => [number, number]): [number, number] {
  const s = Date.parse(e.window.start);
  const t = Date.parse(e.window.end);
  return t > s ? [s, t] : windowless(t);
}

function describeGap(g: SnapshotGap): string {
  const what = [g.operation, g.errorCode].filter(Boolean).join(' ');
  const where = g.resource ? ` (${g.resource})` : '';
  const label: Record<string, string> = {
    denied: 'the call was denied',
    throttled: 'the call was throttled until retries ran out',
    failed: 'the call failed',
    unsupported: 'the endpoint does not implement the call',
    window: 'the source no longer kept this time',
    account: 'the account could not be reached',
    invalid: 'the collected data failed validation',
  };
  return `${label[g.kind] ?? g.kind}${what ? ` (${what})` : ''}${where} in snapshot ${g.snapshotId}: ${g.message}`;
}

function buildWindowedCell(input: CellInput): CoverageCell {
  const { firstMs, dayCount } = input;
  const good = input.envelopes.filter((e) => e.trusted && e.complete);
  const merged = mergeIntervals(good.map((e) => [Date.parse(e.window.start), Date.parse(e.window.end)]));
  const covered = new Array<boolean>(dayCount).fill(false);
  let j = 0;
  for (let i = 0; i < dayCount; i += 1) {
    const ds = firstMs + i * DAY_MS;
    while (j < merged.length && merged[j][1] <= ds) j += 1;
    covered[i] = j < merged.length && merged[j][0] <= ds && merged[j][1] >= ds + DAY_MS;
  }
  const by = snapshotsByDay(good.map((e) => [Date.parse(e.window.start), Date.parse(e.window.end), e.snapshotId]), firstMs, dayCount);
  applyRecorderOff(input, covered);

  // What the time before `at` would have been collected from: the end of the coverage before it.
  const windowless = (atMs: number): [number, number] => {
    let start = Date.parse(`${dayOf(firstMs)}T00:00:00.000Z`);
    for (const [, e] of merged) if (e <= atMs) start = Math.max(start, e);
    return [start, Math.max(atMs, start + 1)];
  };
  const explanations = commonExplanations(input, windowless);
  const reasons = markExplanations(explanations, covered, firstMs, dayCount);
  // Days nothing explains: look at the captures on either side of each run.
  for (const [a, b] of runsOf(covered, reasons, false)) {
    const fallback = explainWindowedRun(input, good, firstMs + a * DAY_MS, firstMs + (b + 1) * DAY_MS);
    for (let i = a; i <= b; i += 1) reasons[i] = fallback;
  }
  return toCell(input, covered, by, reasons);
}

function explainWindowedRun(input: CellInput, good: EnvelopeSummary[], fromMs: number, toMs: number): Explanation {
  const retention = input.source.retentionDays;
  let before: EnvelopeSummary | undefined;
  let after: EnvelopeSummary | undefined;
  for (const e of good) {
    const end = Date.parse(e.window.end);
    const start = Date.parse(e.window.start);
    if (end <= fromMs + DAY_MS && (!before || end > Date.parse(before.window.end))) before = e;
    if (start >= fromMs && (!after || start < Date.parse(after.window.start))) after = e;
  }
  if (before && after) {
    const apart = daysApart(Date.parse(before.window.end), Date.parse(after.window.end));
    if (retention !== undefined && apart > retention) {
      return {
        reason: 'retention',
        fromMs,
        toMs,
        message: `snapshots ${before.snapshotId} (covered to ${before.window.end}) and ${after.snapshotId} (taken ${after.window.end}) are ${apart} days apart, but ${input.source.id} keeps only ${retention} days: the time between could no longer be collected`,
        snapshots: [before.snapshotId, after.snapshotId],
      };
    }
    return {
      reason: 'no-snapshot',
      fromMs,
      toMs,
      message: `no snapshot's window covers this time (snapshot ${before.snapshotId} covered to ${before.window.end}; ${after.snapshotId} from ${after.window.start})`,
      snapshots: [before.snapshotId, after.snapshotId],
    };
  }
  if (before) {
    return {
      reason: 'no-snapshot',
      fromMs,
      toMs,
      message: `no snapshot covers this time yet: the last capture (${before.snapshotId}) covered to ${before.window.end}${retention ? `; collect at least every ${retention} days` : ''}`,
      snapshots: [before.snapshotId],
    };
  }
  if (after) {
    return {
      reason: 'no-snapshot',
      fromMs,
      toMs,
      message: `no snapshot covers this time: the first capture (${after.snapshotId}) starts ${after.window.start}`,
      snapshots: [after.snapshotId],
    };
  }
  return { reason: 'no-snapshot', fromMs, toMs, message: `no snapshot holds ${input.source.id} for this account and region`, snapshots: [] };
}

function buildPointInTimeCell(input: CellInput): CoverageCell {
  const { firstMs, dayCount } = input;
  const maxSpacing = POINT_IN_TIME_MAX_SPACING_DAYS * DAY_MS;
  const good = input.envelopes
    .filter((e) => e.trusted && e.complete)
    .map((e) => ({ t: Date.parse(e.capturedAt), snapshotId: e.snapshotId }))
    .sort((a, b) => a.t - b.t);
  const covered = new Array<boolean>(dayCount).fill(false);
  const by: Array<Set<string> | undefined> = new Array(dayCount);
  let next = 0; // first capture at or after the day's start
  for (let i = 0; i < dayCount; i += 1) {
    const ds = firstMs + i * DAY_MS;
    const de = ds + DAY_MS;
    while (next < good.length && good[next].t < ds) next += 1;
    const sameDay: string[] = [];
    let k = next;
    while (k < good.length && good[k].t < de) sameDay.push(good[k++].snapshotId);
    if (sameDay.length > 0) {
      covered[i] = true;
      by[i] = new Set(sameDay);
      continue;
    }
    const prev = next > 0 ? good[next - 1] : undefined;
    const after = k < good.length ? good[k] : undefined;
    if (prev && after && after.t - prev.t <= maxSpacing) {
      covered[i] = true;
      by[i] = new Set([prev.snapshotId, after.snapshotId]);
    }
  }
  applyRecorderOff(input, covered);
  const reasons: Array<Explanation | undefined> = new Array(dayCount);
  const candidates = commonExplanations(input, (atMs) => [atMs, atMs + 1]);
  for (const o of input.off) {
    // Recorder-off days are explained by the interval itself, day by day.
    markExplanations([{ reason: 'recorder-off', fromMs: Date.parse(o.from), toMs: Date.parse(o.to), message: `AWS Config was not recording from ${o.from} to ${o.to}: ${o.message}`, snapshots: [] }], covered, firstMs, dayCount, reasons);
  }
  for (const [a, b] of runsOf(covered, reasons, false)) {
    const runFrom = firstMs + a * DAY_MS;
    const runTo = firstMs + (b + 1) * DAY_MS;
    // Anything that would have closed the bracket: within the spacing around the run.
    const near = candidates
      .filter((x) => x.reason !== 'recorder-off' && x.toMs > runFrom - maxSpacing && x.fromMs < runTo + maxSpacing)
      .sort((x, y) => PRIORITY.indexOf(x.reason) - PRIORITY.indexOf(y.reason));
    const explanation = near[0] ?? explainPointInTimeRun(input, good, runFrom, runTo);
    for (let i = a; i <= b; i += 1) reasons[i] = explanation;
  }
  return toCell(input, covered, by, reasons);
}

function explainPointInTimeRun(input: CellInput, good: Array<{ t: number; snapshotId: string }>, fromMs: number, toMs: number): Explanation {
  let before: { t: number; snapshotId: string } | undefined;
  let after: { t: number; snapshotId: string } | undefined;
  for (const g of good) {
    if (g.t < fromMs) before = g;
    else if (g.t >= toMs && !after) after = g;
  }
  const iso = (t: number) => new Date(t).toISOString();
  const snapshots = [before?.snapshotId, after?.snapshotId].filter((s): s is string => Boolean(s));
  let message: string;
  if (before && after) {
    message = `captures ${before.snapshotId} (${iso(before.t)}) and ${after.snapshotId} (${iso(after.t)}) are ${daysApart(before.t, after.t)} days apart, more than ${POINT_IN_TIME_MAX_SPACING_DAYS}`;
  } else if (before) {
    message = `no capture after ${before.snapshotId} (${iso(before.t)}); the next must come within ${POINT_IN_TIME_MAX_SPACING_DAYS} days`;
  } else if (after) {
    message = `no capture before ${after.snapshotId} (${iso(after.t)}) brackets these days`;
  } else {
    message = `no snapshot holds ${input.source.id} for this account and region`;
  }
  return { reason: 'no-snapshot', fromMs, toMs, message, snapshots };
}

/** Days when AWS Config was not recording are not covered for sources Config records. */
function applyRecorderOff(input: CellInput, covered: boolean[]): void {
  for (const o of input.off) {
    const a = Math.max(0, dayIndex(Date.parse(o.from), input.firstMs));
    const b = Math.min(input.dayCount - 1, dayIndex(Date.parse(o.to) - 1, input.firstMs));
    for (let i = a; i <= b; i += 1) covered[i] = false;
  }
}

/** For each uncovered day, the highest-priority explanation overlapping it. */
function markExplanations(
  explanations: Explanation[],
  covered: boolean[],
  firstMs: number,
  dayCount: number,
  reasons: Array<Explanation | undefined> = new Array(dayCount),
): Array<Explanation | undefined> {
  const ordered = [...explanations].sort((x, y) => PRIORITY.indexOf(y.reason) - PRIORITY.indexOf(x.reason));
  for (const x of ordered) {
    if (x.toMs <= x.fromMs) continue;
    const a = Math.max(0, dayIndex(x.fromMs, firstMs));
    const b = Math.min(dayCount - 1, dayIndex(x.toMs - 1, firstMs));
    for (let i = a; i <= b; i += 1) if (!covered[i]) reasons[i] = x;
  }
  return reasons;
}

/** Maximal runs [a, b] of uncovered days, either explained or not. */
function runsOf(covered: boolean[], reasons: Array<Explanation | undefined>, explained: boolean): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i <= covered.length; i += 1) {
    const inRun = i < covered.length && !covered[i] && Boolean(reasons[i]) === explained;
    if (inRun && start < 0) start = i;
    if (!inRun && start >= 0) {
      runs.push([start, i - 1]);
      start = -1;
    }
  }
  return runs;
}

function snapshotsByDay(windows: Array<[number, number, string]>, firstMs: number, dayCount: number): Array<Set<string> | undefined> {
  const by: Array<Set<string> | undefined> = new Array(dayCount);
  for (const [s, e, id] of windows) {
    if (e <= s) continue;
    const a = Math.max(0, dayIndex(s, firstMs));
    const b = Math.min(dayCount - 1, dayIndex(e - 1, firstMs));
    for (let i = a; i <= b; i += 1) (by[i] ??= new Set()).add(id);
  }
  return by;
}

function toCell(
  input: CellInput,
  covered: boolean[],
  by: Array<Set<string> | undefined>,
  reasons: Array<Explanation | undefined>,
): CoverageCell {
  const day = (i: number) => dayOf(input.firstMs + i * DAY_MS);
  const coveredRanges: CoveredRange[] = [];
  const gapRanges: CoverageGapRange[] = [];
  let i = 0;
  while (i < covered.length) {
    let j = i;
    if (covered[i]) {
      const snapshots = new Set<string>();
      while (j < covered.length && covered[j]) {
        for (const s of by[j] ?? []) snapshots.add(s);
        j += 1;
      }
      coveredRanges.push({ from: day(i), to: day(j - 1), days: j - i, snapshots: [...snapshots].sort() });
    } else {
      const x = reasons[i];
      while (j < covered.length && !covered[j] && reasons[j] === x) j += 1;
      gapRanges.push({
        from: day(i),
        to: day(j - 1),
        days: j - i,
        reason: x?.reason ?? 'no-snapshot',
        message: x?.message ?? 'no evidence',
        snapshots: x?.snapshots ?? [],
      });
    }
    i = j;
  }
  const gapDays = gapRanges.reduce((n, g) => n + g.days, 0);
  return {
    source: input.source.id,
    kind: input.source.kind,
    account: input.account,
    region: input.region,
    coveredDays: covered.length - gapDays,
    gapDays,
    covered: coveredRanges,
    gaps: gapRanges,
  };
}

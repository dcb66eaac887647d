/**
 * "Throughout the period": a setting's state over time from two kinds of observation — the state
 * read at each snapshot, and AWS Config configuration items (each holds from its capture time
 * until the next). Observations are merged into one step function per resource; an interval when
 * the setting was off is one exception with its start and end.
 */
import type { Capture, ObservedRecord, PeriodRange } from '../../period/types.js';

export type ObservedState = 'ok' | 'bad' | 'absent' | 'unknown';

export interface StateObservation {
  at: string;
  state: ObservedState;
  /** Evidence id of the envelope the observation came from. */
  evidence: string;
  source: 'snapshot' | 'history';
  /** Why the state is what it is ("versioning Suspended"). */
  detail: string;
}

export interface BadInterval {
  from: string;
  to: string;
  /** True when the setting was still off at the end of the period. */
  openEnded: boolean;
  details: string[];
  evidence: string[];
  sources: Array<'snapshot' | 'history'>;
}

export interface TimelineResult {
  intervals: BadInterval[];
  /** False when no observation told the state (every one was unknown). */
  known: boolean;
  /** Details of the unknown observations, for an "could not be evaluated" message. */
  unknown: string[];
}

/**
 * The intervals within `range` when the state was `bad`. Each observation's state holds until the
 * next one; the first observation's state is assumed back to the period's start (or `since`, the
 * resource's creation, when later); `absent` (deleted, or missing from a complete capture) ends
 * an interval; `unknown` observations are skipped. Same-instant observations: history first,
 * then the snapshot (the snapshot read the state directly).
 */
export function findBadIntervals(observations: readonly StateObservation[], range: Pick<PeriodRange, 'from' | 'to'>, since?: string): TimelineResult {
  const unknown = observations.filter((o) => o.state === 'unknown').map((o) => o.detail);
  const known = observations
    .filter((o) => o.state !== 'unknown')
    .sort((a, b) => a.at.localeCompare(b.at) || (a.source === b.source ? 0 : a.source === 'history' ? -1 : 1));
  if (known.length === 0) return { intervals: [], known: false, unknown };
  const start = since && since > range.from ? since : range.from;
  const intervals: BadInterval[] = [];
  let open: BadInterval | undefined;
  for (let i = 0; i < known.length; i += 1) {
    const o = known[i];
    const holdsFrom = i === 0 && o.at > start ? start : o.at;
    if (o.state === 'bad') {
      if (!open) open = { from: holdsFrom, to: range.to, openEnded: true, details: [], evidence: [], sources: [] };
      if (!open.details.includes(o.detail)) open.details.push(o.detail);
      if (!open.evidence.includes(o.evidence)) open.evidence.push(o.evidence);
      if (!open.sources.includes(o.source)) open.sources.push(o.source);
    } else if (open) {
      open.to = o.at;
      open.openEnded = false;
      if (!open.evidence.includes(o.evidence)) open.evidence.push(o.evidence);
      intervals.push(open);
      open = undefined;
    }
  }
  if (open) intervals.push(open);
  const clipped = intervals
    .map((iv) => ({ ...iv, from: iv.from < range.from ? range.from : iv.from, to: iv.to > range.to ? range.to : iv.to, openEnded: iv.openEnded || iv.to >= range.to }))
    .filter((iv) => iv.to > iv.from && iv.from < range.to && iv.to > range.from);
  return { intervals: clipped, known: true, unknown };
}

export interface Segment {
  from: string;
  to: string;
  state: 'ok' | 'bad' | 'absent';
  details: string[];
  evidence: string[];
}

/**
 * The step function of the observations within `range` as segments (same rules as
 * findBadIntervals): before the first observation its state is assumed back to `since`/the
 * period start; before `since` the resource did not exist (`absent`).
 */
export function segmentsOf(observations: readonly StateObservation[], range: Pick<PeriodRange, 'from' | 'to'>, since?: string): Segment[] {
  const known = observations
    .filter((o) => o.state !== 'unknown')
    .sort((a, b) => a.at.localeCompare(b.at) || (a.source === b.source ? 0 : a.source === 'history' ? -1 : 1));
  const start = since && since > range.from ? since : range.from;
  const segments: Segment[] = [];
  if (start > range.from) segments.push({ from: range.from, to: start, state: 'absent', details: ['did not exist yet'], evidence: [] });
  if (known.length === 0) {
    segments.push({ from: start, to: range.to, state: 'absent', details: ['no observation'], evidence: [] });
    return segments;
  }
  for (let i = 0; i < known.length; i += 1) {
    const o = known[i];
    const from = i === 0 && o.at > start ? start : o.at;
    const to = i + 1 < known.length ? known[i + 1].at : range.to;
    const state = o.state as Segment['state'];
    const last = segments.at(-1);
    if (last && last.state === state && last.to >= from) {
      last.to = to;
      if (!last.details.includes(o.detail)) last.details.push(o.detail);
      if (!last.evidence.includes(o.evidence)) last.evidence.push(o.evidence);
    } else {
      segments.push({ from, to, state, details: [o.detail], evidence: [o.evidence] });
    }
  }
  return segments
    .map((s) => ({ ...s, from: s.from < range.from ? range.from : s.from, to: s.to > range.to ? range.to : s.to }))
    .filter((s) => s.to > s.from);
}

export interface Judgement {
  state: 'ok' | 'bad' | 'unknown';
  detail: string;
}

export interface ResourceTimeline<R, I = unknown> {
  key: string;
  account: string;
  region: string;
  observations: StateObservation[];
  /** The resource as last seen in a snapshot (for scope, names, regions). */
  latest?: { resource: R; capture: Capture };
  /** The latest Config item of the resource (for a resource only history knows, e.g. deleted before the first snapshot). */
  latestItem?: { item: I; evidence: string; at: string };
  /** Earliest creation time known (a bucket's CreationDate, an item's resourceCreationTime). */
  since?: string;
}

export interface ObserveOptions<R, I = unknown> {
  /** Every capture of the point-in-time source (view.series). */
  captures: readonly Capture[];
  /** The resources of one capture; undefined when the capture could not list them. */
  list(capture: Capture): R[] | undefined;
  /** Identifies a resource across captures and history (e.g. `account|bucket`). */
  key(resource: R, capture: Capture): string;
  /** The resource's region (for exceptions). */
  region(resource: R, capture: Capture): string;
  judge(resource: R, capture: Capture): Judgement;
  createdAt?(resource: R): string | undefined;
  /** Config history items of the resource type, and how to read them. */
  history?: {
    items: readonly ObservedRecord<I>[];
    key(item: I, record: ObservedRecord<I>): string | undefined;
    judge(item: I): Judgement;
    /** Whether the item says the resource no longer exists. */
    deleted(item: I): boolean;
    at(item: I): string | undefined;
  };
}

/**
 * Builds each resource's observations from the snapshots (and Config history when given). A
 * resource known in an account × region but missing from a later complete capture of it is
 * `absent` from then on (deleted), so it stops counting; one that reappears counts again.
 */
export function observeResources<R, I = unknown>(options: ObserveOptions<R, I>): Map<string, ResourceTimeline<R, I>> {
  const timelines = new Map<string, ResourceTimeline<R, I>>();
  const keysByScope = new Map<string, Set<string>>();
  const captures = [...options.captures].sort((a, b) => a.at.localeCompare(b.at));
  for (const capture of captures) {
    const resources = options.list(capture);
    if (!resources) continue;
    const scope = `${capture.account}|${capture.region}`;
    const seen = new Set<string>();
    for (const resource of resources) {
      const key = options.key(resource, capture);
      seen.add(key);
      let t = timelines.get(key);
      if (!t) {
        t = { key, account: capture.account, region: options.region(resource, capture), observations: [] };
        timelines.set(key, t);
        const set = keysByScope.get(scope) ?? new Set();
        set.add(key);
        keysByScope.set(scope, set);
      }
      const judgement = options.judge(resource, capture);
      t.observations.push({ at: capture.at, state: judgement.state, evidence: capture.evidenceId, source: 'snapshot', detail: judgement.detail });
      t.latest = { resource, capture };
      t.region = options.region(resource, capture);
      const created = options.createdAt?.(resource);
      if (created && (!t.since || created < t.since)) t.since = created;
    }
    if (capture.complete) {
      for (const key of keysByScope.get(scope) ?? []) {
        if (seen.has(key)) continue;
        timelines.get(key)!.observations.push({ at: capture.at, state: 'absent', evidence: capture.evidenceId, source: 'snapshot', detail: `not present at ${capture.at}` });
      }
    }
  }
  const history = options.history;
  if (history) {
    for (const record of history.items) {
      const key = history.key(record.record, record);
      const when = history.at(record.record);
      if (!key || !when) continue;
      let t = timelines.get(key);
      if (!t) {
        t = { key, account: record.account, region: record.region, observations: [] };
        timelines.set(key, t);
      }
      if (!t.latestItem || when > t.latestItem.at) t.latestItem = { item: record.record, evidence: record.evidenceId, at: when };
      const judgement: Judgement = history.deleted(record.record) ? { state: 'ok', detail: 'deleted' } : history.judge(record.record);
      t.observations.push({
        at: when,
        state: history.deleted(record.record) ? 'absent' : judgement.state,
        evidence: record.evidenceId,
        source: 'history',
        detail: history.deleted(record.record) ? `deleted at ${when}` : `${judgement.detail} (Config history, ${when})`,
      });
    }
  }
  return timelines;
}

/** "from 2026-03-10 to 2026-03-19 (9 days)" */
export function describeInterval(from: string, to: string, openEnded = false): string {
  const days = Math.round(((Date.parse(to) - Date.parse(from)) / 86_400_000) * 10) / 10;
  return `from ${from.slice(0, 16).replace('T', ' ')} to ${openEnded ? 'the end of the period' : to.slice(0, 16).replace('T', ' ')} (${days} day${days === 1 ? '' : 's'})`;
}

import type { PeriodRange, PeriodView } from '../../period/types.js';
import type { ControlException, ExceptionKind } from '../types.js';
import { scopeOf, type Tags } from './tags.js';
import type { ResourceTimeline, TimelineResult } from './timeline.js';
import { describeInterval, findBadIntervals } from './timeline.js';

export function makeException(
  kind: ExceptionKind,
  fields: { resource: string; account: string; region: string; from: string; to?: string; message: string; evidence?: string[] },
): ControlException {
  return {
    kind,
    resource: fields.resource,
    account: fields.account,
    region: fields.region,
    from: fields.from,
    to: fields.to ?? fields.from,
    message: fields.message,
    evidence: [...new Set(fields.evidence ?? [])].sort(),
  };
}

/** A resource that could not be evaluated over the whole period. */
export function unevaluated(
  range: Pick<PeriodRange, 'from' | 'to'>,
  fields: { resource: string; account: string; region: string; message: string; evidence?: string[] },
): ControlException {
  return makeException('unevaluated', { ...fields, from: range.from, to: range.to, message: `could not be evaluated: ${fields.message}` });
}

/** One failure exception per interval of a timeline (e.g. "replication off from … to …"). */
export function intervalExceptions(
  timeline: TimelineResult,
  fields: { resource: string; account: string; region: string; what: string },
): ControlException[] {
  return timeline.intervals.map((iv) =>
    makeException('failure', {
      resource: fields.resource,
      account: fields.account,
      region: fields.region,
      from: iv.from,
      to: iv.to,
      message: `${fields.what} ${describeInterval(iv.from, iv.to, iv.openEnded)}: ${iv.details.join('; ')}${
        iv.sources.includes('history') ? '' : ' (seen in snapshots; exact times need Config history)'
      }`,
      evidence: iv.evidence,
    }),
  );
}

/** Evidence ids of every trusted envelope of these sources (for "no X found" exceptions). */
export function evidenceOf(view: PeriodView, sources: readonly string[], filter: { account?: string; region?: string } = {}): string[] {
  return view.envelopes
    .filter((e) => e.trusted && sources.includes(e.collector) && (!filter.account || e.account === filter.account) && (!filter.region || e.region === filter.region))
    .map((e) => e.id);
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Instants of the period range, for exceptions about the period as a whole. */
export function wholePeriod(view: PeriodView): { from: string; to: string } {
  return { from: view.period.from, to: view.period.to };
}

/**
 * What a control over in-scope resources makes of one resource's timeline: out of scope, nothing;
 * tags that could not be read, one unevaluated exception (its scope is unknown); in scope, one
 * failure per interval out of compliance ("<what> from … to …"), or unevaluated when the timeline
 * cannot tell (`unknownReason` when it gives no reason).
 */
export function scopedTimelineExceptions(
  range: Pick<PeriodRange, 'from' | 'to'>,
  timeline: ResourceTimeline<unknown>,
  options: { resource: string; tags: Tags | null | undefined; scopeTags: Tags | undefined; what: string; unknownReason?: string },
): { scope: 'out' } | { scope: 'in' | 'unknown'; exceptions: ControlException[] } {
  const where = { resource: options.resource, account: timeline.account, region: timeline.region };
  const scope = scopeOf(options.tags, options.scopeTags);
  if (scope === 'out') return { scope };
  if (scope === 'unknown') {
    const evidence = timeline.latest ? [timeline.latest.capture.evidenceId] : [];
    return { scope, exceptions: [unevaluated(range, { ...where, message: 'its tags could not be read, so its scope is unknown', evidence })] };
  }
  const result = findBadIntervals(timeline.observations, range, timeline.since);
  if (!result.known) {
    return { scope, exceptions: [unevaluated(range, { ...where, message: result.unknown[0] ?? options.unknownReason ?? 'unknown', evidence: timeline.observations.map((o) => o.evidence) })] };
  }
  return { scope, exceptions: intervalExceptions(result, { ...where, what: options.what }) };
}

import type { PeriodRange, PeriodView } from '../../period/types.js';
import type { ControlException, ExceptionKind } from '../types.js';
import type { TimelineResult } from './timeline.js';
import { describeInterval } from './timeline.js';

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

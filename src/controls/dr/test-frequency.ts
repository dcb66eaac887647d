import { collectDrExercises } from '../support/dr-exercises.js';
import { evidenceOf, makeException, plural } from '../support/exceptions.js';
import type { Control, ControlException, Measurement } from '../types.js';

const MONTHS = { monthly: 1, quarterly: 3, semiannual: 6, annual: 12 } as const;

/**
 * The period cut into windows of the required frequency, from its first day. A last window
 * shorter than the frequency joins the one before it (a 7-month period tested quarterly has
 * windows of 3 and 4 months); a period shorter than one window is one window.
 */
export function frequencyWindows(period: { from: string; to: string }, months: number): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = [];
  let start = new Date(period.from);
  const end = Date.parse(period.to);
  while (start.getTime() < end) {
    const next = new Date(start);
    next.setUTCMonth(next.getUTCMonth() + months);
    out.push({ from: start.toISOString(), to: new Date(Math.min(next.getTime(), end)).toISOString() });
    start = next;
  }
  const last = out.at(-1);
  if (out.length > 1 && last) {
    const full = new Date(last.from);
    full.setUTCMonth(full.getUTCMonth() + months);
    if (Date.parse(last.to) < full.getTime()) {
      out.pop();
      out[out.length - 1].to = last.to;
    }
  }
  return out;
}

/** DR tests happen at the required frequency (targets.drTestFrequency) during the period. */
export const drTestFrequency: Control = {
  id: 'dr.test-frequency',
  title: 'Disaster-recovery tests happen at the required frequency throughout the period',
  requires: [],
  optional: ['dr.records', 'backup.restore-jobs', 'cloudtrail.events'],
  measure:
    'The period is cut into windows of targets.drTestFrequency (monthly, quarterly, semiannual, annual) from its first day; a final shorter window joins the previous one. Each window needs at least one recovery exercise: a game-day record (dr.records), an AWS Backup restore job or restore test, or a CloudTrail failover, promotion or switchover of an RDS/Aurora database. Each window without one is an exception; every exercise is listed.',
  evaluate({ view, config }) {
    const range = view.period;
    const sources = ['dr.records', 'backup.restore-jobs', 'cloudtrail.events'];
    if (!sources.some((s) => view.has(s))) {
      return { status: 'error', summary: `could not be evaluated: no DR evidence (${sources.join(', ')}) in the period`, exceptions: [] };
    }
    const frequency = config.targets.drTestFrequency;
    const exercises = collectDrExercises(view, range).filter((e) => e.outcome !== 'pending' || e.kind === 'game-day');
    const windows = frequencyWindows(range, MONTHS[frequency]);
    const exceptions: ControlException[] = [];
    const measurements: Measurement[] = [];
    for (const w of windows) {
      const inWindow = exercises.filter((e) => e.start >= w.from && e.start < w.to);
      measurements.push({ name: 'DR exercises', subject: `${w.from.slice(0, 10)} to ${new Date(Date.parse(w.to) - 1).toISOString().slice(0, 10)}`, value: inWindow.length, target: 1, met: inWindow.length > 0, note: inWindow.map((e) => `${e.kind} ${e.id}`).join(', ') });
      if (inWindow.length === 0) {
        exceptions.push(
          makeException('failure', {
            resource: 'DR testing',
            account: '*',
            region: '*',
            from: w.from,
            to: w.to,
            message: `no DR test (game day, restore test or failover) from ${w.from.slice(0, 10)} to ${new Date(Date.parse(w.to) - 1).toISOString().slice(0, 10)}; ${frequency} testing is required`,
            evidence: evidenceOf(view, sources).slice(0, 20),
          }),
        );
      }
    }
    for (const e of exercises) {
      measurements.push({ name: 'exercise', subject: e.id, account: e.account, region: e.region, value: e.kind, at: e.start, evidence: [e.evidence], note: `${e.title}: ${e.detail}` });
    }
    const missing = exceptions.length;
    return {
      summary: `${plural(exercises.length, 'DR exercise')} in the period (${[...new Set(exercises.map((e) => e.kind))].join(', ') || 'none'}); ${missing} of ${plural(windows.length, `${frequency} window`)} without a test.`,
      exceptions,
      measurements,
    };
  },
};

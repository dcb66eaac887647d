import { collectDrExercises } from '../support/dr-exercises.js';
import { makeException, plural } from '../support/exceptions.js';
import type { Control, ControlException, Measurement } from '../types.js';

/** Each DR test and restore of the period met the RTO and RPO targets, measured. */
export const drRtoRpo: Control = {
  id: 'dr.rto-rpo',
  title: 'Measured RTO and RPO of every DR test and restore in the period meet the targets',
  requires: [],
  optional: ['dr.records', 'backup.restore-jobs', 'cloudtrail.events'],
  measure:
    'Game days: the RTO and RPO (or replica lag) the record measured. AWS Backup restore jobs and restore tests: RTO = creation to completion (time to usable), RPO = age of the recovery point used (restore start minus RecoveryPointCreationDate). Each is compared with targets.rtoMinutes and targets.rpoMinutes; a value above its target, a failed restore, a failed or timed-out restore validation, or a game day with outcome fail is an exception (outcome partial is listed as a deviation). Failovers seen only as CloudTrail events are listed as unmeasured.',
  evaluate({ view, config }) {
    const range = view.period;
    const sources = ['dr.records', 'backup.restore-jobs', 'cloudtrail.events'];
    if (!sources.some((s) => view.has(s))) {
      return { status: 'error', summary: `could not be evaluated: no DR evidence (${sources.join(', ')}) in the period`, exceptions: [] };
    }
    const { rtoMinutes, rpoMinutes } = config.targets;
    const exercises = collectDrExercises(view, range);
    const exceptions: ControlException[] = [];
    const measurements: Measurement[] = [];
    let measured = 0;
    for (const e of exercises) {
      const base = { resource: e.id, account: e.account, region: e.region, from: e.start, to: e.end ?? e.start, evidence: [e.evidence] };
      if (e.rtoMinutes !== undefined) measurements.push({ name: 'RTO minutes', subject: e.id, account: e.account, region: e.region, value: e.rtoMinutes, target: rtoMinutes, unit: 'minutes', met: e.rtoMinutes <= rtoMinutes, at: e.start, evidence: [e.evidence], note: e.title });
      if (e.rpoMinutes !== undefined) measurements.push({ name: 'RPO minutes', subject: e.id, account: e.account, region: e.region, value: e.rpoMinutes, target: rpoMinutes, unit: 'minutes', met: e.rpoMinutes <= rpoMinutes, at: e.start, evidence: [e.evidence], note: e.title });
      if (e.rtoMinutes === undefined && e.rpoMinutes === undefined) {
        measurements.push({ name: 'unmeasured', subject: e.id, account: e.account, region: e.region, value: null, at: e.start, evidence: [e.evidence], note: `${e.title}: ${e.detail}` });
      }
      if (e.outcome === 'pending') continue;
      if (e.rtoMinutes !== undefined || e.rpoMinutes !== undefined) measured += 1;
      if (e.outcome === 'fail') exceptions.push(makeException('failure', { ...base, message: `${e.title} failed: ${e.detail}` }));
      if (e.outcome === 'partial') exceptions.push(makeException('deviation', { ...base, message: `${e.title} partly succeeded: ${e.detail}` }));
      if (e.rtoMinutes !== undefined && e.rtoMinutes > rtoMinutes) exceptions.push(makeException('failure', { ...base, message: `${e.title}: RTO ${e.rtoMinutes} minutes exceeds the target ${rtoMinutes}` }));
      if (e.rpoMinutes !== undefined && e.rpoMinutes > rpoMinutes) exceptions.push(makeException('failure', { ...base, message: `${e.title}: RPO ${e.rpoMinutes} minutes exceeds the target ${rpoMinutes}` }));
    }
    if (exercises.length === 0) return { status: 'not_applicable', summary: 'no DR test or restore in the period (see dr.test-frequency)', exceptions, measurements };
    const failing = new Set(exceptions.filter((e) => e.kind === 'failure').map((e) => e.resource)).size;
    return {
      summary: `${plural(exercises.length, 'DR exercise')}, ${measured} measured; ${failing} missed the RTO ${rtoMinutes} min / RPO ${rpoMinutes} min targets or failed.`,
      exceptions,
      measurements,
    };
  },
};

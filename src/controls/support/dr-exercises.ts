/**
 * Every recovery exercised during the period, from three sources: game-day records people write
 * (dr.records), AWS Backup restore jobs (including restore tests with their validation), and
 * CloudTrail failover events (promotions, failovers and switchovers of RDS/Aurora).
 */
import type { PeriodRange, PeriodView } from '../../period/types.js';
import { eventsNamed, eventSucceeded } from './events.js';
import { field, listOf, num, text, timeOf, type Json } from './records.js';

export interface DrExercise {
  kind: 'game-day' | 'restore-test' | 'restore' | 'failover';
  id: string;
  title: string;
  start: string;
  end?: string;
  account: string;
  region: string;
  /** Measured RTO (minutes): time from disruption/start to usable. */
  rtoMinutes?: number;
  /** Measured RPO (minutes): age of the data recovered, or replica lag. */
  rpoMinutes?: number;
  /** 'pass' | 'fail' | 'partial' for game days; job status/validation for restores. */
  outcome: 'pass' | 'fail' | 'partial' | 'pending' | 'unmeasured';
  detail: string;
  evidence: string;
}

/** Failover events that show a recovery (not DNS or table changes, which happen for many reasons). */
export const FAILOVER_EVENTS = ['PromoteReadReplica', 'PromoteReadReplicaDBCluster', 'FailoverDBCluster', 'FailoverGlobalCluster', 'SwitchoverGlobalCluster', 'SwitchoverReadReplica'];

const minutesBetween = (a: string, b: string) => Math.round(((Date.parse(b) - Date.parse(a)) / 60_000) * 10) / 10;

export function collectDrExercises(view: PeriodView, range: Pick<PeriodRange, 'from' | 'to'>): DrExercise[] {
  const out: DrExercise[] = [];
  // Game days: the latest capture of each record (files are kept and re-read each run).
  const records = new Map<string, DrExercise>();
  for (const c of view.series<Json>('dr.records')) {
    for (const entry of listOf(c.data, 'records') ?? []) {
      const r = field(entry, 'record');
      const start = timeOf(r, 'start');
      const id = text(r, 'id');
      if (!start || !id || start < range.from || start >= range.to) continue;
      const measured = field(r, 'measured');
      const rpo = num(measured, 'rpoMinutes') ?? (num(measured, 'replicaLagSeconds') !== undefined ? num(measured, 'replicaLagSeconds')! / 60 : undefined);
      const regions = field(r, 'regions');
      const outcome = text(r, 'outcome') as DrExercise['outcome'] | undefined;
      records.set(id, {
        kind: 'game-day',
        id,
        title: text(r, 'title') ?? id,
        start,
        ...(timeOf(r, 'end') ? { end: timeOf(r, 'end') } : {}),
        account: c.account,
        region: `${text(regions, 'from') ?? '?'} → ${text(regions, 'to') ?? '?'}`,
        ...(num(measured, 'rtoMinutes') !== undefined ? { rtoMinutes: num(measured, 'rtoMinutes') } : {}),
        ...(rpo !== undefined ? { rpoMinutes: rpo } : {}),
        outcome: outcome ?? 'unmeasured',
        detail: `game day (${text(entry, 'file') ?? 'record'}, sha256 ${text(entry, 'sha256')?.slice(0, 12) ?? '?'})`,
        evidence: c.evidenceId,
      });
    }
  }
  out.push(...records.values());
  // Restore jobs: RTO = creation → completion; RPO = recovery point's age when the restore began.
  for (const rec of view.records<Json>('backup.restore-jobs')) {
    const job = rec.record;
    const created = timeOf(job, 'CreationDate');
    if (!created || created < range.from || created >= range.to) continue;
    const status = (text(job, 'Status') ?? '').toUpperCase();
    const completed = timeOf(job, 'CompletionDate');
    const pointCreated = timeOf(job, 'RecoveryPointCreationDate');
    const testPlan = text(field(job, 'CreatedBy'), 'RestoreTestingPlanArn');
    const validation = (text(job, 'ValidationStatus') ?? '').toUpperCase();
    let outcome: DrExercise['outcome'];
    let detail = `restore job ${text(job, 'RestoreJobId')} ${status || '?'}`;
    if (status === 'FAILED' || status === 'ABORTED') outcome = 'fail';
    else if (status !== 'COMPLETED') outcome = 'pending';
    else if (validation === 'FAILED' || validation === 'TIMED_OUT') outcome = 'fail';
    else if (validation === 'VALIDATING') outcome = 'pending';
    else outcome = 'pass';
    if (validation) detail += `, validation ${validation}${text(job, 'ValidationStatusMessage') ? ` (${text(job, 'ValidationStatusMessage')})` : ''}`;
    if (status === 'FAILED' && text(job, 'StatusMessage')) detail += `: ${text(job, 'StatusMessage')}`;
    out.push({
      kind: testPlan ? 'restore-test' : 'restore',
      id: text(job, 'RestoreJobId') ?? rec.key,
      title: `${testPlan ? 'restore test' : 'restore'} of ${text(job, 'ResourceType') ?? 'resource'} ${text(job, 'SourceResourceArn') ?? text(job, 'RecoveryPointArn') ?? ''}`.trim(),
      start: created,
      ...(completed ? { end: completed } : {}),
      account: rec.account,
      region: rec.region,
      ...(completed && status === 'COMPLETED' ? { rtoMinutes: minutesBetween(created, completed) } : {}),
      ...(pointCreated ? { rpoMinutes: minutesBetween(pointCreated, created) } : {}),
      outcome,
      detail,
      evidence: rec.evidenceId,
    });
  }
  // Failovers recorded by CloudTrail: they count as exercises; their RTO is not measurable from the event alone.
  for (const e of eventsNamed(view, FAILOVER_EVENTS)) {
    if (e.time < range.from || e.time >= range.to || !eventSucceeded(e)) continue;
    const target = text(e.params, 'dBClusterIdentifier', 'dBInstanceIdentifier', 'globalClusterIdentifier', 'targetDbClusterIdentifier') ?? '';
    out.push({
      kind: 'failover',
      id: e.id,
      title: `${e.name}${target ? ` ${target}` : ''}`,
      start: e.time,
      account: e.account,
      region: e.region,
      outcome: 'unmeasured',
      detail: `CloudTrail ${e.name} by ${e.username ?? 'a user'}`,
      evidence: e.evidence,
    });
  }
  return out.sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
}

import { regionOfArn } from '../support/arn.js';
import { makeException, plural, unevaluated } from '../support/exceptions.js';
import { periodCaptures } from '../support/inventory.js';
import { bool, field, isObject, listOf, text, type Json } from '../support/records.js';
import { findBadIntervals, type StateObservation } from '../support/timeline.js';
import type { Control, ControlException } from '../types.js';

/** What must be watched, and the `relevance` signals of cloudwatch.alarms that watch it. */
const NEEDS = {
  backup: { label: 'backup job failures', signals: ['backup-job-failure', 'copy-job-failure'] },
  s3: { label: 'S3 replication', signals: ['s3-replication'] },
  rds: { label: 'RDS/Aurora replica lag', signals: ['rds-replication'] },
  dynamodb: { label: 'DynamoDB global table replication', signals: ['dynamodb-replication'] },
} as const;
type Need = keyof typeof NEEDS;

/** Signals an alarm watches, if it can notify someone (actions enabled, at least one alarm action). */
function armedSignals(entry: Json): string[] {
  const alarm = field(entry, 'alarm');
  if (bool(alarm, 'ActionsEnabled') !== true) return [];
  if ((listOf(alarm, 'AlarmActions') ?? []).length === 0) return [];
  const relevance = field(entry, 'relevance');
  return Array.isArray(relevance) ? relevance.map((r) => text(r, 'signal') ?? '').filter(Boolean) : [];
}

/** Alarms exist, with actions, for backup job failures and for replication lag where replication is used. */
export const monitoringAlarms: Control = {
  id: 'monitoring.alarms',
  title: 'CloudWatch alarms with actions watch backup job failures and replication lag where they can happen',
  requires: ['cloudwatch.alarms'],
  optional: ['backup.plans', 's3.buckets', 'rds.instances', 'rds.clusters', 'dynamodb.tables'],
  measure:
    'Needs, from the latest state: each account and region with AWS Backup plans needs an alarm on backup (or copy) job failures in that region; each account replicating S3 buckets, with cross-region RDS replicas or Aurora global databases, or with DynamoDB global tables needs an alarm on that replication in some region. An alarm counts when it watches the metric (directly or through a composite alarm: the `relevance` cloudwatch.alarms derives), has actions enabled and at least one alarm action. Checked at every snapshot of the alarms; each interval a need was unwatched is one exception.',
  evaluate({ view }) {
    const range = view.period;
    // What needs watching: per account × region for backup, per account for replication.
    const needs = new Map<string, Set<Need>>(); // account|region ('*' for account-wide)
    const need = (account: string, region: string, n: Need) => {
      const key = `${account}|${region}`;
      needs.set(key, (needs.get(key) ?? new Set()).add(n));
    };
    for (const c of view.latest<Json>('backup.plans')) if ((listOf(c.data, 'plans') ?? []).length > 0) need(c.account, c.region, 'backup');
    for (const c of view.latest<Json>('s3.buckets')) {
      if ((listOf(c.data, 'buckets') ?? []).some((b) => (listOf(field(b, 'replication'), 'Rules') ?? []).some((r) => text(r, 'Status') === 'Enabled'))) need(c.account, '*', 's3');
    }
    for (const c of view.latest<Json>('rds.instances')) {
      if ((listOf(c.data, 'instances') ?? []).some((i) => ((field(i, 'ReadReplicaDBInstanceIdentifiers') as string[] | undefined) ?? []).some((a) => regionOfArn(a) && regionOfArn(a) !== c.region))) need(c.account, '*', 'rds');
    }
    for (const c of view.latest<Json>('rds.clusters')) {
      if ((listOf(c.data, 'clusters') ?? []).some((cl) => text(cl, 'GlobalClusterIdentifier') || (field(cl, 'ReadReplicaIdentifiers') as string[] | undefined)?.length)) need(c.account, '*', 'rds');
    }
    for (const c of view.latest<Json>('dynamodb.tables')) {
      if ((listOf(c.data, 'tables') ?? []).some((t) => (listOf(field(t, 'table'), 'Replicas') ?? []).length > 0)) need(c.account, '*', 'dynamodb');
    }
    if (needs.size === 0) return { status: 'not_applicable', summary: 'no backup plans or cross-region replication in the latest evidence', exceptions: [] };

    // At each alarms snapshot (all regions of a snapshot together), which needs were watched.
    const captures = periodCaptures(view.series<Json>('cloudwatch.alarms'), range);
    const bySnapshot = new Map<string, typeof captures>();
    for (const c of captures) bySnapshot.set(c.snapshotId, [...(bySnapshot.get(c.snapshotId) ?? []), c]);
    const observations = new Map<string, StateObservation[]>();
    for (const group of bySnapshot.values()) {
      const at = group.map((c) => c.at).sort()[0];
      for (const [key, ns] of needs) {
        const [account, region] = key.split('|');
        const mine = group.filter((c) => c.account === account && (region === '*' || c.region === region));
        if (mine.length === 0) continue;
        const armed = new Set(mine.flatMap((c) => [...(listOf(c.data, 'metricAlarms') ?? []), ...(listOf(c.data, 'compositeAlarms') ?? [])].filter(isObject).flatMap(armedSignals)));
        for (const n of ns) {
          const watched = NEEDS[n].signals.some((s) => armed.has(s));
          const obsKey = `${key}|${n}`;
          observations.set(obsKey, [
            ...(observations.get(obsKey) ?? []),
            { at, state: watched ? 'ok' : 'bad', evidence: mine[0].evidenceId, source: 'snapshot', detail: watched ? 'watched' : `no alarm with actions watches ${NEEDS[n].label}` },
          ]);
        }
      }
    }
    const exceptions: ControlException[] = [];
    for (const [key, ns] of needs) {
      const [account, region] = key.split('|');
      for (const n of ns) {
        const list = observations.get(`${key}|${n}`) ?? [];
        const resource = `alarm for ${NEEDS[n].label}`;
        if (list.length === 0) {
          exceptions.push(unevaluated(range, { resource, account, region, message: `no cloudwatch.alarms evidence for ${account}${region === '*' ? '' : ` ${region}`}` }));
          continue;
        }
        for (const iv of findBadIntervals(list, range).intervals) {
          exceptions.push(makeException('failure', { resource, account, region, from: iv.from, to: iv.to, message: `${iv.details.join('; ')} (from ${iv.from.slice(0, 10)} to ${iv.openEnded ? 'the end of the period' : iv.to.slice(0, 10)})`, evidence: iv.evidence }));
        }
      }
    }
    const total = [...needs.values()].reduce((n, s) => n + s.size, 0);
    return { summary: `${plural(total, 'monitoring need')} (backup failures per region with plans; replication per account); ${exceptions.filter((e) => e.kind === 'failure').length} unwatched at some time in the period.`, exceptions };
  },
};

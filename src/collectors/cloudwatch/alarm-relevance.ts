/**
 * Which CloudWatch alarms watch backup failures or replication lag. Pure functions over alarm
 * objects as DescribeAlarms returns them (structural types, no SDK import), shared by the
 * `cloudwatch.alarms` collector (which stores the result per alarm) and the controls.
 */

/**
 * What an alarm watches, grouped the way the `monitoring.alarms` control asks: failures of AWS
 * Backup jobs (backup, copy, restore), and replication lag of S3, RDS/Aurora and DynamoDB.
 */
export type AlarmSignal =
  | 'backup-job-failure'
  | 'copy-job-failure'
  | 'restore-job-failure'
  | 's3-replication'
  | 'rds-replication'
  | 'dynamodb-replication';

export const ALARM_SIGNALS: readonly AlarmSignal[] = [
  'backup-job-failure',
  'copy-job-failure',
  'restore-job-failure',
  's3-replication',
  'rds-replication',
  'dynamodb-replication',
];

/**
 * The metrics that make an alarm relevant, by namespace and metric name (CloudWatch User Guide,
 * AWS Backup metrics; S3 Replication Time Control metrics; RDS and Aurora replication metrics;
 * DynamoDB global table metrics). The same metric name in another namespace does not count.
 */
export const WATCHED_METRICS: ReadonlyArray<{ namespace: string; metricName: string; signal: AlarmSignal }> = [
  { namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsFailed', signal: 'backup-job-failure' },
  { namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsAborted', signal: 'backup-job-failure' },
  { namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsExpired', signal: 'backup-job-failure' },
  { namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsPartial', signal: 'backup-job-failure' },
  { namespace: 'AWS/Backup', metricName: 'NumberOfRecoveryPointsPartial', signal: 'backup-job-failure' },
  { namespace: 'AWS/Backup', metricName: 'NumberOfRecoveryPointsExpired', signal: 'backup-job-failure' },
  { namespace: 'AWS/Backup', metricName: 'NumberOfCopyJobsFailed', signal: 'copy-job-failure' },
  { namespace: 'AWS/Backup', metricName: 'NumberOfRestoreJobsFailed', signal: 'restore-job-failure' },
  { namespace: 'AWS/S3', metricName: 'ReplicationLatency', signal: 's3-replication' },
  { namespace: 'AWS/S3', metricName: 'OperationsFailedReplication', signal: 's3-replication' },
  { namespace: 'AWS/S3', metricName: 'OperationsPendingReplication', signal: 's3-replication' },
  { namespace: 'AWS/S3', metricName: 'BytesPendingReplication', signal: 's3-replication' },
  { namespace: 'AWS/RDS', metricName: 'ReplicaLag', signal: 'rds-replication' },
  { namespace: 'AWS/RDS', metricName: 'AuroraReplicaLag', signal: 'rds-replication' },
  { namespace: 'AWS/RDS', metricName: 'AuroraReplicaLagMaximum', signal: 'rds-replication' },
  { namespace: 'AWS/RDS', metricName: 'AuroraGlobalDBReplicationLag', signal: 'rds-replication' },
  { namespace: 'AWS/RDS', metricName: 'AuroraGlobalDBRPOLag', signal: 'rds-replication' },
  { namespace: 'AWS/RDS', metricName: 'AuroraBinlogReplicaLag', signal: 'rds-replication' },
  { namespace: 'AWS/DynamoDB', metricName: 'ReplicationLatency', signal: 'dynamodb-replication' },
  { namespace: 'AWS/DynamoDB', metricName: 'PendingReplicationCount', signal: 'dynamodb-replication' },
];

/** One relevant metric an alarm watches; `via` names the child alarm when a composite alarm watches it through another alarm. */
export interface WatchedMetric {
  signal: AlarmSignal;
  namespace: string;
  metricName: string;
  via?: string;
}

/** The parts of a DescribeAlarms MetricAlarm this module reads. */
export interface MetricAlarmLike {
  AlarmName?: string;
  AlarmArn?: string;
  Namespace?: string;
  MetricName?: string;
  /** Metric math and anomaly-detection alarms: the queries, each a MetricStat or an Expression (Metrics Insights SQL included). */
  Metrics?: ReadonlyArray<{ Expression?: string; MetricStat?: { Metric?: { Namespace?: string; MetricName?: string } } }>;
}

/** The parts of a DescribeAlarms CompositeAlarm this module reads. */
export interface CompositeAlarmLike {
  AlarmName?: string;
  AlarmArn?: string;
  /** e.g. `ALARM("backup-failed") OR ALARM(arn:aws:cloudwatch:…:alarm:replica-lag)`. */
  AlarmRule?: string;
}

const BY_KEY = new Map(WATCHED_METRICS.map((m) => [`${m.namespace}\u0000${m.metricName}`, m]));

function lookup(namespace: string | undefined, metricName: string | undefined): WatchedMetric | undefined {
  if (!namespace || !metricName) return undefined;
  const hit = BY_KEY.get(`${namespace}\u0000${metricName}`);
  return hit ? { signal: hit.signal, namespace: hit.namespace, metricName: hit.metricName } : undefined;
}

/** `SELECT AVG(ReplicationLatency) FROM SCHEMA("AWS/DynamoDB", TableName)` / `… FROM "AWS/Backup"` → [metric, namespace] pairs. */
const INSIGHTS_QUERY = /SELECT\s+[A-Za-z_]+\(\s*"?([A-Za-z0-9_.:-]+)"?\s*\)\s+FROM\s+(?:SCHEMA\(\s*)?"?([A-Za-z0-9_./:-]+)"?/gi;

function metricsInQuery(expression: string): WatchedMetric[] {
  const found: WatchedMetric[] = [];
  for (const match of expression.matchAll(INSIGHTS_QUERY)) {
    const hit = lookup(match[2], match[1]);
    if (hit) found.push(hit);
  }
  return found;
}

function dedupe(list: WatchedMetric[]): WatchedMetric[] {
  const seen = new Set<string>();
  return list.filter((m) => {
    const key = [m.signal, m.namespace, m.metricName, m.via ?? ''].join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The relevant metrics a metric alarm watches: its own Namespace/MetricName, every MetricStat of
 * a metric-math or anomaly-detection alarm, and Metrics Insights queries. null when none.
 */
export function deriveMetricAlarmRelevance(alarm: MetricAlarmLike): WatchedMetric[] | null {
  const found: WatchedMetric[] = [];
  const own = lookup(alarm.Namespace, alarm.MetricName);
  if (own) found.push(own);
  for (const query of alarm.Metrics ?? []) {
    const stat = lookup(query.MetricStat?.Metric?.Namespace, query.MetricStat?.Metric?.MetricName);
    if (stat) found.push(stat);
    if (query.Expression) found.push(...metricsInQuery(query.Expression));
  }
  const unique = dedupe(found);
  return unique.length > 0 ? unique : null;
}

/** Alarm names or ARNs a composite alarm rule refers to: `ALARM(x)`, `OK("x")`, `INSUFFICIENT_DATA(x)`, in order, without repeats. */
export function parseAlarmRuleReferences(rule: string): string[] {
  const refs: string[] = [];
  const pattern = /\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*(?:"((?:[^"\\]|\\.)*)"|([^\s()"]+))\s*\)/g;
  for (const match of rule.matchAll(pattern)) {
    const ref = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
    if (!refs.includes(ref)) refs.push(ref);
  }
  return refs;
}

/**
 * Relevance of every alarm of one account × region, keyed by AlarmName. A composite alarm is
 * relevant through the alarms its rule refers to (by name or ARN, nested composites included,
 * cycles ignored); each such metric carries `via`: the child alarm's name. null: not relevant.
 */
export function deriveAlarmRelevance(
  metricAlarms: readonly MetricAlarmLike[],
  compositeAlarms: readonly CompositeAlarmLike[],
): Map<string, WatchedMetric[] | null> {
  const result = new Map<string, WatchedMetric[] | null>();
  const nameOf = new Map<string, string>();
  for (const alarm of [...metricAlarms, ...compositeAlarms]) {
    if (!alarm.AlarmName) continue;
    nameOf.set(alarm.AlarmName, alarm.AlarmName);
    if (alarm.AlarmArn) nameOf.set(alarm.AlarmArn, alarm.AlarmName);
  }
  for (const alarm of metricAlarms) {
    if (alarm.AlarmName) result.set(alarm.AlarmName, deriveMetricAlarmRelevance(alarm));
  }
  const composites = new Map(compositeAlarms.filter((a) => a.AlarmName).map((a) => [a.AlarmName!, a]));
  const resolving = new Set<string>();

  const resolveComposite = (name: string): WatchedMetric[] | null => {
    if (result.has(name)) return result.get(name)!;
    if (resolving.has(name)) return null;
    resolving.add(name);
    const found: WatchedMetric[] = [];
    for (const ref of parseAlarmRuleReferences(composites.get(name)?.AlarmRule ?? '')) {
      const child = nameOf.get(ref);
      if (!child || child === name) continue;
      const childRelevance = composites.has(child) ? resolveComposite(child) : (result.get(child) ?? null);
      // A metric reached through a nested composite keeps the name of the alarm that watches it directly.
      for (const metric of childRelevance ?? []) found.push({ ...metric, via: metric.via ?? child });
    }
    resolving.delete(name);
    const unique = dedupe(found);
    const relevance = unique.length > 0 ? unique : null;
    result.set(name, relevance);
    return relevance;
  };
  for (const name of composites.keys()) resolveComposite(name);
  return result;
}

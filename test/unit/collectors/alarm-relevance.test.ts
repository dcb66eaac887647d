import {
  ALARM_SIGNALS,
  WATCHED_METRICS,
  deriveAlarmRelevance,
  deriveMetricAlarmRelevance,
  parseAlarmRuleReferences,
} from '../../../src/collectors/cloudwatch/alarm-relevance.js';

describe('deriveMetricAlarmRelevance', () => {
  test('an alarm on a watched metric names its signal, namespace and metric', () => {
    expect(deriveMetricAlarmRelevance({ Namespace: 'AWS/Backup', MetricName: 'NumberOfBackupJobsFailed' })).toEqual([
      { signal: 'backup-job-failure', namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsFailed' },
    ]);
    expect(deriveMetricAlarmRelevance({ Namespace: 'AWS/Backup', MetricName: 'NumberOfRestoreJobsFailed' })![0].signal).toBe('restore-job-failure');
    expect(deriveMetricAlarmRelevance({ Namespace: 'AWS/RDS', MetricName: 'ReplicaLag' })![0].signal).toBe('rds-replication');
  });

  test('the namespace decides: ReplicationLatency is S3 or DynamoDB, and nothing elsewhere', () => {
    expect(deriveMetricAlarmRelevance({ Namespace: 'AWS/S3', MetricName: 'ReplicationLatency' })![0].signal).toBe('s3-replication');
    expect(deriveMetricAlarmRelevance({ Namespace: 'AWS/DynamoDB', MetricName: 'ReplicationLatency' })![0].signal).toBe('dynamodb-replication');
    expect(deriveMetricAlarmRelevance({ Namespace: 'Custom/App', MetricName: 'ReplicationLatency' })).toBeNull();
    // Metric names are case-sensitive in CloudWatch.
    expect(deriveMetricAlarmRelevance({ Namespace: 'AWS/Backup', MetricName: 'numberofbackupjobsfailed' })).toBeNull();
  });

  test('an alarm on anything else, or on no metric at all, is not relevant (null)', () => {
    expect(deriveMetricAlarmRelevance({ Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' })).toBeNull();
    expect(deriveMetricAlarmRelevance({ Namespace: 'AWS/Backup', MetricName: 'NumberOfBackupJobsCompleted' })).toBeNull();
    expect(deriveMetricAlarmRelevance({})).toBeNull();
  });

  test('metric-math alarms are relevant through any MetricStat, each watched metric once', () => {
    const relevance = deriveMetricAlarmRelevance({
      Metrics: [
        { MetricStat: { Metric: { Namespace: 'AWS/Backup', MetricName: 'NumberOfBackupJobsFailed' } } },
        { MetricStat: { Metric: { Namespace: 'AWS/Backup', MetricName: 'NumberOfBackupJobsAborted' } } },
        { MetricStat: { Metric: { Namespace: 'AWS/Backup', MetricName: 'NumberOfBackupJobsFailed' } } },
        { MetricStat: { Metric: { Namespace: 'AWS/Backup', MetricName: 'NumberOfCopyJobsFailed' } } },
        { Expression: 'FILL(m1, 0) + FILL(m2, 0) + FILL(m3, 0)' },
      ],
    });
    expect(relevance).toEqual([
      { signal: 'backup-job-failure', namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsFailed' },
      { signal: 'backup-job-failure', namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsAborted' },
      { signal: 'copy-job-failure', namespace: 'AWS/Backup', metricName: 'NumberOfCopyJobsFailed' },
    ]);
  });

  test('Metrics Insights queries count, with FROM "namespace" or FROM SCHEMA("namespace", …)', () => {
    expect(deriveMetricAlarmRelevance({ Metrics: [{ Expression: 'SELECT MAX(AuroraGlobalDBReplicationLag) FROM SCHEMA("AWS/RDS", DBClusterIdentifier)' }] })).toEqual([
      { signal: 'rds-replication', namespace: 'AWS/RDS', metricName: 'AuroraGlobalDBReplicationLag' },
    ]);
    expect(deriveMetricAlarmRelevance({ Metrics: [{ Expression: 'SELECT SUM(NumberOfRestoreJobsFailed) FROM "AWS/Backup" GROUP BY BackupVaultName' }] })).toEqual([
      { signal: 'restore-job-failure', namespace: 'AWS/Backup', metricName: 'NumberOfRestoreJobsFailed' },
    ]);
    expect(deriveMetricAlarmRelevance({ Metrics: [{ Expression: 'SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)' }] })).toBeNull();
  });
});

describe('parseAlarmRuleReferences', () => {
  test('finds names and ARNs in ALARM, OK and INSUFFICIENT_DATA functions, quoted or not, once each', () => {
    const rule =
      'ALARM("backup-jobs-failed") OR (ALARM(arn:aws:cloudwatch:us-east-1:123456789012:alarm:replica-lag) AND NOT OK("backup-jobs-failed")) OR INSUFFICIENT_DATA( "s3 \\"records\\" latency" ) OR TRUE';
    expect(parseAlarmRuleReferences(rule)).toEqual([
      'backup-jobs-failed',
      'arn:aws:cloudwatch:us-east-1:123456789012:alarm:replica-lag',
      's3 "records" latency',
    ]);
  });

  test('a rule with only constants refers to nothing', () => {
    expect(parseAlarmRuleReferences('FALSE')).toEqual([]);
    expect(parseAlarmRuleReferences('')).toEqual([]);
  });
});

describe('deriveAlarmRelevance', () => {
  const arn = (name: string) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;
  const metricAlarms = [
    { AlarmName: 'copy-failed', AlarmArn: arn('copy-failed'), Namespace: 'AWS/Backup', MetricName: 'NumberOfCopyJobsFailed' },
    { AlarmName: 'replica-lag', AlarmArn: arn('replica-lag'), Namespace: 'AWS/RDS', MetricName: 'ReplicaLag' },
    { AlarmName: 'cpu', AlarmArn: arn('cpu'), Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' },
  ];

  test('metric alarms keep their own relevance; composites take their children\'s, by name or ARN, with via', () => {
    const result = deriveAlarmRelevance(metricAlarms, [
      { AlarmName: 'dr', AlarmArn: arn('dr'), AlarmRule: `ALARM("copy-failed") OR ALARM(${arn('replica-lag')}) OR ALARM(cpu)` },
      { AlarmName: 'noise', AlarmArn: arn('noise'), AlarmRule: 'ALARM(cpu)' },
    ]);
    expect(result.get('copy-failed')).toEqual([{ signal: 'copy-job-failure', namespace: 'AWS/Backup', metricName: 'NumberOfCopyJobsFailed' }]);
    expect(result.get('cpu')).toBeNull();
    expect(result.get('dr')).toEqual([
      { signal: 'copy-job-failure', namespace: 'AWS/Backup', metricName: 'NumberOfCopyJobsFailed', via: 'copy-failed' },
      { signal: 'rds-replication', namespace: 'AWS/RDS', metricName: 'ReplicaLag', via: 'replica-lag' },
    ]);
    expect(result.get('noise')).toBeNull();
  });

  test('nested composites keep the name of the alarm that watches the metric; composites listed before their children resolve too', () => {
    const result = deriveAlarmRelevance(metricAlarms, [
      { AlarmName: 'top', AlarmRule: 'ALARM(middle)' },
      { AlarmName: 'middle', AlarmRule: 'ALARM("replica-lag")' },
    ]);
    expect(result.get('middle')).toEqual([{ signal: 'rds-replication', namespace: 'AWS/RDS', metricName: 'ReplicaLag', via: 'replica-lag' }]);
    expect(result.get('top')).toEqual([{ signal: 'rds-replication', namespace: 'AWS/RDS', metricName: 'ReplicaLag', via: 'replica-lag' }]);
  });

  test('cycles, self-references and unknown alarms end, and add nothing', () => {
    const result = deriveAlarmRelevance(metricAlarms, [
      { AlarmName: 'a', AlarmRule: 'ALARM(b) OR ALARM(a) OR ALARM(deleted-alarm)' },
      { AlarmName: 'b', AlarmRule: 'ALARM(a) OR ALARM(copy-failed)' },
    ]);
    expect(result.get('a')).toEqual([{ signal: 'copy-job-failure', namespace: 'AWS/Backup', metricName: 'NumberOfCopyJobsFailed', via: 'copy-failed' }]);
    expect(result.get('b')).toEqual([{ signal: 'copy-job-failure', namespace: 'AWS/Backup', metricName: 'NumberOfCopyJobsFailed', via: 'copy-failed' }]);
    expect(deriveAlarmRelevance([], [{ AlarmName: 'orphan', AlarmRule: 'ALARM(gone)' }]).get('orphan')).toBeNull();
  });
});

describe('the watched-metric table', () => {
  test('every signal is watched by some metric, and no metric is listed twice', () => {
    expect(new Set(WATCHED_METRICS.map((m) => m.signal))).toEqual(new Set(ALARM_SIGNALS));
    const keys = WATCHED_METRICS.map((m) => `${m.namespace}/${m.metricName}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

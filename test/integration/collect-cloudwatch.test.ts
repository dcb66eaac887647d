import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand, type CompositeAlarm, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { cloudwatchAlarms, type CloudWatchAlarms } from '../../src/collectors/cloudwatch/alarms.js';
import { seedClient } from '../support/aws-seed.js';
import { collectOne, dataOf } from '../support/collect-one.js';
import { EAST, PROD, RECORDED_ACCOUNT, SHARED, TWO_ACCOUNTS, WEST, collectThroughProxy, throttledSequence, useMoto, useRecordedResponses } from '../support/collector-suite.js';

const moto = useMoto();

/**
 * Per account: in us-east-1 a backup-failure alarm with an SNS action, a metric-math alarm on S3
 * ReplicationLatency, and an unrelated CPU alarm; in us-west-2 an Aurora global lag alarm.
 * (moto 5.2 answers CloudWatch's JSON protocol for PutMetricAlarm/DescribeAlarms.)
 */
async function seedAlarms(): Promise<void> {
  await moto.reset();
  for (const account of [PROD, SHARED]) {
    const east = seedClient(CloudWatchClient, { endpoint: moto.url, region: EAST, account });
    const west = seedClient(CloudWatchClient, { endpoint: moto.url, region: WEST, account });
    await east.send(
      new PutMetricAlarmCommand({
        AlarmName: 'backup-jobs-failed',
        Namespace: 'AWS/Backup',
        MetricName: 'NumberOfBackupJobsFailed',
        Dimensions: [{ Name: 'BackupVaultName', Value: 'primary' }],
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [`arn:aws:sns:${EAST}:${account}:ops-pager`],
        OKActions: [`arn:aws:sns:${EAST}:${account}:ops-pager`],
      }),
    );
    await east.send(
      new PutMetricAlarmCommand({
        AlarmName: 's3-replication-latency',
        EvaluationPeriods: 3,
        Threshold: 900,
        ComparisonOperator: 'GreaterThanThreshold',
        Metrics: [
          {
            Id: 'latency',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/S3',
                MetricName: 'ReplicationLatency',
                Dimensions: [
                  { Name: 'SourceBucket', Value: `records-${account}` },
                  { Name: 'DestinationBucket', Value: `records-replica-${account}` },
                  { Name: 'RuleId', Value: 'to-west' },
                ],
              },
              Period: 300,
              Stat: 'Maximum',
            },
            ReturnData: true,
          },
        ],
        AlarmActions: [`arn:aws:sns:${EAST}:${account}:ops-pager`],
      }),
    );
    await east.send(
      new PutMetricAlarmCommand({
        AlarmName: 'api-cpu-high',
        Namespace: 'AWS/EC2',
        MetricName: 'CPUUtilization',
        Statistic: 'Average',
        Period: 300,
        EvaluationPeriods: 2,
        Threshold: 80,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        ActionsEnabled: false,
      }),
    );
    await west.send(
      new PutMetricAlarmCommand({
        AlarmName: 'ledger-global-lag',
        Namespace: 'AWS/RDS',
        MetricName: 'AuroraGlobalDBReplicationLag',
        Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'ledger-west' }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 5,
        Threshold: 30000,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [`arn:aws:sns:${WEST}:${account}:ops-pager`],
      }),
    );
  }
}

describe('cloudwatch.alarms against moto (2 accounts × 2 regions)', () => {
  beforeAll(seedAlarms);

  test('every alarm is kept with metric, threshold, state and actions, and marked with what it watches', async () => {
    const run = await collectOne([cloudwatchAlarms], { regions: [EAST, WEST], accounts: TWO_ACCOUNTS, endpointUrl: moto.url });

    expect(run.result.gaps).toEqual([]);
    for (const account of [PROD, SHARED]) {
      const east = await run.envelope(account, EAST);
      expect(east).toMatchObject({ complete: true, recordCount: 3 });
      const data = dataOf<CloudWatchAlarms>(east);
      const byName = Object.fromEntries(data.metricAlarms.map((a) => [a.alarm.AlarmName!, a]));
      expect(byName['backup-jobs-failed']).toEqual({
        alarm: expect.objectContaining({
          AlarmArn: `arn:aws:cloudwatch:${EAST}:${account}:alarm:backup-jobs-failed`,
          Namespace: 'AWS/Backup',
          MetricName: 'NumberOfBackupJobsFailed',
          Dimensions: [{ Name: 'BackupVaultName', Value: 'primary' }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          StateValue: expect.stringMatching(/^(OK|ALARM|INSUFFICIENT_DATA)$/),
          StateReason: expect.any(String),
          StateUpdatedTimestamp: expect.any(String),
          ActionsEnabled: true,
          AlarmActions: [`arn:aws:sns:${EAST}:${account}:ops-pager`],
          OKActions: [`arn:aws:sns:${EAST}:${account}:ops-pager`],
        }),
        relevance: [{ signal: 'backup-job-failure', namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsFailed' }],
      });
      expect(byName['s3-replication-latency'].relevance).toEqual([{ signal: 's3-replication', namespace: 'AWS/S3', metricName: 'ReplicationLatency' }]);
      expect(byName['api-cpu-high']).toMatchObject({ alarm: { ActionsEnabled: false }, relevance: null });
      expect(data.compositeAlarms).toEqual([]);

      const west = dataOf<CloudWatchAlarms>(await run.envelope(account, WEST));
      expect(west.metricAlarms.map((a) => [a.alarm.AlarmName, a.relevance?.map((r) => r.signal)])).toEqual([['ledger-global-lag', ['rds-replication']]]);
    }
    // Metric and composite alarms are both asked for (DescribeAlarms answers only metric alarms by default).
    const calls = (await run.envelope(PROD, EAST))!.provenance.calls;
    expect(calls).toEqual([expect.objectContaining({ operation: 'cloudwatch:DescribeAlarms', parameters: { AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 } })]);
  });

  test('AccessDenied on DescribeAlarms is a denied gap naming the operation, and no envelope is written', async () => {
    const { run } = await collectThroughProxy([cloudwatchAlarms], {
      regions: [EAST],
      accounts: [TWO_ACCOUNTS[0]],
      target: moto.url,
      rules: [
        {
          match: { target: 'DescribeAlarms' },
          respond: {
            status: 403,
            // CloudWatch speaks JSON 1.0 in awsQuery-compatible mode: the legacy query error code travels in x-amzn-query-error.
            headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': 'AccessDenied;Sender' },
            body: JSON.stringify({
              __type: 'com.amazon.coral.service#AccessDeniedException',
              message: `User: arn:aws:sts::${PROD}:assumed-role/proofpack-read/proofpack is not authorized to perform: cloudwatch:DescribeAlarms because no identity-based policy allows the cloudwatch:DescribeAlarms action`,
            }),
          },
        },
      ],
    });

    expect(run.result.gaps).toEqual([
      expect.objectContaining({ collector: 'cloudwatch.alarms', account: PROD, region: EAST, kind: 'denied', operation: 'cloudwatch:DescribeAlarms', errorCode: 'AccessDenied' }),
    ]);
    expect(await run.envelope(PROD, EAST)).toBeUndefined();
  });

  test('a throttled DescribeAlarms is retried by the SDK and succeeds without a gap', async () => {
    const { run, requests } = await collectThroughProxy([cloudwatchAlarms], { regions: [WEST], accounts: [TWO_ACCOUNTS[0]], maxAttempts: 4, target: moto.url, rules: [{ match: { target: 'DescribeAlarms' }, throttle: 2 }] });

    expect(throttledSequence(requests, 'DescribeAlarms')).toEqual([true, true, false]);
    expect(run.result.gaps).toEqual([]);
    expect(dataOf<CloudWatchAlarms>(await run.envelope(PROD, WEST)).metricAlarms.map((a) => a.alarm.AlarmName)).toEqual(['ledger-global-lag']);
  });
});

describe('cloudwatch.alarms on recorded responses (pagination, composite alarms: moto 5.2 has neither)', () => {
  const cw = useRecordedResponses(CloudWatchClient);
  const ACCOUNT = RECORDED_ACCOUNT;
  const alarmArn = (name: string) => `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${name}`;
  /** A MetricAlarm shaped like DescribeAlarms' (CloudWatch API reference). */
  const metricAlarm = (name: string, namespace: string, metric: string, state: 'OK' | 'ALARM' = 'OK'): MetricAlarm => ({
    AlarmName: name,
    AlarmArn: alarmArn(name),
    AlarmConfigurationUpdatedTimestamp: new Date('2026-01-15T10:02:11.482Z'),
    ActionsEnabled: true,
    OKActions: [],
    AlarmActions: [`arn:aws:sns:us-east-1:${ACCOUNT}:ops-pager`],
    InsufficientDataActions: [],
    StateValue: state,
    StateReason: state === 'OK' ? 'Threshold Crossed: 1 datapoint [0.0 (31/05/26 23:00:00)] was not greater than the threshold (0.0).' : 'Threshold Crossed: 1 datapoint [2.0 (31/05/26 23:00:00)] was greater than the threshold (0.0).',
    StateUpdatedTimestamp: new Date('2026-05-31T23:05:41.921Z'),
    StateTransitionedTimestamp: new Date('2026-05-31T23:05:41.921Z'),
    MetricName: metric,
    Namespace: namespace,
    Statistic: 'Sum',
    Dimensions: [],
    Period: 3600,
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
  });
  /** A CompositeAlarm shaped like DescribeAlarms' (CloudWatch API reference). */
  const compositeAlarm = (name: string, rule: string): CompositeAlarm => ({
    ActionsEnabled: true,
    AlarmActions: [`arn:aws:sns:us-east-1:${ACCOUNT}:dr-oncall`],
    AlarmArn: alarmArn(name),
    AlarmConfigurationUpdatedTimestamp: new Date('2026-02-01T08:00:00Z'),
    AlarmName: name,
    AlarmRule: rule,
    InsufficientDataActions: [],
    OKActions: [],
    StateReason: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:copy-jobs-failed transitioned to ALARM at Sunday 31 May, 2026 23:05:41 UTC',
    StateReasonData: '{"triggeringAlarms":[{"arn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:copy-jobs-failed","state":{"value":"ALARM","timestamp":"2026-05-31T23:05:41.921+0000"}}]}',
    StateUpdatedTimestamp: new Date('2026-05-31T23:05:42.100Z'),
    StateValue: 'ALARM',
    StateTransitionedTimestamp: new Date('2026-05-31T23:05:42.100Z'),
  });

  test('DescribeAlarms is followed page by page (NextToken); composite alarms inherit relevance from the alarms their rule names', async () => {
    const tokens: Array<string | undefined> = [];
    cw.on(DescribeAlarmsCommand).callsFake((input: { NextToken?: string; AlarmTypes?: string[] }) => {
      tokens.push(input.NextToken);
      if (input.NextToken === undefined) {
        return {
          MetricAlarms: [metricAlarm('backup-jobs-failed', 'AWS/Backup', 'NumberOfBackupJobsFailed'), metricAlarm('copy-jobs-failed', 'AWS/Backup', 'NumberOfCopyJobsFailed', 'ALARM')],
          CompositeAlarms: [],
          NextToken: 'AAEAAQ-page-2',
        };
      }
      return {
        MetricAlarms: [metricAlarm('api-5xx', 'AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count')],
        CompositeAlarms: [
          compositeAlarm('dr-readiness', `ALARM("copy-jobs-failed") OR ALARM(${alarmArn('backup-jobs-failed')})`),
          compositeAlarm('api-health', 'ALARM(api-5xx) AND NOT OK("api-5xx")'),
        ],
      };
    });

    const run = await collectOne([cloudwatchAlarms], { regions: ['us-east-1'] });

    expect(run.result.gaps).toEqual([]);
    expect(tokens).toEqual([undefined, 'AAEAAQ-page-2']);
    const envelope = await run.envelope(ACCOUNT, 'us-east-1');
    expect(envelope!.recordCount).toBe(5);
    expect(envelope!.provenance.calls).toEqual([expect.objectContaining({ operation: 'cloudwatch:DescribeAlarms', pages: 2, records: 5 })]);
    const data = dataOf<CloudWatchAlarms>(envelope);
    expect(data.metricAlarms.map((a) => [a.alarm.AlarmName, a.relevance?.map((r) => r.signal) ?? null])).toEqual([
      ['backup-jobs-failed', ['backup-job-failure']],
      ['copy-jobs-failed', ['copy-job-failure']],
      ['api-5xx', null],
    ]);
    expect(data.compositeAlarms).toEqual([
      {
        alarm: expect.objectContaining({ AlarmName: 'dr-readiness', StateValue: 'ALARM', AlarmRule: expect.stringContaining('copy-jobs-failed') }),
        relevance: [
          { signal: 'copy-job-failure', namespace: 'AWS/Backup', metricName: 'NumberOfCopyJobsFailed', via: 'copy-jobs-failed' },
          { signal: 'backup-job-failure', namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsFailed', via: 'backup-jobs-failed' },
        ],
      },
      { alarm: expect.objectContaining({ AlarmName: 'api-health' }), relevance: null },
    ]);
  });
});

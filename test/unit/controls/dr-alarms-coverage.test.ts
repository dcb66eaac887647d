import { drRtoRpo } from '../../../src/controls/dr/rto-rpo.js';
import { drTestFrequency, frequencyWindows } from '../../../src/controls/dr/test-frequency.js';
import { periodCoverage } from '../../../src/controls/evidence/period-coverage.js';
import { monitoringAlarms } from '../../../src/controls/monitoring/alarms.js';
import { ACCOUNT, at, createFixtureStore, type FixtureEnvelope, type FixtureStore } from '../../support/evidence-fixtures.js';
import { backupPlan, dynamoTable, drRecord, eventsData, metricAlarm, planRule, restoreJob, s3Bucket, trailEvent } from '../../support/evidence-data.js';
import { evaluateOne } from '../../support/evaluate-fixture.js';
import { testConfig } from '../../support/config.js';

const base = {
  period: { start: '2026-01-01', end: '2026-06-30' },
  accounts: [{ id: ACCOUNT, name: 'prod' }],
  regions: ['us-east-1', 'us-west-2'],
};
const config = testConfig(base);
const MONTHS = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01', '2026-07-01'];

let fx: FixtureStore;
beforeEach(async () => {
  fx = await createFixtureStore();
});
afterEach(async () => {
  await fx.cleanup();
});

const records = (list: Array<Record<string, unknown>>): FixtureEnvelope => ({ collector: 'dr.records', account: 'local', region: 'global', data: { folder: 'dr-tests', records: list } });

describe('frequencyWindows', () => {
  test('quarters of a six-month period; a short last window joins the one before', () => {
    expect(frequencyWindows({ from: '2026-01-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' }, 3).map((w) => w.from.slice(0, 10))).toEqual(['2026-01-01', '2026-04-01']);
    expect(frequencyWindows({ from: '2026-01-01T00:00:00.000Z', to: '2026-08-01T00:00:00.000Z' }, 3)).toEqual([
      { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' },
      { from: '2026-04-01T00:00:00.000Z', to: '2026-08-01T00:00:00.000Z' },
    ]);
    expect(frequencyWindows({ from: '2026-01-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' }, 12)).toEqual([{ from: '2026-01-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' }]);
  });
});

describe('dr.test-frequency', () => {
  test('compliant: a game day in Q1 and a restore test in Q2 (quarterly)', async () => {
    await fx.write({
      at: at('2026-07-01', 2),
      envelopes: [
        records([drRecord('DR-Q1', at('2026-02-14', 14), { rtoMinutes: 38, rpoMinutes: 1 })]),
        { collector: 'backup.restore-jobs', window: { start: at('2026-06-01'), end: at('2026-07-01', 2) }, data: { jobs: [restoreJob('rt-1', at('2026-06-10', 3))] } },
        { collector: 'backup.restore-jobs', region: 'us-west-2', window: { start: at('2026-06-01'), end: at('2026-07-01', 2) }, data: { jobs: [] } },
      ],
    });
    const result = await evaluateOne(fx.store, config, drTestFrequency);
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(/^2 DR exercises in the period \(game-day, restore-test\); 0 of 2 quarterly windows/);
  });

  test('a quarter without a test fails with that quarter\'s dates; a failover event counts as a test', async () => {
    await fx.write({ at: at('2026-07-01', 2), envelopes: [records([drRecord('DR-Q1', at('2026-02-14', 14), { rtoMinutes: 38, rpoMinutes: 1 })])] });
    let result = await evaluateOne(fx.store, config, drTestFrequency);
    expect(result.status).toBe('fail');
    expect(result.exceptions).toEqual([expect.objectContaining({ resource: 'DR testing', from: '2026-04-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' })]);

    await fx.write({
      at: at('2026-07-02', 2),
      envelopes: [{ collector: 'cloudtrail.events', window: { start: at('2026-04-01'), end: at('2026-07-02', 2) }, data: eventsData([trailEvent('FailoverGlobalCluster', at('2026-05-20', 9), { globalClusterIdentifier: 'ledger-global' })]) }],
    });
    result = await evaluateOne(fx.store, config, drTestFrequency);
    expect(result.status).toBe('pass');
  });

  test('monthly frequency needs six tests', async () => {
    const monthly = testConfig({ ...base, targets: { drTestFrequency: 'monthly' } });
    await fx.write({ at: at('2026-07-01', 2), envelopes: [records([drRecord('DR-Q1', at('2026-02-14', 14), { rtoMinutes: 38, rpoMinutes: 1 })])] });
    expect((await evaluateOne(fx.store, monthly, drTestFrequency)).exceptions).toHaveLength(5);
  });

  test('error without any DR evidence', async () => {
    await fx.write({ at: at('2026-07-01', 2), envelopes: [{ collector: 's3.buckets', region: 'global', data: { buckets: [] } }] });
    expect((await evaluateOne(fx.store, config, drTestFrequency)).status).toBe('error');
  });
});

describe('dr.rto-rpo', () => {
  async function write(list: Array<Record<string, unknown>>, jobs: Array<Record<string, unknown>> = []) {
    await fx.write({
      at: at('2026-07-01', 2),
      envelopes: [
        records(list),
        { collector: 'backup.restore-jobs', window: { start: at('2026-01-01'), end: at('2026-07-01', 2) }, data: { jobs } },
      ],
    });
  }

  test('compliant: measured RTO and RPO within the targets; each test is listed with measured vs target', async () => {
    await write([drRecord('DR-Q1', at('2026-02-14', 14), { rtoMinutes: 38, rpoMinutes: 1 })], [restoreJob('rt-1', at('2026-06-10', 3))]);
    const result = await evaluateOne(fx.store, config, drRtoRpo);
    expect(result.status).toBe('pass');
    expect(result.measurements.map((m) => `${m.subject} ${m.name} ${m.value}/${m.target} ${m.met}`)).toEqual([
      'DR-Q1 RTO minutes 38/240 true',
      'DR-Q1 RPO minutes 1/60 true',
      'rt-1 RTO minutes 45/240 true',
      'rt-1 RPO minutes 30/60 true',
    ]);
  });

  test('an RTO over the target fails', async () => {
    await write([drRecord('DR-Q1', at('2026-02-14', 14), { rtoMinutes: 300, rpoMinutes: 1 })]);
    expect((await evaluateOne(fx.store, config, drRtoRpo)).exceptions).toEqual([expect.objectContaining({ resource: 'DR-Q1', message: expect.stringMatching(/RTO 300 minutes exceeds the target 240/) })]);
  });

  test('an RPO (age of the recovery point restored) over the target fails', async () => {
    await write([], [restoreJob('rt-1', at('2026-06-10', 3), { RecoveryPointCreationDate: at('2026-06-09', 3) })]);
    expect((await evaluateOne(fx.store, config, drRtoRpo)).exceptions[0].message).toMatch(/RPO 1440 minutes exceeds the target 60/);
  });

  test('replica lag in the record is the RPO', async () => {
    await write([drRecord('DR-Q1', at('2026-02-14', 14), { rtoMinutes: 30, replicaLagSeconds: 7200 })]);
    expect((await evaluateOne(fx.store, config, drRtoRpo)).exceptions[0].message).toMatch(/RPO 120 minutes/);
  });

  test('a failed restore validation fails', async () => {
    await write([], [restoreJob('rt-1', at('2026-06-10', 3), { ValidationStatus: 'FAILED', ValidationStatusMessage: 'checksum mismatch' })]);
    expect((await evaluateOne(fx.store, config, drRtoRpo)).exceptions[0].message).toMatch(/failed: restore job rt-1 COMPLETED, validation FAILED \(checksum mismatch\)/);
  });

  test('not applicable without tests in the period; error without DR evidence', async () => {
    await write([]);
    expect((await evaluateOne(fx.store, config, drRtoRpo)).status).toBe('not_applicable');
    const fx2 = await createFixtureStore();
    await fx2.write({ at: at('2026-07-01', 2), envelopes: [{ collector: 's3.buckets', region: 'global', data: { buckets: [] } }] });
    expect((await evaluateOne(fx2.store, config, drRtoRpo)).status).toBe('error');
    await fx2.cleanup();
  });
});

describe('monitoring.alarms', () => {
  const estate = (alarms: Array<Record<string, unknown>>): FixtureEnvelope[] => [
    { collector: 'backup.plans', data: { plans: [backupPlan('daily', [planRule('daily')])] } },
    { collector: 'backup.plans', region: 'us-west-2', data: { plans: [] } },
    { collector: 's3.buckets', region: 'global', data: { buckets: [s3Bucket('records')] } },
    { collector: 'dynamodb.tables', data: { tables: [dynamoTable('members')] } },
    { collector: 'cloudwatch.alarms', data: { metricAlarms: alarms, compositeAlarms: [] } },
    { collector: 'cloudwatch.alarms', region: 'us-west-2', data: { metricAlarms: [], compositeAlarms: [] } },
  ];
  const all = [metricAlarm('backup-failed', 'backup-job-failure'), metricAlarm('s3-repl', 's3-replication'), metricAlarm('ddb-repl', 'dynamodb-replication')];

  test('compliant: alarms with actions watch backup failures where plans exist and each replication in use', async () => {
    for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: estate(all) });
    const result = await evaluateOne(fx.store, config, monitoringAlarms);
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(/^3 monitoring needs/);
  });

  test('an alarm whose actions are disabled does not count', async () => {
    for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: estate([metricAlarm('backup-failed', 'backup-job-failure', { ActionsEnabled: m < '2026-04-01' }), ...all.slice(1)]) });
    const result = await evaluateOne(fx.store, config, monitoringAlarms);
    expect(result.exceptions).toEqual([expect.objectContaining({ resource: 'alarm for backup job failures', region: 'us-east-1', from: at('2026-04-01', 2) })]);
  });

  test('no alarm on DynamoDB replication fails', async () => {
    for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: estate(all.slice(0, 2)) });
    expect((await evaluateOne(fx.store, config, monitoringAlarms)).exceptions[0].message).toMatch(/no alarm with actions watches DynamoDB global table replication/);
  });

  test('not applicable with nothing to watch; error without alarm evidence', async () => {
    await fx.write({ at: at('2026-03-01', 2), envelopes: [{ collector: 'cloudwatch.alarms', data: { metricAlarms: [], compositeAlarms: [] } }] });
    expect((await evaluateOne(fx.store, config, monitoringAlarms)).status).toBe('not_applicable');
    const fx2 = await createFixtureStore();
    await fx2.write({ at: at('2026-03-01', 2), envelopes: estate(all).slice(0, 4) });
    expect((await evaluateOne(fx2.store, config, monitoringAlarms)).status).toBe('error');
    await fx2.cleanup();
  });
});

describe('evidence.period-coverage', () => {
  const oneRegion = testConfig({ ...base, regions: ['us-east-1'] });

  test('fails on every gap range of the ledger, naming source, account, region and reason', async () => {
    await fx.write({ at: at('2026-03-01', 2), envelopes: [{ collector: 's3.buckets', region: 'global', data: { buckets: [] } }] });
    const result = await evaluateOne(fx.store, oneRegion, periodCoverage);
    expect(result.status).toBe('fail');
    const s3 = result.exceptions.filter((e) => e.resource === 's3.buckets');
    expect(s3.map((e) => [e.from.slice(0, 10), e.to.slice(0, 10)])).toEqual([
      ['2026-01-01', '2026-03-01'],
      ['2026-03-02', '2026-07-01'],
    ]);
    expect(s3[0].message).toMatch(/no-snapshot: no capture before/);
    expect(result.exceptions.some((e) => e.resource === 'backup.backup-jobs' && e.account === ACCOUNT && e.region === 'us-east-1')).toBe(true);
  });
});

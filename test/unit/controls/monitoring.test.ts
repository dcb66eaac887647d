import { monitoringCloudtrail } from '../../../src/controls/monitoring/cloudtrail.js';
import { monitoringConfigRecording } from '../../../src/controls/monitoring/config-recording.js';
import { ACCOUNT, OTHER_ACCOUNT, at, createFixtureStore, type FixtureEnvelope, type FixtureStore } from '../../support/evidence-fixtures.js';
import { configItem, eventsData, historyData, recorders, trail, trailEvent } from '../../support/evidence-data.js';
import { evaluateOne } from '../../support/evaluate-fixture.js';
import { testConfig } from '../../support/config.js';

const config = testConfig({
  period: { start: '2026-01-01', end: '2026-06-30' },
  accounts: [{ id: ACCOUNT, name: 'prod' }],
  regions: ['us-east-1', 'us-west-2'],
});
const MONTHS = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01', '2026-07-01'];
const END = '2026-07-01T00:00:00.000Z';

let fx: FixtureStore;
beforeEach(async () => {
  fx = await createFixtureStore();
});
afterEach(async () => {
  await fx.cleanup();
});

function trails(overrides: Parameters<typeof trail>[2] = {}): FixtureEnvelope[] {
  const main = trail('main', ACCOUNT, overrides);
  // The same multi-region trail seen from the other region: a shadow without status.
  const shadow = { ...trail('main', ACCOUNT, overrides), shadow: true, status: null, selectors: null };
  return [
    { collector: 'cloudtrail.trails', region: 'us-east-1', data: { trails: [main] } },
    { collector: 'cloudtrail.trails', region: 'us-west-2', data: { trails: [shadow] } },
  ];
}

describe('monitoring.cloudtrail', () => {
  test('compliant: a multi-region, validated, logging trail all period', async () => {
    for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: trails() });
    const result = await evaluateOne(fx.store, config, monitoringCloudtrail);
    expect(result.status).toBe('pass');
    expect(result.exceptions).toEqual([]);
  });

  test('trail logging off for nine days in the middle: one exception with those dates, from the trail status', async () => {
    const stopped = at('2026-03-10', 8);
    const started = at('2026-03-19', 8);
    for (const m of MONTHS) {
      await fx.write({ at: at(m, 2), envelopes: trails(m >= '2026-04-01' ? { status: { StopLoggingTime: stopped, StartLoggingTime: started } } : {}) });
    }
    const result = await evaluateOne(fx.store, config, monitoringCloudtrail);
    expect(result.status).toBe('fail');
    expect(result.exceptions).toHaveLength(1);
    expect(result.exceptions[0]).toMatchObject({ kind: 'failure', resource: 'main', account: ACCOUNT, from: stopped, to: started });
    expect(result.exceptions[0].message).toMatch(/logging stopped at 2026-03-10/);
  });

  test('log file validation turned off (Config history) fails for that interval', async () => {
    const arn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`;
    const item = (t: string, validation: boolean) =>
      configItem('AWS::CloudTrail::Trail', arn, t, { configuration: { name: 'main', trailARN: arn, isMultiRegionTrail: true, logFileValidationEnabled: validation } });
    for (const m of MONTHS) {
      const extra: FixtureEnvelope[] =
        m === '2026-06-01'
          ? [{ collector: 'config.history', window: { start: at('2026-05-01', 2), end: at('2026-06-01', 2) }, data: historyData([item(at('2026-05-03'), false), item(at('2026-05-05'), true)]) }]
          : [];
      await fx.write({ at: at(m, 2), envelopes: [...trails(), ...extra] });
    }
    const result = await evaluateOne(fx.store, config, monitoringCloudtrail);
    expect(result.exceptions).toEqual([expect.objectContaining({ from: at('2026-05-03'), to: at('2026-05-05'), message: expect.stringMatching(/log file validation off/) })]);
  });

  test('a single-region trail does not qualify', async () => {
    for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: trails({ trail: { IsMultiRegionTrail: false } }) });
    const result = await evaluateOne(fx.store, config, monitoringCloudtrail);
    expect(result.status).toBe('fail');
    expect(result.exceptions[0]).toMatchObject({ from: '2026-01-01T00:00:00.000Z', to: END, message: expect.stringMatching(/not multi-region/) });
  });

  test('a StopLogging event and a snapshot showing the trail stopped: off from the event to the end', async () => {
    const stop = at('2026-05-20', 13);
    for (const m of MONTHS) {
      const envelopes = trails(m >= '2026-06-01' ? { status: { IsLogging: false } } : {});
      if (m === '2026-06-01') {
        envelopes.push({ collector: 'cloudtrail.events', window: { start: at('2026-05-01', 2), end: at('2026-06-01', 2) }, data: eventsData([trailEvent('StopLogging', stop, { name: 'main' })]) });
      }
      await fx.write({ at: at(m, 2), envelopes });
    }
    const result = await evaluateOne(fx.store, config, monitoringCloudtrail);
    expect(result.exceptions).toEqual([expect.objectContaining({ from: stop, to: END })]);
  });

  test('error when the logging status could not be read', async () => {
    for (const m of MONTHS) {
      const envelopes = trails();
      delete (envelopes[0].data as { trails: Array<Record<string, unknown>> }).trails[0].status;
      await fx.write({ at: at(m, 2), envelopes });
    }
    const result = await evaluateOne(fx.store, config, monitoringCloudtrail);
    expect(result.status).toBe('error');
    expect(result.exceptions[0]).toMatchObject({ kind: 'unevaluated', message: expect.stringMatching(/logging status of main could not be read/) });
  });

  test('an account without trail evidence cannot be evaluated', async () => {
    const twoAccounts = testConfig({
      period: { start: '2026-01-01', end: '2026-06-30' },
      accounts: [{ id: ACCOUNT, name: 'prod' }, { id: OTHER_ACCOUNT, name: 'shared' }],
      regions: ['us-east-1', 'us-west-2'],
    });
    for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: trails() });
    const result = await evaluateOne(fx.store, twoAccounts, monitoringCloudtrail);
    expect(result.status).toBe('error');
    expect(result.exceptions).toEqual([expect.objectContaining({ kind: 'unevaluated', account: OTHER_ACCOUNT })]);
  });
});

function recorderEnvelopes(east: Record<string, unknown>, west: Record<string, unknown> = recorders(true)): FixtureEnvelope[] {
  return [
    { collector: 'config.recorders', region: 'us-east-1', data: east },
    { collector: 'config.recorders', region: 'us-west-2', data: west },
  ];
}

describe('monitoring.config-recording', () => {
  test('compliant: recording in every region all period', async () => {
    for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: recorderEnvelopes(recorders(true)) });
    const result = await evaluateOne(fx.store, config, monitoringConfigRecording);
    expect(result.status).toBe('pass');
  });

  test('recorder stopped and restarted between snapshots: the interval from its status times', async () => {
    const stop = at('2026-02-10', 4);
    const start = at('2026-02-19', 4);
    for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: recorderEnvelopes(recorders(true, m >= '2026-03-01' ? { lastStopTime: stop, lastStartTime: start } : {})) });
    const result = await evaluateOne(fx.store, config, monitoringConfigRecording);
    expect(result.status).toBe('fail');
    expect(result.exceptions).toEqual([expect.objectContaining({ region: 'us-east-1', resource: 'default', from: stop, to: start })]);
  });

  test('recorder off at a snapshot: from its lastStopTime until it records again', async () => {
    const stop = at('2026-04-20');
    const start = at('2026-05-03');
    for (const m of MONTHS) {
      const status = m === '2026-05-01' ? recorders(false, { lastStopTime: stop }) : m > '2026-05-01' ? recorders(true, { lastStopTime: stop, lastStartTime: start }) : recorders(true);
      await fx.write({ at: at(m, 2), envelopes: recorderEnvelopes(recorders(true), status) });
    }
    const result = await evaluateOne(fx.store, config, monitoringConfigRecording);
    expect(result.exceptions).toEqual([expect.objectContaining({ region: 'us-west-2', from: stop, to: start })]);
  });

  test('no recorder in a region fails', async () => {
    for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: recorderEnvelopes(recorders(true), { recorders: [], deliveryChannels: [] }) });
    const result = await evaluateOne(fx.store, config, monitoringConfigRecording);
    expect(result.status).toBe('fail');
    expect(result.exceptions[0]).toMatchObject({ region: 'us-west-2', message: expect.stringMatching(/no configuration recorder/) });
  });

  test('a region without recorder evidence cannot be evaluated', async () => {
    for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: [recorderEnvelopes(recorders(true))[0]] });
    const result = await evaluateOne(fx.store, config, monitoringConfigRecording);
    expect(result.status).toBe('error');
    expect(result.exceptions[0]).toMatchObject({ kind: 'unevaluated', region: 'us-west-2' });
  });
});

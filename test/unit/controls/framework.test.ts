import { parseConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors.js';
import { CONTROL_IDS, CONTROLS } from '../../../src/controls/index.js';
import { evaluateControls } from '../../../src/controls/evaluate-controls.js';
import { SOC2_CRITERIA, SOC2_MAPPING } from '../../../src/controls/soc2-mapping.js';
import type { Control, ControlException } from '../../../src/controls/types.js';
import { applyWaivers, matchesWaiverPattern } from '../../../src/controls/waivers.js';
import { buildCoverageLedger } from '../../../src/coverage/build-ledger.js';
import { loadPeriod } from '../../../src/period/load-period.js';
import { ACCOUNT, at, createFixtureStore, type FixtureStore } from '../../support/evidence-fixtures.js';
import { s3Bucket } from '../../support/evidence-data.js';
import { testConfig } from '../../support/config.js';

/** The catalogue of PRODUCT.md, in its order. */
const CATALOGUE = [
  'backup.plan-coverage',
  'backup.job-success',
  'backup.cross-region-copy',
  'backup.vault-immutable',
  'backup.encrypted',
  'replication.s3',
  'replication.rds',
  'replication.dynamodb',
  'residency.boundary',
  'dr.test-frequency',
  'dr.rto-rpo',
  'monitoring.cloudtrail',
  'monitoring.config-recording',
  'monitoring.alarms',
  'inventory.region-parity',
  'inventory.approved-regions',
  'evidence.period-coverage',
];

describe('the control pack', () => {
  test('lists every id of the catalogue, once, in catalogue order', () => {
    expect(CONTROL_IDS).toEqual(CATALOGUE);
  });

  test('every control has a title, a measure, and a SOC 2 mapping whose criteria are defined', () => {
    for (const c of CONTROLS) {
      expect(c.title.length).toBeGreaterThan(20);
      expect(c.measure.length).toBeGreaterThan(40);
    }
    expect(SOC2_MAPPING.map((m) => m.control).sort()).toEqual([...CATALOGUE].sort());
    for (const m of SOC2_MAPPING) for (const criterion of m.criteria) expect(SOC2_CRITERIA[criterion]).toBeDefined();
    expect(SOC2_MAPPING.find((m) => m.control === 'backup.vault-immutable')?.criteria).toEqual(['A1.2', 'C1.2']);
  });

  test('importing the pack registers the ids: a waiver naming an unknown control is a config error', () => {
    const raw = {
      organization: 'o',
      system: 's',
      period: { start: '2026-01-01', end: '2026-06-30' },
      accounts: [{ id: ACCOUNT, name: 'prod' }],
      regions: ['us-east-1'],
      store: './evidence',
      waivers: [{ control: 'replication.s4', resource: 'x', reason: 'accepted for the test', approver: 'CTO', expires: '2026-12-31' }],
    };
    expect(() => parseConfig(JSON.stringify(raw), { file: 'proofpack.yaml' })).toThrow(ConfigError);
    expect(() => parseConfig(JSON.stringify(raw), { file: 'proofpack.yaml' })).toThrow(/waivers\[0\]\.control: "replication.s4" is not a control id \(did you mean "replication.s3"\?\)/);
  });
});

describe('waivers', () => {
  test('patterns: * matches any run of characters, everything else literally', () => {
    expect(matchesWaiverPattern('arn:aws:s3:::legacy-*', 'arn:aws:s3:::legacy-archive')).toBe(true);
    expect(matchesWaiverPattern('arn:aws:s3:::legacy-*', 'arn:aws:s3:::records')).toBe(false);
    expect(matchesWaiverPattern('a.b', 'axb')).toBe(false);
    expect(matchesWaiverPattern('*', 'anything/at:all')).toBe(true);
  });

  test('a waiver covers exceptions that ended by the end of its expiry day; later ones stay unwaived', () => {
    const exceptions: ControlException[] = [
      { kind: 'failure' as const, resource: 'r1', account: ACCOUNT, region: 'us-east-1', from: '2026-02-01T00:00:00.000Z', to: '2026-03-31T23:00:00.000Z', message: 'm', evidence: [] },
      { kind: 'failure' as const, resource: 'r2', account: ACCOUNT, region: 'us-east-1', from: '2026-02-01T00:00:00.000Z', to: '2026-04-02T00:00:00.000Z', message: 'm', evidence: [] },
      { kind: 'unevaluated' as const, resource: 'r3', account: ACCOUNT, region: 'us-east-1', from: '2026-02-01T00:00:00.000Z', to: '2026-02-02T00:00:00.000Z', message: 'm', evidence: [] },
    ];
    const uses = applyWaivers([{ id: 'c', exceptions }], [{ control: 'c', resource: 'r*', reason: 'accepted until migration', approver: 'CTO', expires: '2026-03-31' }]);
    expect(exceptions[0].waived).toEqual({ pattern: 'r*', approver: 'CTO', reason: 'accepted until migration', expires: '2026-03-31' });
    expect(exceptions[1].waived).toBeUndefined();
    expect(exceptions[2].waived).toBeUndefined();
    expect(uses).toEqual([expect.objectContaining({ state: 'applied', exceptions: 1 })]);
  });
});

describe('evaluateControls', () => {
  let fx: FixtureStore;
  beforeEach(async () => {
    fx = await createFixtureStore();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  const failing: Control = {
    id: 'test.failing',
    title: 'A test control whose every bucket fails',
    requires: ['s3.buckets'],
    measure: 'test',
    evaluate: ({ view }) => ({
      summary: 'all buckets fail',
      exceptions: view.latest<{ buckets: Array<{ name: string }> }>('s3.buckets').flatMap((c) =>
        c.data.buckets.map((b) => ({ kind: 'failure' as const, resource: b.name, account: c.account, region: 'us-east-1', from: c.at, to: c.at, message: 'fails', evidence: [c.evidenceId] })),
      ),
    }),
  };
  const throwing: Control = { id: 'test.throwing', title: 't', requires: [], measure: 't', evaluate: () => { throw new Error('boom'); } };

  async function run(waivers: unknown[] = []) {
    await fx.write({ at: at('2026-03-01', 2), envelopes: [{ collector: 's3.buckets', region: 'global', data: { buckets: [s3Bucket('legacy-a'), s3Bucket('legacy-b')] } }] });
    const config = { ...testConfig({ period: { start: '2026-01-01', end: '2026-06-30' }, accounts: [{ id: ACCOUNT, name: 'prod' }], regions: ['us-east-1'] }), waivers } as ReturnType<typeof testConfig>;
    const view = await loadPeriod(fx.store, config);
    return evaluateControls(view, buildCoverageLedger(view, { regions: config.regions }), config, [failing, throwing]);
  }

  test('a throw inside a control is error, "could not be evaluated"', async () => {
    const evaluation = await run();
    expect(evaluation.controls[1]).toMatchObject({ id: 'test.throwing', status: 'error', summary: 'could not be evaluated: the control failed (boom)' });
    expect(evaluation.controls[0].status).toBe('fail');
  });

  test('a control whose only exceptions are waived is waived; the exceptions stay listed with approver and reason', async () => {
    const evaluation = await run([{ control: 'test.failing', resource: 'legacy-*', reason: 'decommissioned in Q3', approver: 'Priya Raman (CTO)', expires: '2026-12-31' }]);
    const c = evaluation.controls[0];
    expect(c.status).toBe('waived');
    expect(c.exceptions).toHaveLength(2);
    expect(c.exceptions.every((e) => e.waived?.approver === 'Priya Raman (CTO)')).toBe(true);
    expect(c.counts).toMatchObject({ failures: 2, waived: 2 });
    expect(evaluation.waivers[0].state).toBe('applied');
    expect(evaluation.summary).toMatchObject({ waived: 1, error: 1 });
  });

  test('an expired waiver no longer applies', async () => {
    const evaluation = await run([{ control: 'test.failing', resource: 'legacy-*', reason: 'decommissioned in Q3', approver: 'CTO', expires: '2026-02-28' }]);
    expect(evaluation.controls[0].status).toBe('fail');
    expect(evaluation.waivers[0]).toMatchObject({ state: 'expired', exceptions: 0 });
  });

  test('a waiver for one resource leaves the control failing for the other', async () => {
    const evaluation = await run([{ control: 'test.failing', resource: 'legacy-a', reason: 'decommissioned in Q3', approver: 'CTO', expires: '2026-12-31' }]);
    expect(evaluation.controls[0].status).toBe('fail');
    expect(evaluation.controls[0].counts.waived).toBe(1);
  });
});

import { replicationS3 } from '../../../src/controls/replication/s3.js';
import { at, createFixtureStore, type FixtureEnvelope, type FixtureStore } from '../../support/evidence-fixtures.js';
import { historyData, s3Bucket, s3BucketItem, s3Replica } from '../../support/evidence-data.js';
import { evaluateOne } from '../../support/evaluate-fixture.js';
import { testConfig } from '../../support/config.js';

const config = testConfig({
  period: { start: '2026-01-01', end: '2026-06-30' },
  accounts: [{ id: '111111111111', name: 'prod' }],
  regions: ['us-east-1', 'us-west-2'],
  scope: { tags: { soc2: 'in-scope' } },
});
const MONTHS = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01', '2026-07-01'];

let fx: FixtureStore;
beforeEach(async () => {
  fx = await createFixtureStore();
});
afterEach(async () => {
  await fx.cleanup();
});

function buckets(records: Record<string, unknown> = {}, replica: Record<string, unknown> = {}): FixtureEnvelope {
  return {
    collector: 's3.buckets',
    region: 'global',
    data: { buckets: [s3Bucket('records', records), s3Replica('records', replica), s3Bucket('scratch', { tags: [{ Key: 'team', Value: 'x' }], versioning: {}, replication: null })] },
  };
}

/** Monthly snapshots of the buckets; `change(month)` returns overrides of `records` for that month. */
async function writeMonths(change: (month: string) => Record<string, unknown> = () => ({}), extra: (month: string) => FixtureEnvelope[] = () => []) {
  for (const month of MONTHS) await fx.write({ at: at(month, 2), envelopes: [buckets(change(month)), ...extra(month)] });
}

describe('replication.s3', () => {
  test('compliant: versioned and replicating to the other region all period; out-of-scope buckets are ignored', async () => {
    await writeMonths();
    const result = await evaluateOne(fx.store, config, replicationS3);
    expect(result.status).toBe('pass');
    expect(result.exceptions).toEqual([]);
    expect(result.summary).toMatch(/2 in-scope buckets \(1 replica\)/);
    expect(result.criteria).toEqual(['A1.2']);
  });

  test('replication off for nine days in the middle (Config history) is one exception with those dates', async () => {
    const t0 = at('2026-03-10', 2);
    const t1 = at('2026-03-19', 2);
    await writeMonths(undefined, (month) =>
      month === '2026-04-01'
        ? [
            {
              collector: 'config.history',
              window: { start: at('2026-03-01', 2), end: at('2026-04-01', 2) },
              data: historyData([
                s3BucketItem('records', at('2026-02-20')),
                s3BucketItem('records', t0, { replication: false }),
                s3BucketItem('records', t1),
              ]),
            },
          ]
        : [],
    );
    const result = await evaluateOne(fx.store, config, replicationS3);
    expect(result.status).toBe('fail');
    expect(result.exceptions).toHaveLength(1);
    expect(result.exceptions[0]).toMatchObject({ kind: 'failure', resource: 'records', account: '111111111111', region: 'us-east-1', from: t0, to: t1 });
    expect(result.exceptions[0].message).toMatch(/no replication configuration/);
    expect(result.exceptions[0].message).toMatch(/9 days/);
    expect(result.exceptions[0].evidence.some((id) => id.endsWith('config.history'))).toBe(true);
  });

  test('versioning suspended at one snapshot: an exception from that snapshot to the next that shows it on', async () => {
    await writeMonths((m) => (m === '2026-04-01' ? { versioning: { Status: 'Suspended' } } : {}));
    const result = await evaluateOne(fx.store, config, replicationS3);
    expect(result.status).toBe('fail');
    expect(result.exceptions).toEqual([
      expect.objectContaining({ resource: 'records', from: at('2026-04-01', 2), to: at('2026-05-01', 2), message: expect.stringMatching(/versioning Suspended.*exact times need Config history/) }),
    ]);
  });

  test('replication removed and never restored: open to the end of the period', async () => {
    await writeMonths((m) => (m >= '2026-05-01' ? { replication: null } : {}));
    const result = await evaluateOne(fx.store, config, replicationS3);
    expect(result.exceptions).toEqual([expect.objectContaining({ from: at('2026-05-01', 2), to: '2026-07-01T00:00:00.000Z' })]);
    expect(result.exceptions[0].message).toMatch(/the end of the period/);
  });

  test('a rule that replicates within the same region does not count', async () => {
    for (const month of MONTHS) await fx.write({ at: at(month, 2), envelopes: [buckets({}, { region: 'us-east-1' })] });
    const result = await evaluateOne(fx.store, config, replicationS3);
    expect(result.status).toBe('fail');
    expect(result.exceptions[0].message).toMatch(/replicates only to records-replica \(us-east-1\)/);
  });

  test('a disabled rule does not count', async () => {
    await writeMonths(() => ({ replication: { Rules: [{ ID: 'r', Status: 'Disabled', Destination: { Bucket: 'arn:aws:s3:::records-replica' } }] } }));
    const result = await evaluateOne(fx.store, config, replicationS3);
    expect(result.exceptions[0].message).toMatch(/no enabled replication rule/);
  });

  test('not applicable when no bucket carries the scope tags', async () => {
    for (const month of MONTHS.slice(0, 2)) {
      await fx.write({ at: at(month, 2), envelopes: [{ collector: 's3.buckets', region: 'global', data: { buckets: [s3Bucket('other', { tags: null })] } }] });
    }
    const result = await evaluateOne(fx.store, config, replicationS3);
    expect(result.status).toBe('not_applicable');
  });

  test('error when versioning could not be read at any snapshot (a missing property is never a pass)', async () => {
    const noVersioning = s3Bucket('records');
    delete noVersioning.versioning;
    for (const month of MONTHS) {
      await fx.write({
        at: at(month, 2),
        envelopes: [
          {
            collector: 's3.buckets',
            region: 'global',
            data: { buckets: [noVersioning, s3Replica('records')] },
            gaps: [{ collector: 's3.buckets', account: '111111111111', region: 'global', kind: 'denied', operation: 's3:GetBucketVersioning', message: 'AccessDenied', resource: 'records' }],
          },
        ],
      });
    }
    const result = await evaluateOne(fx.store, config, replicationS3);
    expect(result.status).toBe('error');
    expect(result.exceptions).toContainEqual(expect.objectContaining({ kind: 'unevaluated', resource: 'records', message: expect.stringMatching(/could not be evaluated: versioning could not be read/) }));
  });

  test('error when tags could not be read and scope needs them', async () => {
    const noTags = s3Bucket('records');
    delete noTags.tags;
    await fx.write({ at: at('2026-02-01', 2), envelopes: [{ collector: 's3.buckets', region: 'global', data: { buckets: [noTags] } }] });
    const result = await evaluateOne(fx.store, config, replicationS3);
    expect(result.status).toBe('error');
    expect(result.exceptions[0].message).toMatch(/scope is unknown/);
  });

  test('error when there is no s3.buckets evidence at all', async () => {
    await fx.write({ at: at('2026-02-01', 2), envelopes: [{ collector: 'backup.vaults', data: { vaults: [] } }] });
    const result = await evaluateOne(fx.store, config, replicationS3);
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(/could not be evaluated: no usable evidence from s3.buckets/);
  });
});

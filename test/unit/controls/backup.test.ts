import { backupEncrypted } from '../../../src/controls/backup/encrypted.js';
import { crossRegionCopy } from '../../../src/controls/backup/cross-region-copy.js';
import { jobSuccess } from '../../../src/controls/backup/job-success.js';
import { planCoverage } from '../../../src/controls/backup/plan-coverage.js';
import { ACCOUNT, at, createFixtureStore, type FixtureEnvelope, type FixtureStore } from '../../support/evidence-fixtures.js';
import {
  backupJob,
  backupPlan,
  backupVault,
  copyJob,
  planRule,
  recoveryPoint,
  recoveryPoints,
  s3Bucket,
  selectionsData,
} from '../../support/evidence-data.js';
import { evaluateOne } from '../../support/evaluate-fixture.js';
import { testConfig } from '../../support/config.js';

const base = {
  period: { start: '2026-01-01', end: '2026-06-30' },
  accounts: [{ id: ACCOUNT, name: 'prod' }],
  regions: ['us-east-1', 'us-west-2'],
  scope: { tags: { soc2: 'in-scope' } },
};
const config = testConfig(base);
const MONTHS = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01', '2026-07-01'];
const RECORDS = 'arn:aws:s3:::records';
const TMP = 'arn:aws:s3:::tmp';

let fx: FixtureStore;
beforeEach(async () => {
  fx = await createFixtureStore();
});
afterEach(async () => {
  await fx.cleanup();
});

const inventory = (): FixtureEnvelope => ({
  collector: 's3.buckets',
  region: 'global',
  data: { buckets: [s3Bucket('records'), s3Bucket('tmp', { tags: [{ Key: 'team', Value: 'x' }] })] },
});

describe('backup.plan-coverage', () => {
  const byTag = { Resources: ['arn:aws:s3:::*'], Conditions: { StringEquals: [{ ConditionKey: 'aws:ResourceTag/soc2', ConditionValue: 'in-scope' }] } };

  test('compliant: a tag-based selection picks the in-scope bucket all period; the out-of-scope bucket is ignored', async () => {
    for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: [inventory(), { collector: 'backup.selections', data: selectionsData([{ id: 'daily', selections: [byTag] }]) }] });
    const result = await evaluateOne(fx.store, config, planCoverage);
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(/^1 in-scope resource \(S3\); 0 not selected/);
  });

  test('a selection dropped for two months is an exception from the snapshot that shows it missing to the one that shows it back', async () => {
    for (const m of MONTHS) {
      const selections = m === '2026-03-01' || m === '2026-04-01' ? [] : [byTag];
      await fx.write({ at: at(m, 2), envelopes: [inventory(), { collector: 'backup.selections', data: selectionsData([{ id: 'daily', selections }]) }] });
    }
    const result = await evaluateOne(fx.store, config, planCoverage);
    expect(result.status).toBe('fail');
    expect(result.exceptions).toEqual([expect.objectContaining({ resource: RECORDS, from: at('2026-03-01', 2), to: at('2026-05-01', 2), message: expect.stringMatching(/no backup plan selects it/) })]);
  });

  test('NotResources excludes; a tag condition that does not match does not select', async () => {
    for (const m of MONTHS) {
      await fx.write({
        at: at(m, 2),
        envelopes: [
          inventory(),
          {
            collector: 'backup.selections',
            data: selectionsData([{ id: 'daily', selections: [{ Resources: ['*'], NotResources: [RECORDS] }, { Resources: ['*'], ListOfTags: [{ ConditionType: 'STRINGEQUALS', ConditionKey: 'backup', ConditionValue: 'daily' }] }] }]),
          },
        ],
      });
    }
    const result = await evaluateOne(fx.store, config, planCoverage);
    expect(result.status).toBe('fail');
    expect(result.exceptions[0]).toMatchObject({ resource: RECORDS, from: '2026-01-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' });
  });

  test('error when the selections of a plan could not be read', async () => {
    for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: [inventory(), { collector: 'backup.selections', data: selectionsData([{ id: 'daily', selections: null }]) }] });
    const result = await evaluateOne(fx.store, config, planCoverage);
    expect(result.status).toBe('error');
    expect(result.exceptions[0].message).toMatch(/could not be evaluated: the selections of plan daily could not be read/);
  });

  test('not applicable when nothing is in scope', async () => {
    await fx.write({ at: at('2026-02-01', 2), envelopes: [{ collector: 's3.buckets', region: 'global', data: { buckets: [s3Bucket('tmp', { tags: null })] } }, { collector: 'backup.selections', data: selectionsData([]) }] });
    expect((await evaluateOne(fx.store, config, planCoverage)).status).toBe('not_applicable');
  });

  test('error without an inventory', async () => {
    await fx.write({ at: at('2026-02-01', 2), envelopes: [{ collector: 'backup.selections', data: selectionsData([]) }] });
    const result = await evaluateOne(fx.store, config, planCoverage);
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(/no inventory/);
  });
});

/** Monthly job snapshots whose windows chain over the whole period; `jobs(window start, end)` gives each one's jobs. */
async function writeJobMonths(jobs: (start: string, end: string, index: number) => Array<Record<string, unknown>>, collector = 'backup.backup-jobs', skip: string[] = []) {
  let previous = '2026-01-01T00:00:00.000Z';
  let skipped = false;
  for (const [i, m] of MONTHS.slice(1).entries()) {
    const end = at(m, 2);
    // After a missed capture the source keeps only 30 days: the window cannot reach further back.
    if (skipped) previous = new Date(Date.parse(end) - 30 * 86_400_000).toISOString();
    skipped = skip.includes(m);
    if (!skipped) {
      await fx.write({
        at: end,
        envelopes: [
          inventory(),
          { collector, window: { start: previous, end }, data: { jobs: jobs(previous, end, i) } },
          // The collector runs in every configured region; us-west-2 had no jobs.
          { collector, region: 'us-west-2', window: { start: previous, end }, data: { jobs: [] } },
        ],
      });
      previous = end;
    }
  }
}

/** `n` daily jobs for a resource in a window, ids stable across overlapping windows. */
function dailyJobs(arn: string, start: string, end: string, state: (day: string) => string): Array<Record<string, unknown>> {
  const out = [];
  for (let t = Date.parse(start.slice(0, 10)) + 5 * 3_600_000; t < Date.parse(end); t += 86_400_000) {
    const created = new Date(t).toISOString();
    if (created < start) continue;
    out.push(backupJob(`job-${arn.split(':').pop()}-${created.slice(0, 10)}`, arn, state(created.slice(0, 10)), created));
  }
  return out;
}

describe('backup.job-success', () => {
  test('compliant: every daily job of the in-scope bucket completed', async () => {
    await writeJobMonths((s, e) => [...dailyJobs(RECORDS, s, e, () => 'COMPLETED'), ...dailyJobs(TMP, s, e, () => 'FAILED')]);
    const result = await evaluateOne(fx.store, config, jobSuccess);
    expect(result.status).toBe('pass');
    expect(result.exceptions).toEqual([]);
    expect(result.measurements[0]).toMatchObject({ subject: 'overall', value: 1, met: true });
    expect(result.summary).toMatch(/^181 jobs of 1 resource: 100.00% succeeded/);
  });

  test('two failed jobs: each listed; the rate below 99% fails per resource and overall', async () => {
    await writeJobMonths((s, e) => dailyJobs(RECORDS, s, e, (d) => (d === '2026-02-10' || d === '2026-04-03' ? 'FAILED' : 'COMPLETED')));
    const result = await evaluateOne(fx.store, config, jobSuccess);
    expect(result.status).toBe('fail');
    expect(result.exceptions.filter((e) => e.kind === 'deviation').map((e) => e.from.slice(0, 10))).toEqual(['2026-02-10', '2026-04-03']);
    expect(result.exceptions.filter((e) => e.kind === 'failure').map((e) => e.resource)).toEqual(['all in-scope resources', RECORDS]);
    expect(result.exceptions.find((e) => e.kind === 'deviation')?.message).toMatch(/FAILED: Access denied to the KMS key/);
  });

  test('the same failures within a 95% target: listed as deviations, the control passes', async () => {
    const lenient = testConfig({ ...base, targets: { backupSuccessRate: 0.95 } });
    await writeJobMonths((s, e) => dailyJobs(RECORDS, s, e, (d) => (d === '2026-02-10' || d === '2026-04-03' ? 'EXPIRED' : 'COMPLETED')));
    const result = await evaluateOne(fx.store, lenient, jobSuccess);
    expect(result.status).toBe('pass');
    expect(result.counts).toMatchObject({ failures: 0, deviations: 2 });
  });

  test('a job RUNNING in one snapshot and FAILED in the next (lookback overlap) is counted once, in its final state', async () => {
    await writeJobMonths((s, e, i) => {
      const jobs = dailyJobs(RECORDS, s, e, () => 'COMPLETED');
      // The last job of each window is still running when captured; the next window's lookback sees it again.
      jobs[jobs.length - 1] = { ...jobs[jobs.length - 1], State: 'RUNNING' };
      delete jobs[jobs.length - 1].CompletionDate;
      if (i > 0) {
        const prevEnd = Date.parse(s);
        const again = dailyJobs(RECORDS, new Date(prevEnd - 86_400_000).toISOString(), s, () => (i === 2 ? 'FAILED' : 'COMPLETED'));
        jobs.unshift(...again.slice(-1));
      }
      return jobs;
    });
    const result = await evaluateOne(fx.store, config, jobSuccess);
    expect(result.measurements[0].note).toMatch(/^179 of 180 finished jobs completed; 1 still running/);
    expect(result.exceptions.filter((e) => e.kind === 'deviation')).toHaveLength(1);
  });

  test('a gap in the job population (a month missing) makes the control unevaluable', async () => {
    await writeJobMonths((s, e) => dailyJobs(RECORDS, s, e, () => 'COMPLETED'), 'backup.backup-jobs', ['2026-04-01']);
    const result = await evaluateOne(fx.store, config, jobSuccess);
    expect(result.status).toBe('error');
    expect(result.exceptions.some((e) => e.kind === 'unevaluated' && /job population is incomplete/.test(e.message))).toBe(true);
  });

  test('not applicable without jobs of in-scope resources', async () => {
    await writeJobMonths((s, e) => dailyJobs(TMP, s, e, () => 'COMPLETED'));
    expect((await evaluateOne(fx.store, config, jobSuccess)).status).toBe('not_applicable');
  });

  test('error without job evidence', async () => {
    await fx.write({ at: at('2026-02-01', 2), envelopes: [inventory()] });
    expect((await evaluateOne(fx.store, config, jobSuccess)).status).toBe('error');
  });
});

describe('backup.cross-region-copy', () => {
  const paired = testConfig({ ...base, regionPairs: [{ primary: 'us-east-1', secondary: 'us-west-2' }] });
  async function writeCopyMonths(plan: (m: string) => Record<string, unknown>, copyState: (i: number) => string = () => 'COMPLETED') {
    let previous = '2026-01-01T00:00:00.000Z';
    for (const [i, m] of MONTHS.entries()) {
      const end = at(m, 2);
      const envelopes: FixtureEnvelope[] = [inventory(), { collector: 'backup.plans', data: { plans: [plan(m)] } }];
      if (i > 0) envelopes.push({ collector: 'backup.copy-jobs', window: { start: previous, end }, data: { jobs: [copyJob(`copy-${i}`, RECORDS, copyState(i), at(MONTHS[i - 1], 8))] } });
      await fx.write({ at: end, envelopes });
      previous = end;
    }
  }

  test('compliant: the plan copies to us-west-2 and every copy completes', async () => {
    await writeCopyMonths(() => backupPlan('daily', [planRule('daily')]));
    const result = await evaluateOne(fx.store, paired, crossRegionCopy);
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(/1 plan in primary regions, 0 not copying.*6 copy jobs/);
  });

  test('a plan without a copy action to the paired region fails for the months it lacked one', async () => {
    await writeCopyMonths((m) => backupPlan('daily', [planRule('daily', m >= '2026-05-01' ? { CopyActions: [] } : {})]));
    const result = await evaluateOne(fx.store, paired, crossRegionCopy);
    expect(result.status).toBe('fail');
    expect(result.exceptions).toEqual([expect.objectContaining({ from: at('2026-05-01', 2), to: '2026-07-01T00:00:00.000Z', message: expect.stringMatching(/did not copy to us-west-2/) })]);
  });

  test('a failed copy job is an exception', async () => {
    await writeCopyMonths(() => backupPlan('daily', [planRule('daily')]), (i) => (i === 3 ? 'FAILED' : 'COMPLETED'));
    const result = await evaluateOne(fx.store, paired, crossRegionCopy);
    expect(result.exceptions).toEqual([expect.objectContaining({ resource: RECORDS, message: expect.stringMatching(/copy job copy-3 to us-west-2 FAILED/) })]);
  });

  test('a copy slower than the lag target is an exception', async () => {
    const strict = testConfig({ ...base, regionPairs: [{ primary: 'us-east-1', secondary: 'us-west-2' }], targets: { copyJobMaxLagHours: 1 } });
    await writeCopyMonths(() => backupPlan('daily', [planRule('daily')]));
    const result = await evaluateOne(fx.store, strict, crossRegionCopy);
    expect(result.exceptions).toHaveLength(6);
    expect(result.exceptions[0].message).toMatch(/completed 2.0 hours after/);
  });

  test('not applicable without region pairs', async () => {
    expect((await evaluateOne(fx.store, config, crossRegionCopy)).status).toBe('not_applicable');
  });

  test('error when the plan rules could not be read', async () => {
    await writeCopyMonths(() => ({ ...backupPlan('daily', []), details: undefined }));
    const result = await evaluateOne(fx.store, paired, crossRegionCopy);
    expect(result.status).toBe('error');
  });
});

describe('backup.encrypted', () => {
  const month = (vault: Record<string, unknown> = {}, point: Record<string, unknown> = {}, keyState = 'Enabled'): FixtureEnvelope[] => [
    inventory(),
    { collector: 'backup.vaults', data: { vaults: [backupVault('primary', 'us-east-1', ACCOUNT, vault)] } },
    { collector: 'backup.recovery-points', data: recoveryPoints([{ name: 'primary', points: [recoveryPoint(RECORDS, point), recoveryPoint(TMP, { IsEncrypted: false })] }]) },
    {
      collector: 'kms.keys',
      data: {
        keys: [
          {
            key: { KeyId: '1111aaaa-2222-3333-4444-555566667777', KeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1111aaaa-2222-3333-4444-555566667777` },
            metadata: { KeyId: '1111aaaa-2222-3333-4444-555566667777', Arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1111aaaa-2222-3333-4444-555566667777`, KeyManager: 'CUSTOMER', KeyState: keyState },
            rotation: { KeyRotationEnabled: true },
            aliases: [],
          },
        ],
      },
    },
  ];

  test('compliant: the vault has an enabled KMS key and in-scope recovery points are encrypted (the out-of-scope one is ignored)', async () => {
    await fx.write({ at: at('2026-03-01', 2), envelopes: month() });
    const result = await evaluateOne(fx.store, config, backupEncrypted);
    expect(result.status).toBe('pass');
  });

  test('an unencrypted recovery point of an in-scope resource fails', async () => {
    await fx.write({ at: at('2026-03-01', 2), envelopes: month({}, { IsEncrypted: false }) });
    const result = await evaluateOne(fx.store, config, backupEncrypted);
    expect(result.exceptions).toEqual([expect.objectContaining({ resource: RECORDS, message: expect.stringMatching(/1 recovery point in vault primary not encrypted/) })]);
  });

  test('a vault whose key is pending deletion fails', async () => {
    await fx.write({ at: at('2026-03-01', 2), envelopes: month({}, {}, 'PendingDeletion') });
    const result = await evaluateOne(fx.store, config, backupEncrypted);
    expect(result.exceptions[0].message).toMatch(/is PendingDeletion/);
  });

  test('a vault without an encryption key fails', async () => {
    await fx.write({ at: at('2026-03-01', 2), envelopes: month({ EncryptionKeyArn: undefined }) });
    expect((await evaluateOne(fx.store, config, backupEncrypted)).exceptions[0].message).toMatch(/names no KMS encryption key/);
  });

  test('not applicable without vaults; error without vault evidence', async () => {
    await fx.write({ at: at('2026-03-01', 2), envelopes: [{ collector: 'backup.vaults', data: { vaults: [] } }] });
    expect((await evaluateOne(fx.store, config, backupEncrypted)).status).toBe('not_applicable');
    const fx2 = await createFixtureStore();
    await fx2.write({ at: at('2026-03-01', 2), envelopes: [inventory()] });
    expect((await evaluateOne(fx2.store, config, backupEncrypted)).status).toBe('error');
    await fx2.cleanup();
  });
});

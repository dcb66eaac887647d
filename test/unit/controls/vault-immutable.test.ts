import { vaultImmutable } from '../../../src/controls/backup/vault-immutable.js';
import { ACCOUNT, at, createFixtureStore, type FixtureEnvelope, type FixtureStore } from '../../support/evidence-fixtures.js';
import { backupVault, eventsData, recoveryPoint, recoveryPoints, s3Bucket, trailEvent } from '../../support/evidence-data.js';
import { evaluateOne } from '../../support/evaluate-fixture.js';
import { testConfig } from '../../support/config.js';

const config = testConfig({
  period: { start: '2026-01-01', end: '2026-06-30' },
  accounts: [{ id: ACCOUNT, name: 'prod' }],
  regions: ['us-east-1', 'us-west-2'],
  scope: { tags: { soc2: 'in-scope' } },
  targets: { minRetentionDays: 35 },
});
const MONTHS = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01', '2026-07-01'];
const VAULT_ARN = `arn:aws:backup:us-east-1:${ACCOUNT}:backup-vault:primary`;

let fx: FixtureStore;
beforeEach(async () => {
  fx = await createFixtureStore();
});
afterEach(async () => {
  await fx.cleanup();
});

/** primary holds a recovery point of the in-scope bucket; scratch holds one of an out-of-scope bucket and is not locked. */
function month(primary: Record<string, unknown> = {}): FixtureEnvelope[] {
  return [
    { collector: 'backup.vaults', data: { vaults: [backupVault('primary', 'us-east-1', ACCOUNT, primary), backupVault('scratch', 'us-east-1', ACCOUNT, { Locked: false })] } },
    {
      collector: 'backup.recovery-points',
      data: recoveryPoints([
        { name: 'primary', points: [recoveryPoint('arn:aws:s3:::records')] },
        { name: 'scratch', points: [recoveryPoint('arn:aws:s3:::tmp', {}, 'scratch')] },
      ]),
    },
    { collector: 's3.buckets', region: 'global', data: { buckets: [s3Bucket('records'), s3Bucket('tmp', { tags: null })] } },
  ];
}

async function writeMonths(change: (m: string) => Record<string, unknown> = () => ({}), extra: (m: string) => FixtureEnvelope[] = () => []) {
  for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: [...month(change(m)), ...extra(m)] });
}

describe('backup.vault-immutable', () => {
  test('compliant: the vault holding in-scope recovery points is locked in compliance mode all period; the unlocked scratch vault holds none', async () => {
    await writeMonths();
    const result = await evaluateOne(fx.store, config, vaultImmutable);
    expect(result.status).toBe('pass');
    expect(result.exceptions).toEqual([]);
    expect(result.summary).toMatch(/^1 vault held in-scope recovery points; 0 were not immutable/);
  });

  test('lock off for nine days in the middle: one exception with those dates', async () => {
    const off = at('2026-03-10', 2);
    const back = at('2026-03-19', 2);
    for (const m of MONTHS) {
      await fx.write({ at: at(m, 2), envelopes: month() });
      if (m === '2026-03-01') {
        await fx.write({ at: off, envelopes: month({ Locked: false, LockDate: undefined, MinRetentionDays: undefined }) });
        await fx.write({ at: back, envelopes: month({ LockDate: at('2026-03-19') }) });
      }
    }
    const result = await evaluateOne(fx.store, config, vaultImmutable);
    expect(result.status).toBe('fail');
    expect(result.exceptions).toHaveLength(1);
    expect(result.exceptions[0]).toMatchObject({ kind: 'failure', resource: VAULT_ARN, from: off, to: back });
    expect(result.exceptions[0].message).toMatch(/not locked/);
  });

  test('a DeleteBackupVaultLockConfiguration event gives the exact time the lock was removed', async () => {
    const removed = at('2026-03-09', 23, 15);
    await writeMonths(
      (m) => (m === '2026-04-01' ? { Locked: false, LockDate: undefined } : {}),
      (m) =>
        m === '2026-04-01'
          ? [{ collector: 'cloudtrail.events', window: { start: at('2026-03-01', 2), end: at('2026-04-01', 2) }, data: eventsData([trailEvent('DeleteBackupVaultLockConfiguration', removed, { backupVaultName: 'primary' })]) }]
          : [],
    );
    const result = await evaluateOne(fx.store, config, vaultImmutable);
    expect(result.exceptions).toEqual([expect.objectContaining({ from: removed, to: at('2026-05-01', 2), message: expect.stringMatching(/lock removed by ops-admin/) })]);
  });

  test('governance mode (no LockDate) fails', async () => {
    await writeMonths(() => ({ LockDate: undefined }));
    const result = await evaluateOne(fx.store, config, vaultImmutable);
    expect(result.status).toBe('fail');
    expect(result.exceptions[0].message).toMatch(/governance mode/);
    expect(result.exceptions[0].from).toBe('2026-01-01T00:00:00.000Z');
  });

  test('minimum retention below the target fails', async () => {
    await writeMonths(() => ({ MinRetentionDays: 7 }));
    const result = await evaluateOne(fx.store, config, vaultImmutable);
    expect(result.exceptions[0].message).toMatch(/minimum retention 7 days, below the target of 35/);
  });

  test('a compliance lock in its grace period counts from its LockDate', async () => {
    const lockDate = at('2026-02-04', 2);
    await writeMonths((m) => (m === '2026-01-01' ? { Locked: false, LockDate: undefined } : m === '2026-02-01' ? { LockDate: lockDate } : {}));
    const result = await evaluateOne(fx.store, config, vaultImmutable);
    expect(result.exceptions).toEqual([expect.objectContaining({ from: '2026-01-01T00:00:00.000Z', to: lockDate })]);
  });

  test('not applicable when no vault holds recovery points of in-scope resources', async () => {
    await fx.write({
      at: at('2026-02-01', 2),
      envelopes: [
        { collector: 'backup.vaults', data: { vaults: [backupVault('scratch', 'us-east-1', ACCOUNT, { Locked: false })] } },
        { collector: 'backup.recovery-points', data: recoveryPoints([{ name: 'scratch', points: [recoveryPoint('arn:aws:s3:::tmp', {}, 'scratch')] }]) },
        { collector: 's3.buckets', region: 'global', data: { buckets: [s3Bucket('tmp', { tags: null })] } },
      ],
    });
    const result = await evaluateOne(fx.store, config, vaultImmutable);
    expect(result.status).toBe('not_applicable');
  });

  test('error when scope needs tags but recovery points were not collected', async () => {
    await fx.write({ at: at('2026-02-01', 2), envelopes: [{ collector: 'backup.vaults', data: { vaults: [backupVault('primary')] } }] });
    const result = await evaluateOne(fx.store, config, vaultImmutable);
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(/could not be evaluated: without backup.recovery-points/);
  });

  test('error when the vaults were never collected', async () => {
    await fx.write({ at: at('2026-02-01', 2), envelopes: [{ collector: 's3.buckets', region: 'global', data: { buckets: [] } }] });
    const result = await evaluateOne(fx.store, config, vaultImmutable);
    expect(result.status).toBe('error');
  });
});

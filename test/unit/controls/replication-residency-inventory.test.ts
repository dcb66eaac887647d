import { approvedRegions } from '../../../src/controls/inventory/approved-regions.js';
import { regionParity } from '../../../src/controls/inventory/region-parity.js';
import { replicationDynamodb } from '../../../src/controls/replication/dynamodb.js';
import { replicationRds } from '../../../src/controls/replication/rds.js';
import { residencyBoundary } from '../../../src/controls/residency/boundary.js';
import { ACCOUNT, at, createFixtureStore, type FixtureEnvelope, type FixtureStore } from '../../support/evidence-fixtures.js';
import { backupVault, copyJob, dynamoTable, globalCluster, rdsCluster, rdsInstance, recoveryPoint, recoveryPoints, s3Bucket, s3Replica } from '../../support/evidence-data.js';
import { evaluateOne } from '../../support/evaluate-fixture.js';
import { testConfig } from '../../support/config.js';

const base = {
  period: { start: '2026-01-01', end: '2026-06-30' },
  accounts: [{ id: ACCOUNT, name: 'prod' }],
  regions: ['us-east-1', 'us-west-2'],
  scope: { tags: { soc2: 'in-scope' } },
  regionPairs: [{ primary: 'us-east-1', secondary: 'us-west-2' }],
};
const config = testConfig(base);
const MONTHS = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01', '2026-07-01'];
const END = '2026-07-01T00:00:00.000Z';

let fx: FixtureStore;
beforeEach(async () => {
  fx = await createFixtureStore();
});
afterEach(async () => {
  await fx.cleanup();
});

async function writeMonths(envelopes: (m: string) => FixtureEnvelope[]) {
  for (const m of MONTHS) await fx.write({ at: at(m, 2), envelopes: envelopes(m) });
}

function rds(instance: Record<string, unknown> = {}, cluster: Record<string, unknown> = {}, members = true): FixtureEnvelope[] {
  const global = globalCluster('ledger-global', [
    { region: 'us-east-1', cluster: 'ledger', writer: true },
    ...(members ? [{ region: 'us-west-2', cluster: 'ledger-west', writer: false }] : []),
  ]);
  return [
    { collector: 'rds.instances', data: { instances: [rdsInstance('claims', 'us-east-1', instance), rdsInstance('ledger-1', 'us-east-1', { DBClusterIdentifier: 'ledger', ReadReplicaDBInstanceIdentifiers: [] })], automatedBackups: [] } },
    { collector: 'rds.instances', region: 'us-west-2', data: { instances: [rdsInstance('claims-replica', 'us-west-2', { ReadReplicaSourceDBInstanceIdentifier: `arn:aws:rds:us-east-1:${ACCOUNT}:db:claims`, ReadReplicaDBInstanceIdentifiers: [] })], automatedBackups: [] } },
    { collector: 'rds.clusters', data: { clusters: [rdsCluster('ledger', 'us-east-1', cluster)], globalClusters: [global] } },
    { collector: 'rds.clusters', region: 'us-west-2', data: { clusters: members ? [rdsCluster('ledger-west', 'us-west-2', { GlobalClusterIdentifier: 'ledger-global' })] : [], globalClusters: [global] } },
  ];
}

describe('replication.rds', () => {
  test('compliant: the instance has a cross-region replica and the cluster a global member in the other region', async () => {
    await writeMonths(() => rds());
    const result = await evaluateOne(fx.store, config, replicationRds);
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(/^2 in-scope databases/);
  });

  test('an instance whose replica was removed fails from that snapshot', async () => {
    await writeMonths((m) => rds(m >= '2026-04-01' ? { ReadReplicaDBInstanceIdentifiers: [] } : {}));
    const result = await evaluateOne(fx.store, config, replicationRds);
    expect(result.exceptions).toEqual([expect.objectContaining({ resource: `arn:aws:rds:us-east-1:${ACCOUNT}:db:claims`, from: at('2026-04-01', 2), to: END, message: expect.stringMatching(/no cross-region read replica/) })]);
  });

  test('a replica in the same region does not count', async () => {
    await writeMonths(() => rds({ ReadReplicaDBInstanceIdentifiers: ['claims-local-replica'] }));
    expect((await evaluateOne(fx.store, config, replicationRds)).status).toBe('fail');
  });

  test('a global database without a member in another region fails', async () => {
    await writeMonths(() => rds({}, {}, false));
    const result = await evaluateOne(fx.store, config, replicationRds);
    expect(result.exceptions[0].message).toMatch(/global database ledger-global has no member in another approved region/);
  });

  test('out-of-scope databases are not exceptions; none in scope is not applicable', async () => {
    await writeMonths(() => rds({ TagList: [], ReadReplicaDBInstanceIdentifiers: [] }, { TagList: [] }, false));
    expect((await evaluateOne(fx.store, config, replicationRds)).status).toBe('not_applicable');
  });

  test('error without rds.clusters evidence', async () => {
    await writeMonths(() => rds().slice(0, 2));
    expect((await evaluateOne(fx.store, config, replicationRds)).status).toBe('error');
  });
});

describe('replication.dynamodb', () => {
  const tables = (east: Record<string, unknown> = dynamoTable('members')): FixtureEnvelope[] => [
    { collector: 'dynamodb.tables', data: { tables: [east, dynamoTable('scratch', 'us-east-1', [], { tags: [] })] } },
    { collector: 'dynamodb.tables', region: 'us-west-2', data: { tables: [dynamoTable('members', 'us-west-2', [{ RegionName: 'us-east-1', ReplicaStatus: 'ACTIVE' }])] } },
  ];

  test('compliant: the in-scope table is a global table in both regions of the pair', async () => {
    await writeMonths(() => tables());
    const result = await evaluateOne(fx.store, config, replicationDynamodb);
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(/^2 in-scope tables/);
  });

  test('a replica that is not active fails', async () => {
    await writeMonths((m) => tables(dynamoTable('members', 'us-east-1', [{ RegionName: 'us-west-2', ReplicaStatus: m === '2026-03-01' ? 'INACCESSIBLE_ENCRYPTION_CREDENTIALS' : 'ACTIVE' }])));
    const result = await evaluateOne(fx.store, config, replicationDynamodb);
    expect(result.exceptions).toEqual([expect.objectContaining({ from: at('2026-03-01', 2), to: at('2026-04-01', 2), message: expect.stringMatching(/replica not active: us-west-2 INACCESSIBLE/) })]);
  });

  test('a table without replicas fails', async () => {
    await writeMonths(() => tables(dynamoTable('members', 'us-east-1', [])));
    expect((await evaluateOne(fx.store, config, replicationDynamodb)).exceptions[0].message).toMatch(/no replica in us-west-2/);
  });

  test('error when DescribeTable could not be read', async () => {
    await writeMonths(() => tables({ name: 'members', tags: [{ Key: 'soc2', Value: 'in-scope' }] }));
    const result = await evaluateOne(fx.store, config, replicationDynamodb);
    expect(result.status).toBe('error');
    expect(result.exceptions[0].message).toMatch(/DescribeTable could not be read/);
  });

  test('not applicable without region pairs', async () => {
    expect((await evaluateOne(fx.store, testConfig({ ...base, regionPairs: [] }), replicationDynamodb)).status).toBe('not_applicable');
  });
});

describe('residency.boundary', () => {
  const eu = testConfig({ ...base, regions: ['eu-west-1', 'eu-central-1', 'us-east-1'], regionPairs: [], residency: [{ tag: { 'data-origin': 'eu' }, allowedRegions: ['eu-west-1', 'eu-central-1'] }] });
  const euTags = [{ Key: 'data-origin', Value: 'eu' }, { Key: 'soc2', Value: 'in-scope' }];
  const estate = (replicaRegion = 'eu-central-1', extra: FixtureEnvelope[] = []): FixtureEnvelope[] => [
    { collector: 's3.buckets', region: 'global', data: { buckets: [s3Bucket('eu-records', { region: 'eu-west-1', tags: euTags }), s3Replica('eu-records', { region: replicaRegion, tags: euTags }), s3Bucket('us-stuff', { region: 'us-east-1' })] } },
    ...extra,
  ];

  test('compliant: the EU bucket and its replica stay in the EU', async () => {
    await writeMonths(() => estate());
    const result = await evaluateOne(fx.store, eu, residencyBoundary);
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(/^2 tagged resources/);
  });

  test('a replica in a US region fails, for the bucket (its replica) and for the replica itself', async () => {
    await writeMonths(() => estate('us-east-1'));
    const result = await evaluateOne(fx.store, eu, residencyBoundary);
    expect(result.status).toBe('fail');
    expect(result.exceptions.map((e) => `${e.resource}|${e.region}`)).toEqual(['arn:aws:s3:::eu-records|us-east-1', 'arn:aws:s3:::eu-records-replica|us-east-1']);
    expect(result.exceptions[0].message).toMatch(/replica bucket eu-records-replica is in us-east-1; data tagged data-origin=eu may only be in eu-west-1, eu-central-1/);
  });

  test('a backup copy to a US vault fails (copy job), as does a recovery point held there', async () => {
    await writeMonths((m) =>
      estate('eu-central-1', [
        ...(m === '2026-04-01'
          ? [
              {
                collector: 'backup.copy-jobs',
                region: 'eu-west-1',
                window: { start: at('2026-03-01', 2), end: at('2026-04-01', 2) },
                data: { jobs: [copyJob('copy-us', 'arn:aws:s3:::eu-records', 'COMPLETED', at('2026-03-15', 3), { SourceBackupVaultArn: `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:primary`, DestinationBackupVaultArn: `arn:aws:backup:us-east-1:${ACCOUNT}:backup-vault:dr` })] },
              },
            ]
          : []),
        { collector: 'backup.recovery-points', region: 'us-east-1', data: recoveryPoints([{ name: 'dr', points: m >= '2026-04-01' ? [recoveryPoint('arn:aws:s3:::eu-records', {}, 'dr')] : [] }]) },
      ]),
    );
    const result = await evaluateOne(fx.store, eu, residencyBoundary);
    const messages = result.exceptions.map((e) => e.message);
    expect(messages.some((m) => /backup copy \(copy job copy-us/.test(m))).toBe(true);
    expect(messages.some((m) => /recovery point in vault dr is in us-east-1/.test(m))).toBe(true);
  });

  test('not applicable without residency rules; error without any data-store inventory', async () => {
    expect((await evaluateOne(fx.store, config, residencyBoundary)).status).toBe('not_applicable');
    await fx.write({ at: at('2026-02-01', 2), envelopes: [{ collector: 'backup.vaults', data: { vaults: [] } }] });
    expect((await evaluateOne(fx.store, eu, residencyBoundary)).status).toBe('error');
  });
});

describe('inventory.region-parity', () => {
  const state = (westTables: boolean): FixtureEnvelope[] => [
    { collector: 's3.buckets', region: 'global', data: { buckets: [s3Bucket('records'), s3Replica('records')] } },
    { collector: 'dynamodb.tables', data: { tables: [dynamoTable('members')] } },
    { collector: 'dynamodb.tables', region: 'us-west-2', data: { tables: westTables ? [dynamoTable('members', 'us-west-2', [{ RegionName: 'us-east-1' }])] : [] } },
    { collector: 'backup.vaults', data: { vaults: [backupVault('primary')] } },
    { collector: 'backup.vaults', region: 'us-west-2', data: { vaults: [backupVault('secondary', 'us-west-2')] } },
  ];

  test('compliant: every in-scope type of us-east-1 also exists in us-west-2', async () => {
    await writeMonths(() => state(true));
    const result = await evaluateOne(fx.store, config, regionParity);
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(/^3 resource types compared/);
  });

  test('a type missing from the secondary at the end of the period fails', async () => {
    await writeMonths((m) => state(m < '2026-06-01'));
    const result = await evaluateOne(fx.store, config, regionParity);
    expect(result.exceptions).toEqual([expect.objectContaining({ resource: 'AWS::DynamoDB::Table', region: 'us-west-2', message: '1 AWS::DynamoDB::Table in us-east-1, none in its secondary us-west-2' })]);
  });

  test('not applicable without pairs; error without inventory', async () => {
    expect((await evaluateOne(fx.store, testConfig({ ...base, regionPairs: [] }), regionParity)).status).toBe('not_applicable');
    expect((await evaluateOne(fx.store, config, regionParity)).status).toBe('error');
  });
});

describe('inventory.approved-regions', () => {
  test('compliant: in-scope resources and replicas only in the configured regions; an out-of-scope bucket elsewhere is ignored', async () => {
    await writeMonths(() => [{ collector: 's3.buckets', region: 'global', data: { buckets: [s3Bucket('records'), s3Replica('records'), s3Bucket('legacy', { region: 'ap-south-1', tags: null })] } }, ...rds()]);
    const result = await evaluateOne(fx.store, config, approvedRegions);
    expect(result.status).toBe('pass');
  });

  test('an in-scope bucket created in another region fails from when it was first seen', async () => {
    await writeMonths((m) => [{ collector: 's3.buckets', region: 'global', data: { buckets: [s3Bucket('records'), s3Replica('records'), ...(m >= '2026-05-01' ? [s3Bucket('stray', { region: 'ap-south-1' })] : [])] } }]);
    const result = await evaluateOne(fx.store, config, approvedRegions);
    expect(result.exceptions).toEqual([expect.objectContaining({ resource: 'arn:aws:s3:::stray', region: 'ap-south-1', from: at('2026-05-01', 2), to: at('2026-07-01', 2) })]);
  });

  test('a read replica in an unapproved region fails', async () => {
    await writeMonths(() => rds({ ReadReplicaDBInstanceIdentifiers: [`arn:aws:rds:eu-west-1:${ACCOUNT}:db:claims-eu`] }));
    const result = await evaluateOne(fx.store, config, approvedRegions);
    expect(result.exceptions[0].message).toMatch(/replica arn:aws:rds:eu-west-1:.*in eu-west-1, which is not an approved region/);
  });

  test('error without inventory', async () => {
    await fx.write({ at: at('2026-02-01', 2), envelopes: [{ collector: 'backup.vaults', data: { vaults: [] } }] });
    expect((await evaluateOne(fx.store, config, approvedRegions)).status).toBe('error');
  });
});

import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  CreateGlobalClusterCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
  type DBCluster,
  type DBInstance,
  type DBInstanceAutomatedBackup,
  type GlobalCluster,
} from '@aws-sdk/client-rds';
import { rdsClusters, type RdsClusters } from '../../src/collectors/rds/clusters.js';
import { rdsInstances, type RdsInstances } from '../../src/collectors/rds/instances.js';
import { seedClient } from '../support/aws-seed.js';
import { collectOne, dataOf } from '../support/collect-one.js';
import { EAST, PROD, RECORDED_ACCOUNT, SHARED, TWO_ACCOUNTS, WEST, collectThroughProxy, throttledSequence, useMoto, useRecordedResponses } from '../support/collector-suite.js';

const moto = useMoto();

/**
 * Per account: an encrypted Multi-AZ Postgres in us-east-1 tagged data-origin=eu with a
 * cross-region read replica in us-west-2 and a same-region one; an unencrypted scratch instance;
 * an Aurora cluster in a global database with a secondary cluster in us-west-2.
 */
async function seedRds(): Promise<void> {
  await moto.reset();
  for (const account of [PROD, SHARED]) {
    const east = seedClient(RDSClient, { endpoint: moto.url, region: EAST, account });
    const west = seedClient(RDSClient, { endpoint: moto.url, region: WEST, account });
    const orders = await east.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'orders',
        Engine: 'postgres',
        DBInstanceClass: 'db.r6g.large',
        AllocatedStorage: 100,
        MasterUsername: 'app',
        MasterUserPassword: 'not-a-secret-1',
        StorageEncrypted: true,
        KmsKeyId: `arn:aws:kms:${EAST}:${account}:key/mrk-1234abcd12ab34cd56ef1234567890ab`,
        MultiAZ: true,
        BackupRetentionPeriod: 14,
        DeletionProtection: true,
        Tags: [{ Key: 'data-origin', Value: 'eu' }, { Key: 'soc2', Value: 'in-scope' }],
      }),
    );
    await west.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: 'orders-dr',
        SourceDBInstanceIdentifier: orders.DBInstance!.DBInstanceArn,
        DBInstanceClass: 'db.r6g.large',
      }),
    );
    await east.send(new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: 'orders-reporting', SourceDBInstanceIdentifier: 'orders' }));
    await east.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'scratch',
        Engine: 'mysql',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        MasterUsername: 'admin',
        MasterUserPassword: 'not-a-secret-2',
        StorageEncrypted: false,
        BackupRetentionPeriod: 0,
      }),
    );
    const ledger = await east.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'ledger',
        Engine: 'aurora-postgresql',
        MasterUsername: 'app',
        MasterUserPassword: 'not-a-secret-3',
        StorageEncrypted: true,
        BackupRetentionPeriod: 35,
        Tags: [{ Key: 'soc2', Value: 'in-scope' }],
      }),
    );
    await east.send(new CreateGlobalClusterCommand({ GlobalClusterIdentifier: 'ledger-global', SourceDBClusterIdentifier: ledger.DBCluster!.DBClusterArn }));
    await west.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'ledger-west', Engine: 'aurora-postgresql', GlobalClusterIdentifier: 'ledger-global' }));
  }
}

describe('rds.instances and rds.clusters against moto (2 accounts × 2 regions)', () => {
  beforeAll(seedRds);

  test('instances keep replicas (cross-region as ARNs), Multi-AZ, encryption, retention and tags per account and region', async () => {
    const run = await collectOne([rdsInstances], { regions: [EAST, WEST], accounts: TWO_ACCOUNTS, endpointUrl: moto.url });

    expect(run.result.gaps).toEqual([]);
    expect(run.result.envelopes).toBe(4);
    for (const account of [PROD, SHARED]) {
      const east = await run.envelope(account, EAST);
      expect(east).toMatchObject({ complete: true, recordCount: 3, provenance: { callerIdentity: { account } } });
      const eastData = dataOf<RdsInstances>(east);
      const byId = Object.fromEntries(eastData.instances.map((i) => [i.DBInstanceIdentifier!, i]));
      expect(Object.keys(byId).sort()).toEqual(['orders', 'orders-reporting', 'scratch']);
      expect(byId.orders).toMatchObject({
        DBInstanceArn: `arn:aws:rds:${EAST}:${account}:db:orders`,
        Engine: 'postgres',
        DBInstanceClass: 'db.r6g.large',
        MultiAZ: true,
        StorageEncrypted: true,
        KmsKeyId: `arn:aws:kms:${EAST}:${account}:key/mrk-1234abcd12ab34cd56ef1234567890ab`,
        BackupRetentionPeriod: 14,
        DeletionProtection: true,
        TagList: [{ Key: 'data-origin', Value: 'eu' }, { Key: 'soc2', Value: 'in-scope' }],
      });
      // A cross-region replica is named by its ARN, a same-region one by its identifier.
      expect([...byId.orders.ReadReplicaDBInstanceIdentifiers!].sort()).toEqual([`arn:aws:rds:${WEST}:${account}:db:orders-dr`, 'orders-reporting']);
      expect(byId.scratch).toMatchObject({ StorageEncrypted: false, BackupRetentionPeriod: 0, TagList: [] });
      expect(typeof byId.orders.LatestRestorableTime).toBe('string');
      expect(Array.isArray(eastData.automatedBackups)).toBe(true);

      const west = dataOf<RdsInstances>(await run.envelope(account, WEST));
      expect(west.instances).toEqual([
        expect.objectContaining({
          DBInstanceIdentifier: 'orders-dr',
          DBInstanceArn: `arn:aws:rds:${WEST}:${account}:db:orders-dr`,
          ReadReplicaSourceDBInstanceIdentifier: `arn:aws:rds:${EAST}:${account}:db:orders`,
          TagList: [{ Key: 'data-origin', Value: 'eu' }, { Key: 'soc2', Value: 'in-scope' }],
        }),
      ]);
      const calls = (await run.envelope(account, WEST))!.provenance.calls.map((c) => [c.operation, c.region, c.outcome]);
      expect(calls).toEqual([
        ['rds:DescribeDBInstances', WEST, 'ok'],
        ['rds:DescribeDBInstanceAutomatedBackups', WEST, 'ok'],
      ]);
    }
  });

  test('clusters keep global-cluster membership, and every region records the global clusters AWS returns', async () => {
    const run = await collectOne([rdsClusters], { regions: [EAST, WEST], accounts: TWO_ACCOUNTS, endpointUrl: moto.url });

    expect(run.result.gaps).toEqual([]);
    for (const account of [PROD, SHARED]) {
      const east = dataOf<RdsClusters>(await run.envelope(account, EAST));
      expect(east.clusters).toEqual([
        expect.objectContaining({
          DBClusterIdentifier: 'ledger',
          DBClusterArn: `arn:aws:rds:${EAST}:${account}:cluster:ledger`,
          Engine: 'aurora-postgresql',
          StorageEncrypted: true,
          BackupRetentionPeriod: 35,
          TagList: [{ Key: 'soc2', Value: 'in-scope' }],
          GlobalClusterIdentifier: expect.stringContaining('ledger-global'),
        }),
      ]);
      const west = dataOf<RdsClusters>(await run.envelope(account, WEST));
      expect(west.clusters.map((c) => c.DBClusterArn)).toEqual([`arn:aws:rds:${WEST}:${account}:cluster:ledger-west`]);
      // The same global cluster, with members in both regions, in both regions' envelopes.
      for (const data of [east, west]) {
        expect(data.globalClusters).toHaveLength(1);
        expect(data.globalClusters![0]).toMatchObject({ GlobalClusterIdentifier: 'ledger-global', Engine: 'aurora-postgresql' });
        expect(data.globalClusters![0].GlobalClusterMembers!.map((m) => m.DBClusterArn).sort()).toEqual([
          `arn:aws:rds:${EAST}:${account}:cluster:ledger`,
          `arn:aws:rds:${WEST}:${account}:cluster:ledger-west`,
        ]);
      }
      expect((await run.envelope(account, EAST))!.recordCount).toBe(2);
    }
  });

  test('AccessDenied on DescribeDBInstances is a denied gap naming the operation, and no envelope is written', async () => {
    const { run } = await collectThroughProxy([rdsInstances], {
      regions: [EAST],
      accounts: [TWO_ACCOUNTS[0]],
      target: moto.url,
      rules: [
        {
          match: { action: 'DescribeDBInstances' },
          respond: {
            status: 403,
            headers: { 'content-type': 'text/xml' },
            body:
              '<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
              `<Message>User: arn:aws:sts::${PROD}:assumed-role/proofpack-read/proofpack is not authorized to perform: rds:DescribeDBInstances on resource: arn:aws:rds:us-east-1:${PROD}:db:* because no identity-based policy allows the rds:DescribeDBInstances action</Message>` +
              '</Error><RequestId>5c2b0ee0-1f9b-4a3e-9d1e-d0f0a0b0c0d0</RequestId></ErrorResponse>',
          },
        },
      ],
    });

    expect(run.result.gaps).toEqual([
      expect.objectContaining({ collector: 'rds.instances', account: PROD, region: EAST, kind: 'denied', operation: 'rds:DescribeDBInstances', errorCode: 'AccessDenied' }),
    ]);
    expect(await run.envelope(PROD, EAST)).toBeUndefined();
  });

  test('AccessDenied on DescribeGlobalClusters keeps the clusters, marks the envelope incomplete and leaves globalClusters out', async () => {
    const { run } = await collectThroughProxy([rdsClusters], {
      regions: [EAST],
      accounts: [TWO_ACCOUNTS[0]],
      target: moto.url,
      rules: [
        {
          match: { action: 'DescribeGlobalClusters' },
          respond: {
            status: 403,
            headers: { 'content-type': 'text/xml' },
            body:
              '<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
              '<Message>not authorized to perform: rds:DescribeGlobalClusters</Message></Error><RequestId>7d1e</RequestId></ErrorResponse>',
          },
        },
      ],
    });

    expect(run.result.gaps).toEqual([expect.objectContaining({ kind: 'denied', operation: 'rds:DescribeGlobalClusters', errorCode: 'AccessDenied' })]);
    const envelope = await run.envelope(PROD, EAST);
    expect(envelope?.complete).toBe(false);
    const data = dataOf<RdsClusters>(envelope);
    expect(data.clusters.map((c) => c.DBClusterIdentifier)).toEqual(['ledger']);
    expect('globalClusters' in data).toBe(false);
  });

  test('throttled DescribeDBInstances and DescribeDBClusters are retried by the SDK and succeed without a gap', async () => {
    const { run, requests } = await collectThroughProxy([rdsInstances, rdsClusters], {
      regions: [EAST],
      accounts: [TWO_ACCOUNTS[0]],
      maxAttempts: 4,
      target: moto.url,
      rules: [
        { match: { action: 'DescribeDBInstances' }, throttle: 2 },
        { match: { action: 'DescribeDBClusters' }, throttle: 1 },
      ],
    });

    expect(throttledSequence(requests, 'DescribeDBInstances')).toEqual([true, true, false]);
    expect(throttledSequence(requests, 'DescribeDBClusters')).toEqual([true, false]);
    expect(run.result.gaps).toEqual([]);
    expect(dataOf<RdsInstances>(await run.envelope(PROD, EAST, 'rds.instances')).instances).toHaveLength(3);
    expect(dataOf<RdsClusters>(await run.envelope(PROD, EAST, 'rds.clusters')).clusters).toHaveLength(1);
  });
});

describe('rds collectors on recorded responses (pagination, replicated automated backups)', () => {
  const rds = useRecordedResponses(RDSClient);
  const ACCOUNT = RECORDED_ACCOUNT;
  /** A DBInstance shaped like DescribeDBInstances' (RDS API reference), trimmed to what the test reads plus typical fields. */
  const instance = (id: string, extra: Partial<DBInstance> = {}): DBInstance => ({
    DBInstanceIdentifier: id,
    DBInstanceClass: 'db.m6g.large',
    Engine: 'postgres',
    EngineVersion: '16.3',
    DBInstanceStatus: 'available',
    MultiAZ: true,
    StorageEncrypted: true,
    KmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    BackupRetentionPeriod: 7,
    DeletionProtection: true,
    LatestRestorableTime: new Date('2026-05-31T23:55:00Z'),
    DBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:${id}`,
    DbiResourceId: `db-${id.toUpperCase()}EXAMPLE`,
    ReadReplicaDBInstanceIdentifiers: [],
    TagList: [{ Key: 'soc2', Value: 'in-scope' }],
    ...extra,
  });

  test('DescribeDBInstances and DescribeDBInstanceAutomatedBackups are followed page by page (Marker)', async () => {
    const markers: Array<string | undefined> = [];
    rds.on(DescribeDBInstancesCommand).callsFake((input: { Marker?: string }) => {
      markers.push(input.Marker);
      return input.Marker === undefined
        ? { DBInstances: [instance('billing'), instance('claims')], Marker: 'eyJwYWdlIjoyfQ==' }
        : {
            DBInstances: [
              instance('orders', {
                // Automated backups replicated to us-west-2 (StartDBInstanceAutomatedBackupsReplication).
                DBInstanceAutomatedBackupsReplications: [
                  { DBInstanceAutomatedBackupsArn: `arn:aws:rds:us-west-2:${ACCOUNT}:auto-backup:ab-jkib2gfq5rv7replzadausbrktni2bn4example` },
                ],
              }),
            ],
          };
    });
    // Page 2 is a backup replicated *into* this region from eu-west-1 (Status replicating, Region = the source region),
    // shaped like the AWS CLI reference example for stop-db-instance-automated-backups-replication.
    const replicatedHere: DBInstanceAutomatedBackup = {
      DBInstanceArn: `arn:aws:rds:eu-west-1:${ACCOUNT}:db:new-orcl-db`,
      DbiResourceId: 'db-JKIB2GFQ5RV7REPLZA4EXAMPLE',
      Region: 'eu-west-1',
      DBInstanceIdentifier: 'new-orcl-db',
      RestoreWindow: { EarliestTime: new Date('2026-05-24T23:13:21.030Z'), LatestTime: new Date('2026-05-31T19:59:57Z') },
      AllocatedStorage: 20,
      Status: 'replicating',
      Port: 1521,
      InstanceCreateTime: new Date('2026-05-24T15:28:31Z'),
      MasterUsername: 'admin',
      Engine: 'oracle-se2',
      EngineVersion: '',
      LicenseModel: 'bring-your-own-license',
      OptionGroupName: 'default:oracle-se2-12-1',
      Encrypted: false,
      StorageType: 'gp2',
      IAMDatabaseAuthenticationEnabled: false,
      BackupRetentionPeriod: 7,
      DBInstanceAutomatedBackupsArn: `arn:aws:rds:us-east-1:${ACCOUNT}:auto-backup:ab-jkib2gfq5rv7replzadausbrktni2bn4example`,
    };
    rds.on(DescribeDBInstanceAutomatedBackupsCommand).callsFake((input: { Marker?: string }) =>
      input.Marker === undefined
        ? {
            DBInstanceAutomatedBackups: [
              {
                DBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:orders`,
                DBInstanceIdentifier: 'orders',
                Region: 'us-east-1',
                Status: 'active',
                Encrypted: true,
                BackupRetentionPeriod: 7,
                DBInstanceAutomatedBackupsReplications: [
                  { DBInstanceAutomatedBackupsArn: `arn:aws:rds:us-west-2:${ACCOUNT}:auto-backup:ab-jkib2gfq5rv7replzadausbrktni2bn4example` },
                ],
              },
            ],
            Marker: 'bWFya2VyMg==',
          }
        : { DBInstanceAutomatedBackups: [replicatedHere] },
    );

    const run = await collectOne([rdsInstances], { regions: ['us-east-1'] });

    expect(run.result.gaps).toEqual([]);
    const envelope = await run.envelope(ACCOUNT, 'us-east-1');
    const data = dataOf<RdsInstances>(envelope);
    expect(data.instances.map((i) => i.DBInstanceIdentifier)).toEqual(['billing', 'claims', 'orders']);
    expect(data.instances[2].DBInstanceAutomatedBackupsReplications).toEqual([
      { DBInstanceAutomatedBackupsArn: `arn:aws:rds:us-west-2:${ACCOUNT}:auto-backup:ab-jkib2gfq5rv7replzadausbrktni2bn4example` },
    ]);
    expect(data.automatedBackups!.map((b) => [b.DBInstanceIdentifier, b.Status, b.Region])).toEqual([
      ['orders', 'active', 'us-east-1'],
      ['new-orcl-db', 'replicating', 'eu-west-1'],
    ]);
    expect(data.automatedBackups![1].RestoreWindow).toEqual({ EarliestTime: '2026-05-24T23:13:21.030Z', LatestTime: '2026-05-31T19:59:57.000Z' });
    // The paginator reuses its input object, so markers are captured when each request is sent.
    expect(markers).toEqual([undefined, 'eyJwYWdlIjoyfQ==']);
    expect(envelope!.recordCount).toBe(3);
    expect(envelope!.provenance.calls).toEqual([
      expect.objectContaining({ operation: 'rds:DescribeDBInstances', pages: 2, records: 3, outcome: 'ok' }),
      expect.objectContaining({ operation: 'rds:DescribeDBInstanceAutomatedBackups', pages: 2, records: 2, outcome: 'ok' }),
    ]);
  });

  test('DescribeDBClusters and DescribeGlobalClusters are followed page by page (Marker)', async () => {
    const cluster = (id: string, extra: Partial<DBCluster> = {}): DBCluster => ({
      DBClusterIdentifier: id,
      DBClusterArn: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:${id}`,
      Engine: 'aurora-mysql',
      EngineVersion: '8.0.mysql_aurora.3.05.2',
      Status: 'available',
      MultiAZ: true,
      StorageEncrypted: true,
      BackupRetentionPeriod: 35,
      DBClusterMembers: [{ DBInstanceIdentifier: `${id}-1`, IsClusterWriter: true, PromotionTier: 1 }],
      ReadReplicaIdentifiers: [],
      TagList: [],
      ...extra,
    });
    rds.on(DescribeDBClustersCommand).callsFake((input: { Marker?: string }) =>
      input.Marker === undefined
        ? { DBClusters: [cluster('payments', { GlobalClusterIdentifier: 'payments-global', GlobalWriteForwardingStatus: 'disabled' })], Marker: 'page-2' }
        : { DBClusters: [cluster('reports', { ReplicationSourceIdentifier: `arn:aws:rds:eu-central-1:${ACCOUNT}:cluster:reports-src` })] },
    );
    const global = (id: string, members: Array<[string, boolean]>): GlobalCluster => ({
      GlobalClusterIdentifier: id,
      GlobalClusterResourceId: `cluster-${id}`,
      GlobalClusterArn: `arn:aws:rds::${ACCOUNT}:global-cluster:${id}`,
      Status: 'available',
      Engine: 'aurora-mysql',
      EngineVersion: '8.0.mysql_aurora.3.05.2',
      StorageEncrypted: true,
      DeletionProtection: true,
      GlobalClusterMembers: members.map(([arn, writer]) => ({ DBClusterArn: arn, Readers: [], IsWriter: writer, GlobalWriteForwardingStatus: 'disabled', SynchronizationStatus: 'connected' })),
    });
    const markers: Array<string | undefined> = [];
    rds.on(DescribeGlobalClustersCommand).callsFake((input: { Marker?: string }) => {
      markers.push(input.Marker);
      return input.Marker === undefined
        ? {
            GlobalClusters: [
              global('payments-global', [
                [`arn:aws:rds:us-east-1:${ACCOUNT}:cluster:payments`, true],
                [`arn:aws:rds:us-west-2:${ACCOUNT}:cluster:payments-west`, false],
              ]),
            ],
            Marker: 'g-2',
          }
        : { GlobalClusters: [global('empty-global', [])] };
    });

    const run = await collectOne([rdsClusters], { regions: ['us-east-1'] });

    expect(run.result.gaps).toEqual([]);
    const data = dataOf<RdsClusters>(await run.envelope(ACCOUNT, 'us-east-1'));
    expect(data.clusters.map((c) => c.DBClusterIdentifier)).toEqual(['payments', 'reports']);
    expect(data.clusters[1].ReplicationSourceIdentifier).toBe(`arn:aws:rds:eu-central-1:${ACCOUNT}:cluster:reports-src`);
    expect(data.globalClusters!.map((g) => g.GlobalClusterIdentifier)).toEqual(['payments-global', 'empty-global']);
    expect(data.globalClusters![0].GlobalClusterMembers!.map((m) => [m.DBClusterArn!.split(':')[3], m.IsWriter])).toEqual([
      ['us-east-1', true],
      ['us-west-2', false],
    ]);
    expect(markers).toEqual([undefined, 'g-2']);
  });
});

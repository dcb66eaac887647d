import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  UpdateContinuousBackupsCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { dynamodbTables, type DynamoDbTables } from '../../src/collectors/dynamodb/tables.js';
import { seedClient } from '../support/aws-seed.js';
import { collectOne, dataOf } from '../support/collect-one.js';
import { EAST, PROD, RECORDED_ACCOUNT, SHARED, TWO_ACCOUNTS, WEST, collectThroughProxy, throttledSequence, useMoto, useRecordedResponses } from '../support/collector-suite.js';

const moto = useMoto();

const keySchema = {
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }],
  BillingMode: 'PAY_PER_REQUEST' as const,
};

/** Per account: `orders` (PITR on, KMS encryption, tagged) and `sessions` (untagged, no PITR) in us-east-1; `orders` in us-west-2 without PITR. */
async function seedTables(): Promise<void> {
  await moto.reset();
  for (const account of [PROD, SHARED]) {
    const east = seedClient(DynamoDBClient, { endpoint: moto.url, region: EAST, account });
    const west = seedClient(DynamoDBClient, { endpoint: moto.url, region: WEST, account });
    await east.send(
      new CreateTableCommand({
        TableName: 'orders',
        ...keySchema,
        SSESpecification: { Enabled: true, SSEType: 'KMS' },
        Tags: [{ Key: 'data-origin', Value: 'eu' }, { Key: 'soc2', Value: 'in-scope' }],
      }),
    );
    await east.send(new UpdateContinuousBackupsCommand({ TableName: 'orders', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    await east.send(new CreateTableCommand({ TableName: 'sessions', ...keySchema }));
    await west.send(new CreateTableCommand({ TableName: 'orders', ...keySchema, Tags: [{ Key: 'data-origin', Value: 'eu' }] }));
  }
}

describe('dynamodb.tables against moto (2 accounts × 2 regions)', () => {
  beforeAll(seedTables);

  test('tables keep status, encryption, point-in-time recovery and tags per account and region', async () => {
    const run = await collectOne([dynamodbTables], { regions: [EAST, WEST], accounts: TWO_ACCOUNTS, endpointUrl: moto.url });

    expect(run.result.gaps).toEqual([]);
    expect(run.result.envelopes).toBe(4);
    for (const account of [PROD, SHARED]) {
      const east = await run.envelope(account, EAST);
      expect(east).toMatchObject({ complete: true, recordCount: 2, provenance: { callerIdentity: { account } } });
      const byName = Object.fromEntries(dataOf<DynamoDbTables>(east).tables.map((t) => [t.name, t]));
      expect(byName.orders.table).toMatchObject({
        TableName: 'orders',
        TableArn: `arn:aws:dynamodb:${EAST}:${account}:table/orders`,
        TableStatus: 'ACTIVE',
        SSEDescription: { Status: 'ENABLED', SSEType: 'KMS' },
      });
      expect(byName.orders.continuousBackups).toMatchObject({
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED', EarliestRestorableDateTime: expect.any(String) },
      });
      expect(byName.orders.tags).toEqual([{ Key: 'data-origin', Value: 'eu' }, { Key: 'soc2', Value: 'in-scope' }]);
      expect(byName.sessions.tags).toEqual([]);
      expect(byName.sessions.continuousBackups?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('DISABLED');

      const west = dataOf<DynamoDbTables>(await run.envelope(account, WEST));
      expect(west.tables.map((t) => [t.name, t.table?.TableArn, t.tags])).toEqual([
        ['orders', `arn:aws:dynamodb:${WEST}:${account}:table/orders`, [{ Key: 'data-origin', Value: 'eu' }]],
      ]);
      expect((await run.envelope(account, WEST))!.provenance.calls.map((c) => c.operation).sort()).toEqual([
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:DescribeTable',
        'dynamodb:ListTables',
        'dynamodb:ListTagsOfResource',
      ]);
    }
  });

  test('AccessDenied on ListTables is a denied gap naming the operation, and no envelope is written', async () => {
    const { run } = await collectThroughProxy([dynamodbTables], {
      regions: [EAST],
      accounts: [TWO_ACCOUNTS[0]],
      target: moto.url,
      rules: [
        {
          match: { target: 'ListTables' },
          respond: {
            status: 400,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: JSON.stringify({
              __type: 'com.amazon.coral.service#AccessDeniedException',
              Message: `User: arn:aws:sts::${PROD}:assumed-role/proofpack-read/proofpack is not authorized to perform: dynamodb:ListTables on resource: arn:aws:dynamodb:us-east-1:${PROD}:table/* because no identity-based policy allows the dynamodb:ListTables action`,
            }),
          },
        },
      ],
    });

    expect(run.result.gaps).toEqual([
      expect.objectContaining({ collector: 'dynamodb.tables', account: PROD, region: EAST, kind: 'denied', operation: 'dynamodb:ListTables', errorCode: 'AccessDeniedException' }),
    ]);
    expect(await run.envelope(PROD, EAST)).toBeUndefined();
  });

  test('AccessDenied on DescribeContinuousBackups is a gap per table; the rest of each table is kept', async () => {
    const { run } = await collectThroughProxy([dynamodbTables], {
      regions: [EAST],
      accounts: [TWO_ACCOUNTS[0]],
      target: moto.url,
      rules: [
        {
          match: { target: 'DescribeContinuousBackups' },
          respond: {
            status: 400,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', Message: 'not authorized to perform: dynamodb:DescribeContinuousBackups' }),
          },
        },
      ],
    });

    expect(run.result.gaps.map((g) => [g.kind, g.operation, g.resource])).toEqual([
      ['denied', 'dynamodb:DescribeContinuousBackups', 'orders'],
      ['denied', 'dynamodb:DescribeContinuousBackups', 'sessions'],
    ]);
    const envelope = await run.envelope(PROD, EAST);
    expect(envelope?.complete).toBe(false);
    for (const table of dataOf<DynamoDbTables>(envelope).tables) {
      expect('continuousBackups' in table).toBe(false);
      expect(table.table?.TableStatus).toBe('ACTIVE');
      expect(Array.isArray(table.tags)).toBe(true);
    }
  });

  test('a throttled DescribeTable is retried by the SDK and succeeds without a gap', async () => {
    const { run, requests } = await collectThroughProxy([dynamodbTables], { regions: [WEST], accounts: [TWO_ACCOUNTS[0]], maxAttempts: 4, target: moto.url, rules: [{ match: { target: 'DescribeTable' }, throttle: 2 }] });

    expect(throttledSequence(requests, 'DescribeTable')).toEqual([true, true, false]);
    expect(run.result.gaps).toEqual([]);
    expect(dataOf<DynamoDbTables>(await run.envelope(PROD, WEST)).tables[0].table?.TableStatus).toBe('ACTIVE');
  });
});

describe('dynamodb.tables on recorded responses (pagination, global-table replicas)', () => {
  const ddb = useRecordedResponses(DynamoDBClient);
  const ACCOUNT = RECORDED_ACCOUNT;
  /** A TableDescription shaped like DescribeTable's (DynamoDB API reference), for a global table version 2019.11.21. */
  const globalTable = (name: string): TableDescription => ({
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    TableName: name,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    TableStatus: 'ACTIVE',
    CreationDateTime: new Date('2025-11-02T09:14:03.201Z'),
    TableSizeBytes: 73452,
    ItemCount: 1204,
    TableArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${name}`,
    TableId: 'e0f5a2b1-0c3d-4e5f-8a9b-0c1d2e3f4a5b',
    BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: new Date('2025-11-02T09:14:03.201Z') },
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    LatestStreamLabel: '2025-11-02T09:14:03.201',
    LatestStreamArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${name}/stream/2025-11-02T09:14:03.201`,
    GlobalTableVersion: '2019.11.21',
    Replicas: [{ RegionName: 'us-west-2', ReplicaStatus: 'ACTIVE', ReplicaTableClassSummary: { TableClass: 'STANDARD' } }],
    SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/mrk-0a1b2c3d4e5f60718293a4b5c6d7e8f9` },
    TableClassSummary: { TableClass: 'STANDARD' },
    DeletionProtectionEnabled: true,
  });

  test('ListTables and ListTagsOfResource are followed page by page; global-table replicas are kept', async () => {
    const starts: Array<string | undefined> = [];
    ddb.on(ListTablesCommand).callsFake((input: { ExclusiveStartTableName?: string }) => {
      starts.push(input.ExclusiveStartTableName);
      return input.ExclusiveStartTableName === undefined
        ? { TableNames: ['claims', 'members'], LastEvaluatedTableName: 'members' }
        : { TableNames: ['payments'] };
    });
    ddb.on(DescribeTableCommand).callsFake((input: { TableName: string }) => ({ Table: globalTable(input.TableName) }));
    ddb.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: {
          PointInTimeRecoveryStatus: 'ENABLED',
          RecoveryPeriodInDays: 35,
          EarliestRestorableDateTime: new Date('2026-04-26T00:00:00Z'),
          LatestRestorableDateTime: new Date('2026-05-31T23:55:00Z'),
        },
      },
    });
    const tagTokens: Array<string | undefined> = [];
    ddb.on(ListTagsOfResourceCommand).callsFake((input: { ResourceArn: string; NextToken?: string }) => {
      tagTokens.push(input.NextToken);
      if (!input.ResourceArn.endsWith('/payments')) return { Tags: [{ Key: 'soc2', Value: 'in-scope' }] };
      return input.NextToken === undefined
        ? { Tags: [{ Key: 'data-origin', Value: 'us' }], NextToken: 'tags-page-2' }
        : { Tags: [{ Key: 'soc2', Value: 'in-scope' }] };
    });

    const run = await collectOne([dynamodbTables], { regions: ['us-east-1'] });

    expect(run.result.gaps).toEqual([]);
    const envelope = await run.envelope(ACCOUNT, 'us-east-1');
    const tables = dataOf<DynamoDbTables>(envelope).tables;
    expect(tables.map((t) => t.name)).toEqual(['claims', 'members', 'payments']);
    expect(starts).toEqual([undefined, 'members']);
    expect(tables[2].tags).toEqual([{ Key: 'data-origin', Value: 'us' }, { Key: 'soc2', Value: 'in-scope' }]);
    expect(tagTokens.filter((t) => t !== undefined)).toEqual(['tags-page-2']);
    expect(tables[0].table).toMatchObject({ GlobalTableVersion: '2019.11.21', Replicas: [{ RegionName: 'us-west-2', ReplicaStatus: 'ACTIVE' }] });
    expect(tables[0].continuousBackups?.PointInTimeRecoveryDescription?.EarliestRestorableDateTime).toBe('2026-04-26T00:00:00.000Z');
    expect(envelope!.provenance.calls.find((c) => c.operation === 'dynamodb:ListTables')).toMatchObject({ pages: 2, records: 3 });
  });

  test('ListTagsOfResource keeps to its documented 10 per second per account, across all regions together', async () => {
    ddb.on(ListTablesCommand).resolves({ TableNames: ['a', 'b', 'c', 'd'] });
    ddb.on(DescribeTableCommand).callsFake((input: { TableName: string }) => ({ Table: globalTable(input.TableName) }));
    ddb.on(DescribeContinuousBackupsCommand).resolves({ ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED' } });
    const sentAt: number[] = [];
    ddb.on(ListTagsOfResourceCommand).callsFake(() => {
      sentAt.push(Date.now());
      return { Tags: [] };
    });

    const run = await collectOne([dynamodbTables], { regions: ['us-east-1', 'us-west-2', 'eu-west-1'] });

    expect(run.result.gaps).toEqual([]);
    expect(sentAt).toHaveLength(12);
    // A lower bound only (a slow machine spaces them further): consecutive requests of the
    // account, whatever their region, are at least 100 ms apart (1 ms of timer slack).
    const spacing = sentAt
      .sort((x, y) => x - y)
      .slice(1)
      .map((t, i) => t - sentAt[i]);
    expect(Math.min(...spacing)).toBeGreaterThanOrEqual(99);
  });
});

/**
 * config.recorders, config.resources and config.aggregate-resources against moto (recorders,
 * status, delivery channels, aggregators, discovered S3 buckets), with the fault proxy serving
 * recorded responses for what moto does not implement (DescribeDeliveryChannelStatus,
 * GetDiscoveredResourceCounts, GetAggregateDiscoveredResourceCounts) and injecting denials and
 * throttling for the SDK's real retry.
 */
import { jest } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ConfigServiceClient,
  PutConfigurationAggregatorCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsClientFactory } from '../../src/aws/client-factory.js';
import { configAggregateResources, type ConfigAggregateResources } from '../../src/collectors/config/aggregate-resources.js';
import { configHistory } from '../../src/collectors/config/history.js';
import { configRecorders, type ConfigRecorders } from '../../src/collectors/config/recorders.js';
import { configResources, type ConfigResources } from '../../src/collectors/config/resources.js';
import { TRACKED_TYPE_NAMES } from '../../src/collectors/config/resource-types.js';
import { collectSnapshot, type CollectResult } from '../../src/collectors/run-collection.js';
import type { Collector } from '../../src/collectors/types.js';
import { LocalEvidenceStore } from '../../src/evidence/local-store.js';
import { seedClient } from '../support/aws-seed.js';
import { epoch, input, json, jsonError, readEnvelopeFile } from '../support/config-recorded.js';
import { testConfig } from '../support/config.js';
import { startFaultProxy, type FaultProxy, type FaultRule, type ProxiedRequest } from '../support/fault-proxy.js';
import { useMoto } from '../support/moto.js';

jest.setTimeout(90_000);

const PROD = '111111111111';
const SHARED = '222222222222';
const EAST = 'us-east-1';
const WEST = 'us-west-2';
/** More than one ListDiscoveredResources page (100). */
const BUCKETS = 102;

const moto = useMoto();

/** PROD: a recording Config recorder and delivery channel in us-east-1 (none in us-west-2), 102 buckets in us-east-1 and one in us-west-2. */
async function seedEstate(): Promise<void> {
  await moto.reset();
  const s3 = seedClient(S3Client, { endpoint: moto.url, region: EAST, account: PROD });
  const s3West = seedClient(S3Client, { endpoint: moto.url, region: WEST, account: PROD });
  for (let i = 0; i < BUCKETS; i += 1) await s3.send(new CreateBucketCommand({ Bucket: `records-${String(i).padStart(3, '0')}` }));
  await s3West.send(new CreateBucketCommand({ Bucket: 'records-replica', CreateBucketConfiguration: { LocationConstraint: WEST } }));
  const config = seedClient(ConfigServiceClient, { endpoint: moto.url, region: EAST, account: PROD });
  await config.send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: {
        name: 'default',
        roleARN: `arn:aws:iam::${PROD}:role/aws-config`,
        recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
      },
    }),
  );
  await config.send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: 'records-000' } }));
  await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
}

/** DescribeDeliveryChannelStatus as AWS answers it (moto does not implement it). */
const deliveryStatus: FaultRule = {
  match: { target: 'DescribeDeliveryChannelStatus' },
  respond: json({
    DeliveryChannelsStatus: [
      {
        name: 'default',
        configSnapshotDeliveryInfo: { lastStatus: 'Success', lastAttemptTime: epoch('2026-06-29T00:00:04Z'), lastSuccessfulTime: epoch('2026-06-29T00:00:04Z'), nextDeliveryTime: epoch('2026-06-30T00:00:00Z') },
        configHistoryDeliveryInfo: { lastStatus: 'Success', lastAttemptTime: epoch('2026-06-29T06:00:01Z'), lastSuccessfulTime: epoch('2026-06-29T06:00:01Z') },
        configStreamDeliveryInfo: { lastStatus: 'NOT_APPLICABLE', lastStatusChangeTime: epoch('2026-01-01T00:00:00Z') },
      },
    ],
  }),
};

/** GetDiscoveredResourceCounts as AWS answers it, over two pages. */
const resourceCounts: FaultRule = {
  match: { target: 'GetDiscoveredResourceCounts' },
  respond: (req: ProxiedRequest) =>
    input<{ nextToken?: string }>(req).nextToken === 'counts-2'
      ? json({ totalDiscoveredResources: 141, resourceCounts: [{ resourceType: 'AWS::IAM::Role', count: 38 }] })
      : json({ totalDiscoveredResources: 141, resourceCounts: [{ resourceType: 'AWS::S3::Bucket', count: 103 }], nextToken: 'counts-2' }),
};

/** GetAggregateDiscoveredResourceCounts as AWS answers it, over two pages. */
const aggregateCounts: FaultRule = {
  match: { target: 'GetAggregateDiscoveredResourceCounts' },
  respond: (req: ProxiedRequest) =>
    input<{ NextToken?: string }>(req).NextToken === 'agg-2'
      ? json({ TotalDiscoveredResources: 150, GroupByKey: 'RESOURCE_TYPE', GroupedResourceCounts: [{ GroupName: 'AWS::KMS::Key', ResourceCount: 4 }] })
      : json({ TotalDiscoveredResources: 150, GroupByKey: 'RESOURCE_TYPE', GroupedResourceCounts: [{ GroupName: 'AWS::S3::Bucket', ResourceCount: 146 }], NextToken: 'agg-2' }),
};

async function collect(proxy: FaultProxy, collectors: Collector[], overrides: Record<string, unknown> = {}): Promise<CollectResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-config-'));
  const factory = new AwsClientFactory({ endpointUrl: proxy.url, maxAttempts: 4, stsRegion: EAST });
  try {
    return await collectSnapshot(
      testConfig({
        store: dir,
        regions: [EAST, WEST],
        accounts: [{ id: PROD, name: 'prod', roleArn: `arn:aws:iam::${PROD}:role/proofpack-read` }],
        ...overrides,
      }),
      { store: new LocalEvidenceStore(dir), clientFactory: factory, endpointUrl: proxy.url, collectors },
    );
  } finally {
    factory.destroy();
  }
}

const calls = (proxy: FaultProxy, operation: string) => proxy.requests.filter((r) => r.operation === operation);

describe('config.recorders', () => {
  test('the recorder with its status and the delivery channel with its status; a region without Config is an empty list, not a gap', async () => {
    await seedEstate();
    const proxy = await startFaultProxy({ target: moto.url, rules: [deliveryStatus] });
    try {
      const result = await collect(proxy, [configRecorders as Collector]);

      expect(result.gaps).toEqual([]);
      const east = (await readEnvelopeFile(result.path, PROD, EAST, 'config.recorders')).data as ConfigRecorders;
      expect(east.recorders).toHaveLength(1);
      expect(east.recorders[0].recorder).toMatchObject({ name: 'default', roleARN: `arn:aws:iam::${PROD}:role/aws-config`, recordingGroup: { allSupported: true } });
      expect(east.recorders[0].status).toMatchObject({ name: 'default', recording: true, lastStartTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      expect(east.deliveryChannels).toEqual([
        {
          channel: { name: 'default', s3BucketName: 'records-000' },
          status: expect.objectContaining({ name: 'default', configSnapshotDeliveryInfo: expect.objectContaining({ lastStatus: 'Success', lastSuccessfulTime: '2026-06-29T00:00:04.000Z' }) }),
        },
      ]);
      const west = await readEnvelopeFile(result.path, PROD, WEST, 'config.recorders');
      expect(west.data).toEqual({ recorders: [], deliveryChannels: [] });
      expect(west.complete).toBe(true);
      expect(west.recordCount).toBe(0);
      // With no recorder there is no status to ask for.
      expect(calls(proxy, 'DescribeConfigurationRecorderStatus')).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  test('a throttled DescribeConfigurationRecorders is retried by the SDK and succeeds without a gap', async () => {
    await seedEstate();
    const proxy = await startFaultProxy({ target: moto.url, rules: [{ match: { target: 'DescribeConfigurationRecorders' }, throttle: 2 }, deliveryStatus] });
    try {
      const result = await collect(proxy, [configRecorders as Collector], { regions: [EAST] });
      expect(calls(proxy, 'DescribeConfigurationRecorders').map((r) => r.throttled)).toEqual([true, true, false]);
      expect(result.gaps).toEqual([]);
      expect(((await readEnvelopeFile(result.path, PROD, EAST, 'config.recorders')).data as ConfigRecorders).recorders).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });
});

describe('config.resources', () => {
  test('lists every tracked type, following nextToken, and the counts of every type over two pages', async () => {
    await seedEstate();
    const proxy = await startFaultProxy({ target: moto.url, rules: [resourceCounts] });
    try {
      const result = await collect(proxy, [configResources as Collector], { regions: [EAST] });

      expect(result.gaps).toEqual([]);
      const envelope = await readEnvelopeFile(result.path, PROD, EAST, 'config.resources');
      const data = envelope.data as ConfigResources;
      expect(data.types.map((t) => t.resourceType)).toEqual(TRACKED_TYPE_NAMES);
      const buckets = data.types.find((t) => t.resourceType === 'AWS::S3::Bucket')!.resources!;
      expect(buckets).toHaveLength(BUCKETS);
      expect(buckets[0]).toEqual({ resourceType: 'AWS::S3::Bucket', resourceId: 'records-000', resourceName: 'records-000' });
      expect(buckets.map((b) => b.resourceId)).not.toContain('records-replica'); // a us-west-2 bucket
      expect(data.types.filter((t) => t.resourceType !== 'AWS::S3::Bucket').every((t) => t.resources?.length === 0)).toBe(true);
      expect(data.counts).toEqual({
        totalDiscoveredResources: 141,
        resourceCounts: [
          { resourceType: 'AWS::S3::Bucket', count: 103 },
          { resourceType: 'AWS::IAM::Role', count: 38 },
        ],
      });
      expect(envelope.recordCount).toBe(BUCKETS);
      // Two pages of S3 buckets at the largest page size; provenance groups them as one listing.
      const s3Pages = calls(proxy, 'ListDiscoveredResources').map((r) => input<{ resourceType: string; limit: number; nextToken?: string }>(r)).filter((b) => b.resourceType === 'AWS::S3::Bucket');
      expect(s3Pages.map((b) => [b.limit, Boolean(b.nextToken)])).toEqual([
        [100, false],
        [100, true],
      ]);
      const listing = envelope.provenance.calls.find((c) => c.operation === 'config:ListDiscoveredResources' && c.parameters.resourceType === 'AWS::S3::Bucket');
      expect(listing).toMatchObject({ pages: 2, records: BUCKETS, outcome: 'ok' });
      expect(envelope.provenance.calls.find((c) => c.operation === 'config:GetDiscoveredResourceCounts')).toMatchObject({ pages: 2, outcome: 'ok' });
    } finally {
      await proxy.stop();
    }
  });

  test('a throttled listing is retried by the SDK and succeeds without a gap', async () => {
    await seedEstate();
    const proxy = await startFaultProxy({ target: moto.url, rules: [{ match: { target: 'ListDiscoveredResources' }, throttle: 2 }, resourceCounts] });
    try {
      const result = await collect(proxy, [configResources as Collector], { regions: [EAST] });
      expect(calls(proxy, 'ListDiscoveredResources').slice(0, 3).map((r) => r.throttled)).toEqual([true, true, false]);
      expect(result.gaps).toEqual([]);
      const data = (await readEnvelopeFile(result.path, PROD, EAST, 'config.resources')).data as ConfigResources;
      expect(data.types[0].resources).toHaveLength(BUCKETS);
    } finally {
      await proxy.stop();
    }
  });

  test('without a recorded answer for the counts (moto has none) the listing is still evidence, and the counts a gap', async () => {
    await seedEstate();
    const proxy = await startFaultProxy({
      target: moto.url,
      rules: [{ match: { target: 'GetDiscoveredResourceCounts' }, respond: jsonError('InternalFailure', 'internal failure') }],
    });
    try {
      const result = await collect(proxy, [configResources as Collector], { regions: [EAST] });
      expect(result.gaps).toEqual([expect.objectContaining({ collector: 'config.resources', kind: 'failed', operation: 'config:GetDiscoveredResourceCounts', errorCode: 'InternalFailure' })]);
      const envelope = await readEnvelopeFile(result.path, PROD, EAST, 'config.resources');
      expect(envelope.complete).toBe(false);
      expect((envelope.data as ConfigResources).counts).toBeUndefined();
      expect((envelope.data as ConfigResources).types[0].resources).toHaveLength(BUCKETS);
    } finally {
      await proxy.stop();
    }
  });
});

test('AccessDenied on Config is one denied gap per collector and region, and no envelope for it', async () => {
  await seedEstate();
  const denied = (operation: string): FaultRule => ({
    match: { target: operation },
    respond: jsonError('AccessDeniedException', `User: arn:aws:sts::${PROD}:assumed-role/proofpack-read/proofpack is not authorized to perform: config:${operation}`),
  });
  const proxy = await startFaultProxy({
    target: moto.url,
    rules: [denied('DescribeConfigurationRecorders'), denied('ListDiscoveredResources'), denied('GetDiscoveredResourceCounts')],
  });
  try {
    const result = await collect(proxy, [configRecorders, configResources, configHistory] as Collector[]);

    expect(result.envelopes).toBe(0);
    expect(result.gaps.filter((g) => g.kind !== 'window').map((g) => [g.collector, g.region, g.kind, g.operation, g.errorCode])).toEqual([
      ['config.history', EAST, 'denied', 'config:ListDiscoveredResources', 'AccessDeniedException'],
      ['config.history', WEST, 'denied', 'config:ListDiscoveredResources', 'AccessDeniedException'],
      ['config.recorders', EAST, 'denied', 'config:DescribeConfigurationRecorders', 'AccessDeniedException'],
      ['config.recorders', WEST, 'denied', 'config:DescribeConfigurationRecorders', 'AccessDeniedException'],
      ['config.resources', EAST, 'denied', 'config:ListDiscoveredResources', 'AccessDeniedException'],
      ['config.resources', WEST, 'denied', 'config:ListDiscoveredResources', 'AccessDeniedException'],
    ]);
    // The first denial stops each collector: one listing request per collector and region.
    expect(calls(proxy, 'ListDiscoveredResources')).toHaveLength(4);
  } finally {
    await proxy.stop();
  }
});

describe('aggregator mode', () => {
  const aggregatorConfig = {
    accounts: [
      { id: PROD, name: 'prod', roleArn: `arn:aws:iam::${PROD}:role/proofpack-read` },
      { id: SHARED, name: 'shared-services', roleArn: `arn:aws:iam::${SHARED}:role/proofpack-read` },
    ],
    aggregator: { name: 'org-inventory', region: EAST, account: PROD },
  };

  async function seedAggregator(): Promise<void> {
    await seedEstate();
    await seedClient(ConfigServiceClient, { endpoint: moto.url, region: EAST, account: PROD }).send(
      new PutConfigurationAggregatorCommand({
        ConfigurationAggregatorName: 'org-inventory',
        AccountAggregationSources: [{ AccountIds: [PROD, SHARED], AllAwsRegions: true }],
      }),
    );
  }

  test('the inventory comes once from the aggregator, in its account and region, instead of per account and region', async () => {
    await seedAggregator();
    const proxy = await startFaultProxy({ target: moto.url, rules: [aggregateCounts, deliveryStatus] });
    try {
      const result = await collect(proxy, [configRecorders, configResources, configAggregateResources] as Collector[], aggregatorConfig);

      expect(result.gaps).toEqual([]);
      // One aggregate envelope (PROD, global); no per-account inventory; recorders still per account × region.
      const index = await readEnvelopeFile(result.path, PROD, 'global', 'config.aggregate-resources');
      expect(result.envelopes).toBe(1 + 2 * 2);
      expect(calls(proxy, 'ListDiscoveredResources')).toEqual([]);
      expect(calls(proxy, 'GetDiscoveredResourceCounts')).toEqual([]);

      const data = index.data as ConfigAggregateResources;
      expect(data.aggregator).toEqual({ name: 'org-inventory', region: EAST, account: PROD });
      expect(data.types.map((t) => t.resourceType)).toEqual(TRACKED_TYPE_NAMES);
      const buckets = data.types[0].resources!;
      expect(buckets).toHaveLength(BUCKETS + 1);
      expect(buckets.find((b) => b.ResourceId === 'records-replica')).toEqual({
        SourceAccountId: PROD,
        SourceRegion: WEST,
        ResourceId: 'records-replica',
        ResourceType: 'AWS::S3::Bucket',
        ResourceName: 'records-replica',
      });
      expect(data.counts).toEqual({
        TotalDiscoveredResources: 150,
        GroupByKey: 'RESOURCE_TYPE',
        GroupedResourceCounts: [
          { GroupName: 'AWS::S3::Bucket', ResourceCount: 146 },
          { GroupName: 'AWS::KMS::Key', ResourceCount: 4 },
        ],
      });
      // Paginated at 100 per page, asked in the aggregator's region.
      const s3Pages = calls(proxy, 'ListAggregateDiscoveredResources')
        .map((r) => input<{ ResourceType: string; Limit: number; NextToken?: string; ConfigurationAggregatorName: string }>(r))
        .filter((b) => b.ResourceType === 'AWS::S3::Bucket');
      expect(s3Pages.map((b) => [b.ConfigurationAggregatorName, b.Limit, Boolean(b.NextToken)])).toEqual([
        ['org-inventory', 100, false],
        ['org-inventory', 100, true],
      ]);
      expect(index.provenance.calls.every((c) => c.region === EAST)).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  test('an aggregator that does not exist, or a denial, is one gap for the aggregate inventory', async () => {
    await seedEstate(); // no aggregator this time
    const proxy = await startFaultProxy({ target: moto.url, rules: [aggregateCounts] });
    try {
      const missing = await collect(proxy, [configAggregateResources as Collector], aggregatorConfig);
      expect(missing.envelopes).toBe(0);
      expect(missing.gaps).toEqual([
        expect.objectContaining({ collector: 'config.aggregate-resources', account: PROD, region: 'global', kind: 'failed', errorCode: 'NoSuchConfigurationAggregatorException' }),
      ]);

      proxy.setRules([{ match: { target: 'ListAggregateDiscoveredResources' }, respond: jsonError('AccessDeniedException', 'not authorized to perform: config:ListAggregateDiscoveredResources') }]);
      const denied = await collect(proxy, [configAggregateResources as Collector], aggregatorConfig);
      expect(denied.gaps).toEqual([
        expect.objectContaining({ collector: 'config.aggregate-resources', account: PROD, kind: 'denied', operation: 'config:ListAggregateDiscoveredResources' }),
      ]);
    } finally {
      await proxy.stop();
    }
  });

  test('a throttled aggregate listing is retried by the SDK and succeeds without a gap', async () => {
    await seedAggregator();
    const proxy = await startFaultProxy({ target: moto.url, rules: [{ match: { target: 'ListAggregateDiscoveredResources' }, throttle: 2 }, aggregateCounts] });
    try {
      const result = await collect(proxy, [configAggregateResources as Collector], aggregatorConfig);
      expect(calls(proxy, 'ListAggregateDiscoveredResources').slice(0, 3).map((r) => r.throttled)).toEqual([true, true, false]);
      expect(result.gaps).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});

/**
 * config.history against recorded AWS Config responses (moto's configuration items break the JS
 * SDK's timestamp parsing, so moto cannot serve BatchGetResourceConfig or
 * GetResourceConfigHistory): the fault proxy answers the Config calls with bodies shaped like
 * AWS's (epoch seconds, JSON-encoded configuration strings) and forwards STS to moto.
 */
import { settingIntervals } from '../../src/collectors/config/configuration-items.js';
import { HISTORY_BASELINE_MAX_PAGES, configHistory, type ConfigHistory, type HistoryItem } from '../../src/collectors/config/history.js';
import { HISTORY_TYPE_NAMES } from '../../src/collectors/config/resource-types.js';
import type { CollectResult } from '../../src/collectors/run-collection.js';
import type { Collector } from '../../src/collectors/types.js';
import { ACCOUNT, baseItem, bucketItem, epoch, input, json, jsonError, readEnvelopeFile } from '../support/config-recorded.js';
import { collectOne } from '../support/collect-one.js';
import { startFaultProxy, type FaultProxy, type FaultRule, type ProxiedRequest } from '../support/fault-proxy.js';
import { useMoto } from '../support/moto.js';

const REGION = 'us-east-1';
const NOW = new Date('2026-06-30T12:00:00Z');
/** First capture: the window starts at the period's start. */
const WINDOW_START = '2026-01-01T00:00:00.000Z';

interface HistoryInput {
  resourceType: string;
  resourceId: string;
  earlierTime?: number;
  laterTime?: number;
  chronologicalOrder?: string;
  limit?: number;
  nextToken?: string;
}

/**
 * The estate, as Config recorded it:
 * - `records`: unchanged since 2025-12-01 (before the window);
 * - `records-eu`: replicating since 2025-11-01, replication removed 2026-03-03 and restored 2026-03-09;
 * - `scratch`: created 2026-02-01;
 * - `gone`: deleted 2026-04-10; `old`: deleted 2025-10-01, before the window;
 * - KMS key `k1`: listed, but Config has no history for it (ResourceNotDiscoveredException);
 * - DynamoDB table `claims`: unchanged, but left unprocessed by the first BatchGetResourceConfig.
 */
function listDiscovered(req: ProxiedRequest) {
  const { resourceType } = input<{ resourceType: string }>(req);
  const ids: Record<string, Array<Record<string, unknown>>> = {
    'AWS::S3::Bucket': [
      { resourceType, resourceId: 'records', resourceName: 'records' },
      { resourceType, resourceId: 'records-eu', resourceName: 'records-eu' },
      { resourceType, resourceId: 'scratch', resourceName: 'scratch' },
      { resourceType, resourceId: 'gone', resourceName: 'gone', resourceDeletionTime: epoch('2026-04-10T08:00:00Z') },
      { resourceType, resourceId: 'old', resourceName: 'old', resourceDeletionTime: epoch('2025-10-01T00:00:00Z') },
    ],
    'AWS::KMS::Key': [{ resourceType, resourceId: 'k1' }],
    'AWS::DynamoDB::Table': [{ resourceType, resourceId: 'claims', resourceName: 'claims' }],
  };
  return json({ resourceIdentifiers: ids[resourceType] ?? [] });
}

const claimsItem = {
  version: '1.3',
  accountId: ACCOUNT,
  configurationItemCaptureTime: epoch('2025-09-14T11:00:00Z'),
  configurationItemStatus: 'OK',
  configurationStateId: '1757847600000',
  arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/claims`,
  resourceType: 'AWS::DynamoDB::Table',
  resourceId: 'claims',
  resourceName: 'claims',
  awsRegion: REGION,
  availabilityZone: 'Regional',
  configuration: JSON.stringify({ tableName: 'claims', tableStatus: 'ACTIVE', replicas: [{ regionName: 'us-west-2', replicaStatus: 'ACTIVE' }] }),
  supplementaryConfiguration: { ContinuousBackupsDescription: JSON.stringify({ continuousBackupsStatus: 'ENABLED', pointInTimeRecoveryDescription: { pointInTimeRecoveryStatus: 'ENABLED' } }) },
};

let batchCalls = 0;
function batchGet(req: ProxiedRequest) {
  batchCalls += 1;
  const keys = input<{ resourceKeys: Array<{ resourceType: string; resourceId: string }> }>(req).resourceKeys;
  const current: Record<string, Record<string, unknown>> = {
    records: baseItem({ name: 'records', at: '2025-12-01T00:00:00Z', replicatesTo: 'records-replica' }),
    'records-eu': baseItem({ name: 'records-eu', at: '2026-03-09T17:45:00Z', replicatesTo: 'records-eu-replica' }),
    scratch: baseItem({ name: 'scratch', at: '2026-02-01T00:00:00Z' }),
    claims: claimsItem,
  };
  const firstCall = batchCalls === 1;
  return json({
    baseConfigurationItems: keys.filter((k) => current[k.resourceId] && !(firstCall && k.resourceId === 'claims')).map((k) => current[k.resourceId]),
    unprocessedResourceKeys: firstCall ? keys.filter((k) => k.resourceId === 'claims') : [],
  });
}

function history(req: ProxiedRequest) {
  const q = input<HistoryInput>(req);
  const forward = q.chronologicalOrder === 'Forward';
  if (q.resourceId === 'k1') return jsonError('ResourceNotDiscoveredException', 'Resource k1 of resourceType:AWS::KMS::Key is unknown or has not been discovered');
  if (q.resourceId === 'records-eu' && forward) {
    // Pages span at most seven days: the first comes back empty with a token (as AWS does).
    if (!q.nextToken) return json({ configurationItems: [], nextToken: 'forward-2' });
    return json({
      configurationItems: [
        bucketItem({ name: 'records-eu', at: '2026-03-03T09:15:00Z', replicatesTo: null }),
        bucketItem({ name: 'records-eu', at: '2026-03-09T17:45:00Z', replicatesTo: 'records-eu-replica' }),
      ],
    });
  }
  if (q.resourceId === 'records-eu') {
    if (!q.nextToken) return json({ configurationItems: [], nextToken: 'reverse-2' });
    return json({ configurationItems: [bucketItem({ name: 'records-eu', at: '2025-11-01T10:00:00Z', replicatesTo: 'records-eu-replica' })], nextToken: 'reverse-3' });
  }
  if (q.resourceId === 'scratch' && forward) return json({ configurationItems: [bucketItem({ name: 'scratch', at: '2026-02-01T00:00:00Z', status: 'ResourceDiscovered' })] });
  if (q.resourceId === 'gone' && forward) return json({ configurationItems: [bucketItem({ name: 'gone', at: '2026-04-10T08:00:00Z', status: 'ResourceDeleted' })] });
  if (q.resourceId === 'gone') return json({ configurationItems: [bucketItem({ name: 'gone', at: '2025-06-01T00:00:00Z', versioning: 'Suspended' })] });
  throw new Error(`unexpected GetResourceConfigHistory ${JSON.stringify(q)}`);
}

const recorded: FaultRule[] = [
  { match: { target: 'ListDiscoveredResources' }, respond: listDiscovered },
  { match: { target: 'BatchGetResourceConfig' }, respond: batchGet },
  { match: { target: 'GetResourceConfigHistory' }, respond: history },
];

const moto = useMoto();
beforeEach(() => {
  batchCalls = 0;
});

async function collectHistory(proxy: FaultProxy): Promise<CollectResult> {
  return (await collectOne([configHistory as Collector], { regions: [REGION], endpointUrl: proxy.url, now: () => NOW })).result;
}

const historyCalls = (proxy: FaultProxy) => proxy.requests.filter((r) => r.operation === 'GetResourceConfigHistory' && !r.throttled).map((r) => input<HistoryInput>(r));

describe('the configuration history of a region over the window', () => {
  let proxy: FaultProxy;
  let result: CollectResult;
  let data: ConfigHistory;
  const byId = (id: string) => data.resources.find((r) => r.resourceId === id)!;
  beforeAll(async () => {
    proxy = await startFaultProxy({ target: moto.url, rules: recorded });
    result = await collectHistory(proxy);
    data = (await readEnvelopeFile(result.path, ACCOUNT, REGION, 'config.history')).data as ConfigHistory;
  });
  afterAll(async () => {
    await proxy.stop();
  });

  test('every resource of the history types that existed in the window, including deleted ones; none that was gone before it', async () => {
    expect(result.gaps).toEqual([]);
    expect(data.resourceTypes).toEqual(HISTORY_TYPE_NAMES);
    expect(data.unlistedTypes).toEqual([]);
    expect(data.resources.map((r) => [r.resourceId, r.startState ?? null])).toEqual([
      ['records', 'unchanged'],
      ['records-eu', 'baseline'],
      ['scratch', 'created'],
      ['gone', 'baseline'],
      ['claims', 'unchanged'],
      ['k1', null],
    ]);
    const listed = proxy.requests.filter((r) => r.operation === 'ListDiscoveredResources').map((r) => input<{ resourceType: string; includeDeletedResources?: boolean; limit: number }>(r));
    expect(listed.map((l) => l.resourceType)).toEqual(HISTORY_TYPE_NAMES);
    expect(listed.every((l) => l.includeDeletedResources === true && l.limit === 100)).toBe(true);
    expect(byId('gone').resourceDeletionTime).toBe('2026-04-10T08:00:00.000Z');
    const envelope = await readEnvelopeFile(result.path, ACCOUNT, REGION, 'config.history');
    expect(envelope.window).toEqual({ start: WINDOW_START, end: NOW.toISOString() });
    expect(envelope.complete).toBe(true);
    expect(envelope.recordCount).toBe(1 + 3 + 1 + 2 + 1);
  });

  test('current items show which resources did not change: they cost no history calls; unprocessed keys are asked again', () => {
    const asked = historyCalls(proxy);
    expect([...new Set(asked.map((q) => q.resourceId))].sort()).toEqual(['gone', 'k1', 'records-eu', 'scratch']);
    const batches = proxy.requests.filter((r) => r.operation === 'BatchGetResourceConfig').map((r) => input<{ resourceKeys: Array<{ resourceId: string }> }>(r).resourceKeys.map((k) => k.resourceId));
    // Deleted resources have no current item to ask for.
    expect(batches).toEqual([['records', 'records-eu', 'scratch', 'claims', 'k1'], ['claims']]);
    const records = byId('records').items!;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ configurationItemCaptureTime: '2025-12-01T00:00:00.000Z', resourceId: 'records' });
    expect(records[0]).not.toHaveProperty('tags'); // BatchGetResourceConfig's BaseConfigurationItem
    expect(byId('claims').items![0].supplementaryConfigurationParsed).toEqual({
      ContinuousBackupsDescription: { continuousBackupsStatus: 'ENABLED', pointInTimeRecoveryDescription: { pointInTimeRecoveryStatus: 'ENABLED' } },
    });
  });

  test('a changed resource: the window read forward over every page, then back from its start to the item in effect then', () => {
    const euCalls = historyCalls(proxy).filter((q) => q.resourceId === 'records-eu');
    expect(euCalls).toEqual([
      { resourceType: 'AWS::S3::Bucket', resourceId: 'records-eu', earlierTime: epoch(WINDOW_START), laterTime: epoch(NOW.toISOString()), chronologicalOrder: 'Forward', limit: 100 },
      { resourceType: 'AWS::S3::Bucket', resourceId: 'records-eu', earlierTime: epoch(WINDOW_START), laterTime: epoch(NOW.toISOString()), chronologicalOrder: 'Forward', limit: 100, nextToken: 'forward-2' },
      { resourceType: 'AWS::S3::Bucket', resourceId: 'records-eu', laterTime: epoch(WINDOW_START), chronologicalOrder: 'Reverse', limit: 1 },
      // The first item found ends the look back, though AWS offered another page.
      { resourceType: 'AWS::S3::Bucket', resourceId: 'records-eu', laterTime: epoch(WINDOW_START), chronologicalOrder: 'Reverse', limit: 1, nextToken: 'reverse-2' },
    ]);
    const items = byId('records-eu').items!;
    expect(items.map((i) => i.configurationItemCaptureTime)).toEqual(['2025-11-01T10:00:00.000Z', '2026-03-03T09:15:00.000Z', '2026-03-09T17:45:00.000Z']);
  });

  test('items keep configuration and supplementaryConfiguration as the JSON strings AWS sent, with decoded copies', () => {
    const [, removed] = byId('records-eu').items!;
    expect(typeof removed.configuration).toBe('string');
    expect(removed.configurationParsed).toEqual(JSON.parse(removed.configuration as string));
    expect(removed.supplementaryConfiguration!.BucketVersioningConfiguration).toBe('{"status":"Enabled","isMfaDeleteEnabled":null}');
    expect(removed.supplementaryConfigurationParsed).toMatchObject({ BucketVersioningConfiguration: { status: 'Enabled' }, IsRequesterPaysEnabled: false });
    expect(removed).toMatchObject({ tags: { 'data-origin': 'eu' }, awsRegion: REGION, configurationItemStatus: 'OK', resourceCreationTime: '2025-03-02T10:00:00.000Z' });
  });

  test('controls can read "replication on throughout the window" from it: off from March 3 to March 9 is one interval', () => {
    const replicating = (i: HistoryItem) => Boolean(i.supplementaryConfigurationParsed.BucketReplicationConfiguration);
    expect(settingIntervals(byId('records-eu').items!, (i) => !replicating(i))).toEqual([{ start: '2026-03-03T09:15:00.000Z', end: '2026-03-09T17:45:00.000Z' }]);
    expect(settingIntervals(byId('records').items!, replicating)).toEqual([{ start: '2025-12-01T00:00:00.000Z', end: null }]);
    // A deleted bucket: its settings end with it.
    expect(settingIntervals(byId('gone').items!, () => true)).toEqual([{ start: '2025-06-01T00:00:00.000Z', end: '2026-04-10T08:00:00.000Z' }]);
  });

  test('a created resource needs no look back; a resource Config never recorded has items null, which is not a gap', () => {
    expect(historyCalls(proxy).filter((q) => q.resourceId === 'scratch')).toHaveLength(1);
    expect(byId('scratch').items!.map((i) => i.configurationItemStatus)).toEqual(['ResourceDiscovered']);
    expect(byId('k1').items).toBeNull();
  });
});

test('a throttled history call is retried by the SDK and succeeds without a gap', async () => {
  const proxy = await startFaultProxy({ target: moto.url, rules: [{ match: { target: 'GetResourceConfigHistory' }, throttle: 2, respond: history }, ...recorded.slice(0, 2)] });
  try {
    const result = await collectHistory(proxy);
    expect(proxy.requests.filter((r) => r.operation === 'GetResourceConfigHistory').slice(0, 3).map((r) => r.throttled)).toEqual([true, true, false]);
    expect(result.gaps).toEqual([]);
    const data = (await readEnvelopeFile(result.path, ACCOUNT, REGION, 'config.history')).data as ConfigHistory;
    expect(data.resources.find((r) => r.resourceId === 'records-eu')!.items).toHaveLength(3);
  } finally {
    await proxy.stop();
  }
});

test('AccessDenied on GetResourceConfigHistory is one denied gap for the source, not one per resource', async () => {
  const proxy = await startFaultProxy({
    target: moto.url,
    rules: [
      { match: { target: 'GetResourceConfigHistory' }, respond: jsonError('AccessDeniedException', 'not authorized to perform: config:GetResourceConfigHistory') },
      ...recorded.slice(0, 2),
    ],
  });
  try {
    const result = await collectHistory(proxy);
    expect(result.envelopes).toBe(0);
    expect(result.gaps).toEqual([
      expect.objectContaining({ collector: 'config.history', kind: 'denied', operation: 'config:GetResourceConfigHistory', errorCode: 'AccessDeniedException' }),
    ]);
  } finally {
    await proxy.stop();
  }
});

test('a history call that fails for one resource is a gap naming it; the others are still collected', async () => {
  const failing: FaultRule = {
    match: { target: 'GetResourceConfigHistory' },
    respond: (req) => (input<HistoryInput>(req).resourceId === 'scratch' ? jsonError('ValidationException', 'invalid resource id') : history(req)),
  };
  const proxy = await startFaultProxy({ target: moto.url, rules: [failing, ...recorded.slice(0, 2)] });
  try {
    const result = await collectHistory(proxy);
    expect(result.gaps).toEqual([
      expect.objectContaining({ kind: 'failed', operation: 'config:GetResourceConfigHistory', resource: 'AWS::S3::Bucket scratch', errorCode: 'ValidationException' }),
    ]);
    const envelope = await readEnvelopeFile(result.path, ACCOUNT, REGION, 'config.history');
    const data = envelope.data as ConfigHistory;
    expect(envelope.complete).toBe(false);
    expect(data.resources.find((r) => r.resourceId === 'scratch')).toEqual({ resourceType: 'AWS::S3::Bucket', resourceId: 'scratch', resourceName: 'scratch' });
    expect(data.resources.find((r) => r.resourceId === 'records-eu')!.items).toHaveLength(3);
  } finally {
    await proxy.stop();
  }
});

test('the look back for the item in effect at the window start stops after HISTORY_BASELINE_MAX_PAGES pages: the start state is then unknown', async () => {
  const endless: FaultRule = {
    match: { target: 'GetResourceConfigHistory' },
    respond: (req) => {
      const q = input<HistoryInput>(req);
      if (q.resourceId === 'records-eu' && q.chronologicalOrder === 'Reverse') return json({ configurationItems: [], nextToken: `older-${q.nextToken ?? 0}` });
      return history(req);
    },
  };
  const proxy = await startFaultProxy({ target: moto.url, rules: [endless, ...recorded.slice(0, 2)] });
  try {
    const result = await collectHistory(proxy);
    const reverse = historyCalls(proxy).filter((q) => q.resourceId === 'records-eu' && q.chronologicalOrder === 'Reverse');
    expect(reverse).toHaveLength(HISTORY_BASELINE_MAX_PAGES);
    expect(result.gaps).toEqual([]);
    const data = (await readEnvelopeFile(result.path, ACCOUNT, REGION, 'config.history')).data as ConfigHistory;
    const eu = data.resources.find((r) => r.resourceId === 'records-eu')!;
    expect(eu.startState).toBe('unknown');
    expect(eu.items!.map((i) => i.configurationItemCaptureTime)).toEqual(['2026-03-03T09:15:00.000Z', '2026-03-09T17:45:00.000Z']);
  } finally {
    await proxy.stop();
  }
});

/**
 * cloudtrail.events against recorded LookupEvents responses (moto does not serve LookupEvents),
 * served by the fault proxy in front of moto (which answers STS for the runner), so the SDK's
 * real JSON 1.1 deserializer, paginator and retries run.
 */
import { jest } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cloudtrailEvents, type CloudTrailEvents } from '../../src/collectors/cloudtrail/events.js';
import { RECOVERY_EVENTS, RECOVERY_EVENT_NAMES } from '../../src/collectors/cloudtrail/recovery-events.js';
import type { CollectResult } from '../../src/collectors/run-collection.js';
import type { Collector } from '../../src/collectors/types.js';
import { ACCOUNT, epoch, input, json, jsonError, lookupEvent, readEnvelopeFile } from '../support/config-recorded.js';
import { collectOne } from '../support/collect-one.js';
import { startFaultProxy, type FaultProxy, type FaultRule, type ProxiedRequest } from '../support/fault-proxy.js';
import { useMoto } from '../support/moto.js';

// Every run makes one LookupEvents request per event name (plus pages) at 2 per second.
jest.setTimeout(120_000);

const REGION = 'us-east-1';
const FIRST_NOW = new Date('2026-06-30T12:00:00Z');
const NINETY_DAYS_BEFORE = '2026-04-01T12:00:00.000Z';

interface LookupInput {
  LookupAttributes: Array<{ AttributeKey: string; AttributeValue: string }>;
  StartTime: number;
  EndTime: number;
  MaxResults: number;
  NextToken?: string;
}

/** Recorded answers: a global-database failover over two pages, one restore, nothing else. */
function recordedLookup(req: ProxiedRequest) {
  const body = input<LookupInput>(req);
  const name = body.LookupAttributes[0].AttributeValue;
  if (name === 'FailoverGlobalCluster' && !body.NextToken) {
    return json({
      Events: [
        lookupEvent({
          id: 'b2f1c7a0-0000-4000-8000-000000000002',
          name,
          source: 'rds.amazonaws.com',
          at: '2026-05-14T14:05:00Z',
          resources: [{ ResourceType: 'AWS::RDS::GlobalCluster', ResourceName: 'records-global' }],
          requestParameters: { globalClusterIdentifier: 'records-global', targetDbClusterIdentifier: 'arn:aws:rds:us-west-2:123456789012:cluster:records-west' },
        }),
      ],
      NextToken: 'page-2-token',
    });
  }
  if (name === 'FailoverGlobalCluster') {
    return json({
      Events: [lookupEvent({ id: 'b2f1c7a0-0000-4000-8000-000000000001', name, source: 'rds.amazonaws.com', at: '2026-04-20T09:00:00Z' })],
    });
  }
  if (name === 'StartRestoreJob') {
    return json({
      Events: [
        lookupEvent({
          id: 'b2f1c7a0-0000-4000-8000-000000000003',
          name,
          source: 'backup.amazonaws.com',
          at: '2026-05-02T08:30:00.250Z',
          requestParameters: { recoveryPointArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1' },
        }),
      ],
    });
  }
  return json({ Events: [] });
}

const moto = useMoto();

async function collectEvents(proxy: FaultProxy, dir: string, now: Date): Promise<CollectResult> {
  return (await collectOne([cloudtrailEvents as Collector], { regions: [REGION], endpointUrl: proxy.url, dir, now: () => now })).result;
}

const lookups = (proxy: FaultProxy) => proxy.requests.filter((r) => r.operation === 'LookupEvents');

describe('a first capture at the end of a six-month period', () => {
  let proxy: FaultProxy;
  let dir: string;
  let result: CollectResult;
  /** When each LookupEvents request reached the proxy (ms). */
  const arrivals: number[] = [];
  beforeAll(async () => {
    const timed = (req: ProxiedRequest) => {
      arrivals.push(Date.now());
      return recordedLookup(req);
    };
    proxy = await startFaultProxy({ target: moto.url, rules: [{ match: { target: 'LookupEvents' }, respond: timed }] });
    dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-events-'));
    result = await collectEvents(proxy, dir, FIRST_NOW);
  });
  afterAll(async () => {
    await proxy.stop();
  });

  test('looks up every event name of the list for the window, following NextToken, and keeps each event as AWS returned it', async () => {
    const envelope = await readEnvelopeFile(result.path, ACCOUNT, REGION, 'cloudtrail.events');
    const data = envelope.data as CloudTrailEvents;

    // One query per name, in the list's order; FailoverGlobalCluster took two pages.
    const asked = lookups(proxy).map((r) => input<LookupInput>(r));
    expect([...new Set(asked.map((a) => a.LookupAttributes[0].AttributeValue))]).toEqual(RECOVERY_EVENT_NAMES);
    expect(asked).toHaveLength(RECOVERY_EVENTS.length + 1);
    expect(asked.filter((a) => a.NextToken).map((a) => [a.LookupAttributes[0].AttributeValue, a.NextToken])).toEqual([['FailoverGlobalCluster', 'page-2-token']]);
    for (const a of asked) {
      expect(a.LookupAttributes).toHaveLength(1);
      expect(a.LookupAttributes[0].AttributeKey).toBe('EventName');
      expect(a.MaxResults).toBe(50);
      // Epoch seconds on the wire: the window the runner planned (90 days back from "now").
      expect(a.StartTime).toBe(epoch(NINETY_DAYS_BEFORE));
      expect(a.EndTime).toBe(epoch(FIRST_NOW.toISOString()));
    }
    expect(envelope.window).toEqual({ start: NINETY_DAYS_BEFORE, end: FIRST_NOW.toISOString() });

    expect(data.queries.map((q) => q.eventName)).toEqual(RECOVERY_EVENT_NAMES);
    expect(data.queries.find((q) => q.eventName === 'FailoverGlobalCluster')).toEqual({ eventName: 'FailoverGlobalCluster', category: 'failover', count: 2 });
    expect(data.queries.find((q) => q.eventName === 'StopLogging')).toEqual({ eventName: 'StopLogging', category: 'protection-change', count: 0 });

    // Oldest first; dates as ISO strings; the CloudTrailEvent string kept and decoded.
    expect(data.events.map((e) => [e.EventName, e.EventTime, e.category])).toEqual([
      ['FailoverGlobalCluster', '2026-04-20T09:00:00.000Z', 'failover'],
      ['StartRestoreJob', '2026-05-02T08:30:00.250Z', 'recovery'],
      ['FailoverGlobalCluster', '2026-05-14T14:05:00.000Z', 'failover'],
    ]);
    const failover = data.events[2];
    expect(failover).toMatchObject({
      EventId: 'b2f1c7a0-0000-4000-8000-000000000002',
      EventSource: 'rds.amazonaws.com',
      ReadOnly: 'false',
      Username: 'dana.whitfield',
      Resources: [{ ResourceType: 'AWS::RDS::GlobalCluster', ResourceName: 'records-global' }],
    });
    expect(typeof failover.CloudTrailEvent).toBe('string');
    expect(failover.cloudTrailEventParsed).toEqual(JSON.parse(failover.CloudTrailEvent!));
    expect(failover.cloudTrailEventParsed).toMatchObject({ requestParameters: { globalClusterIdentifier: 'records-global' } });
    expect(envelope.recordCount).toBe(3);
    expect(envelope.complete).toBe(true);
    // Provenance: one call record per event name (pages grouped), with the parameters sent.
    const call = envelope.provenance.calls.find((c) => (c.parameters.LookupAttributes as Array<{ AttributeValue: string }>)[0].AttributeValue === 'FailoverGlobalCluster');
    expect(call).toMatchObject({ operation: 'cloudtrail:LookupEvents', pages: 2, records: 2, outcome: 'ok' });
  });

  test('the part of the period older than 90 days is a window gap, not silently left out', () => {
    expect(result.gaps).toEqual([
      expect.objectContaining({
        collector: 'cloudtrail.events',
        account: ACCOUNT,
        region: REGION,
        kind: 'window',
        window: { start: '2026-01-01T00:00:00.000Z', end: NINETY_DAYS_BEFORE },
        message: expect.stringContaining('the source keeps 90 days'),
      }),
    ]);
  });

  test('never sends more than 2 LookupEvents requests per second (spacing of the requests the proxy saw)', () => {
    const times = arrivals;
    expect(times).toHaveLength(RECOVERY_EVENTS.length + 1);
    // The limiter releases requests ≥ 500 ms apart; what the proxy sees also carries each
    // request's own transit time through the SDK and loopback, hence a 100 ms allowance. A burst
    // of 2 (or two lookups in flight without the limiter) would show gaps near 0.
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(400);
    // No one-second span holds a third request.
    const spans = times.slice(2).map((t, i) => t - times[i]);
    expect(Math.min(...spans)).toBeGreaterThanOrEqual(900);
  });

  test('the next capture starts where this one ended, and a throttled lookup is retried by the SDK without a gap', async () => {
    proxy.setRules([{ match: { target: 'LookupEvents' }, throttle: 2, respond: recordedLookup }]);
    const before = proxy.requests.length;
    const next = await collectEvents(proxy, dir, new Date('2026-07-02T12:00:00Z'));

    const sent = proxy.requests.slice(before).filter((r) => r.operation === 'LookupEvents');
    expect(sent.slice(0, 3).map((r) => r.throttled)).toEqual([true, true, false]);
    expect(new Set(sent.filter((r) => !r.throttled).map((r) => input<LookupInput>(r).StartTime))).toEqual(new Set([epoch(FIRST_NOW.toISOString())]));
    expect(next.gaps).toEqual([]);
    const envelope = await readEnvelopeFile(next.path, ACCOUNT, REGION, 'cloudtrail.events');
    expect(envelope.window.start).toBe(FIRST_NOW.toISOString());
    expect(envelope.complete).toBe(true);
    expect((envelope.data as CloudTrailEvents).queries.every((q) => q.count !== undefined)).toBe(true);
  });
});

test('AccessDenied on LookupEvents is one denied gap for the source, after a single request', async () => {
  const proxy = await startFaultProxy({
    target: moto.url,
    rules: [{ match: { target: 'LookupEvents' }, respond: jsonError('AccessDeniedException', 'User: arn:aws:sts::123456789012:assumed-role/proofpack-read/proofpack is not authorized to perform: cloudtrail:LookupEvents') }],
  });
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-events-denied-'));
    const result = await collectEvents(proxy, dir, FIRST_NOW);

    expect(lookups(proxy)).toHaveLength(1);
    expect(result.envelopes).toBe(0);
    expect(result.gaps.filter((g) => g.kind !== 'window')).toEqual([
      expect.objectContaining({ collector: 'cloudtrail.events', kind: 'denied', operation: 'cloudtrail:LookupEvents', errorCode: 'AccessDeniedException' }),
    ]);
  } finally {
    await proxy.stop();
  }
});

test('a lookup that fails for one event name is a gap naming it; the other names are still collected', async () => {
  const failing: FaultRule = {
    match: { target: 'LookupEvents' },
    respond: (req) =>
      input<LookupInput>(req).LookupAttributes[0].AttributeValue === 'DeleteTrail'
        ? jsonError('InvalidLookupAttributesException', 'Invalid lookup attribute')
        : recordedLookup(req),
  };
  const proxy = await startFaultProxy({ target: moto.url, rules: [failing] });
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-events-partial-'));
    const result = await collectEvents(proxy, dir, FIRST_NOW);

    expect(result.gaps.filter((g) => g.kind !== 'window')).toEqual([
      expect.objectContaining({ kind: 'failed', operation: 'cloudtrail:LookupEvents', resource: 'DeleteTrail', errorCode: 'InvalidLookupAttributesException' }),
    ]);
    const envelope = await readEnvelopeFile(result.path, ACCOUNT, REGION, 'cloudtrail.events');
    const data = envelope.data as CloudTrailEvents;
    expect(envelope.complete).toBe(false);
    expect(data.queries.find((q) => q.eventName === 'DeleteTrail')).toEqual({ eventName: 'DeleteTrail', category: 'protection-change' });
    expect(data.queries.filter((q) => q.count === undefined)).toHaveLength(1);
    expect(data.events).toHaveLength(3);
  } finally {
    await proxy.stop();
  }
});

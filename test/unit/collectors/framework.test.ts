import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CallRecorder, countRecords, provenanceParameters } from '../../../src/aws/call-recorder.js';
import { classifyAwsError, isAbsentError } from '../../../src/aws/errors.js';
import { rateLimitFor } from '../../../src/aws/rate-limits.js';
import { collectors, selectCollectors } from '../../../src/collectors/index.js';
import type { Collector } from '../../../src/collectors/types.js';
import { planWindows } from '../../../src/collectors/windows.js';
import { LocalEvidenceStore } from '../../../src/evidence/local-store.js';
import { INDEX_FILE } from '../../../src/evidence/snapshot-index.js';
import { newSnapshotId } from '../../../src/evidence/snapshot-id.js';
import { knownSchemaIds } from '../../../src/evidence/schemas.js';
import { UsageError } from '../../../src/errors.js';
import { RateLimiter, Semaphore, mapWithConcurrency, type Clock } from '../../../src/util/limiter.js';
import { testConfig } from '../../support/config.js';

describe('the collector registry', () => {
  test('ids are unique and each names a schema that exists and matches <id>.v<N>', () => {
    const ids = collectors.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const schemas = new Set(knownSchemaIds());
    for (const c of collectors) {
      expect(c.schema).toMatch(new RegExp(`^${c.id.replace('.', '\\.')}\\.v\\d+$`));
      expect(schemas.has(c.schema)).toBe(true);
      if (c.scope !== 'local') expect(c.operations.length).toBeGreaterThan(0);
    }
  });

  test('--only takes source groups, services and collector ids, and explains an unknown word', () => {
    expect(selectCollectors(collectors, ['s3']).map((c) => c.id)).toEqual(['s3.buckets']);
    const cloudtrail = collectors.filter((c) => c.id.startsWith('cloudtrail.')).map((c) => c.id);
    expect(cloudtrail).toContain('cloudtrail.trails');
    expect(selectCollectors(collectors, ['backup.vaults', 'cloudtrail']).map((c) => c.id).sort()).toEqual(['backup.vaults', ...cloudtrail].sort());
    const jobs = selectCollectors(collectors, ['jobs']);
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.every((c) => c.group === 'jobs')).toBe(true);
    expect(selectCollectors(collectors, []).length).toBe(collectors.length);
    expect(() => selectCollectors(collectors, ['jbos'])).toThrow(UsageError);
    expect(() => selectCollectors(collectors, ['jbos'])).toThrow(/"jbos" is not a source group \(state, jobs, events, history, records\)/);
  });
});

describe('windows of time-windowed sources', () => {
  const jobs: Collector = {
    id: 'test.jobs', schema: 'test.jobs.v1', title: 'jobs', scope: 'region', group: 'jobs', retentionDays: 30, operations: [],
    collect: async () => ({ data: [] }),
  };
  const config = testConfig({ regions: ['us-east-1'], period: { start: '2026-01-01', end: '2026-06-30' } });
  const account = { id: '123456789012', name: 'prod' };

  async function storeWithCapture(end: string | undefined): Promise<LocalEvidenceStore> {
    const store = new LocalEvidenceStore(await mkdtemp(path.join(os.tmpdir(), 'proofpack-windows-')));
    if (!end) return store;
    const id = newSnapshotId(new Date(end), 'aaaaaa');
    const writer = await store.beginSnapshot(id);
    await writer.writeFile(INDEX_FILE, JSON.stringify({ index: 'proofpack.snapshot-index/v1', snapshotId: id, envelopes: [
      { id: 'x', path: 'p', collector: 'test.jobs', schema: 'test.jobs.v1', account: account.id, region: 'us-east-1', window: { start: '2026-01-01T00:00:00.000Z', end }, complete: true, recordCount: 3 },
    ] }));
    await writer.commit({ snapshotId: id, startedAt: end, toolVersion: '0', sources: [], accounts: [], regions: [] });
    return store;
  }

  test('a window starts where the previous complete capture ended', async () => {
    const store = await storeWithCapture('2026-03-10T00:00:00.000Z');
    const [plan] = await planWindows(store, config, [jobs], [account], new Date('2026-03-11T00:00:00Z'));
    expect(plan).toMatchObject({ start: '2026-03-10T00:00:00.000Z', end: '2026-03-11T00:00:00.000Z', gaps: [] });
  });

  test('the first capture starts at the period start when the source still keeps it', async () => {
    const store = await storeWithCapture(undefined);
    const [plan] = await planWindows(store, config, [jobs], [account], new Date('2026-01-20T00:00:00Z'));
    expect(plan).toMatchObject({ start: '2026-01-01T00:00:00.000Z', gaps: [] });
  });

  test('time the source no longer keeps is a window gap with its dates, not a silent truncation', async () => {
    const store = await storeWithCapture('2026-02-01T00:00:00.000Z');
    const [plan] = await planWindows(store, config, [jobs], [account], new Date('2026-04-12T00:00:00Z'));
    expect(plan.start).toBe('2026-03-13T00:00:00.000Z');
    expect(plan.gaps).toEqual([
      expect.objectContaining({
        kind: 'window',
        collector: 'test.jobs',
        window: { start: '2026-02-01T00:00:00.000Z', end: '2026-03-13T00:00:00.000Z' },
        message: expect.stringContaining('the source keeps 30 days; the previous capture ended 2026-02-01T00:00:00.000Z'),
      }),
    ]);
  });

  test('lost time outside the period is not a gap', async () => {
    const store = await storeWithCapture(undefined);
    const late = testConfig({ regions: ['us-east-1'], period: { start: '2026-01-01', end: '2026-01-31' } });
    const [plan] = await planWindows(store, late, [jobs], [account], new Date('2026-06-01T00:00:00Z'));
    expect(plan.gaps).toEqual([
      expect.objectContaining({ window: { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z' } }),
    ]);
    const inside = testConfig({ regions: ['us-east-1'], period: { start: '2026-05-10', end: '2026-05-31' } });
    const [plan2] = await planWindows(store, inside, [jobs], [account], new Date('2026-06-01T00:00:00Z'));
    expect(plan2.gaps).toEqual([]);
  });
});

describe('AWS errors and provenance', () => {
  test('errors are classified into gap kinds', () => {
    expect(classifyAwsError(Object.assign(new Error('no'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } })).kind).toBe('denied');
    expect(classifyAwsError(Object.assign(new Error('slow'), { name: 'ThrottlingException' })).kind).toBe('throttled');
    expect(classifyAwsError(Object.assign(new Error('Unexpected token \'<\', "<!doctype "... is not valid JSON'), { name: 'SyntaxError', $metadata: { httpStatusCode: 500 } }))).toMatchObject({
      kind: 'unsupported',
      message: 'the endpoint does not implement this operation (HTTP 500)',
    });
    expect(classifyAwsError(Object.assign(new Error('boom'), { name: 'InternalFailure' })).kind).toBe('failed');
  });

  test('"not configured" answers are absent only for the operation that means it', () => {
    const notFound = Object.assign(new Error('x'), { name: 'ReplicationConfigurationNotFoundError' });
    expect(isAbsentError('s3:GetBucketReplication', notFound)).toBe(true);
    expect(isAbsentError('s3:GetBucketVersioning', notFound)).toBe(false);
  });

  test('paginated calls are summarised as one record with their pages, records and request ids', () => {
    const recorder = new CallRecorder();
    recorder.record({ operation: 'backup:ListBackupJobs', region: 'us-east-1', parameters: provenanceParameters({ ByCreatedAfter: new Date('2026-01-01T00:00:00Z'), NextToken: 'a' }), outcome: 'ok', records: 50, requestId: 'r1' });
    recorder.record({ operation: 'backup:ListBackupJobs', region: 'us-east-1', parameters: provenanceParameters({ ByCreatedAfter: new Date('2026-01-01T00:00:00Z') }), outcome: 'ok', records: 7, requestId: 'r2' });
    expect(recorder.summarize()).toEqual([
      { operation: 'backup:ListBackupJobs', region: 'us-east-1', parameters: { ByCreatedAfter: '2026-01-01T00:00:00.000Z' }, pages: 2, records: 57, requestIds: ['r1', 'r2'], outcome: 'ok' },
    ]);
    expect(countRecords({ BackupJobs: [1, 2, 3], NextToken: 'x', $metadata: {} })).toBe(3);
    expect(countRecords({ Status: 'Enabled', $metadata: {} })).toBe(1);
  });

  test('LookupEvents has its documented limit of 2 requests per second, without a burst; other operations a service default', () => {
    // Burst 1: a burst of 2 would allow three requests within 500 ms (t = 0, 0, 500).
    expect(rateLimitFor('cloudtrail:LookupEvents')).toEqual({ key: 'cloudtrail:LookupEvents', limit: { ratePerSecond: 2, burst: 1 } });
    expect(rateLimitFor('cloudtrail:DescribeTrails').key).toBe('cloudtrail');
  });
});

describe('limiters', () => {
  function fakeClock(): Clock & { t: number } {
    const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => { clock.t += ms; } };
    return clock;
  }

  test('a rate limiter spaces requests to its rate after the burst', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(2, 2, clock);
    const times: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      await limiter.take();
      times.push(clock.t);
    }
    expect(times).toEqual([0, 0, 500, 1000, 1500, 2000]);
  });

  test('a semaphore never runs more than its capacity at once', async () => {
    const semaphore = new Semaphore(3);
    let active = 0;
    let peak = 0;
    await Promise.all(Array.from({ length: 20 }, () => semaphore.run(async () => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 2));
      active -= 1;
    })));
    expect(peak).toBe(3);
  });

  test('mapWithConcurrency keeps the input order', async () => {
    const out = await mapWithConcurrency([30, 10, 20], 2, async (ms) => {
      await new Promise((r) => setTimeout(r, ms));
      return ms * 2;
    });
    expect(out).toEqual([60, 20, 40]);
  });
});

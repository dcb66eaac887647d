import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { collectSnapshot } from '../../../src/collectors/run-collection.js';
import type { Collector } from '../../../src/collectors/types.js';
import { LocalEvidenceStore } from '../../../src/evidence/local-store.js';
import type { Envelope, Gap } from '../../../src/evidence/types.js';
import { testConfig } from '../../support/config.js';

/** A windowed source with no AWS calls of its own: it reports the window it was given. */
const windowed: Collector<{ buckets: [] }> = {
  id: 's3.buckets', schema: 's3.buckets.v1', title: 'test', scope: 'region', group: 'jobs', retentionDays: 30, operations: ['s3:ListBuckets'],
  collect: async () => ({ data: { buckets: [] } }),
};

const sts = mockClient(STSClient);
beforeEach(() => {
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/auditor' });
});
afterAll(() => sts.restore());

test('time a source no longer keeps is a window gap on the envelope and once in gaps.json', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-runner-'));
  const store = new LocalEvidenceStore(dir);
  const config = testConfig({ store: dir, regions: ['us-east-1'], period: { start: '2026-01-01', end: '2026-06-30' } });

  const first = await collectSnapshot(config, { store, collectors: [windowed], now: () => new Date('2026-01-20T00:00:00Z') });
  expect(first.gaps).toEqual([]);
  const second = await collectSnapshot(config, { store, collectors: [windowed], now: () => new Date('2026-03-06T00:00:00Z') });

  const lost: Partial<Gap> = { kind: 'window', window: { start: '2026-01-20T00:00:00.000Z', end: '2026-02-04T00:00:00.000Z' } };
  expect(second.gaps).toEqual([expect.objectContaining(lost)]);
  const envelope = JSON.parse(await readFile(path.join(second.path, 'evidence/123456789012/us-east-1/s3.buckets.json'), 'utf8')) as Envelope;
  expect(envelope.gaps).toEqual([expect.objectContaining(lost)]);
  expect(envelope.window).toEqual({ start: '2026-02-04T00:00:00.000Z', end: '2026-03-06T00:00:00.000Z' });
  expect(envelope.complete).toBe(true);
  const gapsFile = JSON.parse(await readFile(path.join(second.path, 'gaps.json'), 'utf8')) as { items: Gap[] };
  expect(gapsFile.items).toHaveLength(1);
});

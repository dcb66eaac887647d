/**
 * Benchmark: organization mode against moto — how API calls and wall time grow from 5 to 20
 * accounts (× 3 regions), and what one account costs. Every HTTP request goes through a counting
 * proxy, so AssumeRole and SDK retries are counted too (the factory's own count misses the
 * credential provider's STS calls). Also: the S3 evidence store's own requests per snapshot.
 *
 *   npx tsx bench/org-scale.ts                  # 5 and 20 accounts
 *   BENCH_ACCOUNTS=5,20,40 npx tsx bench/org-scale.ts
 *
 * Not a test: no thresholds. The machine is shared; read the ratios, not the seconds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsClientFactory } from '../src/aws/client-factory.js';
import { backupPlans } from '../src/collectors/backup/plans.js';
import { backupVaults } from '../src/collectors/backup/vaults.js';
import { cloudtrailTrails } from '../src/collectors/cloudtrail/trails.js';
import { cloudwatchAlarms } from '../src/collectors/cloudwatch/alarms.js';
import { dynamodbTables } from '../src/collectors/dynamodb/tables.js';
import { kmsKeys } from '../src/collectors/kms/keys.js';
import { rdsClusters } from '../src/collectors/rds/clusters.js';
import { rdsInstances } from '../src/collectors/rds/instances.js';
import { collectSnapshot } from '../src/collectors/run-collection.js';
import { s3Buckets } from '../src/collectors/s3/buckets.js';
import type { Collector } from '../src/collectors/types.js';
import { LocalEvidenceStore } from '../src/evidence/local-store.js';
import { S3EvidenceStore } from '../src/evidence/s3-store.js';
import { seedClient } from '../test/support/aws-seed.js';
import { testConfig } from '../test/support/config.js';
import { startFaultProxy } from '../test/support/fault-proxy.js';
import { startMoto } from '../test/support/moto.js';
import { createOrganization, seedAccounts } from '../test/support/organization.js';

Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_ENDPOINT_URL;
delete process.env.AWS_PROFILE;

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
/**
 * State collectors moto serves (a fixed list, so numbers compare across builds). config.recorders
 * is left out: against moto without a delivery channel, DescribeDeliveryChannelStatus is retried
 * to the attempt limit, and its back-off would dominate the wall time.
 */
const COLLECTORS = [backupPlans, backupVaults, cloudtrailTrails, cloudwatchAlarms, dynamodbTables, kmsKeys, rdsInstances, rdsClusters, s3Buckets] as Collector[];
const sizes = (process.env.BENCH_ACCOUNTS ?? '5,20').split(',').map(Number);

interface Row {
  accounts: number;
  envelopes: number;
  gaps: number;
  /** Requests the collectors sent (the factory's count). */
  sdkCalls: number;
  /** Every HTTP request that reached the endpoint (incl. AssumeRole, ListAccounts, retries). */
  httpRequests: number;
  assumeRole: number;
  wallMs: number;
  storeRequests?: number;
}

async function main(): Promise<void> {
  const moto = await startMoto();
  const rows: Row[] = [];
  try {
    // A warm-up run (2 accounts, not reported): module loading, JIT and moto's own first-call costs.
    for (const n of [-2, ...sizes]) {
      const warmUp = n < 0;
      await moto.reset();
      const org = await createOrganization(moto.url, { members: Math.abs(n) - 1 });
      await seedAccounts(moto.url, org.active, REGIONS);
      const proxy = await startFaultProxy({ target: moto.url });
      const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-bench-org-'));
      const factory = new AwsClientFactory({ endpointUrl: proxy.url });
      try {
        const config = testConfig({ store: dir, regions: REGIONS, accounts: { organization: true, roleName: 'proofpack-read', concurrency: 4 } });
        const started = performance.now();
        const result = await collectSnapshot(config, { store: new LocalEvidenceStore(dir), endpointUrl: proxy.url, clientFactory: factory, collectors: COLLECTORS });
        const wallMs = performance.now() - started;
        if (!warmUp) rows.push({
          accounts: n,
          envelopes: result.envelopes,
          gaps: result.gaps.length,
          sdkCalls: result.calls,
          httpRequests: proxy.requests.length,
          assumeRole: proxy.requests.filter((r) => r.operation === 'AssumeRole').length,
          wallMs,
        });
      } finally {
        factory.destroy();
        await proxy.stop();
        await rm(dir, { recursive: true, force: true });
      }
    }

    // The S3 store's own cost: the same 5-account run written to an Object Lock bucket.
    await moto.reset();
    const org = await createOrganization(moto.url, { members: 4 });
    await seedAccounts(moto.url, org.active, REGIONS);
    const s3 = seedClient(S3Client, { endpoint: moto.url, region: 'us-east-1' });
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-evidence', ObjectLockEnabledForBucket: true }));
    s3.destroy();
    const storeFactory = new AwsClientFactory({ endpointUrl: moto.url });
    const store = new S3EvidenceStore({ url: 's3://bench-evidence/p', retention: { mode: 'GOVERNANCE', days: 1 }, factory: storeFactory });
    const config = testConfig({ store: 's3://bench-evidence/p', regions: REGIONS, accounts: { organization: true, roleName: 'proofpack-read' } });
    const first = await collectSnapshot(config, { store, endpointUrl: moto.url, collectors: COLLECTORS });
    const before = storeFactory.callStats();
    const second = await collectSnapshot(config, { store, endpointUrl: moto.url, collectors: COLLECTORS });
    const after = storeFactory.callStats();
    storeFactory.destroy();
    const storeSecond = after.total - before.total;
    const byOp = Object.fromEntries(Object.keys(after.byOperation).map((op) => [op, after.byOperation[op] - (before.byOperation[op] ?? 0)]).filter(([, v]) => Number(v) > 0));

    console.log(`organization mode against moto: ${REGIONS.length} regions, ${COLLECTORS.length} state collectors, accounts.concurrency 4, collection.concurrency 8\n`);
    console.log('accounts  envelopes  gaps  sdk calls  http requests  AssumeRole  wall s   calls/account  http/account  ms/account');
    for (const r of rows) {
      console.log(
        [
          String(r.accounts).padStart(8),
          String(r.envelopes).padStart(10),
          String(r.gaps).padStart(5),
          String(r.sdkCalls).padStart(10),
          String(r.httpRequests).padStart(14),
          String(r.assumeRole).padStart(11),
          (r.wallMs / 1000).toFixed(1).padStart(7),
          (r.sdkCalls / r.accounts).toFixed(1).padStart(14),
          (r.httpRequests / r.accounts).toFixed(1).padStart(13),
          (r.wallMs / r.accounts).toFixed(0).padStart(11),
        ].join(' '),
      );
    }
    if (rows.length >= 2) {
      const [a, b] = [rows[0], rows.at(-1)!];
      const marginalCalls = (b.httpRequests - a.httpRequests) / (b.accounts - a.accounts);
      const marginalMs = (b.wallMs - a.wallMs) / (b.accounts - a.accounts);
      console.log(
        `\n${b.accounts} vs ${a.accounts} accounts: calls ×${(b.sdkCalls / a.sdkCalls).toFixed(2)}, http requests ×${(b.httpRequests / a.httpRequests).toFixed(2)}, wall time ×${(b.wallMs / a.wallMs).toFixed(2)} (accounts ×${(b.accounts / a.accounts).toFixed(2)})`,
      );
      console.log(`marginal cost of one account: ${marginalCalls.toFixed(1)} http requests, ${marginalMs.toFixed(0)} ms of wall time at these concurrency limits`);
    }
    console.log(`\nS3 store (Object Lock bucket), 5 accounts: ${first.envelopes} envelopes per snapshot; the second snapshot cost the store ${storeSecond} S3 requests (${second.envelopes + 3} objects written + manifest, lock, listings, chain head):`);
    console.log(`  ${JSON.stringify(byOp)}`);
  } finally {
    await moto.stop();
  }
}

await main();

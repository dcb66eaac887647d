import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsClientFactory } from '../../src/aws/client-factory.js';
import { runCli } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { resolveAccounts } from '../../src/collectors/accounts.js';
import { backupVaults } from '../../src/collectors/backup/vaults.js';
import { configAggregateResources } from '../../src/collectors/config/aggregate-resources.js';
import { TRACKED_TYPE_NAMES } from '../../src/collectors/config/resource-types.js';
import { configResources } from '../../src/collectors/config/resources.js';
import { collectSnapshot, type CollectResult } from '../../src/collectors/run-collection.js';
import { s3Buckets } from '../../src/collectors/s3/buckets.js';
import type { Collector } from '../../src/collectors/types.js';
import { CollectorError } from '../../src/errors.js';
import { verifyChain, verifySnapshotFiles } from '../../src/evidence/chain.js';
import { validateEnvelope } from '../../src/evidence/envelope.js';
import { S3EvidenceStore } from '../../src/evidence/s3-store.js';
import type { EvidenceStore } from '../../src/evidence/store.js';
import type { Envelope, Gap, Manifest } from '../../src/evidence/types.js';
import { seedClient } from '../support/aws-seed.js';
import { testConfig } from '../support/config.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { createOrganization, seedAccounts, type SeededOrganization } from '../support/organization.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const collectors = [backupVaults, s3Buckets] as Collector[];
const ORG_ACCOUNTS = { organization: true, roleName: 'proofpack-read', concurrency: 2 };

let moto: MotoServer;
let org: SeededOrganization;
const stores: S3EvidenceStore[] = [];

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  for (const store of stores) store.close();
  await moto.stop();
});
beforeEach(async () => {
  await moto.reset();
  // 5 active accounts (the management account and 4 members) and one closed account.
  org = await createOrganization(moto.url, { members: 4, suspended: 1 });
  await seedAccounts(moto.url, org.active, REGIONS);
});

async function readEnvelope(store: EvidenceStore, snapshotId: string, rel: string): Promise<Envelope> {
  const value = JSON.parse((await store.readSnapshotFile(snapshotId, rel)).toString('utf8')) as unknown;
  validateEnvelope(value, rel);
  return value;
}

test('organization mode: 5 accounts × 3 regions collected through AssumeRole, the suspended account a gap', async () => {
  expect(org.active).toHaveLength(5);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-org-'));
  const config = testConfig({ store: dir, regions: REGIONS, accounts: ORG_ACCOUNTS });
  const { LocalEvidenceStore } = await import('../../src/evidence/local-store.js');
  const store = new LocalEvidenceStore(dir);

  const result = await collectSnapshot(config, { store, endpointUrl: moto.url, collectors });

  // backup.vaults per account × region, s3.buckets per account.
  expect(result.envelopes).toBe(5 * (3 + 1));
  const { manifest } = await store.readManifest(result.snapshotId);
  expect(manifest.accounts.map((a) => a.id)).toEqual(org.active.map((a) => a.id));
  for (const account of org.active) {
    const identity = manifest.accounts.find((a) => a.id === account.id)!.callerIdentity!;
    expect(identity.account).toBe(account.id);
    expect(identity.arn).toBe(`arn:aws:sts::${account.id}:assumed-role/proofpack-read/proofpack`);
    for (const region of REGIONS) {
      const vaults = await readEnvelope(store, result.snapshotId, `evidence/${account.id}/${region}/backup.vaults.json`);
      const arns = (vaults.data as { vaults: Array<{ vault: { BackupVaultArn: string } }> }).vaults.map((v) => v.vault.BackupVaultArn);
      expect(arns).toEqual([`arn:aws:backup:${region}:${account.id}:backup-vault:vault-${region}`]);
      expect(vaults.provenance.callerIdentity?.account).toBe(account.id);
    }
    const buckets = await readEnvelope(store, result.snapshotId, `evidence/${account.id}/global/s3.buckets.json`);
    expect((buckets.data as { buckets: Array<{ name: string }> }).buckets.map((b) => b.name)).toEqual([`data-${account.id}`]);
  }

  // The closed account is not collected; it is a gap of kind `account` (and a note).
  const [closed] = org.suspended;
  expect(result.gaps.filter((g) => g.kind === 'account')).toEqual([
    expect.objectContaining({ collector: '*', account: closed.id, region: '*', kind: 'account', operation: 'organizations:ListAccounts', errorCode: 'SUSPENDED' }),
  ]);
  expect(result.notes).toContain(`account closed-1 (${closed.id}) is suspended and is not collected`);
  expect(result.callsByOperation['organizations:ListAccounts']).toBe(1);
});

test('include and exclude choose accounts by id or name pattern; unmatched patterns are noted', async () => {
  const factory = new AwsClientFactory({ endpointUrl: moto.url });
  try {
    const [first] = org.active.filter((a) => a.name !== 'master');
    const config = testConfig({
      regions: REGIONS,
      accounts: { organization: true, roleName: 'audit/proofpack-read', include: ['MEMBER-*', 'closed-?'], exclude: [first.id, 'nothing-*'] },
    });

    const resolved = await resolveAccounts(config, factory);

    const expected = org.active.filter((a) => a.name.startsWith('member-') && a.id !== first.id);
    expect(resolved.accounts).toEqual(expected.map((a) => ({ id: a.id, name: a.name, roleArn: `arn:aws:iam::${a.id}:role/audit/proofpack-read` })));
    expect(resolved.gaps.map((g) => g.account)).toEqual([org.suspended[0].id]);
    expect(resolved.notes).toEqual(
      expect.arrayContaining([
        `account master (${org.management}) is not included by accounts.include`,
        `account ${first.name} (${first.id}) is excluded by accounts.exclude`,
        'accounts.exclude[1] "nothing-*" matched no account of the organization',
      ]),
    );
    expect(resolved.accountConcurrency).toBe(4);
  } finally {
    factory.destroy();
  }
});

test('an account whose role cannot be assumed is a gap, not a failure of the run', async () => {
  const denied = org.active.find((a) => a.name === 'member-02')!;
  const proxy = await startFaultProxy({
    target: moto.url,
    rules: [
      {
        match: { action: 'AssumeRole', body: new RegExp(`RoleArn=arn%3Aaws%3Aiam%3A%3A${denied.id}%3A`) },
        respond: {
          status: 403,
          headers: { 'content-type': 'text/xml' },
          body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::${org.management}:user/scheduler is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${denied.id}:role/proofpack-read</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>`,
        },
      },
    ],
  });
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-org-denied-'));
    const config = testConfig({ store: dir, regions: REGIONS, accounts: ORG_ACCOUNTS });
    const { LocalEvidenceStore } = await import('../../src/evidence/local-store.js');

    const result = await collectSnapshot(config, { store: new LocalEvidenceStore(dir), endpointUrl: proxy.url, collectors });

    expect(proxy.requests.filter((r) => r.canned).length).toBeGreaterThan(0);
    expect(result.gaps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          collector: '*',
          account: denied.id,
          region: '*',
          kind: 'account',
          operation: 'sts:AssumeRole',
          errorCode: 'AccessDenied',
          message: expect.stringContaining('is not authorized to perform: sts:AssumeRole'),
        }),
      ]),
    );
    expect(result.envelopes).toBe(4 * (3 + 1));
  } finally {
    await proxy.stop();
  }
});

test('organization mode without organizations:ListAccounts fails the run with the reason', async () => {
  const proxy = await startFaultProxy({
    target: moto.url,
    rules: [
      {
        match: { target: 'ListAccounts' },
        respond: {
          status: 400,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: JSON.stringify({ __type: 'AccessDeniedException', Message: 'You don\'t have permissions to access this resource.' }),
        },
      },
    ],
  });
  const factory = new AwsClientFactory({ endpointUrl: proxy.url, maxAttempts: 1 });
  try {
    const error = await resolveAccounts(testConfig({ regions: REGIONS, accounts: ORG_ACCOUNTS }), factory).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CollectorError);
    expect((error as Error).message).toMatch(/^organizations:ListAccounts failed \(AccessDeniedException: .*\) — organization mode runs with the management account or a delegated administrator/);
  } finally {
    factory.destroy();
    await proxy.stop();
  }
});

test('org-level inventory: with a Config aggregator, inventory is one set of calls in the aggregator account, not one per account', async () => {
  const bucketsByAccount = org.active.map((a) => ({ SourceAccountId: a.id, SourceRegion: 'us-east-1', ResourceId: `data-${a.id}`, ResourceName: `data-${a.id}`, ResourceType: 'AWS::S3::Bucket' }));
  const json = (body: unknown) => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) });
  // moto does not serve the aggregate listings: AWS-shaped responses (ListAggregateDiscoveredResources, GetAggregateDiscoveredResourceCounts).
  const proxy = await startFaultProxy({
    target: moto.url,
    rules: [
      {
        match: { target: 'ListAggregateDiscoveredResources' },
        respond: (req) => json({ ResourceIdentifiers: (JSON.parse(req.body) as { ResourceType: string }).ResourceType === 'AWS::S3::Bucket' ? bucketsByAccount : [] }),
      },
      {
        match: { target: 'GetAggregateDiscoveredResourceCounts' },
        respond: json({ TotalDiscoveredResources: 5, GroupByKey: 'RESOURCE_TYPE', GroupedResourceCounts: [{ GroupName: 'AWS::S3::Bucket', ResourceCount: 5 }] }),
      },
    ],
  });
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-org-aggregator-'));
    const config = testConfig({ store: dir, regions: REGIONS, accounts: ORG_ACCOUNTS, aggregator: { name: 'org-inventory', region: 'us-east-1', account: org.management } });
    const { LocalEvidenceStore } = await import('../../src/evidence/local-store.js');
    const store = new LocalEvidenceStore(dir);

    const result = await collectSnapshot(config, { store, endpointUrl: proxy.url, collectors: [configResources, configAggregateResources] as Collector[] });

    // One envelope, in the aggregator's account, holding every account's resources; no per-account inventory.
    const index = JSON.parse((await store.readSnapshotFile(result.snapshotId, 'index.json')).toString('utf8')) as { envelopes: Array<{ collector: string; account: string }> };
    expect(index.envelopes.map((e) => [e.collector, e.account])).toEqual([['config.aggregate-resources', org.management]]);
    const envelope = await readEnvelope(store, result.snapshotId, `evidence/${org.management}/global/config.aggregate-resources.json`);
    const s3 = (envelope.data as { types: Array<{ resourceType: string; resources?: Array<{ SourceAccountId: string }> }> }).types.find((t) => t.resourceType === 'AWS::S3::Bucket')!;
    expect(s3.resources!.map((r) => r.SourceAccountId).sort()).toEqual(org.active.map((a) => a.id));
    // The inventory calls do not depend on the number of accounts: one listing per tracked type, one count.
    expect(result.callsByOperation['config:ListAggregateDiscoveredResources']).toBe(TRACKED_TYPE_NAMES.length);
    expect(result.callsByOperation['config:GetAggregateDiscoveredResourceCounts']).toBe(1);
    expect(Object.keys(result.callsByOperation).filter((op) => op.startsWith('config:') && !op.includes('Aggregate'))).toEqual([]);
  } finally {
    await proxy.stop();
  }
});

/**
 * What differs between two runs of the same estate by nature is taken out: ids and times, request
 * ids, the order of parallel calls, and the role session's user id (moto gives every AssumeRole a new role id; AWS does not).
 */
function comparableEnvelope(e: Envelope): unknown {
  return {
    ...e,
    id: undefined,
    snapshotId: undefined,
    window: undefined,
    gaps: comparableGaps(e.gaps),
    provenance: {
      ...e.provenance,
      startedAt: undefined,
      endedAt: undefined,
      callerIdentity: e.provenance.callerIdentity ? { ...e.provenance.callerIdentity, userId: undefined } : null,
      // A collector may make its per-resource calls in parallel: their order is not part of the evidence.
      calls: e.provenance.calls.map((c) => ({ ...c, requestIds: undefined })).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    },
  };
}
const comparableGaps = (gaps: Gap[]) => gaps.map((g) => ({ ...g, at: undefined }));
const comparableAccounts = (m: Manifest) => m.accounts.map((a) => ({ id: a.id, name: a.name, account: a.callerIdentity?.account, arn: a.callerIdentity?.arn }));

function captureIo(cwd: string): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    isTTY: false,
    env: { ...process.env },
    cwd,
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

test('two shards of one run, merged, equal one full run: same envelopes, one manifest, one chain link (S3 store)', async () => {
  const s3 = seedClient(S3Client, { endpoint: moto.url, region: 'us-east-1' });
  await s3.send(new CreateBucketCommand({ Bucket: 'org-evidence', ObjectLockEnabledForBucket: true }));
  s3.destroy();
  const url = 's3://org-evidence/soc2';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-shards-'));
  const raw = { organization: 'Larkspur Health, Inc.', system: 'Care', period: { start: '2026-01-01', end: '2026-06-30' }, regions: REGIONS, accounts: ORG_ACCOUNTS, store: url, storeRetention: { mode: 'GOVERNANCE', days: 1 } };
  await writeFile(path.join(dir, 'proofpack.yaml'), JSON.stringify(raw));
  const config = testConfig(raw, dir);
  const store = new S3EvidenceStore({ url, retention: { mode: 'GOVERNANCE', days: 1 }, endpointUrl: moto.url });
  stores.push(store);
  const runId = 'monthly-2026-03';

  const full = await collectSnapshot(config, { store, endpointUrl: moto.url, collectors });
  const first: CollectResult = await collectSnapshot(config, { store, endpointUrl: moto.url, collectors, shard: { index: 1, count: 2 }, runId });

  // Shard 1 alone: its envelopes are in the store, but no snapshot is visible and `merge` says what is missing.
  expect(first.shard).toMatchObject({ shard: '1/2', merged: null, waitingFor: ['2/2'] });
  expect(first.manifestSha256).toBe('');
  expect(await store.listSnapshotIds()).toEqual([full.snapshotId]);
  const early = captureIo(dir);
  expect(await runCli(['merge', '-c', 'proofpack.yaml', '--run-id', runId, '--endpoint-url', moto.url], early)).toBe(2);
  expect(early.err).toContain(`run ${runId} cannot be merged yet: 1 of 2 shards are done; missing 2/2`);

  // Shard 2 finishes last and merges the run.
  const second = await collectSnapshot(config, { store, endpointUrl: moto.url, collectors, shard: { index: 2, count: 2 }, runId });
  expect(second.shard?.merged?.status).toBe('merged');
  expect(second.snapshotId).toBe(first.snapshotId);
  expect(first.envelopes + second.envelopes).toBe(full.envelopes);

  const ids = await store.listSnapshotIds();
  expect(ids).toEqual([full.snapshotId, second.snapshotId].sort());
  const [a, b] = [await store.readManifest(full.snapshotId), await store.readManifest(second.snapshotId)];
  expect(b.sha256).toBe(second.manifestSha256);
  expect(b.manifest.previous).toEqual({ snapshotId: full.snapshotId, manifestSha256: full.manifestSha256 });
  expect(verifyChain([a, b])).toEqual([]);
  expect(await verifySnapshotFiles(store, b)).toEqual([]);

  // Same files, same envelopes, same index, same gaps, same accounts.
  expect(b.manifest.files.map((f) => f.path)).toEqual(a.manifest.files.map((f) => f.path));
  expect(b.manifest.shard).toBeUndefined();
  expect(b.manifest.runId).toBe(runId);
  expect(comparableAccounts(b.manifest)).toEqual(comparableAccounts(a.manifest));
  expect(b.manifest.sources).toEqual(a.manifest.sources);
  for (const file of a.manifest.files.filter((f) => f.path.startsWith('evidence/'))) {
    expect(comparableEnvelope(await readEnvelope(store, second.snapshotId, file.path))).toEqual(comparableEnvelope(await readEnvelope(store, full.snapshotId, file.path)));
  }
  const json = async (id: string, rel: string) => JSON.parse((await store.readSnapshotFile(id, rel)).toString('utf8')) as Record<string, unknown>;
  const strip = (entries: Array<Record<string, unknown>>) => entries.map((e) => ({ ...e, id: undefined, window: undefined }));
  expect(strip((await json(second.snapshotId, 'index.json')).envelopes as never)).toEqual(strip((await json(full.snapshotId, 'index.json')).envelopes as never));
  expect(comparableGaps((await json(second.snapshotId, 'gaps.json')).items as Gap[])).toEqual(comparableGaps((await json(full.snapshotId, 'gaps.json')).items as Gap[]));
  expect(comparableGaps(second.shard!.merged!.gaps)).toEqual(comparableGaps(full.gaps));
  const [fullRun, mergedRun] = [await json(full.snapshotId, 'run.json'), await json(second.snapshotId, 'run.json')];
  for (const key of ['accounts', 'regions', 'sources', 'windows', 'period']) expect(mergedRun[key]).toEqual(fullRun[key]);
  expect(mergedRun.shard).toBeUndefined();

  // Merging again is harmless and says so.
  const again = captureIo(dir);
  expect(await runCli(['merge', '-c', 'proofpack.yaml', '--run-id', runId, '--endpoint-url', moto.url], again)).toBe(0);
  expect(again.out).toBe(`run ${runId} was already merged into snapshot ${second.snapshotId}\n`);
  // A shard started again for a merged run is refused rather than silently re-collected.
  await expect(collectSnapshot(config, { store, endpointUrl: moto.url, collectors, shard: { index: 1, count: 2 }, runId })).rejects.toThrow(
    `run ${runId} is already merged into snapshot ${second.snapshotId}; start a new run with another --run-id`,
  );
  await expect(collectSnapshot(config, { store, endpointUrl: moto.url, collectors, shard: { index: 1, count: 3 }, runId: 'other' })).resolves.toBeDefined();
  await expect(collectSnapshot(config, { store, endpointUrl: moto.url, collectors, shard: { index: 2, count: 2 }, runId: 'other' })).rejects.toThrow(
    '--shard 2/2: run other was started with 3 shards; use --shard i/3 or a new --run-id',
  );
});

/**
 * AWS Backup's organization-wide job listing (config `backupOrganizationView`) in an organization
 * built in moto: accounts listed with Organizations and reached with AssumeRole for real; one
 * ListBackupJobs with ByAccountId "*" per region, made with the management account's role, split
 * into one envelope per account × region.
 *
 * moto does not serve ListBackupJobs, so the fault proxy in front of it answers that operation
 * with AWS-shaped responses (REST-JSON, dates as epoch seconds). It tells callers apart as AWS
 * does, by the access key that signed the request: it learns each assumed role's key from moto's
 * AssumeRole answers. Like AWS, it answers ByAccountId "*" only for the management account.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCsv, parseCsvHeaderBlock } from '../../src/bundle/csv.js';
import { backupJobs } from '../../src/collectors/backup/backup-jobs.js';
import type { Config } from '../../src/config/types.js';
import { loadPeriod } from '../../src/period/load-period.js';
import { buildReportPopulations } from '../../src/report/populations.js';
import { readBundledChain, readEvidenceFacts } from '../../src/report/report-evidence.js';
import { collectSnapshot, type CollectResult } from '../../src/collectors/run-collection.js';
import { validateEnvelope } from '../../src/evidence/envelope.js';
import { LocalEvidenceStore } from '../../src/evidence/local-store.js';
import type { Envelope } from '../../src/evidence/types.js';
import { testConfig } from '../support/config.js';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from '../support/fault-proxy.js';
import { useMoto } from '../support/moto.js';
import { assumedRoleKeys, createOrganization, type SeededOrganization } from '../support/organization.js';

const REGIONS = ['us-east-1', 'eu-central-1'];
const NOW = new Date('2026-03-10T06:00:00Z');
const ORG_ACCOUNTS = { organization: true, roleName: 'proofpack-read' };
const OUTSIDE = '999999999999'; // a job of an account not in scope (excluded, say): never in any envelope

const moto = useMoto();
let org: SeededOrganization;

beforeEach(async () => {
  org = await createOrganization(moto.url, { members: 2 }); // 3 active accounts, the management account among them
});

interface Job {
  BackupJobId: string;
  AccountId: string;
  ResourceArn: string;
  ResourceType: string;
  BackupVaultName: string;
  CreationDate: number;
  CompletionDate: number;
  State: string;
}

/** Per account and region: a job in the window, and one a month before it (outside every query). */
function jobsIn(region: string): Job[] {
  const seconds = (iso: string) => Date.parse(iso) / 1000;
  const job = (account: string, age: 'recent' | 'old', day: string, state: string): Job => ({
    BackupJobId: `job-${account}-${region}-${age}`,
    AccountId: account,
    ResourceArn: `arn:aws:rds:${region}:${account}:db:orders`,
    ResourceType: 'RDS',
    BackupVaultName: `vault-${region}`,
    CreationDate: seconds(`${day}T05:00:00Z`),
    CompletionDate: seconds(`${day}T05:40:00Z`),
    State: state,
  });
  return [...org.active.map((a) => a.id), OUTSIDE].flatMap((account, i) => [
    job(account, 'recent', '2026-03-05', i === 1 ? 'FAILED' : 'COMPLETED'),
    job(account, 'old', '2026-02-01', 'COMPLETED'),
  ]);
}

interface FakeBackup {
  proxy: FaultProxy;
  /** ListBackupJobs requests: the caller's account, region and ByAccountId. */
  listings: Array<{ caller: string; region: string; byAccountId?: string }>;
}

/** moto behind a proxy that answers ListBackupJobs as AWS would for the signing account. */
async function fakeBackup(options: { denyOrganizationWide?: boolean; unreachable?: string } = {}): Promise<FakeBackup> {
  const roles = assumedRoleKeys(() => org.management);
  const listings: FakeBackup['listings'] = [];
  let requestCount = 0;
  const json = (status: number, body: unknown, errorType?: string) => ({
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': `list-backup-jobs-${(requestCount += 1)}`,
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    },
    body: JSON.stringify(body),
  });
  const listBackupJobs = (req: ProxiedRequest) => {
    const { account: caller, region } = roles.signer(req, 'backup');
    const query = new URL(req.path, 'http://x').searchParams;
    const byAccountId = query.get('accountId') ?? undefined;
    listings.push({ caller, region, ...(byAccountId ? { byAccountId } : {}) });
    if (byAccountId === '*' && (caller !== org.management || options.denyOrganizationWide)) {
      return json(403, { Message: `User: arn:aws:sts::${caller}:assumed-role/proofpack-read/proofpack is not authorized to perform: backup:ListBackupJobs` }, 'AccessDeniedException');
    }
    const date = (name: string) => (query.get(name) ? Date.parse(query.get(name)!) / 1000 : undefined);
    const within = (at: number, after?: number, before?: number) => (after === undefined || at >= after) && (before === undefined || at <= before);
    const jobs = jobsIn(region).filter(
      (j) =>
        (byAccountId === '*' || j.AccountId === (byAccountId ?? caller)) &&
        within(j.CreationDate, date('createdAfter'), date('createdBefore')) &&
        (!query.get('completeAfter') || within(j.CompletionDate, date('completeAfter'), date('completeBefore'))),
    );
    return json(200, { BackupJobs: jobs });
  };
  const proxy = await startFaultProxy({
    target: moto.url,
    rules: [
      { match: { method: 'GET', path: /^\/backup-jobs\/?(\?|$)/ }, respond: listBackupJobs },
      ...(options.unreachable
        ? [
            {
              match: { action: 'AssumeRole', body: new RegExp(`RoleArn=arn%3Aaws%3Aiam%3A%3A${options.unreachable}%3A`) },
              respond: {
                status: 403,
                headers: { 'content-type': 'text/xml' },
                body: `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${options.unreachable}:role/proofpack-read</Message></Error><RequestId>denied-1</RequestId></ErrorResponse>`,
              },
            },
          ]
        : []),
    ],
    onForwarded: roles.onForwarded,
  });
  return { proxy, listings };
}

interface Run {
  result: CollectResult;
  config: Config;
  store: LocalEvidenceStore;
  envelope(account: string, region: string): Promise<Envelope | undefined>;
}

async function collect(
  endpointUrl: string,
  overrides: Record<string, unknown> = {},
  shard?: { index: number; count: number },
  storeDir?: string,
): Promise<Run> {
  const dir = storeDir ?? (await mkdtemp(path.join(os.tmpdir(), 'proofpack-backup-org-')));
  const config = testConfig({
    store: dir,
    period: { start: '2026-03-01', end: '2026-06-30' },
    regions: REGIONS,
    accounts: ORG_ACCOUNTS,
    backupOrganizationView: { account: org.management },
    collection: { maxAttempts: 1 },
    ...overrides,
  });
  const store = new LocalEvidenceStore(dir);
  const result = await collectSnapshot(config, {
    store,
    endpointUrl,
    collectors: [backupJobs],
    now: () => NOW,
    ...(shard ? { shard, runId: 'run-org-view' } : {}),
  });
  return {
    result,
    config,
    store,
    async envelope(account, region) {
      const rel = `evidence/${account}/${region}/backup.backup-jobs.json`;
      try {
        const value = JSON.parse((await store.readSnapshotFile(result.snapshotId, rel)).toString('utf8')) as unknown;
        validateEnvelope(value, rel);
        return value;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || /not found|no such/i.test(String(error))) return undefined;
        throw error;
      }
    },
  };
}

const jobIds = (e: Envelope | undefined) => (e?.data as { jobs: Job[] } | undefined)?.jobs.map((j) => j.BackupJobId);

test('one organization-wide listing per region feeds one envelope per account × region, each with only its own jobs', async () => {
  const fake = await fakeBackup();
  try {
    const { result, envelope } = await collect(fake.proxy.url);

    expect(result.gaps).toEqual([]);
    for (const { id } of org.active) {
      for (const region of REGIONS) {
        // The job a month before the window is outside every query; the account out of scope appears nowhere.
        expect(jobIds(await envelope(id, region))).toEqual([`job-${id}-${region}-recent`]);
      }
    }
    const second = await envelope(org.active[1].id, 'eu-central-1');
    expect((second!.data as { jobs: Job[] }).jobs[0]).toMatchObject({ State: 'FAILED', CreationDate: '2026-03-05T05:00:00.000Z' });
    // Every listing was organization-wide, made with the management account's role: two per region
    // (the window's jobs, and the lookback for jobs that finished in it), whatever the number of accounts.
    expect(fake.listings).toHaveLength(REGIONS.length * 2);
    expect(fake.listings.every((l) => l.byAccountId === '*' && l.caller === org.management)).toBe(true);
    expect(result.callsByOperation['backup:ListBackupJobs']).toBe(REGIONS.length * 2);
  } finally {
    await fake.proxy.stop();
  }
});

test('the backup-jobs population holds every account\'s jobs and counts each organization-wide request once', async () => {
  const fake = await fakeBackup();
  try {
    const { config, store } = await collect(fake.proxy.url);

    const view = await loadPeriod(store, config);
    const facts = await readEvidenceFacts(store, view, await readBundledChain(store, view));
    const [jobsPopulation] = buildReportPopulations({ view, config, facts, bundlePaths: new Map(), generatedAt: '2026-03-10T07:00:00.000Z' }).filter(
      (f) => f.csvPath === 'populations/backup-jobs.csv',
    );
    const { records, comments } = parseCsv(jobsPopulation.csv.toString('utf8'));
    const [columns, ...rows] = records;
    const ids = rows.map((r) => r[columns.indexOf('job_id')]).sort();
    expect(ids).toEqual(org.active.flatMap((a) => REGIONS.map((r) => `job-${a.id}-${r}-recent`)).sort());
    // Six envelopes cite the same four requests: the header counts four calls, not twelve.
    const header = parseCsvHeaderBlock(comments);
    expect(header.get('operations')).toBe('backup:ListBackupJobs (4 calls, 4 pages, 8 records)');
    expect(header.get('caller identities')).toBe(`arn:aws:sts::${org.management}:assumed-role/proofpack-read/proofpack`);
    const sidecar = JSON.parse(jobsPopulation.provenance.toString('utf8')) as { sources: Array<{ account: string; view?: string }> };
    expect(sidecar.sources.filter((s) => s.view?.includes('ByAccountId "*"'))).toHaveLength(org.active.length * REGIONS.length);
  } finally {
    await fake.proxy.stop();
  }
});

test('without the view, the same jobs take a listing pair per account × region, each in its own account', async () => {
  const fake = await fakeBackup();
  try {
    const { result, envelope } = await collect(fake.proxy.url, { backupOrganizationView: undefined });

    expect(result.gaps).toEqual([]);
    const member = org.active.find((a) => a.id !== org.management)!;
    expect(jobIds(await envelope(member.id, 'us-east-1'))).toEqual([`job-${member.id}-us-east-1-recent`]);
    expect(fake.listings).toHaveLength(org.active.length * REGIONS.length * 2);
    expect(new Set(fake.listings.map((l) => l.caller))).toEqual(new Set(org.active.map((a) => a.id)));
  } finally {
    await fake.proxy.stop();
  }
});

test("provenance names the listing's caller, the organization-wide query, and how it was kept to the account", async () => {
  const fake = await fakeBackup();
  try {
    const { envelope } = await collect(fake.proxy.url);

    const member = org.active.find((a) => a.id !== org.management)!;
    const e = (await envelope(member.id, 'eu-central-1'))!;
    expect(e.account).toBe(member.id);
    expect(e.provenance.callerIdentity).toMatchObject({ account: org.management, arn: `arn:aws:sts::${org.management}:assumed-role/proofpack-read/proofpack` });
    expect(e.provenance.view).toBe(
      `AWS Backup ListBackupJobs with ByAccountId "*" from account ${org.management} (backupOrganizationView), kept to AccountId ${member.id}`,
    );
    expect(e.provenance.calls).toEqual([
      expect.objectContaining({ operation: 'backup:ListBackupJobs', region: 'eu-central-1', parameters: expect.objectContaining({ ByAccountId: '*' }), records: 4, outcome: 'ok' }),
      expect.objectContaining({ operation: 'backup:ListBackupJobs', region: 'eu-central-1', parameters: expect.objectContaining({ ByAccountId: '*', ByCompleteAfter: '2026-03-01T00:00:00.000Z' }) }),
    ]);
  } finally {
    await fake.proxy.stop();
  }
});

test('a denied organization-wide listing is a denied gap for every account × region, asked once per region', async () => {
  const fake = await fakeBackup({ denyOrganizationWide: true });
  try {
    const { result, envelope } = await collect(fake.proxy.url);

    expect(await envelope(org.management, 'us-east-1')).toBeUndefined();
    const gaps = result.gaps.filter((g) => g.collector === 'backup.backup-jobs');
    expect(gaps.map((g) => `${g.account}/${g.region}`).sort()).toEqual(org.active.flatMap((a) => REGIONS.map((r) => `${a.id}/${r}`)).sort());
    expect(gaps.every((g) => g.kind === 'denied' && g.operation === 'backup:ListBackupJobs' && g.errorCode === 'AccessDeniedException')).toBe(true);
    expect(fake.listings).toHaveLength(REGIONS.length);
  } finally {
    await fake.proxy.stop();
  }
});

test('when the view account cannot be reached, every other account × region has a gap that says why', async () => {
  const fake = await fakeBackup({ unreachable: org.management });
  try {
    const { result } = await collect(fake.proxy.url);

    expect(result.gaps).toContainEqual(expect.objectContaining({ account: org.management, kind: 'account', operation: 'sts:AssumeRole', errorCode: 'AccessDenied' }));
    const jobGaps = result.gaps.filter((g) => g.collector === 'backup.backup-jobs');
    expect(jobGaps).toHaveLength((org.active.length - 1) * REGIONS.length);
    expect(jobGaps.every((g) => g.message.includes(`account ${org.management} is not reachable in this run`))).toBe(true);
    expect(fake.listings).toHaveLength(0);
  } finally {
    await fake.proxy.stop();
  }
});

test("shards without the view account still list with its role; the merged run equals one full run", async () => {
  const fake = await fakeBackup();
  try {
    const full = await collect(fake.proxy.url);
    const fullListings = fake.listings.length;

    // Shards slice the accounts sorted by id: with one shard per account, two shards hold no management account.
    const count = org.active.length;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-backup-org-shards-'));
    let last: Run | undefined;
    for (let index = 1; index <= count; index += 1) last = await collect(fake.proxy.url, { store: dir }, { index, count }, dir);
    const merged = last!;

    expect(merged.result.shard?.merged).toBeTruthy();
    for (const { id } of org.active) {
      for (const region of REGIONS) {
        const [a, b] = [await full.envelope(id, region), await merged.envelope(id, region)];
        expect(jobIds(b)).toEqual(jobIds(a));
        expect(b!.provenance.callerIdentity).toMatchObject({ account: org.management });
      }
    }
    // Each shard makes its own organization-wide listing per region, always as the management account.
    expect(fake.listings.length - fullListings).toBe(count * REGIONS.length * 2);
    expect(fake.listings.every((l) => l.caller === org.management && l.byAccountId === '*')).toBe(true);
  } finally {
    await fake.proxy.stop();
  }
});

/**
 * DR and protection-change events from an organization's CloudTrail Lake event data store
 * (config `eventDataStore`), in an organization built in moto: accounts listed with
 * Organizations and reached with AssumeRole for real; one Lake query per run, made with the
 * management account's role in the store's region, split into one envelope per account × region.
 *
 * moto does not serve CloudTrail Lake, so the fault proxy in front of it answers StartQuery and
 * GetQueryResults with AWS-shaped responses (JSON 1.1; rows as lists of one-column maps; the
 * query RUNNING at the first poll; results in pages with NextToken). It reads the time bounds
 * and event names from the SQL the way Lake would filter, and tells callers apart by the access
 * key that signed the request (learnt from moto's AssumeRole answers).
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cloudtrailEvents } from '../../src/collectors/cloudtrail/events.js';
import { collectSnapshot, type CollectResult } from '../../src/collectors/run-collection.js';
import type { Config } from '../../src/config/types.js';
import { eventsNamed } from '../../src/controls/support/events.js';
import { validateEnvelope } from '../../src/evidence/envelope.js';
import { LocalEvidenceStore } from '../../src/evidence/local-store.js';
import type { Envelope } from '../../src/evidence/types.js';
import { loadPeriod } from '../../src/period/load-period.js';
import { testConfig } from '../support/config.js';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from '../support/fault-proxy.js';
import { useMoto } from '../support/moto.js';
import { assumedRoleKeys, createOrganization, type SeededOrganization } from '../support/organization.js';

const REGIONS = ['us-east-1', 'eu-central-1'];
const NOW = new Date('2026-03-10T06:00:00Z');
const OUTSIDE = '999999999999';
const moto = useMoto();
let org: SeededOrganization;

beforeEach(async () => {
  org = await createOrganization(moto.url, { members: 2 }); // 3 active accounts, the management account among them
});

const storeArn = () => `arn:aws:cloudtrail:us-east-1:${org.management}:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE`;

/** Rows as CloudTrail Lake's table holds them: a failover per account × region in the window, and events the query must not return. */
function lakeTable(): Array<Record<string, string>> {
  const row = (id: string, account: string, region: string, time: string, name = 'PromoteReadReplica') => ({
    eventID: id,
    eventName: name,
    eventTime: time,
    eventSource: 'rds.amazonaws.com',
    awsRegion: region,
    recipientAccountId: account,
    userArn: `arn:aws:sts::${account}:assumed-role/dr-operator/alice`,
    requestParameters: JSON.stringify({ dBInstanceIdentifier: `orders-${region}` }),
    responseElements: JSON.stringify({ dBInstanceStatus: 'modifying' }),
  });
  return [
    ...org.active.flatMap((a) => REGIONS.map((r) => row(`ev-${a.id}-${r}`, a.id, r, '2026-03-05 05:00:00.000'))),
    row(`ev-${org.management}-old`, org.management, 'us-east-1', '2026-02-01 05:00:00.000'), // before the period: outside the query
    row('ev-outside', OUTSIDE, 'us-east-1', '2026-03-05 06:00:00.000'), // an account not in scope
    row('ev-sydney', org.management, 'ap-southeast-2', '2026-03-05 07:00:00.000'), // a region not in scope
    row('ev-readonly', org.management, 'us-east-1', '2026-03-05 08:00:00.000', 'DescribeDBInstances'), // a name the query does not ask for
  ];
}

interface FakeLake {
  proxy: FaultProxy;
  statements: Array<{ caller: string; region: string; statement: string }>;
  polls: number;
}

async function fakeLake(options: { fail?: string } = {}): Promise<FakeLake> {
  const roles = assumedRoleKeys(() => org.management);
  const fake: FakeLake = { proxy: undefined as unknown as FaultProxy, statements: [], polls: 0 };
  const queries = new Map<string, { rows: Array<Record<string, string>>; polls: number }>();
  const json = (body: unknown, status = 200) => ({ status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) });
  const caller = (req: ProxiedRequest) => roles.signer(req, 'cloudtrail');
  const startQuery = (req: ProxiedRequest) => {
    const { QueryStatement: statement } = JSON.parse(req.body) as { QueryStatement: string };
    const who = caller(req);
    fake.statements.push({ caller: who.account, region: who.region, statement });
    // What Lake would select: the names in the IN list, eventTime between the two bounds.
    const names = new Set([.../eventName IN \(([^)]*)\)/.exec(statement)![1].matchAll(/'([^']+)'/g)].map((m) => m[1]));
    const [from, to] = [...statement.matchAll(/eventTime [<>]= '([^']+)'/g)].map((m) => m[1]);
    const rows = lakeTable().filter((r) => names.has(r.eventName) && r.eventTime.slice(0, 19) >= from && r.eventTime.slice(0, 19) <= to);
    const id = `query-${queries.size + 1}`;
    queries.set(id, { rows, polls: 0 });
    return json({ QueryId: id });
  };
  const getQueryResults = (req: ProxiedRequest) => {
    const input = JSON.parse(req.body) as { QueryId: string; NextToken?: string };
    const query = queries.get(input.QueryId)!;
    fake.polls += 1;
    query.polls += 1;
    if (query.polls === 1) return json({ QueryStatus: 'RUNNING' });
    if (options.fail) return json({ QueryStatus: 'FAILED', ErrorMessage: options.fail });
    const start = Number(input.NextToken ?? 0);
    const page = query.rows.slice(start, start + 4); // Lake pages as it likes, up to MaxQueryResults
    const next = start + 4 < query.rows.length ? String(start + 4) : undefined;
    return json({
      QueryStatus: 'FINISHED',
      QueryStatistics: { ResultsCount: page.length, TotalResultsCount: query.rows.length },
      QueryResultRows: page.map((r) => Object.entries(r).map(([k, v]) => ({ [k]: v }))),
      ...(next ? { NextToken: next } : {}),
    });
  };
  fake.proxy = await startFaultProxy({
    target: moto.url,
    rules: [
      { match: { target: 'StartQuery' }, respond: startQuery },
      { match: { target: 'GetQueryResults' }, respond: getQueryResults },
    ],
    onForwarded: roles.onForwarded,
  });
  return fake;
}

interface Run {
  result: CollectResult;
  config: Config;
  store: LocalEvidenceStore;
  envelope(account: string, region: string): Promise<Envelope>;
}

async function collect(endpointUrl: string, overrides: Record<string, unknown> = {}, now = NOW): Promise<Run> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-lake-'));
  const config = testConfig({
    store: dir,
    period: { start: '2026-03-01', end: '2026-06-30' },
    regions: REGIONS,
    accounts: { organization: true, roleName: 'proofpack-read' },
    eventDataStore: { arn: storeArn() },
    collection: { maxAttempts: 1 },
    ...overrides,
  });
  const store = new LocalEvidenceStore(dir);
  const result = await collectSnapshot(config, { store, endpointUrl, collectors: [cloudtrailEvents], now: () => now });
  return {
    result,
    config,
    store,
    async envelope(account, region) {
      const rel = `evidence/${account}/${region}/cloudtrail.events.json`;
      const value = JSON.parse((await store.readSnapshotFile(result.snapshotId, rel)).toString('utf8')) as unknown;
      validateEnvelope(value, rel);
      return value;
    },
  };
}

type Events = { queries: Array<{ eventName: string; count?: number }>; events: Array<Record<string, unknown>> };

test('one Lake query per run feeds one envelope per account × region, each with only its own events', async () => {
  const fake = await fakeLake();
  try {
    const { result, envelope } = await collect(fake.proxy.url);

    expect(result.gaps).toEqual([]);
    for (const { id } of org.active) {
      for (const region of REGIONS) {
        const data = (await envelope(id, region)).data as Events;
        expect(data.events.map((e) => e.EventId)).toEqual([`ev-${id}-${region}`]);
        expect(data.events[0]).toMatchObject({
          EventName: 'PromoteReadReplica',
          EventTime: '2026-03-05T05:00:00.000Z',
          EventSource: 'rds.amazonaws.com',
          Username: 'alice',
          category: 'failover',
          cloudTrailEventParsed: { recipientAccountId: id, awsRegion: region, requestParameters: { dBInstanceIdentifier: `orders-${region}` } },
        });
        expect(data.queries.find((q) => q.eventName === 'PromoteReadReplica')?.count).toBe(1);
        expect(data.queries.every((q) => q.count !== undefined)).toBe(true); // every name covered
      }
    }
    // One query for 3 accounts × 2 regions, in the store's region, with the management account's role.
    expect(fake.statements).toHaveLength(1);
    expect(fake.statements[0]).toMatchObject({ caller: org.management, region: 'us-east-1' });
    expect(fake.statements[0].statement).toMatch(/^SELECT eventID, eventName, eventTime, .* FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE WHERE eventName IN \('PromoteReadReplica', /);
    expect(fake.statements[0].statement).toContain("AND eventTime >= '2026-03-01 00:00:00' AND eventTime <= '2026-03-10 06:00:00' ORDER BY eventTime, eventID");
    expect(result.callsByOperation['cloudtrail:StartQuery']).toBe(1);
    expect(result.callsByOperation['cloudtrail:LookupEvents']).toBeUndefined();
  } finally {
    await fake.proxy.stop();
  }
});

test("provenance names the query's caller, the SQL and how the rows were kept to the account and region", async () => {
  const fake = await fakeLake();
  try {
    const { envelope } = await collect(fake.proxy.url);

    const member = org.active.find((a) => a.id !== org.management)!;
    const e = await envelope(member.id, 'eu-central-1');
    expect(e.provenance.callerIdentity).toMatchObject({ account: org.management });
    expect(e.provenance.view).toBe(`CloudTrail Lake query of event data store ${storeArn()} from account ${org.management} (eventDataStore), kept to recipientAccountId ${member.id} and awsRegion eu-central-1`);
    const ops = e.provenance.calls.map((c) => c.operation);
    expect(ops[0]).toBe('cloudtrail:StartQuery');
    expect(e.provenance.calls[0].parameters.QueryStatement).toBe(fake.statements[0].statement);
    // The RUNNING poll, then the result pages (6 rows, 4 a page).
    expect(e.provenance.calls.filter((c) => c.operation === 'cloudtrail:GetQueryResults').reduce((n, c) => n + c.pages, 0)).toBe(3);
  } finally {
    await fake.proxy.stop();
  }
});

test('the controls read Lake events as they read LookupEvents ones: name, time, account, region, request parameters', async () => {
  const fake = await fakeLake();
  try {
    const { store, config } = await collect(fake.proxy.url);

    const view = await loadPeriod(store, config);
    const events = eventsNamed(view, ['PromoteReadReplica']);
    expect(events.map((e) => `${e.account}/${e.region}`).sort()).toEqual(org.active.flatMap((a) => REGIONS.map((r) => `${a.id}/${r}`)).sort());
    expect(events.find((e) => e.region === 'eu-central-1')).toMatchObject({ time: '2026-03-05T05:00:00.000Z', params: { dBInstanceIdentifier: 'orders-eu-central-1' }, category: 'failover' });
  } finally {
    await fake.proxy.stop();
  }
});

test('a query that fails is a gap for every account × region, with Lake’s message, and no envelope', async () => {
  const fake = await fakeLake({ fail: 'Query statement is invalid: column userIdentity.arn cannot be resolved' });
  try {
    const { result } = await collect(fake.proxy.url);

    const gaps = result.gaps.filter((g) => g.collector === 'cloudtrail.events');
    expect(gaps.map((g) => `${g.account}/${g.region}`).sort()).toEqual(org.active.flatMap((a) => REGIONS.map((r) => `${a.id}/${r}`)).sort());
    expect(gaps.every((g) => g.kind === 'failed' && g.message.includes('FAILED: Query statement is invalid'))).toBe(true);
    expect(result.envelopes).toBe(0);
    expect(fake.statements).toHaveLength(1); // asked once, not once per account × region
  } finally {
    await fake.proxy.stop();
  }
});

test("with the store's retention, a first run months into the period reaches back to its start instead of 90 days", async () => {
  const fake = await fakeLake();
  try {
    const late = new Date('2026-06-20T06:00:00Z'); // 111 days after the period's start
    const store = { arn: storeArn() };

    const history = await collect(fake.proxy.url, { eventDataStore: store }, late);
    const lake = await collect(fake.proxy.url, { eventDataStore: { ...store, retentionDays: 2557 } }, late);

    // Without it: CloudTrail event history's 90 days, and the time before is a window gap per account × region.
    expect(fake.statements[0].statement).toContain("eventTime >= '2026-03-22 06:00:00'");
    const windowGaps = history.result.gaps.filter((g) => g.kind === 'window');
    expect(windowGaps).toHaveLength(org.active.length * REGIONS.length);
    expect(windowGaps[0].window).toEqual({ start: '2026-03-01T00:00:00.000Z', end: '2026-03-22T06:00:00.000Z' });
    expect(((await history.envelope(org.management, 'us-east-1')).data as Events).events).toEqual([]);
    // With it: the whole period so far, no gap, and the March failovers are found.
    expect(fake.statements[1].statement).toContain("eventTime >= '2026-03-01 00:00:00'");
    expect(lake.result.gaps).toEqual([]);
    expect(((await lake.envelope(org.management, 'us-east-1')).data as Events).events.map((e) => e.EventId)).toEqual([`ev-${org.management}-us-east-1`]);
    // The coverage ledger judges the source by the same retention.
    const view = await loadPeriod(lake.store, lake.config);
    expect(view.sources.find((s) => s.id === 'cloudtrail.events')?.retentionDays).toBe(2557);
  } finally {
    await fake.proxy.stop();
  }
});

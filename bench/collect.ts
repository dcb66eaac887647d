/**
 * Benchmark: `proofpack collect` against a sequential AWS CLI script making the same calls, and
 * against the floor that AWS's rate limits and the network latency impose on those calls.
 *
 *   npx tsx bench/collect.ts                     # 2 accounts × 6 regions × ~50 resources, then 2 × 3 × ~100
 *   BENCH_CLI_SAMPLE=10 npx tsx bench/collect.ts # time every 10th CLI call only, and extrapolate (marked as such)
 *   BENCH_SKIP_CLI=1 npx tsx bench/collect.ts    # proofpack and the floor only
 *   BENCH_NO_BUILD=1 …                           # use the existing dist/ (default: `npm run build` first)
 *   BENCH_SCENARIOS=1 …                          # only the first scenario
 *
 * What runs: moto_server on 127.0.0.1, seeded through the AWS SDK (bench/support/seed-estate.ts),
 * behind a loopback proxy that adds 50 ms to every request (what a distant AWS endpoint costs).
 * moto does not implement some operations proofpack calls (Backup jobs, recovery points,
 * selections, restore testing, protected resources, vault access policies; Config resource counts
 * and delivery channel status; CloudTrail LookupEvents): it answers them with HTTP 500 or 404 and
 * an HTML page, which the SDK retries for seconds or cannot parse; and its Config configuration
 * items carry timestamps the JS SDK cannot read. The proxy answers those
 * operations itself, with empty responses shaped as AWS documents them (a vault without an access
 * policy: ResourceNotFoundException, as AWS answers), after the same 50 ms. Both sides get the
 * same answers, so the comparison is fair and every collector does its real work.
 *
 * (a) proofpack: the built CLI, `node bin/proofpack.js collect --endpoint-url <proxy> --json`
 *     (falls back to collectSnapshot in-process through tsx when the build fails, and says so).
 * (b) the AWS CLI (v1): a bash script generated from the provenance of proofpack's snapshot — every
 *     call group proofpack made (operation, region, parameters), as one `aws` invocation each,
 *     one after another (the CLI follows the same pages itself), preceded per account by
 *     `aws sts assume-role` and `aws sts get-caller-identity`: the way teams script this today.
 *
 * Not a test: no thresholds. The machine is shared; read the ratios measured in the same run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rateLimitFor } from '../src/aws/rate-limits.js';
import { collectors as registry } from '../src/collectors/index.js';
import type { Envelope } from '../src/evidence/types.js';
import { startMoto } from '../test/support/moto.js';
import { startLatencyProxy, type CannedAnswer, type LatencyProxy } from './support/latency-proxy.js';
import { SHAPE_100, SHAPE_50, resourcesPerRegion, seedEstate, type EstateShape } from './support/seed-estate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const SKIP_CLI = process.env.BENCH_SKIP_CLI === '1';
const CLI_SAMPLE = Math.max(1, Number(process.env.BENCH_CLI_SAMPLE ?? 1));
/** `BENCH_SCENARIOS=1` runs only the first scenario (1-based list). */
const ONLY_SCENARIOS = process.env.BENCH_SCENARIOS?.split(',').map(Number);

const BASE_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_PAGER: '',
};
Object.assign(process.env, BASE_ENV);
for (const key of ['AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_PROFILE']) delete process.env[key];

interface Scenario {
  name: string;
  accounts: string[];
  regions: string[];
  shape: EstateShape;
  cli: boolean;
}

const SCENARIOS: Scenario[] = [
  {
    name: '2 accounts × 6 regions × ~50 resources',
    accounts: ['111111111111', '222222222222'],
    regions: ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'ap-northeast-1'],
    shape: SHAPE_50,
    cli: !SKIP_CLI,
  },
  {
    name: '2 accounts × 3 regions × ~100 resources',
    accounts: ['111111111111', '222222222222'],
    regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
    shape: SHAPE_100,
    cli: false,
  },
];

// ---------------------------------------------------------------------------------------------
// Answers for the operations moto does not implement (AWS's documented shapes, empty).

const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };
const REST_JSON = { 'content-type': 'application/json' };
const empty = (body: unknown, headers = REST_JSON): CannedAnswer => ({ status: 200, headers, body: JSON.stringify(body) });

export function answerUnimplemented(operation: string, req: IncomingMessage, body: string): CannedAnswer | undefined {
  if (req.method !== 'GET' && !req.headers['x-amz-target']) return undefined;
  switch (operation) {
    case 'BatchGetResourceConfig':
    case 'GetResourceConfigHistory':
      return answerConfigItems(operation, body);
    case 'LookupEvents':
      return empty({ Events: [] }, JSON_11);
    case 'GetDiscoveredResourceCounts':
      return empty({ totalDiscoveredResources: 0, resourceCounts: [] }, JSON_11);
    case 'DescribeDeliveryChannelStatus':
      return empty({ DeliveryChannelsStatus: [] }, JSON_11);
  }
  const p = operation.replace(/^GET /, '').replace(/\?.*$/, '');
  if (/^\/backup-jobs\/?$/.test(p)) return empty({ BackupJobs: [] });
  if (/^\/copy-jobs\/?$/.test(p)) return empty({ CopyJobs: [] });
  if (/^\/restore-jobs\/?$/.test(p)) return empty({ RestoreJobs: [] });
  if (/^\/resources\/?$/.test(p)) return empty({ Results: [] });
  if (/^\/restore-testing\/plans\/?$/.test(p)) return empty({ RestoreTestingPlans: [] });
  if (/^\/backup\/plans\/[^/]+\/selections\/?$/.test(p)) return empty({ BackupSelectionsList: [] });
  if (/^\/backup-vaults\/[^/]+\/recovery-points\/?$/.test(p)) return empty({ RecoveryPoints: [] });
  if (/^\/backup-vaults\/[^/]+\/access-policy\/?$/.test(p)) {
    return {
      status: 404,
      headers: { ...REST_JSON, 'x-amzn-errortype': 'ResourceNotFoundException' },
      body: JSON.stringify({ Code: 'ResourceNotFoundException', Message: 'Backup vault access policy not found' }),
    };
  }
  return undefined;
}

/**
 * AWS Config configuration items (moto's break the JS SDK: its timestamps are not epoch seconds).
 * BatchGetResourceConfig: every other resource unchanged for 400 days, the rest changed 10 days
 * ago — those send the collector to GetResourceConfigHistory, which answers one item per query
 * (the change in the window going forward; the item in effect before it going back).
 */
function answerConfigItems(operation: string, body: string): CannedAnswer {
  const now = Date.now() / 1000;
  const item = (resourceType: string, resourceId: string, capturedDaysAgo: number, stateId: string) => ({
    version: '1.3',
    accountId: '111111111111',
    configurationItemCaptureTime: Math.round(now - capturedDaysAgo * 86_400),
    configurationItemStatus: 'OK',
    configurationStateId: stateId,
    resourceType,
    resourceId,
    resourceName: resourceId,
    configuration: JSON.stringify({ name: resourceId }),
    supplementaryConfiguration: {},
  });
  const input = JSON.parse(body || '{}') as { resourceKeys?: Array<{ resourceType: string; resourceId: string }>; resourceType?: string; resourceId?: string; chronologicalOrder?: string };
  if (operation === 'BatchGetResourceConfig') {
    const keys = input.resourceKeys ?? [];
    return empty({ baseConfigurationItems: keys.map((k, i) => item(k.resourceType, k.resourceId, i % 2 === 0 ? 400 : 10, `${1000 + i}`)), unprocessedResourceKeys: [] }, JSON_11);
  }
  const forward = input.chronologicalOrder === 'Forward';
  return empty({ configurationItems: [item(input.resourceType ?? '', input.resourceId ?? '', forward ? 10 : 400, forward ? '2' : '1')] }, JSON_11);
}

// ---------------------------------------------------------------------------------------------
// The floor.

/**
 * The dependent-call chains: operations that must wait for the previous one's answer (a describe
 * needs the name the listing returned). Each step costs one round trip per page of its longest
 * call group; independent calls (the other per-bucket S3 reads, ListAliases next to DescribeKey…)
 * overlap and add nothing. A collector not listed: its longest single call group.
 */
const CHAINS: Record<string, string[]> = {
  'backup.plans': ['backup:ListBackupPlans', 'backup:GetBackupPlan'],
  'backup.vaults': ['backup:ListBackupVaults', 'backup:DescribeBackupVault'],
  'backup.selections': ['backup:ListBackupPlans', 'backup:ListBackupSelections', 'backup:GetBackupSelection'],
  'backup.recovery-points': ['backup:ListBackupVaults', 'backup:ListRecoveryPointsByBackupVault'],
  'backup.restore-testing': ['backup:ListRestoreTestingPlans', 'backup:ListRestoreTestingSelections', 'backup:GetRestoreTestingSelection'],
  'cloudtrail.trails': ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus'],
  'config.recorders': ['config:DescribeConfigurationRecorders', 'config:DescribeConfigurationRecorderStatus'],
  'config.history': ['config:ListDiscoveredResources', 'config:BatchGetResourceConfig', 'config:GetResourceConfigHistory'],
  's3.buckets': ['s3:ListBuckets', 's3:GetBucketLocation', 's3:GetBucketTagging'],
  'dynamodb.tables': ['dynamodb:ListTables', 'dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource'],
  'kms.keys': ['kms:ListKeys', 'kms:DescribeKey', 'kms:GetKeyRotationStatus'],
};

interface Floor {
  /** Seconds: the larger of the two bounds. */
  seconds: number;
  rateBound: { seconds: number; key: string; calls: number; rate: number; burst: number };
  chainBound: { seconds: number; envelope: string; steps: number };
}

/**
 * The floor for the calls proofpack made, from its snapshot's provenance. Every account first
 * needs AssumeRole and GetCallerIdentity (2 round trips) before its collectors can call anything.
 * Then two bounds, and no run can beat the larger:
 * - rate: for each rate-limit bucket proofpack keeps (src/aws/rate-limits.ts: per account ×
 *   region × service, or per account for limits AWS documents that way, e.g. LookupEvents 2/s,
 *   DynamoDB ListTagsOfResource 10/s per account), n calls at r per second with a burst of b take
 *   (n − b) / r seconds to send, plus one round trip for the last answer;
 * - latency: for each envelope, its chain of dependent calls (CHAINS) × one round trip per page.
 * Both assume unlimited parallelism everywhere else (every bucket and chain starts at once) and
 * zero local cost (no JSON, hashing or disk): a floor, not a target to hit exactly.
 */
function computeFloor(envelopes: Envelope[], latencyMs: number): Floor {
  const rt = latencyMs / 1000;
  const prefix = 2 * rt;
  const buckets = new Map<string, number>();
  for (const env of envelopes) {
    for (const call of env.provenance.calls) {
      const { key, limit } = rateLimitFor(call.operation);
      const id = limit.perAccount ? `${env.account}|*|${key}` : `${env.account}|${call.region ?? env.region}|${key}`;
      buckets.set(id, (buckets.get(id) ?? 0) + call.pages);
    }
  }
  let rateBound: Floor['rateBound'] = { seconds: 0, key: '', calls: 0, rate: 0, burst: 0 };
  for (const [id, calls] of buckets) {
    const { limit } = rateLimitFor(id.split('|')[2]);
    const seconds = prefix + Math.max(0, calls - limit.burst) / limit.ratePerSecond + rt;
    if (seconds > rateBound.seconds) rateBound = { seconds, key: id, calls, rate: limit.ratePerSecond, burst: limit.burst };
  }
  let chainBound: Floor['chainBound'] = { seconds: 0, envelope: '', steps: 0 };
  for (const env of envelopes) {
    const maxPages = (op?: string) => Math.max(0, ...env.provenance.calls.filter((c) => op === undefined || c.operation === op).map((c) => c.pages));
    const chain = CHAINS[env.collector];
    const steps = chain ? chain.reduce((n, op) => n + maxPages(op), 0) : maxPages();
    const seconds = prefix + steps * rt;
    if (seconds > chainBound.seconds) chainBound = { seconds, envelope: `${env.collector} ${env.account}/${env.region}`, steps };
  }
  return { seconds: Math.max(rateBound.seconds, chainBound.seconds), rateBound, chainBound };
}

// ---------------------------------------------------------------------------------------------
// proofpack.

interface ProofpackRun {
  wallMs: number;
  via: string;
  snapshotDir: string;
  envelopes: Envelope[];
  gaps: number;
  /** Gaps counted by `collector kind [errorCode]`. */
  gapKinds: Map<string, number>;
  calls: number;
}

async function buildCli(): Promise<boolean> {
  if (process.env.BENCH_NO_BUILD === '1') return true;
  const out = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
  if (out.status !== 0) console.log(`npm run build failed (exit ${out.status}); timing collectSnapshot in-process through tsx instead:\n${(out.stdout + out.stderr).split('\n').slice(-15).join('\n')}`);
  return out.status === 0;
}

async function runProofpack(workDir: string, proxyUrl: string, built: boolean, scenario: Scenario): Promise<ProofpackRun> {
  const store = path.join(workDir, 'evidence');
  const config = {
    organization: 'Benchmark Estate, Inc.',
    system: 'Benchmark',
    // A period that began 25 days ago: every time-windowed source still keeps all of it (no window gaps).
    period: { start: isoDay(-25), end: isoDay(30) },
    accounts: scenario.accounts.map((id, i) => ({ id, name: `account-${i + 1}`, roleArn: `arn:aws:iam::${id}:role/proofpack-read` })),
    regions: scenario.regions,
    store,
    ...(process.env.BENCH_CONCURRENCY ? { collection: { concurrency: Number(process.env.BENCH_CONCURRENCY) } } : {}),
  };
  const configFile = path.join(workDir, 'proofpack.yaml');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const started = performance.now();
  let via: string;
  let result: { path: string; gaps: unknown[]; calls: number };
  if (built) {
    via = 'node bin/proofpack.js collect --endpoint-url <proxy> --json (built CLI)';
    const out = await runProcess('node', [path.join(root, 'bin/proofpack.js'), 'collect', '-c', configFile, '--endpoint-url', proxyUrl, '--json'], { ...process.env }, workDir);
    if (out.code !== 0) throw new Error(`proofpack collect exited ${out.code}: ${out.stderr.slice(-2000)}`);
    result = JSON.parse(out.stdout) as typeof result;
  } else {
    via = 'collectSnapshot() in-process through tsx (the build failed)';
    const { loadConfig } = await import('../src/config/load-config.js');
    const { collectSnapshot } = await import('../src/collectors/run-collection.js');
    const { LocalEvidenceStore } = await import('../src/evidence/local-store.js');
    const loaded = await loadConfig(configFile);
    result = await collectSnapshot(loaded.config, { store: new LocalEvidenceStore(store), endpointUrl: proxyUrl });
  }
  const wallMs = performance.now() - started;
  const gapsDoc = JSON.parse(await readFile(path.join(result.path, 'gaps.json'), 'utf8')) as { items: Array<{ collector: string; kind: string; errorCode?: string }> };
  const gapKinds = new Map<string, number>();
  for (const g of gapsDoc.items) gapKinds.set(`${g.collector} ${g.kind}${g.errorCode ? ` ${g.errorCode}` : ''}`, (gapKinds.get(`${g.collector} ${g.kind}${g.errorCode ? ` ${g.errorCode}` : ''}`) ?? 0) + 1);
  const index = JSON.parse(await readFile(path.join(result.path, 'index.json'), 'utf8')) as { envelopes: Array<{ path: string }> };
  const envelopes = await Promise.all(index.envelopes.map(async (e) => JSON.parse(await readFile(path.join(result.path, e.path), 'utf8')) as Envelope));
  return { wallMs, via, snapshotDir: result.path, envelopes, gaps: result.gaps.length, gapKinds, calls: result.calls };
}

// ---------------------------------------------------------------------------------------------
// The AWS CLI script.

const CLI_SERVICES: Record<string, string> = {
  backup: 'backup',
  cloudtrail: 'cloudtrail',
  cloudwatch: 'cloudwatch',
  config: 'configservice',
  dynamodb: 'dynamodb',
  kms: 'kms',
  organizations: 'organizations',
  rds: 'rds',
  s3: 's3api',
  sts: 'sts',
};

/** botocore's xform_name: DescribeDBInstances → describe-db-instances, ListObjectsV2 → list-objects-v2. */
export function cliCommandName(operation: string): string {
  return operation
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** One `aws` line per call group of the snapshot, account by account, in the order proofpack's envelopes list them. */
function buildCliScript(envelopes: Envelope[], scenario: Scenario, endpoint: string, sample: number): { script: string; invocations: number; pages: number } {
  const lines = [
    '#!/usr/bin/env bash',
    'set -u',
    `E=${shellQuote(endpoint)}`,
    'ERR="${0%.sh}.err"; : > "$ERR"',
    'fail=0',
    '# Each call: its output is discarded; a call AWS answers with an error is counted and logged with its message.',
    'run() { local out; out=$("$@" 2>&1 > /dev/null) || { fail=$((fail+1)); printf \'%s\\n  %s\\n\' "$*" "$out" >> "$ERR"; }; }',
  ];
  let invocations = 0;
  let pages = 0;
  let n = 0;
  for (const account of scenario.accounts) {
    const home = scenario.regions[0];
    lines.push(
      `# account ${account}`,
      'export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing; unset AWS_SESSION_TOKEN',
      `read -r AK SK ST <<< "$(aws sts assume-role --endpoint-url "$E" --region ${home} --role-arn arn:aws:iam::${account}:role/proofpack-read --role-session-name proofpack --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)"`,
      'export AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" AWS_SESSION_TOKEN="$ST"',
      `run aws sts get-caller-identity --endpoint-url "$E" --region ${home}`,
    );
    invocations += 2;
    pages += 2;
    for (const env of envelopes.filter((e) => e.account === account)) {
      for (const call of env.provenance.calls) {
        n += 1;
        if ((n - 1) % sample !== 0) continue;
        const [prefix, op] = call.operation.split(':');
        const region = call.region ?? (env.region === 'global' ? home : env.region);
        lines.push(`run aws ${CLI_SERVICES[prefix]} ${cliCommandName(op)} --endpoint-url "$E" --region ${region} --cli-input-json ${shellQuote(JSON.stringify(call.parameters))}`);
        invocations += 1;
        pages += call.pages;
      }
    }
  }
  lines.push('echo "failed=$fail"');
  return { script: lines.join('\n') + '\n', invocations, pages };
}

// ---------------------------------------------------------------------------------------------

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Calls (pages) per account × region (account-scope sources: per account) for each source, from provenance. */
function callsPerSource(envelopes: Envelope[]): Array<{ collector: string; perUnit: number; units: number; min: number; max: number }> {
  const out = [];
  for (const c of registry) {
    const own = envelopes.filter((e) => e.collector === c.id);
    if (own.length === 0) continue;
    const counts = own.map((e) => e.provenance.calls.reduce((n, call) => n + call.pages, 0));
    out.push({ collector: c.id, perUnit: counts.reduce((a, b) => a + b, 0) / own.length, units: own.length, min: Math.min(...counts), max: Math.max(...counts) });
  }
  return out;
}

/** Requests in flight at the proxy over the run: the peak, and the time-weighted mean. */
function peakInFlight(records: ReadonlyArray<{ start: number; end: number }>): { peak: number; mean: number } {
  const events = records.flatMap((r) => [{ t: r.start, d: 1 }, { t: r.end, d: -1 }]).sort((a, b) => a.t - b.t || a.d - b.d);
  let current = 0;
  let peak = 0;
  let area = 0;
  for (let i = 0; i < events.length; i += 1) {
    if (i > 0) area += current * (events[i].t - events[i - 1].t);
    current += events[i].d;
    peak = Math.max(peak, current);
  }
  const span = events.length > 1 ? events.at(-1)!.t - events[0].t : 1;
  return { peak, mean: area / span };
}

/** When each task ran, relative to the first request: the lanes' long pole. */
function profileTasks(envelopes: Envelope[], t0: number): Array<{ task: string; startS: number; endS: number }> {
  return envelopes
    .filter((e) => e.provenance.calls.length > 0)
    .map((e) => ({ task: `${e.collector} ${e.account}/${e.region}`, startS: (Date.parse(e.provenance.startedAt) - t0) / 1000, endS: (Date.parse(e.provenance.endedAt) - t0) / 1000 }))
    .sort((a, b) => b.endS - a.endS);
}

async function runScenario(scenario: Scenario, motoUrl: string, built: boolean, reset: () => Promise<void>): Promise<void> {
  await reset();
  const seedStart = performance.now();
  const seeded = await seedEstate(motoUrl, scenario.accounts, scenario.regions, scenario.shape);
  console.log(`\n=== ${scenario.name}: ${seeded} resources seeded (${resourcesPerRegion(scenario.shape)} per account × region) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const proxy: LatencyProxy = await startLatencyProxy({ target: motoUrl, latencyMs: LATENCY_MS });
  proxy.setCanned(answerUnimplemented);
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-bench-collect-'));
  try {
    const pp = await runProofpack(workDir, proxy.url, built, scenario);
    const ppRecords = proxy.records.splice(0);
    const status500 = ppRecords.filter((r) => r.status >= 500).length;
    const canned = ppRecords.filter((r) => r.canned).length;
    const floor = computeFloor(pp.envelopes, LATENCY_MS);
    const pages = pp.envelopes.reduce((n, e) => n + e.provenance.calls.reduce((m, c) => m + c.pages, 0), 0);
    const firstRequest = Math.min(...ppRecords.map((r) => r.start));
    const lastResponse = Math.max(...ppRecords.map((r) => r.end));
    const requestSpanS = (lastResponse - firstRequest) / 1000;
    const runStart = Math.min(...pp.envelopes.map((e) => Date.parse(e.provenance.startedAt)));

    console.log(`proofpack collect (${pp.via}):`);
    console.log(`  wall time ${(pp.wallMs / 1000).toFixed(2)} s (${built ? 'process start to exit' : 'the collectSnapshot call: no process start'}); first request to last response ${requestSpanS.toFixed(2)} s`);
    console.log(`  ${pp.envelopes.length} envelopes, ${pp.gaps} gaps, ${pp.calls} API calls sent by the collectors and runner (${pages} in envelopes' provenance), ${ppRecords.length} HTTP requests at the proxy (retries and AssumeRole included)`);
    console.log(`  gaps: ${[...pp.gapKinds].map(([k, n]) => `${k} ×${n}`).join('; ') || 'none'}`);
    console.log(`  answered by the proxy for moto (not implemented there): ${canned}; HTTP 5xx that reached the SDK: ${status500}`);
    const service = ppRecords.filter((r) => !r.canned).map((r) => r.end - r.start - LATENCY_MS).sort((a, b) => a - b);
    const inFlight = peakInFlight(ppRecords);
    console.log(`  moto's own time per forwarded request: median ${service[Math.floor(service.length / 2)].toFixed(0)} ms, p95 ${service[Math.floor(service.length * 0.95)].toFixed(0)} ms; requests in flight at the proxy: peak ${inFlight.peak}, mean ${inFlight.mean.toFixed(1)}`);
    console.log('  floor for these calls (rate limits and 50 ms round trips; see computeFloor):');
    console.log(`    rate bound    ${floor.rateBound.seconds.toFixed(2)} s — ${floor.rateBound.calls} calls in bucket ${floor.rateBound.key} at ${floor.rateBound.rate}/s, burst ${floor.rateBound.burst}`);
    console.log(`    latency bound ${floor.chainBound.seconds.toFixed(2)} s — ${floor.chainBound.steps} dependent round trips in ${floor.chainBound.envelope}`);
    console.log(`    floor ${floor.seconds.toFixed(2)} s; proofpack / floor = ${(pp.wallMs / 1000 / floor.seconds).toFixed(2)}× (wall time; target ≤ 1.25×), ${(requestSpanS / floor.seconds).toFixed(2)}× (first request to last response)`);
    const tasks = profileTasks(pp.envelopes, runStart);
    console.log('  long pole (tasks that ended last; seconds from the first collector start):');
    for (const t of tasks.slice(0, 5)) console.log(`    ${t.task.padEnd(52)} ${t.startS.toFixed(2).padStart(6)} → ${t.endS.toFixed(2).padStart(6)}`);
    const events = tasks.filter((t) => t.task.startsWith('cloudtrail.events'));
    if (events.length > 0) console.log(`  cloudtrail.events tasks started between ${Math.min(...events.map((t) => t.startS)).toFixed(2)} s and ${Math.max(...events.map((t) => t.startS)).toFixed(2)} s`);

    console.log('  calls per account × region for each source (account-scope sources: per account), from provenance:');
    for (const row of callsPerSource(pp.envelopes)) {
      console.log(`    ${row.collector.padEnd(28)} ${row.perUnit.toFixed(1).padStart(7)}  (${row.units} envelopes, ${row.min}–${row.max})`);
    }
    const units = scenario.accounts.length * scenario.regions.length;
    console.log(`    ${'all sources'.padEnd(28)} ${(pages / units).toFixed(1).padStart(7)}  per account × region`);

    if (!scenario.cli) return;
    const { script, invocations, pages: cliPages } = buildCliScript(pp.envelopes, scenario, proxy.url, CLI_SAMPLE);
    const scriptFile = path.join(root, 'bench/.work/collect-aws-cli.sh');
    await mkdir(path.dirname(scriptFile), { recursive: true });
    await writeFile(scriptFile, script, { mode: 0o755 });
    const cliStart = performance.now();
    const cli = await runProcess('bash', [scriptFile], { ...process.env, ...BASE_ENV }, workDir);
    const cliMs = performance.now() - cliStart;
    const cliRecords = proxy.records.splice(0);
    const failed = Number(/failed=(\d+)/.exec(cli.stdout)?.[1] ?? NaN);
    const totalGroups = pp.envelopes.reduce((n, e) => n + e.provenance.calls.length, 0) + 2 * scenario.accounts.length;
    const estimateMs = CLI_SAMPLE > 1 ? (cliMs * totalGroups) / invocations : cliMs;
    const errors = new Map<string, number>();
    for (const m of (await readFile(scriptFile.replace(/\.sh$/, '.err'), 'utf8')).matchAll(/An error occurred \((\w+)\)/g)) errors.set(m[1], (errors.get(m[1]) ?? 0) + 1);
    console.log(`AWS CLI, sequential (bash script: ${path.relative(root, scriptFile)}):`);
    console.log(
      `  ${invocations} aws invocations${CLI_SAMPLE > 1 ? ` (every ${CLI_SAMPLE}th of ${totalGroups})` : ''}, ${cliRecords.length} HTTP requests (${cliPages} pages expected); ${failed} answered with an error: ${[...errors].map(([code, n]) => `${code} ×${n}`).join(', ') || 'none'}`,
    );
    console.log(`  wall time ${(cliMs / 1000).toFixed(1)} s${CLI_SAMPLE > 1 ? `; extrapolated to all ${totalGroups} calls: ${(estimateMs / 1000).toFixed(1)} s (an estimate)` : ''}`);
    console.log(`  ${(cliMs / invocations).toFixed(0)} ms per aws call; proofpack is ${(estimateMs / pp.wallMs).toFixed(1)}× faster (target ≥ 10×)`);
  } finally {
    await proxy.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const built = await buildCli();
  const moto = await startMoto();
  console.log(`moto_server at ${moto.url}; proxy latency ${LATENCY_MS} ms per request; node ${process.version}; ${os.cpus().length} CPUs`);
  try {
    for (const [i, scenario] of SCENARIOS.entries()) if (!ONLY_SCENARIOS || ONLY_SCENARIOS.includes(i + 1)) await runScenario(scenario, moto.url, built, () => moto.reset());
  } finally {
    await moto.stop();
  }
}

await main();

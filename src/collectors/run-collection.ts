import { randomUUID } from 'node:crypto';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsClientFactory, type AccountTarget, type RegionClients } from '../aws/client-factory.js';
import { CallRecorder, withCallRecorder } from '../aws/call-recorder.js';
import { classifyAwsError, isAbsentError } from '../aws/errors.js';
import { eventDataStoreAccount } from '../config/load-config.js';
import type { Config } from '../config/types.js';
import { EvidenceValidationError } from '../errors.js';
import { GLOBAL_REGION, LOCAL_ACCOUNT, envelopePath, evidenceId, validateEnvelope } from '../evidence/envelope.js';
import { assertValid } from '../evidence/schemas.js';
import { GAPS_FILE, INDEX_FILE, RUN_FILE, buildSnapshotListings, type SnapshotIndexEntry, type SnapshotRun } from '../evidence/snapshot-index.js';
import { newSnapshotId } from '../evidence/snapshot-id.js';
import { assertRunId, listUnshardedPartialIds, openShardRun, type OpenedShard, type ShardOutcome } from '../evidence/shards.js';
import type { EvidenceStore, SnapshotWriter } from '../evidence/store.js';
import type { CallerIdentity, Envelope, Gap, SnapshotMetadata, TimeWindow } from '../evidence/types.js';
import { canonicalJson } from '../util/canonical-json.js';
import { mapWithConcurrency } from '../util/limiter.js';
import { TOOL_VERSION } from '../version.js';
import { AccountLanes } from './account-lanes.js';
import { resolveAccounts } from './accounts.js';
import { collectors as registry, selectCollectors } from './index.js';
import type { Collector, CollectorContext, CollectorOutput } from './types.js';
import { SharedListings, type ViewAccount } from './shared-listings.js';
import { TaskLanes, orderTasksForLanes } from './task-lanes.js';
import { planWindows, type PlannedWindow } from './windows.js';

export interface CollectOptions {
  store: EvidenceStore;
  /** Send every request to this endpoint (an emulator). Also read from AWS_ENDPOINT_URL by the CLI. */
  endpointUrl?: string;
  /** Source groups (`jobs`, `events`…), services (`backup`) or collector ids to collect; default all. */
  only?: string[];
  /** Continue the newest partial snapshot instead of starting a new one. */
  resume?: boolean;
  /**
   * Collect only the accounts of this shard: `{ index: 1, count: 4 }` (1-based). Needs `runId`:
   * the shards of a run write one snapshot, merged when the last shard finishes (src/evidence/shards.ts).
   */
  shard?: { index: number; count: number };
  /** Run id shared by the shards of one run (required with `shard`). */
  runId?: string;
  /** Clock for tests. */
  now?: () => Date;
  /** Injected factory (tests, benchmarks); default: one built from the config and endpoint. */
  clientFactory?: AwsClientFactory;
  /** Collectors to choose from; default: the registry. */
  collectors?: readonly Collector[];
  onProgress?: (event: CollectProgress) => void;
  /** Stop early (Ctrl-C): the partial snapshot is kept for --resume. */
  signal?: AbortSignal;
}

export type CollectProgress =
  | { type: 'start'; snapshotId: string; total: number; resumed: number }
  | { type: 'task'; collector: string; account: string; region: string; done: number; total: number; gaps: number; records: number }
  | { type: 'detail'; collector: string; account: string; region: string; detail: string };

export interface CollectResult {
  snapshotId: string;
  runId: string;
  /** Where the snapshot was written (folder or s3:// URL). */
  path: string;
  /** SHA-256 of the committed manifest; '' for a shard whose run is not merged yet (see `shard`). */
  manifestSha256: string;
  /** For a shard: its part of the run, and whether this shard merged the run. */
  shard?: ShardOutcome;
  /** About the account list: accounts skipped or excluded in organization mode, patterns that matched nothing. */
  notes: string[];
  gaps: Gap[];
  envelopes: number;
  records: number;
  /** API requests sent (including retries' first attempts, not SDK-internal retries). */
  calls: number;
  callsByOperation: Record<string, number>;
  startedAt: string;
  endedAt: string;
  sources: string[];
}

/** One collector for one account × region (or once, for people's files) within a run. */
export interface CollectorTask {
  collector: Collector;
  account: AccountTarget;
  region: string;
  window?: PlannedWindow;
}

export interface TaskOutcome {
  /** The envelope's line in index.json; none when nothing was written (the collector failed). */
  entry?: SnapshotIndexEntry;
  gaps: Gap[];
  /** API requests the collector sent. */
  calls: number;
}

/**
 * Runs the selected collectors for every account × region of the config and writes one
 * snapshot: envelopes (validated), gaps.json, index.json, then the chained manifest. A denied
 * or failed call becomes a gap; only a failure to write the store aborts the run.
 */
export async function collectSnapshot(config: Config, options: CollectOptions): Promise<CollectResult> {
  const now = options.now ?? (() => new Date());
  const store = options.store;
  const selected = selectCollectors(options.collectors ?? registry, options.only);
  const factory =
    options.clientFactory ??
    new AwsClientFactory({
      endpointUrl: options.endpointUrl,
      maxAttempts: config.collection.maxAttempts,
      stsRegion: config.regions[0],
    });
  const ownsFactory = !options.clientFactory;
  if (options.shard) assertRunId(options.runId); // before any AWS call
  const startedAt = now();
  const gaps: Gap[] = [];
  try {
    // People's files first, before any AWS call or snapshot folder: bad input stops the run (exit 2).
    for (const collector of selected) await collector.preflight?.(config);
    const resolved = await resolveAccounts(config, factory, { shard: options.shard, now });
    gaps.push(...resolved.gaps);
    const accounts = resolved.accounts;

    // Resume the newest partial snapshot, or start a new one. A shard joins its run's snapshot.
    let writer: SnapshotWriter;
    let run: SnapshotRun;
    let sharded: OpenedShard | undefined;
    if (options.shard) {
      sharded = await openShardRun(store, { runId: options.runId, shard: options.shard, proposedSnapshotId: newSnapshotId(startedAt), now });
    }
    const partial = sharded ? (sharded.resuming ? sharded.snapshotId : undefined) : options.resume ? (await listUnshardedPartialIds(store)).at(-1) : undefined;
    if (partial) {
      writer = sharded?.writer ?? (await store.beginSnapshot(partial, { resume: true }));
      run = await readSnapshotRun(writer, partial);
    } else {
      const snapshotId = sharded?.snapshotId ?? newSnapshotId(startedAt);
      const windows = await planWindows(store, config, selected, accounts, startedAt);
      run = {
        run: 'proofpack.snapshot-run/v1',
        snapshotId,
        runId: options.runId ?? randomUUID(),
        startedAt: startedAt.toISOString(),
        toolVersion: TOOL_VERSION,
        ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
        ...(options.shard ? { shard: `${options.shard.index}/${options.shard.count}` } : {}),
        period: config.period,
        sources: selected.map((c) => c.id),
        accounts: accounts.map((a) => ({ id: a.id, name: a.name, ...(a.roleArn ? { roleArn: a.roleArn } : {}) })),
        regions: [...config.regions],
        windows: windows.map((w) => ({
          collector: w.collector,
          account: w.account,
          region: w.region,
          start: w.start,
          end: w.end,
          ...(w.gaps.length > 0 ? { gaps: w.gaps } : {}),
        })),
      };
      assertValid('snapshot-run.v1', run, 'run.json');
      writer = sharded?.writer ?? (await store.beginSnapshot(snapshotId));
      await writer.writeFile(RUN_FILE, canonicalJson(run));
    }
    const runCollectors = selected.filter((c) => run.sources.includes(c.id));
    const runAccounts = accounts.filter((a) => run.accounts.some((r) => r.id === a.id));

    // Caller identity, once per account. An account we cannot act in is a gap for all its sources.
    const identities = new Map<string, CallerIdentity | null>();
    const reachable: AccountTarget[] = [];
    const accountLimit = resolved.accountConcurrency ?? runAccounts.length;
    const reach = (account: AccountTarget) => reachAccount(factory, account, config.regions[0], now);
    await mapWithConcurrency(runAccounts, Math.max(1, accountLimit), async (account) => {
      const reached = await reach(account);
      identities.set(account.id, 'identity' in reached ? reached.identity : null);
      if ('identity' in reached) reachable.push(account);
      else gaps.push(reached.gap);
    });
    reachable.sort((a, b) => runAccounts.indexOf(a) - runAccounts.indexOf(b));

    // Organization-wide listings (ctx.viaAccount) are made with the role of an account in scope:
    // one this run collects or, when sharding, one another shard collects.
    const viewAccounts = new Map<string, ViewAccount>();
    for (const account of reachable) viewAccounts.set(account.id, { target: account, identity: identities.get(account.id)! });
    for (const id of viewAccountIds(config)) {
      const other = resolved.otherShards.find((a) => a.id === id);
      if (viewAccounts.has(id) || !other) continue;
      const reached = await reach(other);
      if ('identity' in reached) viewAccounts.set(id, { target: other, identity: reached.identity });
    }

    // A window's own gaps (time the source no longer keeps) travel with its task into the envelope
    // and gaps.json; for an account that could not be reached they go to gaps.json directly.
    const windowsByKey = new Map(
      run.windows.map((w) => [`${w.collector}|${w.account}|${w.region}`, { ...w, gaps: w.gaps ?? [] } as PlannedWindow]),
    );
    for (const w of windowsByKey.values()) {
      if (!reachable.some((a) => a.id === w.account)) gaps.push(...w.gaps);
    }
    const tasks: CollectorTask[] = [];
    for (const collector of runCollectors) {
      if (collector.scope === 'local') {
        // People's records are read once per run: by shard 1 when sharded.
        if (!options.shard || options.shard.index === 1) tasks.push({ collector, account: { id: LOCAL_ACCOUNT, name: 'local' }, region: GLOBAL_REGION });
        continue;
      }
      for (const account of reachable) {
        const regions = collector.scope === 'account' ? [GLOBAL_REGION] : run.regions;
        for (const region of regions) {
          if (collector.appliesTo && !collector.appliesTo(config, account, region)) continue;
          tasks.push({ collector, account, region, window: windowsByKey.get(`${collector.id}|${account.id}|${region}`) });
        }
      }
    }

    // An organization-wide listing covers the windows planned for every account of its region.
    const shared = new SharedListings(viewAccounts, (collectorId, region) =>
      reachable.flatMap((a) => {
        const w = windowsByKey.get(`${collectorId}|${a.id}|${region}`);
        return w ? [{ start: new Date(w.start), end: new Date(w.end) }] : [];
      }),
    );

    const alreadyWritten = new Set(writer.writtenFiles());
    const pending = tasks.filter((t) => !alreadyWritten.has(envelopePath(t.account.id, t.region, t.collector.id)));
    const entries: SnapshotIndexEntry[] = [];
    // Entries of envelopes written before a resume come back from the files themselves.
    for (const t of tasks) {
      const rel = envelopePath(t.account.id, t.region, t.collector.id);
      if (!alreadyWritten.has(rel)) continue;
      const prior = JSON.parse((await writer.readFile(rel)).toString('utf8')) as Envelope;
      entries.push(indexEntry(prior, rel));
      gaps.push(...prior.gaps);
    }
    options.onProgress?.({ type: 'start', snapshotId: run.snapshotId, total: tasks.length, resumed: tasks.length - pending.length });

    // `collection.concurrency` bounds the tasks in flight per account × region (src/collectors/task-lanes.ts),
    // the slowest-paced sources first; in organization mode `accounts.concurrency` also bounds how many
    // accounts are worked on at once.
    const lanes = new TaskLanes(config.collection.concurrency);
    const perAccount = new Map<string, number>();
    for (const t of pending) perAccount.set(t.account.id, (perAccount.get(t.account.id) ?? 0) + 1);
    const accountLanes = resolved.accountConcurrency === undefined ? undefined : new AccountLanes(resolved.accountConcurrency, perAccount);
    const inAccountTurn = (accountId: string, work: () => Promise<void>): Promise<void> =>
      accountLanes ? accountLanes.run(accountId, work) : work();
    let done = tasks.length - pending.length;
    await Promise.all(
      orderTasksForLanes(pending).map((task) =>
        inAccountTurn(task.account.id, () => lanes.run(task.account.id, task.region, async () => {
          if (options.signal?.aborted) return;
          const outcome = await runCollectorTask(task, {
            config,
            clients: (account, region) => factory.forRegion(account, region),
            writer,
            snapshotId: run.snapshotId,
            toolVersion: TOOL_VERSION,
            identity: identities.get(task.account.id) ?? null,
            endpointUrl: options.endpointUrl,
            shared,
            now,
            onDetail: (detail) =>
              options.onProgress?.({ type: 'detail', collector: task.collector.id, account: task.account.id, region: task.region, detail }),
          });
          if (outcome.entry) entries.push(outcome.entry);
          gaps.push(...outcome.gaps);
          done += 1;
          options.onProgress?.({
            type: 'task',
            collector: task.collector.id,
            account: task.account.id,
            region: task.region,
            done,
            total: tasks.length,
            gaps: outcome.gaps.length,
            records: outcome.entry?.recordCount ?? 0,
          });
        })),
      ),
    );
    if (options.signal?.aborted) {
      await writer.suspend();
      throw new CollectionInterruptedError(run.snapshotId);
    }

    const listings = buildSnapshotListings(run.snapshotId, entries, gaps);
    const sortedGaps = listings.gaps.items;
    await writer.writeFile(INDEX_FILE, canonicalJson(listings.index));
    await writer.writeFile(GAPS_FILE, canonicalJson(listings.gaps));

    const metadata = metadataFromRun(run, config, identities);
    const shardOutcome = sharded ? await sharded.finish(metadata) : undefined;
    const committed = sharded ? shardOutcome?.merged?.committed : await writer.commit(metadata);
    const stats = factory.callStats();
    return {
      snapshotId: run.snapshotId,
      runId: run.runId,
      path: committed?.location ?? `${store.location}/snapshots/${run.snapshotId}`,
      manifestSha256: committed?.sha256 ?? shardOutcome?.merged?.manifestSha256 ?? '',
      ...(shardOutcome ? { shard: shardOutcome } : {}),
      notes: resolved.notes,
      gaps: sortedGaps,
      envelopes: entries.length,
      records: entries.reduce((n, e) => n + e.recordCount, 0),
      calls: stats.total,
      callsByOperation: stats.byOperation,
      startedAt: run.startedAt,
      endedAt: now().toISOString(),
      sources: run.sources,
    };
  } finally {
    if (ownsFactory) factory.destroy();
  }
}

/** The accounts whose roles make organization-wide listings (config `backupOrganizationView`, `eventDataStore`). */
function viewAccountIds(config: Config): string[] {
  const ids = [config.backupOrganizationView?.account, config.eventDataStore ? eventDataStoreAccount(config.eventDataStore) : undefined];
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** Who the run is in an account (GetCallerIdentity, through the account's role), or the gap saying it cannot act there. */
async function reachAccount(
  factory: AwsClientFactory,
  account: AccountTarget,
  region: string,
  now: () => Date,
): Promise<{ identity: CallerIdentity } | { gap: Gap }> {
  try {
    const out = await factory.forRegion(account, region).sts.send(new GetCallerIdentityCommand({}));
    return { identity: { account: out.Account ?? account.id, arn: out.Arn ?? '', ...(out.UserId ? { userId: out.UserId } : {}) } };
  } catch (error) {
    const info = classifyAwsError(error);
    return {
      gap: {
        collector: '*',
        account: account.id,
        region: '*',
        kind: 'account',
        operation: account.roleArn ? 'sts:AssumeRole' : 'sts:GetCallerIdentity',
        errorCode: info.code,
        message: `account ${account.name} (${account.id}) could not be reached: ${info.message}`,
        at: now().toISOString(),
      },
    };
  }
}

/** An organization-wide listing's account is not reachable in this run: a gap for each envelope that needed it. */
export class ViewUnavailableError extends Error {
  override name = 'ViewUnavailableError';
}

/** Thrown when a run is stopped early; the partial snapshot stays for `collect --resume`. */
export class CollectionInterruptedError extends Error {
  override name = 'CollectionInterruptedError';
  constructor(readonly snapshotId: string) {
    super(`collection interrupted; continue it with \`proofpack collect --resume\` (snapshot ${snapshotId})`);
  }
}

/** What a task needs from its run. */
export interface TaskEnvironment {
  config: Config;
  writer: SnapshotWriter;
  snapshotId: string;
  /** The proofpack version the envelope's provenance names. */
  toolVersion: string;
  identity: CallerIdentity | null;
  endpointUrl?: string;
  /** AWS clients for the task's account in a region: the run's client factory (the sample generator: its simulated AWS). */
  clients: (account: AccountTarget, region: string) => RegionClients;
  /** The clock of the envelope's times and its gaps' (the sample generator: simulated time). */
  now: () => Date;
  onDetail?: (detail: string) => void;
  /** Organization-wide listings shared by the run's tasks (ctx.viaAccount); absent: ctx.viaAccount fails with a gap. */
  shared?: SharedListings;
  /** Runs the collector; default `collector.collect(ctx)` (the sample generator stands in for people's files here). */
  collect?: (collector: Collector, ctx: CollectorContext) => Promise<CollectorOutput<unknown>>;
}

/**
 * One task of a run: the collector's calls (recorded into provenance, a failed or denied call a
 * gap), its data as a validated envelope written to the snapshot, and the envelope's index line.
 * Data that fails validation is not written: it becomes an `invalid` gap.
 */
export async function runCollectorTask(task: CollectorTask, env: TaskEnvironment): Promise<TaskOutcome> {
  const { collector, account, region } = task;
  const started = env.now();
  const recorder = new CallRecorder();
  const envelopeGaps: Gap[] = [...(task.window?.gaps ?? [])];
  const gapBase = { collector: collector.id, account: account.id, region };
  const clientRegion = region === GLOBAL_REGION ? env.config.regions[0] : region;
  const window = task.window
    ? { start: new Date(task.window.start), end: new Date(task.window.end) }
    : { start: started, end: started };
  // Set when the data comes from an organization-wide listing made with another account's role.
  let view: { identity: CallerIdentity; description: string } | undefined;
  const ctx: CollectorContext = {
    config: env.config,
    account: { id: account.id, name: account.name },
    region,
    window,
    clients: env.clients(account, clientRegion),
    clientsIn: (r) => env.clients(account, r),
    async ifPresent(operation, call) {
      try {
        return await call;
      } catch (error) {
        if (isAbsentError(operation, error)) return null;
        throw error;
      }
    },
    async attempt(operation, call, resource) {
      try {
        return await call;
      } catch (error) {
        if (isAbsentError(operation, error)) return null;
        const info = classifyAwsError(error);
        envelopeGaps.push({
          ...gapBase,
          kind: info.kind,
          operation,
          errorCode: info.code,
          message: info.message,
          ...(resource ? { resource } : {}),
          at: env.now().toISOString(),
        });
        return undefined;
      }
    },
    addGap(gap) {
      envelopeGaps.push({ ...gapBase, ...gap });
    },
    progress: env.onDetail ?? (() => undefined),
    async viaAccount(accountId, request, list) {
      const holder = env.shared?.account(accountId);
      if (!holder) throw new ViewUnavailableError(`${request.view}: account ${accountId} is not reachable in this run (not an account in scope, or its role could not be assumed)`);
      const outcome = await env.shared!.once(`${accountId}|${request.region}|${request.key}`, () => list(env.clients(holder.target, request.region)));
      recorder.adopt(outcome.calls);
      view = { identity: holder.identity, description: request.view };
      if ('error' in outcome) throw outcome.error;
      return outcome.value as Awaited<ReturnType<typeof list>>;
    },
    // Computed on demand: only organization-wide listings ask.
    get regionWindows() {
      return env.shared?.windowsOf(collector.id, region) ?? [window];
    },
  };

  let output: CollectorOutput<unknown>;
  try {
    output = await withCallRecorder(recorder, () => (env.collect ? env.collect(collector, ctx) : collector.collect(ctx)));
  } catch (error) {
    const info = classifyAwsError(error);
    const failed = recorder.summarize().find((c) => c.outcome === 'error');
    return {
      gaps: [
        ...envelopeGaps,
        {
          ...gapBase,
          kind: info.kind,
          ...(failed ? { operation: failed.operation } : {}),
          errorCode: info.code,
          message: info.message,
          ...(task.window ? { window: { start: task.window.start, end: task.window.end } } : {}),
          at: env.now().toISOString(),
        },
      ],
      calls: recorder.count,
    };
  }

  const ended = env.now();
  // Evidence is plain JSON: SDK Dates become ISO strings before validation and hashing.
  const data = JSON.parse(JSON.stringify(output.data ?? null)) as unknown;
  const id = evidenceId(env.snapshotId, account.id, region, collector.id);
  const envelope: Envelope = {
    envelope: 'proofpack.evidence/v1',
    id,
    snapshotId: env.snapshotId,
    collector: collector.id,
    schema: collector.schema,
    account: account.id,
    region,
    window: task.window
      ? { start: task.window.start, end: task.window.end }
      : { start: started.toISOString(), end: ended.toISOString() },
    // A window gap is about time before this envelope's window; the envelope itself is whole.
    complete: !envelopeGaps.some((g) => g.kind !== 'window'),
    provenance: {
      toolVersion: env.toolVersion,
      callerIdentity: collector.scope === 'local' ? null : (view?.identity ?? env.identity),
      ...(env.endpointUrl ? { endpoint: env.endpointUrl } : {}),
      startedAt: started.toISOString(),
      endedAt: ended.toISOString(),
      ...(output.source ? { source: output.source } : {}),
      ...(view ? { view: view.description } : {}),
      calls: recorder.summarize(),
    },
    recordCount: output.recordCount ?? defaultRecordCount(data),
    gaps: envelopeGaps,
    data,
  };
  const rel = envelopePath(account.id, region, collector.id);
  try {
    validateEnvelope(envelope, rel);
  } catch (error) {
    if (!(error instanceof EvidenceValidationError)) throw error;
    return {
      gaps: [
        ...envelopeGaps,
        { ...gapBase, kind: 'invalid', message: `collected data failed validation and was not written: ${error.message}`, at: ended.toISOString() },
      ],
      calls: recorder.count,
    };
  }
  await env.writer.writeFile(rel, canonicalJson(envelope));
  return { entry: indexEntry(envelope, rel), gaps: envelopeGaps, calls: recorder.count };
}

function indexEntry(envelope: Envelope, rel: string): SnapshotIndexEntry {
  return {
    id: envelope.id,
    path: rel,
    collector: envelope.collector,
    schema: envelope.schema,
    account: envelope.account,
    region: envelope.region,
    window: envelope.window,
    complete: envelope.complete,
    recordCount: envelope.recordCount,
  };
}

/** What a task counts when a collector does not say: the length of the data, or of its first list. */
function defaultRecordCount(data: unknown): number {
  if (Array.isArray(data)) return data.length;
  if (data && typeof data === 'object') {
    const lists = Object.values(data).filter(Array.isArray) as unknown[][];
    if (lists.length > 0) return lists[0].length;
  }
  return data === null || data === undefined ? 0 : 1;
}

function metadataFromRun(run: SnapshotRun, config: Config, byId: Map<string, CallerIdentity | null>): SnapshotMetadata {
  return {
    snapshotId: run.snapshotId,
    runId: run.runId,
    startedAt: run.startedAt,
    toolVersion: TOOL_VERSION,
    organization: config.organization,
    system: config.system,
    sources: run.sources,
    accounts: run.accounts.map((a) => ({ id: a.id, name: a.name, ...(byId.has(a.id) ? { callerIdentity: byId.get(a.id) } : {}) })),
    regions: run.regions,
    ...(run.shard ? { shard: run.shard } : {}),
  };
}

async function readSnapshotRun(writer: SnapshotWriter, snapshotId: string): Promise<SnapshotRun> {
  const bytes = await writer.readFile(RUN_FILE);
  const run = JSON.parse(bytes.toString('utf8')) as SnapshotRun;
  assertValid('snapshot-run.v1', run, `${snapshotId}/run.json`);
  return run;
}

export type { TimeWindow };

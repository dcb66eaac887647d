import os from 'node:os';
import { StoreError, UsageError } from '../errors.js';
import { canonicalJson } from '../util/canonical-json.js';
import { sha256Hex } from '../util/hash.js';
import { MANIFEST_FILE } from './manifest.js';
import { assertValid } from './schemas.js';
import { GAPS_FILE, INDEX_FILE, RUN_FILE, buildSnapshotListings, type SnapshotIndex, type SnapshotIndexEntry, type SnapshotRun } from './snapshot-index.js';
import type { CommittedSnapshot, EvidenceStore, SnapshotWriter } from './store.js';
import type { Gap, ManifestAccount, ManifestFile, SnapshotMetadata } from './types.js';

/**
 * Sharded runs. `collect --shard i/n --run-id R` on n workers (a Kubernetes indexed Job, an ECS
 * task array, a CI matrix) collects one snapshot together:
 *
 * 1. The first shard to start claims the run (`shards/<R>/claim.json`, created only if absent):
 *    it names the snapshot id every shard then writes into, so envelope ids and paths are the
 *    ones one unsharded run would have written.
 * 2. Each shard writes its envelopes into that one partial snapshot (accounts never overlap), and
 *    its own run.json, index.json and gaps.json under `shards/<R>/<i>-of-<n>/` — outside the
 *    snapshot — then `done.json` (its metadata and the files it wrote, with their hashes).
 * 3. When all n parts are done, the shards are merged: one run.json, index.json and gaps.json
 *    (unions, ordered as the runner orders them), one manifest, one link in the chain. The last
 *    shard to finish merges on its own; `proofpack merge --run-id R` does the same by hand (after
 *    a crash, or to check on a run).
 *
 * A shard started again with the same run id continues its part (like `--resume`), so a
 * scheduler's retry of a failed worker is safe.
 */

export const SHARDS_DIR = 'shards';
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A merge started this long ago without committing is taken to have died. */
const MERGE_STALE_MS = 10 * 60_000;

export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

interface RunClaim {
  claim: 'proofpack.shard-run/v1';
  runId: string;
  snapshotId: string;
  shards: number;
  claimedAt: string;
}

/** `shards/<runId>/<i>-of-<n>/done.json`: a finished shard part. */
export interface ShardPartRecord {
  part: 'proofpack.shard-part/v1';
  runId: string;
  shard: string;
  snapshotId: string;
  finishedAt: string;
  metadata: SnapshotMetadata;
  /** The envelopes this shard wrote into the snapshot, with their hashes. */
  files: ManifestFile[];
}

export interface MergeResult {
  status: 'merged' | 'already-merged';
  runId: string;
  snapshotId: string;
  shards: number;
  /** The committed snapshot (for `already-merged`, its manifest as stored). */
  committed: CommittedSnapshot | null;
  manifestSha256: string;
  gaps: Gap[];
  envelopes: number;
  records: number;
  sources: string[];
  startedAt: string;
}

export interface ShardOutcome {
  runId: string;
  /** `i/n`. */
  shard: string;
  snapshotId: string;
  /** Set when this shard was the last to finish and merged the run (or found it merged). */
  merged: MergeResult | null;
  /** Shards (`i/n`) not finished yet when this one finished. */
  waitingFor: string[];
  /** Another process is merging the run right now. */
  mergingElsewhere: boolean;
}

export interface OpenedShard {
  runId: string;
  shard: ShardSpec;
  snapshotId: string;
  /** Write envelopes, run.json, index.json and gaps.json through this, as for an unsharded run. */
  writer: SnapshotWriter;
  /** This shard's part was started before: the runner continues it. */
  resuming: boolean;
  /** Records the part as done and merges the run if every shard is done. */
  finish(metadata: SnapshotMetadata): Promise<ShardOutcome>;
}

export function assertRunId(runId: string | undefined): asserts runId is string {
  if (runId === undefined || runId === '') {
    throw new UsageError('--shard needs --run-id ID, the same for every shard of the run (e.g. the CI run id or the Job name)');
  }
  if (!RUN_ID.test(runId)) {
    throw new UsageError(
      `--run-id: expected 1-128 letters, digits, ".", "_" or "-" (starting with a letter or digit) shared by every shard of the run, got ${JSON.stringify(runId ?? '')}`,
    );
  }
}

export function shardLabel(shard: ShardSpec): string {
  return `${shard.index}/${shard.count}`;
}

function partDir(runId: string, shard: ShardSpec): string {
  return `${SHARDS_DIR}/${runId}/${shard.index}-of-${shard.count}`;
}

/**
 * Joins (or starts) the sharded run `runId` as shard `shard`: claims the run's snapshot id if this
 * shard is the first, and opens the shared partial snapshot.
 */
export async function openShardRun(
  store: EvidenceStore,
  options: { runId: string | undefined; shard: ShardSpec; proposedSnapshotId: string; now?: () => Date },
): Promise<OpenedShard> {
  const { shard } = options;
  assertRunId(options.runId);
  const runId = options.runId;
  const now = options.now ?? (() => new Date());
  const claimPath = `${SHARDS_DIR}/${runId}/claim.json`;
  const proposed: RunClaim = { claim: 'proofpack.shard-run/v1', runId, snapshotId: options.proposedSnapshotId, shards: shard.count, claimedAt: now().toISOString() };
  await store.writeStoreFile(claimPath, canonicalJson(proposed), { ifAbsent: true });
  const claim = await readJson<RunClaim>(store, claimPath);
  if (!claim) throw new StoreError(`${store.location}/${claimPath}: could not be created or read`);
  if (claim.shards !== shard.count) {
    throw new UsageError(`--shard ${shardLabel(shard)}: run ${runId} was started with ${claim.shards} shards; use --shard i/${claim.shards} or a new --run-id`);
  }
  const snapshotId = claim.snapshotId;
  if ((await store.listSnapshotIds()).includes(snapshotId)) {
    throw new StoreError(`run ${runId} is already merged into snapshot ${snapshotId}; start a new run with another --run-id`);
  }
  const dir = partDir(runId, shard);
  const resuming = (await store.readStoreFile(`${dir}/${RUN_FILE}`)) !== null;
  const inner = await store.beginSnapshot(snapshotId, { join: true, resume: resuming });
  const writer = new ShardPartWriter(store, inner, dir);
  return {
    runId,
    shard,
    snapshotId,
    writer,
    resuming,
    async finish(metadata) {
      const files = await writer.indexedFiles();
      const record: ShardPartRecord = {
        part: 'proofpack.shard-part/v1',
        runId,
        shard: shardLabel(shard),
        snapshotId,
        finishedAt: now().toISOString(),
        metadata,
        files,
      };
      await store.writeStoreFile(`${dir}/done.json`, canonicalJson(record));
      const status = await readShardStatus(store, runId, claim.shards);
      const outcome: ShardOutcome = { runId, shard: shardLabel(shard), snapshotId, merged: null, waitingFor: status.missing, mergingElsewhere: false };
      if (status.missing.length > 0) return outcome;
      const merged = await mergeShardedRun(store, runId, { now, automatic: true });
      if (merged === 'merging-elsewhere') return { ...outcome, mergingElsewhere: true };
      return { ...outcome, merged };
    },
  };
}

/**
 * Partial snapshots a plain `collect --resume` may continue: not the shared snapshot of a
 * sharded run (its shards continue it, and only a merge commits it).
 */
export async function listUnshardedPartialIds(store: EvidenceStore): Promise<string[]> {
  const partials = await store.listPartialSnapshotIds();
  if (partials.length === 0) return partials;
  const claimed = new Set<string>();
  for (const file of await store.listStoreFiles(SHARDS_DIR)) {
    if (!file.endsWith('/claim.json')) continue;
    const claim = await readJson<RunClaim>(store, file);
    if (claim) claimed.add(claim.snapshotId);
  }
  return partials.filter((id) => !claimed.has(id));
}

/**
 * The shard parts of a run: which `i/n` are done and which are missing (not started, or started
 * and not finished).
 */
export async function readShardStatus(store: EvidenceStore, runId: string, count?: number): Promise<{ shards: number; done: string[]; missing: string[]; started: string[] }> {
  const claim = await readJson<RunClaim>(store, `${SHARDS_DIR}/${runId}/claim.json`);
  const shards = count ?? claim?.shards ?? 0;
  const files = new Set(await store.listStoreFiles(`${SHARDS_DIR}/${runId}`));
  const done: string[] = [];
  const missing: string[] = [];
  const started: string[] = [];
  for (let i = 1; i <= shards; i += 1) {
    const dir = partDir(runId, { index: i, count: shards });
    if (files.has(`${dir}/done.json`)) done.push(`${i}/${shards}`);
    else {
      missing.push(`${i}/${shards}`);
      if (files.has(`${dir}/${RUN_FILE}`)) started.push(`${i}/${shards}`);
    }
  }
  return { shards, done, missing, started };
}

/**
 * Merges the finished shards of run `runId` into one committed snapshot: the union of their
 * envelopes, run.json, index.json and gaps.json (ordered exactly as one unsharded run orders
 * them), one manifest, one link in the chain. Idempotent: a run already merged is reported as
 * such. Throws StoreError naming the shards that are missing, or files that disagree.
 */
export async function mergeShardedRun(store: EvidenceStore, runId: string, options?: { now?: () => Date }): Promise<MergeResult>;
export async function mergeShardedRun(
  store: EvidenceStore,
  runId: string,
  options: { now?: () => Date; automatic: true },
): Promise<MergeResult | 'merging-elsewhere'>;
export async function mergeShardedRun(
  store: EvidenceStore,
  runId: string,
  options: { now?: () => Date; automatic?: boolean } = {},
): Promise<MergeResult | 'merging-elsewhere'> {
  assertRunId(runId);
  const now = options.now ?? (() => new Date());
  const base = `${SHARDS_DIR}/${runId}`;
  const claim = await readJson<RunClaim>(store, `${base}/claim.json`);
  if (!claim) throw new StoreError(`${store.location}: no sharded run "${runId}" (no ${base}/claim.json); check --run-id`);
  const snapshotId = claim.snapshotId;
  if ((await store.listSnapshotIds()).includes(snapshotId)) return describeMerged(store, runId, claim, 'already-merged');

  const status = await readShardStatus(store, runId, claim.shards);
  if (status.missing.length > 0) {
    const started = status.started.length ? ` (${status.started.join(', ')} started but not finished)` : '';
    throw new StoreError(
      `run ${runId} cannot be merged yet: ${status.done.length} of ${claim.shards} shards are done; missing ${status.missing.join(', ')}${started}. ` +
        'Run the missing shards (same --run-id; a started shard continues where it stopped), then merge again',
    );
  }

  // One merger at a time: the marker is created only if absent. A marker older than the stale
  // limit belongs to a merger that died; an explicit `proofpack merge` then takes over.
  const marker = `${base}/merging.json`;
  const mine = { runId, at: now().toISOString(), by: `${os.hostname()}:${process.pid}` };
  if (!(await store.writeStoreFile(marker, canonicalJson(mine), { ifAbsent: true }))) {
    const other = await readJson<{ at?: string; by?: string }>(store, marker);
    if ((await store.listSnapshotIds()).includes(snapshotId)) return describeMerged(store, runId, claim, 'already-merged');
    if (options.automatic) return 'merging-elsewhere';
    const age = other?.at ? now().getTime() - Date.parse(other.at) : Infinity;
    if (age < MERGE_STALE_MS) {
      throw new StoreError(`run ${runId} is being merged by ${other?.by ?? 'another process'} since ${other?.at}; try again in a few minutes`);
    }
    await store.writeStoreFile(marker, canonicalJson(mine));
  }

  const parts: Array<{ record: ShardPartRecord; run: SnapshotRun; index: SnapshotIndex; gaps: Gap[] }> = [];
  for (let i = 1; i <= claim.shards; i += 1) {
    const dir = partDir(runId, { index: i, count: claim.shards });
    const record = await requireJson<ShardPartRecord>(store, `${dir}/done.json`);
    const run = await requireJson<SnapshotRun>(store, `${dir}/${RUN_FILE}`);
    const index = await requireJson<SnapshotIndex>(store, `${dir}/${INDEX_FILE}`);
    const gaps = await requireJson<{ items: Gap[] }>(store, `${dir}/${GAPS_FILE}`);
    if (record.snapshotId !== snapshotId || run.snapshotId !== snapshotId || index.snapshotId !== snapshotId) {
      throw new StoreError(`${store.location}/${dir}: belongs to snapshot ${record.snapshotId}, not ${snapshotId} of run ${runId}`);
    }
    parts.push({ record, run, index, gaps: gaps.items });
  }

  const first = parts[0];
  for (const p of parts.slice(1)) {
    const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
    if (!same(p.run.sources, first.run.sources) || !same(p.run.regions, first.run.regions) || !same(p.run.period, first.run.period)) {
      throw new StoreError(
        `run ${runId}: shard ${p.record.shard} was asked for other sources, regions or period than shard ${first.record.shard}; every shard of a run must use the same config and --only`,
      );
    }
  }

  // Files: the union of what each shard recorded, which must agree with what is in the snapshot.
  const files = new Map<string, ManifestFile>();
  for (const p of parts) {
    for (const f of p.record.files) {
      const prior = files.get(f.path);
      if (prior && prior.sha256 !== f.sha256) {
        throw new StoreError(`run ${runId}: ${f.path} was written by two shards with different contents; the shards overlap (same accounts?)`);
      }
      files.set(f.path, f);
    }
  }
  const envelopes = parts.flatMap((p) => p.index.envelopes).sort((a, b) => a.path.localeCompare(b.path));
  for (const e of envelopes) {
    if (!files.has(e.path)) throw new StoreError(`run ${runId}: ${e.path} is in a shard's index but no shard recorded writing it`);
  }

  const run: SnapshotRun = {
    run: 'proofpack.snapshot-run/v1',
    snapshotId,
    runId,
    startedAt: minIso(parts.map((p) => p.run.startedAt)),
    ...(first.run.toolVersion ? { toolVersion: first.run.toolVersion } : {}),
    ...(first.run.endpoint ? { endpoint: first.run.endpoint } : {}),
    ...(first.run.period ? { period: first.run.period } : {}),
    sources: first.run.sources,
    accounts: uniqueById(parts.flatMap((p) => p.run.accounts)),
    regions: first.run.regions,
    windows: [],
  };
  // The order the runner plans windows in: collector (as selected), then account, then region.
  const rank = (list: string[]) => new Map(list.map((v, i) => [v, i]));
  const byCollector = rank(run.sources);
  const byAccount = rank(run.accounts.map((a) => a.id));
  const byRegion = rank(run.regions);
  const position = (w: SnapshotRun['windows'][number]) => [byCollector.get(w.collector) ?? -1, byAccount.get(w.account) ?? -1, byRegion.get(w.region) ?? -1];
  run.windows = parts
    .flatMap((p) => p.run.windows)
    .sort((a, b) => {
      const [x, y] = [position(a), position(b)];
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    });
  assertValid('snapshot-run.v1', run, `merged run.json of run ${runId}`);
  const listings = buildSnapshotListings(snapshotId, envelopes, uniqueGaps(parts.flatMap((p) => p.gaps)), (file) => `merged ${file} of run ${runId}`);
  const gaps = listings.gaps.items;

  const meta = first.record.metadata;
  const metadata: SnapshotMetadata = {
    snapshotId,
    runId,
    startedAt: run.startedAt,
    toolVersion: meta.toolVersion,
    ...(meta.organization ? { organization: meta.organization } : {}),
    ...(meta.system ? { system: meta.system } : {}),
    sources: run.sources,
    accounts: uniqueById(parts.flatMap((p) => p.record.metadata.accounts)) as ManifestAccount[],
    regions: run.regions,
  };

  const writer = await store.beginSnapshot(snapshotId, { resume: true, join: true, knownFiles: [...files.values()] });
  const present = new Set(writer.writtenFiles());
  const absent = [...files.keys()].filter((p) => !present.has(p));
  if (absent.length > 0) throw new StoreError(`run ${runId}: shards recorded files that are not in the snapshot: ${absent.slice(0, 5).join(', ')}`);
  const strays = [...present].filter((p) => !files.has(p) && p !== RUN_FILE && p !== INDEX_FILE && p !== GAPS_FILE && p !== MANIFEST_FILE);
  if (strays.length > 0) {
    throw new StoreError(`run ${runId}: the snapshot holds files no shard recorded (${strays.slice(0, 5).join(', ')}); was another run written with the same --run-id?`);
  }
  await writer.writeFile(RUN_FILE, canonicalJson(run));
  await writer.writeFile(INDEX_FILE, canonicalJson(listings.index));
  await writer.writeFile(GAPS_FILE, canonicalJson(listings.gaps));
  const committed = await writer.commit(metadata);
  return {
    status: 'merged',
    runId,
    snapshotId,
    shards: claim.shards,
    committed,
    manifestSha256: committed.sha256,
    gaps,
    envelopes: envelopes.length,
    records: envelopes.reduce((n, e) => n + e.recordCount, 0),
    sources: run.sources,
    startedAt: run.startedAt,
  };
}

/**
 * A snapshot writer for one shard: envelopes go into the shared partial snapshot; run.json,
 * index.json and gaps.json go to the shard's own folder outside it (the merge combines them).
 * `commit` is not how a shard ends — `OpenedShard.finish` is.
 */
class ShardPartWriter implements SnapshotWriter {
  private static readonly OWN = new Set([RUN_FILE, INDEX_FILE, GAPS_FILE]);
  private readonly hashes = new Map<string, ManifestFile>();
  private indexBytes?: Uint8Array;

  constructor(
    private readonly store: EvidenceStore,
    private readonly inner: SnapshotWriter,
    private readonly dir: string,
  ) {}

  get snapshotId(): string {
    return this.inner.snapshotId;
  }

  async writeFile(relPath: string, data: string | Uint8Array): Promise<ManifestFile> {
    if (ShardPartWriter.OWN.has(relPath)) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      await this.store.writeStoreFile(`${this.dir}/${relPath}`, bytes);
      if (relPath === INDEX_FILE) this.indexBytes = bytes;
      return { path: relPath, sha256: sha256Hex(bytes), size: bytes.length };
    }
    const entry = await this.inner.writeFile(relPath, data);
    this.hashes.set(relPath, entry);
    return entry;
  }

  writtenFiles(): string[] {
    return this.inner.writtenFiles();
  }

  async readFile(relPath: string): Promise<Buffer> {
    if (ShardPartWriter.OWN.has(relPath)) {
      const bytes = await this.store.readStoreFile(`${this.dir}/${relPath}`);
      if (!bytes) throw new StoreError(`${this.store.location}/${this.dir}/${relPath}: not written yet`);
      return bytes;
    }
    const bytes = await this.inner.readFile(relPath);
    this.hashes.set(relPath, { path: relPath, sha256: sha256Hex(bytes), size: bytes.length });
    return bytes;
  }

  /** The envelopes of this shard's index.json with their hashes (re-read when written by an earlier attempt). */
  async indexedFiles(): Promise<ManifestFile[]> {
    const bytes = this.indexBytes ?? (await this.readFile(INDEX_FILE));
    const index = JSON.parse(Buffer.from(bytes).toString('utf8')) as SnapshotIndex;
    const out: ManifestFile[] = [];
    for (const entry of index.envelopes as SnapshotIndexEntry[]) {
      if (!this.hashes.has(entry.path)) await this.readFile(entry.path);
      out.push(this.hashes.get(entry.path)!);
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  async commit(): Promise<CommittedSnapshot> {
    throw new StoreError('a shard part is finished with OpenedShard.finish(), which merges the run when every shard is done');
  }

  async suspend(): Promise<void> {
    await this.inner.suspend();
  }

  async abort(): Promise<void> {
    // The partial snapshot is shared with the other shards: leave it; this part stays unfinished.
  }
}

async function describeMerged(store: EvidenceStore, runId: string, claim: RunClaim, status: 'already-merged'): Promise<MergeResult> {
  const stored = await store.readManifest(claim.snapshotId);
  const index = JSON.parse((await store.readSnapshotFile(claim.snapshotId, INDEX_FILE)).toString('utf8')) as SnapshotIndex;
  const gaps = JSON.parse((await store.readSnapshotFile(claim.snapshotId, GAPS_FILE)).toString('utf8')) as { items: Gap[] };
  return {
    status,
    runId,
    snapshotId: claim.snapshotId,
    shards: claim.shards,
    committed: null,
    manifestSha256: stored.sha256,
    gaps: gaps.items,
    envelopes: index.envelopes.length,
    records: index.envelopes.reduce((n, e) => n + e.recordCount, 0),
    sources: stored.manifest.sources,
    startedAt: stored.manifest.startedAt,
  };
}

async function readJson<T>(store: EvidenceStore, relPath: string): Promise<T | null> {
  const bytes = await store.readStoreFile(relPath);
  if (!bytes) return null;
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (error) {
    throw new StoreError(`${store.location}/${relPath}: not JSON (${(error as Error).message})`, { cause: error });
  }
}

async function requireJson<T>(store: EvidenceStore, relPath: string): Promise<T> {
  const value = await readJson<T>(store, relPath);
  if (value === null) throw new StoreError(`${store.location}/${relPath}: missing`);
  return value;
}

function minIso(values: string[]): string {
  return values.reduce((a, b) => (b < a ? b : a));
}

function uniqueById<T extends { id: string }>(items: T[]): T[] {
  const byId = new Map<string, T>();
  for (const item of items) if (!byId.has(item.id)) byId.set(item.id, item);
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Gaps every shard records alike (e.g. about the organization as a whole) appear once. */
function uniqueGaps(gaps: Gap[]): Gap[] {
  const seen = new Set<string>();
  return gaps.filter((g) => {
    const { at: _at, ...rest } = g;
    const key = canonicalJson(rest, 0);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

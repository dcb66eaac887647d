import { createHash, randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import {
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type ObjectLockConfiguration,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AwsClientFactory, type AccountTarget } from '../aws/client-factory.js';
import { errorCode } from '../aws/errors.js';
import { StoreError } from '../errors.js';
import { sha256Hex } from '../util/hash.js';
import { mapWithConcurrency } from '../util/limiter.js';
import { selectChainHead } from './chain-head.js';
import { MANIFEST_FILE, parseManifest } from './manifest.js';
import { isSnapshotId } from './snapshot-id.js';
import { StoreSnapshotWriter } from './snapshot-writer.js';
import {
  assertSafeRelativePath,
  assertStoreFilePath,
  type BeginSnapshotOptions,
  type EvidenceStore,
  type RunLogEntry,
  type SnapshotWriter,
  type StoredManifest,
} from './store.js';
import type { ChainLink, ManifestFile } from './types.js';

/** Object Lock retention put on every object the store writes (config `storeRetention`). */
export interface StoreRetention {
  mode: 'COMPLIANCE' | 'GOVERNANCE';
  days: number;
}

export interface S3StoreOptions {
  /** `s3://bucket` or `s3://bucket/prefix`. */
  url: string;
  retention?: StoreRetention;
  /** Clients come from here (endpoint override, path-style addressing, retries); default: a new factory. */
  factory?: AwsClientFactory;
  /** For a default factory: send every request here (an emulator). */
  endpointUrl?: string;
  /** Region asked for the bucket's location (default us-east-1); the store then uses the bucket's own region. */
  region?: string;
  /** Commit lock: taken over when older than `staleMs` (default 10 min); give up after `waitMs` (default 60 s). */
  lock?: { staleMs?: number; waitMs?: number };
  now?: () => Date;
}

/** How the bucket protects what the store writes (for `collect` output and tests). */
export interface S3StoreProtection {
  bucket: string;
  region: string;
  objectLock: boolean;
  /** The bucket's default retention, if it has one (applies to objects written without their own). */
  defaultRetention?: { mode?: string; days?: number; years?: number };
  /** Retention this store puts on each object it writes (config `storeRetention`). */
  perObject?: StoreRetention;
}

/** The pseudo-account whose clients reach the store: the run's own credentials, no role. */
const STORE_ACCOUNT: AccountTarget = { id: 'evidence-store', name: 'evidence store' };
const LOCK_KEY = 'locks/commit.json';
const LIST_CONCURRENCY = 8;

/** Splits `s3://bucket/prefix/` into its bucket and prefix (no leading or trailing slash). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) throw new StoreError(`"${url}" is not an S3 location; expected s3://bucket or s3://bucket/prefix`);
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix && prefix.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new StoreError(`"${url}": the prefix must not contain empty, "." or ".." parts`);
  }
  return { bucket: match[1], prefix };
}

/**
 * The evidence store in an S3 bucket (`store: s3://bucket/prefix`), for scheduled runs that must
 * not be able to alter evidence afterwards. Layout under the prefix:
 *
 * - `snapshots/<id>/…` — a snapshot's files, each written with a SHA-256 checksum that S3 checks
 *   on upload, and (config `storeRetention`) an Object Lock retention of its own;
 *   `snapshots/<id>/manifest.json` is written LAST, with `If-None-Match: *`. A snapshot is
 *   listed only once its manifest exists; until then it is partial (resumable).
 * - `runs/<time>-<run>-<random>.json` — the run log: S3 has no append, so each run writes one
 *   object and `readRunLog()` merges them in time order.
 * - `shards/<runId>/…` — the parts of a sharded run until they are merged.
 * - `locks/commit.json` — the commit lock, taken with conditional writes (`If-None-Match: *` to
 *   create, `If-Match: <ETag>` to take over a released or stale lock), so two runs never chain
 *   to the same predecessor.
 */
export class S3EvidenceStore implements EvidenceStore {
  readonly location: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly factory: AwsClientFactory;
  private readonly ownsFactory: boolean;
  private readonly retention?: StoreRetention;
  private readonly bootstrapRegion: string;
  private readonly now: () => Date;
  private readonly lockStaleMs: number;
  private readonly lockWaitMs: number;
  private ready?: Promise<{ client: S3Client; protection: S3StoreProtection }>;
  /** Committed snapshots never change: once seen with a manifest, an id need not be checked again. */
  private readonly committed = new Set<string>();

  constructor(options: S3StoreOptions) {
    const { bucket, prefix } = parseS3Url(options.url);
    this.bucket = bucket;
    this.prefix = prefix;
    this.location = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
    this.ownsFactory = !options.factory;
    this.factory = options.factory ?? new AwsClientFactory({ endpointUrl: options.endpointUrl, stsRegion: options.region });
    this.retention = options.retention;
    this.bootstrapRegion = options.region ?? 'us-east-1';
    this.now = options.now ?? (() => new Date());
    this.lockStaleMs = options.lock?.staleMs ?? 10 * 60_000;
    this.lockWaitMs = options.lock?.waitMs ?? 60_000;
  }

  /** Releases the store's clients (when it built them). */
  close(): void {
    if (this.ownsFactory) this.factory.destroy();
  }

  /** The bucket's region and Object Lock protection; fails when `storeRetention` is set but the bucket has no Object Lock. */
  async protection(): Promise<S3StoreProtection> {
    return (await this.init()).protection;
  }

  async listSnapshotIds(): Promise<string[]> {
    const ids = await this.listSnapshotPrefixes();
    const flags = await mapWithConcurrency(ids, LIST_CONCURRENCY, async (id) => this.committed.has(id) || (await this.isCommitted(id)));
    return ids.filter((_, i) => flags[i]).sort();
  }

  async listPartialSnapshotIds(): Promise<string[]> {
    const ids = await this.listSnapshotPrefixes();
    const flags = await mapWithConcurrency(ids, LIST_CONCURRENCY, async (id) => this.committed.has(id) || (await this.isCommitted(id)));
    return ids.filter((_, i) => !flags[i]).sort();
  }

  async readManifest(snapshotId: string): Promise<StoredManifest> {
    const key = this.snapshotKey(snapshotId, MANIFEST_FILE);
    const bytes = await this.getObject(key);
    if (!bytes) throw new StoreError(`${this.url(key)}: no such manifest (snapshot ${snapshotId} is not committed)`);
    return { manifest: parseManifest(bytes, this.url(key)), bytes, sha256: sha256Hex(bytes) };
  }

  async readSnapshotFile(snapshotId: string, relPath: string): Promise<Buffer> {
    assertSafeRelativePath(relPath);
    const key = this.snapshotKey(snapshotId, relPath);
    const bytes = await this.getObject(key);
    if (!bytes) throw new StoreError(`${this.url(key)}: cannot read (no such object)`);
    return bytes;
  }

  async listSnapshotFiles(snapshotId: string): Promise<string[]> {
    return (await this.listObjects(this.snapshotKey(snapshotId, ''))).map((o) => o.rel).sort();
  }

  async beginSnapshot(id: string, options: BeginSnapshotOptions = {}): Promise<SnapshotWriter> {
    if (!isSnapshotId(id)) throw new StoreError(`invalid snapshot id ${JSON.stringify(id)}`);
    if (await this.isCommitted(id)) throw new StoreError(`${this.url(this.snapshotKey(id, ''))} already exists: snapshot ids are never reused`);
    const files = new Map<string, ManifestFile>();
    const present = options.resume || !options.join ? await this.listObjects(this.snapshotKey(id, '')) : [];
    if (options.resume) {
      if (present.length === 0 && !options.join) throw new StoreError(`${this.url(this.snapshotKey(id, ''))}: no partial snapshot to resume`);
      const known = new Map((options.knownFiles ?? []).map((f) => [f.path, f]));
      const entries = await mapWithConcurrency(present, LIST_CONCURRENCY, (o) => this.describeObject(o.key, o.rel, o.size, known.get(o.rel)));
      for (const entry of entries) files.set(entry.path, entry);
    } else if (!options.join && present.length > 0) {
      throw new StoreError(`${this.url(this.snapshotKey(id, ''))}: a partial snapshot of this id exists; resume it instead`);
    }
    return new S3SnapshotWriter(this, id, files);
  }

  async appendRunLog(entry: RunLogEntry): Promise<void> {
    // S3 has no append: one object per run, named so that a listing is in time order.
    const stamp = entry.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const run = entry.runId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
    const key = this.key(`runs/${stamp}-${run}-${randomBytes(4).toString('hex')}.json`);
    await this.putObject(key, Buffer.from(JSON.stringify(entry) + '\n', 'utf8'), { ifNoneMatch: true });
  }

  async readRunLog(): Promise<RunLogEntry[]> {
    const objects = (await this.listObjects(this.key('runs/'))).filter((o) => o.rel.endsWith('.json'));
    const entries = await mapWithConcurrency(objects, LIST_CONCURRENCY, async (o) => {
      const bytes = await this.getObject(o.key);
      try {
        return bytes ? { key: o.key, entry: JSON.parse(bytes.toString('utf8')) as RunLogEntry } : undefined;
      } catch {
        return undefined; // a damaged line of a log is skipped, as runs.jsonl skips one
      }
    });
    return entries
      .filter((e): e is { key: string; entry: RunLogEntry } => Boolean(e?.entry && typeof e.entry.startedAt === 'string'))
      .sort((a, b) => a.entry.startedAt.localeCompare(b.entry.startedAt) || a.key.localeCompare(b.key))
      .map((e) => e.entry);
  }

  async readStoreFile(relPath: string): Promise<Buffer | null> {
    assertStoreFilePath(relPath);
    return this.getObject(this.key(relPath));
  }

  async writeStoreFile(relPath: string, data: string | Uint8Array, options: { ifAbsent?: boolean } = {}): Promise<boolean> {
    assertStoreFilePath(relPath);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      await this.putObject(this.key(relPath), bytes, { ifNoneMatch: Boolean(options.ifAbsent) });
      return true;
    } catch (error) {
      if (options.ifAbsent && isConditionFailed(error)) return false;
      throw error;
    }
  }

  async listStoreFiles(prefix: string): Promise<string[]> {
    assertStoreFilePath(prefix);
    const folder = prefix.replace(/\/+$/, '');
    return (await this.listObjects(this.key(`${folder}/`))).map((o) => `${folder}/${o.rel}`).sort();
  }

  /** The newest committed snapshot by commit time: what a new manifest chains to. */
  async chainHead(): Promise<ChainLink | null> {
    const ids = await this.listSnapshotIds();
    const manifests = await mapWithConcurrency(ids, LIST_CONCURRENCY, (id) => this.readManifest(id));
    return selectChainHead(manifests);
  }

  /**
   * Serializes commits across processes and machines. The lock object is created with
   * `If-None-Match: *`; a lock that was released or is older than the stale limit is taken over
   * with `If-Match: <its ETag>`, so of two contenders exactly one wins. Never deleted: with Object
   * Lock a delete would only add a marker, and a conditional overwrite needs no delete.
   */
  async withLock<T>(task: () => Promise<T>): Promise<T> {
    const etag = await this.acquireLock();
    try {
      return await task();
    } finally {
      await this.putObject(this.key(LOCK_KEY), lockBody('released'), { ifMatch: etag, retain: false }).catch(() => undefined);
    }
  }

  snapshotKey(snapshotId: string, relPath: string): string {
    if (!isSnapshotId(snapshotId)) throw new StoreError(`invalid snapshot id ${JSON.stringify(snapshotId)}`);
    return this.key(`snapshots/${snapshotId}/${relPath}`);
  }

  url(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  private key(rel: string): string {
    return this.prefix ? `${this.prefix}/${rel}` : rel;
  }

  private async acquireLock(): Promise<string> {
    const key = this.key(LOCK_KEY);
    const deadline = Date.now() + this.lockWaitMs;
    let delay = 50;
    for (;;) {
      try {
        return await this.putObject(key, lockBody('held'), { ifNoneMatch: true, retain: false });
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
      const current = await this.getObjectWithEtag(key);
      if (current) {
        const state = parseLock(current.bytes);
        const stale = !state.at || Date.now() - Date.parse(state.at) > this.lockStaleMs;
        if (state.state === 'released' || stale) {
          try {
            return await this.putObject(key, lockBody('held'), { ifMatch: current.etag, retain: false });
          } catch (error) {
            if (!isConditionFailed(error)) throw error;
          }
        } else if (Date.now() > deadline) {
          throw new StoreError(
            `${this.url(key)}: another proofpack run (${state.owner ?? 'unknown'}, since ${state.at ?? '?'}) holds the store's commit lock; ` +
              `it is taken over once older than ${Math.round(this.lockStaleMs / 60_000)} minutes`,
          );
        }
      }
      await new Promise((resolve) => setTimeout(resolve, delay + Math.floor(Math.random() * delay)));
      delay = Math.min(delay * 2, 1000);
    }
  }

  private async init(): Promise<{ client: S3Client; protection: S3StoreProtection }> {
    this.ready ??= (async () => {
      const probe = this.factory.forRegion(STORE_ACCOUNT, this.bootstrapRegion).s3;
      let region = this.bootstrapRegion;
      try {
        const out = await probe.send(new GetBucketLocationCommand({ Bucket: this.bucket }));
        region = bucketRegion(out.LocationConstraint);
      } catch (error) {
        const code = errorCode(error);
        if (code === 'NoSuchBucket') throw new StoreError(`${this.location}: the bucket does not exist`, { cause: error });
        // Without s3:GetBucketLocation the store uses the region it was given.
      }
      const client = this.factory.forRegion(STORE_ACCOUNT, region).s3;
      let lock: ObjectLockConfiguration | undefined;
      try {
        lock = (await client.send(new GetObjectLockConfigurationCommand({ Bucket: this.bucket }))).ObjectLockConfiguration;
      } catch (error) {
        if (errorCode(error) !== 'ObjectLockConfigurationNotFoundError') {
          if (this.retention) throw storeError(this.location, 'cannot read the bucket\'s Object Lock configuration', error);
        }
      }
      const objectLock = lock?.ObjectLockEnabled === 'Enabled';
      if (this.retention && !objectLock) {
        throw new StoreError(
          `${this.location}: storeRetention is set (${this.retention.mode}, ${this.retention.days} days) but the bucket has no Object Lock; ` +
            'create the bucket with Object Lock enabled, or remove storeRetention',
        );
      }
      const rule = lock?.Rule?.DefaultRetention;
      const protection: S3StoreProtection = {
        bucket: this.bucket,
        region,
        objectLock,
        ...(rule ? { defaultRetention: { mode: rule.Mode, days: rule.Days, years: rule.Years } } : {}),
        ...(this.retention ? { perObject: this.retention } : {}),
      };
      return { client, protection };
    })();
    try {
      return await this.ready;
    } catch (error) {
      this.ready = undefined;
      throw error;
    }
  }

  private async client(): Promise<S3Client> {
    return (await this.init()).client;
  }

  /** Writes one object with its SHA-256 (checked by S3) and, when configured, its own retention. Returns the ETag. */
  async putObject(key: string, bytes: Uint8Array, options: { ifNoneMatch?: boolean; ifMatch?: string; retain?: boolean } = {}): Promise<string> {
    const client = await this.client();
    const input: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key: key,
      Body: bytes,
      ContentType: key.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: createHash('sha256').update(bytes).digest('base64'),
      ...(options.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
      ...(options.ifMatch ? { IfMatch: options.ifMatch } : {}),
      ...(this.retention && options.retain !== false
        ? { ObjectLockMode: this.retention.mode, ObjectLockRetainUntilDate: new Date(this.now().getTime() + this.retention.days * 86_400_000) }
        : {}),
    };
    try {
      const out = await client.send(new PutObjectCommand(input));
      return out.ETag ?? '';
    } catch (error) {
      if (isConditionFailed(error)) throw error;
      throw storeError(this.url(key), 'cannot write', error);
    }
  }

  private async getObject(key: string): Promise<Buffer | null> {
    return (await this.getObjectWithEtag(key))?.bytes ?? null;
  }

  private async getObjectWithEtag(key: string): Promise<{ bytes: Buffer; etag: string } | null> {
    const client = await this.client();
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
      return { bytes, etag: out.ETag ?? '' };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw storeError(this.url(key), 'cannot read', error);
    }
  }

  private async isCommitted(id: string): Promise<boolean> {
    if (this.committed.has(id)) return true;
    const client = await this.client();
    const key = this.snapshotKey(id, MANIFEST_FILE);
    try {
      await client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      this.committed.add(id);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw storeError(this.url(key), 'cannot check', error);
    }
  }

  /** Snapshot ids that have at least one object (committed or partial). */
  private async listSnapshotPrefixes(): Promise<string[]> {
    const client = await this.client();
    const base = this.key('snapshots/');
    const ids: string[] = [];
    try {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: this.bucket, Prefix: base, Delimiter: '/' })) {
        for (const p of page.CommonPrefixes ?? []) {
          const id = (p.Prefix ?? '').slice(base.length).replace(/\/$/, '');
          if (isSnapshotId(id)) ids.push(id);
        }
      }
    } catch (error) {
      throw storeError(this.url(base), 'cannot list', error);
    }
    return ids;
  }

  /** Every object under a key prefix (current versions), with the path relative to it. */
  async listObjects(prefix: string): Promise<Array<{ key: string; rel: string; size: number }>> {
    const client = await this.client();
    const out: Array<{ key: string; rel: string; size: number }> = [];
    try {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: this.bucket, Prefix: prefix })) {
        for (const o of page.Contents ?? []) {
          if (o.Key && o.Key.length > prefix.length) out.push({ key: o.Key, rel: o.Key.slice(prefix.length), size: o.Size ?? 0 });
        }
      }
    } catch (error) {
      throw storeError(this.url(prefix), 'cannot list', error);
    }
    return out;
  }

  /**
   * SHA-256 and size of an object already in a partial snapshot: from the caller's record when the
   * size agrees, else from the SHA-256 checksum S3 verified on upload, else by reading it.
   */
  private async describeObject(key: string, rel: string, size: number, known?: ManifestFile): Promise<ManifestFile> {
    if (known && known.size === size) return known;
    const client = await this.client();
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }));
      if (head.ChecksumSHA256 && (head.ChecksumType ?? 'FULL_OBJECT') === 'FULL_OBJECT') {
        return { path: rel, sha256: Buffer.from(head.ChecksumSHA256, 'base64').toString('hex'), size: head.ContentLength ?? size };
      }
    } catch (error) {
      throw storeError(this.url(key), 'cannot read', error);
    }
    const bytes = await this.getObject(key);
    if (!bytes) throw new StoreError(`${this.url(key)}: disappeared while resuming the snapshot`);
    return { path: rel, sha256: sha256Hex(bytes), size: bytes.length };
  }

  /** Removes the current versions under a prefix (locked versions stay; S3 adds delete markers). */
  async deletePrefix(prefix: string): Promise<void> {
    const client = await this.client();
    const objects = await this.listObjects(prefix);
    for (let i = 0; i < objects.length; i += 1000) {
      const batch = objects.slice(i, i + 1000).map((o) => ({ Key: o.key }));
      try {
        await client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true }, ChecksumAlgorithm: 'SHA256' }));
      } catch (error) {
        throw storeError(this.url(prefix), 'cannot delete', error);
      }
    }
  }

  markCommitted(id: string): void {
    this.committed.add(id);
  }
}

class S3SnapshotWriter extends StoreSnapshotWriter {
  constructor(
    private readonly store: S3EvidenceStore,
    snapshotId: string,
    files: Map<string, ManifestFile>,
  ) {
    super(store, snapshotId, files);
  }

  protected async putFile(relPath: string, bytes: Uint8Array): Promise<void> {
    await this.store.putObject(this.store.snapshotKey(this.snapshotId, relPath), bytes);
  }

  /** The manifest object makes the snapshot visible; it is written once. */
  protected async publish(manifestBytes: Buffer): Promise<string> {
    const key = this.store.snapshotKey(this.snapshotId, MANIFEST_FILE);
    try {
      // Written once: a second commit of the same snapshot is refused by S3 itself.
      await this.store.putObject(key, manifestBytes, { ifNoneMatch: true });
    } catch (error) {
      if (isConditionFailed(error)) throw new StoreError(`${this.store.url(key)} already exists: the snapshot was committed by another run`, { cause: error });
      throw error;
    }
    this.store.markCommitted(this.snapshotId);
    return this.store.url(this.store.snapshotKey(this.snapshotId, ''));
  }

  async readFile(relPath: string): Promise<Buffer> {
    assertSafeRelativePath(relPath);
    return this.store.readSnapshotFile(this.snapshotId, relPath);
  }

  async suspend(): Promise<void> {
    // Nothing to do: the objects stay under the snapshot's prefix, without a manifest, for --resume.
  }

  async abort(): Promise<void> {
    await this.store.deletePrefix(this.store.snapshotKey(this.snapshotId, ''));
  }
}

/** GetBucketLocation answers null/"" for us-east-1 and the legacy "EU" for eu-west-1. */
function bucketRegion(constraint: string | undefined | null): string {
  if (!constraint) return 'us-east-1';
  if (constraint === 'EU') return 'eu-west-1';
  return constraint;
}

function lockBody(state: 'held' | 'released'): Buffer {
  return Buffer.from(JSON.stringify({ state, owner: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, at: new Date().toISOString() }), 'utf8');
}

function parseLock(bytes: Buffer): { state?: string; owner?: string; at?: string } {
  try {
    return JSON.parse(bytes.toString('utf8')) as { state?: string; owner?: string; at?: string };
  } catch {
    return {};
  }
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/** A conditional write lost: 412 PreconditionFailed, or 409 ConditionalRequestConflict (retry). */
export function isConditionFailed(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'PreconditionFailed' || code === 'ConditionalRequestConflict' || httpStatus(error) === 412 || httpStatus(error) === 409;
}

function isNotFound(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'NoSuchKey' || code === 'NotFound' || httpStatus(error) === 404;
}

function storeError(where: string, what: string, error: unknown): StoreError {
  return new StoreError(`${where}: ${what} (${errorCode(error)}: ${(error as Error)?.message ?? String(error)})`, { cause: error });
}

import { StoreError } from '../errors.js';
import { sha256Hex } from '../util/hash.js';
import { MANIFEST_FILE, buildManifest, serializeManifest } from './manifest.js';
import { assertSafeRelativePath, type CommittedSnapshot, type SnapshotWriter } from './store.js';
import type { ChainLink, ManifestFile, SnapshotMetadata } from './types.js';

/** What a store lends its snapshot writers for a commit: the lock that serializes commits, and the chain's head. */
export interface CommitLock {
  withLock<T>(task: () => Promise<T>): Promise<T>;
  chainHead(): Promise<ChainLink | null>;
}

/**
 * What every store's snapshot writer does alike: each file's SHA-256 and size recorded as it is
 * written (manifest.json is never written as a file), and the commit — under the store's lock,
 * the manifest chained to the newest committed snapshot. A store says where a file's bytes go
 * (`putFile`) and how the manifest, written last, makes the snapshot visible (`publish`).
 */
export abstract class StoreSnapshotWriter implements SnapshotWriter {
  constructor(
    private readonly lock: CommitLock,
    readonly snapshotId: string,
    private readonly files: Map<string, ManifestFile>,
  ) {}

  /** Writes a file's bytes into the partial snapshot. */
  protected abstract putFile(relPath: string, bytes: Uint8Array): Promise<void>;
  /** Writes manifest.json and makes the snapshot visible; returns where it lives. Runs under the store's lock. */
  protected abstract publish(manifestBytes: Buffer): Promise<string>;
  abstract readFile(relPath: string): Promise<Buffer>;
  abstract suspend(): Promise<void>;
  abstract abort(): Promise<void>;

  writtenFiles(): string[] {
    return [...this.files.keys()].sort();
  }

  async writeFile(relPath: string, data: string | Uint8Array): Promise<ManifestFile> {
    assertSafeRelativePath(relPath);
    if (relPath === MANIFEST_FILE) throw new StoreError('manifest.json is written by commit()');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await this.putFile(relPath, bytes);
    const entry = { path: relPath, sha256: sha256Hex(bytes), size: bytes.length };
    this.files.set(relPath, entry);
    return entry;
  }

  async commit(metadata: SnapshotMetadata, options: { createdAt?: Date } = {}): Promise<CommittedSnapshot> {
    if (metadata.snapshotId !== this.snapshotId) throw new StoreError(`commit of ${this.snapshotId} got metadata for ${metadata.snapshotId}`);
    return this.lock.withLock(async () => {
      const previous = await this.lock.chainHead();
      const manifest = buildManifest(metadata, [...this.files.values()], previous, (options.createdAt ?? new Date()).toISOString());
      const { bytes, sha256 } = serializeManifest(manifest);
      const location = await this.publish(bytes);
      return { manifest, bytes, sha256, location };
    });
  }
}

import type { Manifest, ManifestFile, SnapshotMetadata } from './types.js';

/** A complete snapshot as read back from a store. */
export interface StoredManifest {
  manifest: Manifest;
  /** The manifest file's exact bytes, and their SHA-256 (what the next snapshot's `previous` names). */
  bytes: Buffer;
  sha256: string;
}

export interface CommittedSnapshot extends StoredManifest {
  /** Where the snapshot lives: a folder path or an s3:// URL. */
  location: string;
}

/** One line of `<store>/runs.jsonl`: every collect run, so a missed scheduled run shows. */
export interface RunLogEntry {
  runId: string;
  command: string;
  startedAt: string;
  endedAt: string;
  snapshotId: string | null;
  sources: string[];
  gaps: number;
  exitCode: number;
  shard?: string;
  message?: string;
}

/** Writes one snapshot: files go to a hidden/partial location until `commit` makes it visible. */
export interface SnapshotWriter {
  readonly snapshotId: string;
  /** Writes (or replaces) a file at a relative path inside the snapshot and records its hash. */
  writeFile(relPath: string, data: string | Uint8Array): Promise<ManifestFile>;
  /** Relative paths already written (for --resume). */
  writtenFiles(): string[];
  /** Reads back a file written to this (still partial) snapshot. */
  readFile(relPath: string): Promise<Buffer>;
  /** Writes manifest.json last (chained to the newest committed snapshot) and publishes the snapshot. */
  commit(metadata: SnapshotMetadata, options?: { createdAt?: Date }): Promise<CommittedSnapshot>;
  /** Leaves the partial snapshot in place (for `collect --resume`) without publishing it. */
  suspend(): Promise<void>;
  /** Removes the partial snapshot. */
  abort(): Promise<void>;
}

/**
 * Where snapshots live. A snapshot is visible only once complete; each manifest names the
 * SHA-256 of the manifest committed before it, so the store is a hash chain over the period.
 */
export interface EvidenceStore {
  readonly location: string;
  /** Ids of complete snapshots, sorted by id (ids begin with their UTC start time). */
  listSnapshotIds(): Promise<string[]>;
  readManifest(snapshotId: string): Promise<StoredManifest>;
  readSnapshotFile(snapshotId: string, relPath: string): Promise<Buffer>;
  /** Lists the files actually present in a snapshot (to detect files the manifest does not name). */
  listSnapshotFiles(snapshotId: string): Promise<string[]>;
  /** Starts a snapshot; with `resume`, reopens the partial one of that id (see BeginSnapshotOptions). */
  beginSnapshot(snapshotId: string, options?: BeginSnapshotOptions): Promise<SnapshotWriter>;
  /** Ids of partial (uncommitted) snapshots, newest last, for `collect --resume`. */
  listPartialSnapshotIds(): Promise<string[]>;
  appendRunLog(entry: RunLogEntry): Promise<void>;
  readRunLog(): Promise<RunLogEntry[]>;
  /**
   * Files of the store that belong to no snapshot: the parts of a sharded run
   * (`shards/<runId>/…`, src/evidence/shards.ts). Paths are relative to the store, never under
   * `snapshots/`. Null when the file does not exist.
   */
  readStoreFile(relPath: string): Promise<Buffer | null>;
  /**
   * Writes a store file. With `ifAbsent`, creates it atomically only if it does not exist yet and
   * returns false when it did (the first of several concurrent writers wins); otherwise replaces it.
   */
  writeStoreFile(relPath: string, data: string | Uint8Array, options?: { ifAbsent?: boolean }): Promise<boolean>;
  /** Store files under a folder, as paths relative to the store, sorted. */
  listStoreFiles(prefix: string): Promise<string[]>;
}

export interface BeginSnapshotOptions {
  /** Reopen the partial snapshot of that id: every file already in it is kept and hashed. */
  resume?: boolean;
  /**
   * Several writers (the shards of one run) write into one partial snapshot: create it if it does
   * not exist, open it if it does. Without `resume`, files other writers wrote are not hashed.
   */
  join?: boolean;
  /**
   * With `resume`: hashes the caller already knows (files each shard wrote and recorded), so a store
   * where re-reading is costly (S3) need not download them again. A file whose size differs is re-read.
   */
  knownFiles?: readonly ManifestFile[];
}

/** Relative paths inside a snapshot must stay inside it. */
export function assertSafeRelativePath(relPath: string): void {
  if (
    !relPath ||
    relPath.startsWith('/') ||
    relPath.includes('\\') ||
    relPath.split('/').some((part) => part === '' || part === '.' || part === '..')
  ) {
    throw new Error(`unsafe path inside a snapshot: ${JSON.stringify(relPath)}`);
  }
}

/** Store files (outside snapshots) must stay inside the store and out of `snapshots/`. */
export function assertStoreFilePath(relPath: string): void {
  assertSafeRelativePath(relPath.replace(/\/+$/, ''));
  if (relPath === 'snapshots' || relPath.startsWith('snapshots/')) {
    throw new Error(`store files are not written inside snapshots/: ${JSON.stringify(relPath)}`);
  }
}

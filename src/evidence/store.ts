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
  /** Starts a snapshot; with `resume`, reopens the partial one of that id. */
  beginSnapshot(snapshotId: string, options?: { resume?: boolean }): Promise<SnapshotWriter>;
  /** Ids of partial (uncommitted) snapshots, newest last, for `collect --resume`. */
  listPartialSnapshotIds(): Promise<string[]>;
  appendRunLog(entry: RunLogEntry): Promise<void>;
  readRunLog(): Promise<RunLogEntry[]>;
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

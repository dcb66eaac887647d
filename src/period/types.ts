/**
 * The period view: every snapshot of the store that touches the audit period, verified, validated
 * and merged. Controls, the coverage ledger and the report read evidence only through this
 * interface, so they stay pure functions of plain data.
 */
import type { SnapshotIndexEntry } from '../evidence/snapshot-index.js';
import type { Gap } from '../evidence/types.js';

/** How a source's evidence relates to time. */
export type SourceKind =
  /** Records that happened in a window (jobs, events, configuration history): merged and deduplicated. */
  | 'windowed'
  /** The state at the moment of collection (configuration, inventory, records people keep). */
  | 'point-in-time';

/** What the period view knows about a source (from the collector registry). */
export interface SourceInfo {
  id: string;
  title: string;
  kind: SourceKind;
  group: 'state' | 'jobs' | 'events' | 'history' | 'records';
  /** Where the collector runs: per region, once per account (`global`), or on local files. */
  scope: 'region' | 'account' | 'local';
  /** Windowed sources: how many days back AWS keeps the data. */
  retentionDays?: number;
}

/** The period as the controls use it: inclusive UTC days and the half-open instant range they span. */
export interface PeriodRange {
  /** First day, YYYY-MM-DD. */
  start: string;
  /** Last day, YYYY-MM-DD (inclusive). */
  end: string;
  /** `start` at 00:00:00Z, ISO 8601. */
  from: string;
  /** The day after `end` at 00:00:00Z (exclusive), ISO 8601. */
  to: string;
}

/** One committed snapshot the view loaded. */
export interface SnapshotSummary {
  id: string;
  createdAt: string;
  startedAt: string;
  runId?: string;
  shard?: string;
  sources: string[];
  accounts: string[];
  regions: string[];
  /** False when the snapshot failed verification (altered manifest or files): its evidence is not used. */
  trusted: boolean;
}

export type PeriodProblemKind =
  /** A file's bytes do not match the manifest, a listed file is missing, or a file is not listed. */
  | 'altered'
  /** The hash chain between manifests is broken (altered manifest, missing link, fork, restart). */
  | 'chain'
  /** An envelope, index or gaps file does not match its schema, or does not match where it is stored. */
  | 'invalid'
  /** The snapshot could not be read at all. */
  | 'unreadable';

/** Something wrong with the evidence itself. Each one is a coverage problem and an `evidence.period-coverage` failure. */
export interface PeriodProblem {
  kind: PeriodProblemKind;
  snapshotId: string;
  /** File inside the snapshot, when the problem is about one file. */
  path?: string;
  message: string;
}

/** One envelope of the period (its index.json line), whether or not its data is used. Its `id` is `<snapshotId>_<account>_<region>_<collector>`. */
export interface EnvelopeSummary extends SnapshotIndexEntry {
  snapshotId: string;
  /** When the data was captured (the window's end). */
  capturedAt: string;
  /** False when the snapshot or this file failed verification or validation: not used by controls, not coverage. */
  trusted: boolean;
}

/** A gap recorded by a collect run (gaps.json), with the snapshot that recorded it. */
export interface SnapshotGap extends Gap {
  snapshotId: string;
  /** When the run that recorded it started (for gaps without `at`). */
  snapshotAt: string;
}

/** The state of a point-in-time source in one account × region at one moment: one envelope. */
export interface Capture<T = unknown> {
  evidenceId: string;
  snapshotId: string;
  collector: string;
  account: string;
  region: string;
  /** When the state was read (the envelope's window end). */
  at: string;
  /** False when some calls failed: some properties are missing (see `gaps`). */
  complete: boolean;
  gaps: Gap[];
  data: T;
}

/** One record of a windowed source after deduplication across snapshots: its latest observation. */
export interface ObservedRecord<T = unknown> {
  record: T;
  /** The dedupe key (job id, event id, configuration item). */
  key: string;
  /** Evidence id of the envelope the kept observation came from. */
  evidenceId: string;
  snapshotId: string;
  account: string;
  region: string;
  /** When that observation was made (the envelope's provenance endedAt). */
  observedAt: string;
  /** How many envelopes contained this record (lookback overlap makes this > 1). */
  observations: number;
}

/**
 * Read-only access to the period's evidence. Point-in-time sources: `series` (every capture, oldest
 * first) and `latest` (the newest capture per account × region at or before the period end).
 * Windowed sources: `records` (deduplicated by id, the latest observation of each). Everything
 * carries evidence ids so results can name what they rest on.
 */
export interface PeriodView {
  readonly period: PeriodRange;
  readonly snapshots: readonly SnapshotSummary[];
  readonly sources: readonly SourceInfo[];
  /** Every envelope of every loaded snapshot (trusted or not), for coverage and the evidence index. */
  readonly envelopes: readonly EnvelopeSummary[];
  /** Every gap of every loaded snapshot. */
  readonly gaps: readonly SnapshotGap[];
  /** Verification and validation problems found while loading. */
  readonly problems: readonly PeriodProblem[];
  /** Accounts of the config and of the loaded snapshots. */
  readonly accounts: readonly string[];

  source(id: string): SourceInfo | undefined;
  /** True when at least one trusted envelope of the source was loaded. */
  has(collector: string): boolean;
  /** Every trusted capture of a point-in-time source, oldest first (at most one per account × region × UTC day). */
  series<T = unknown>(collector: string, filter?: { account?: string; region?: string }): readonly Capture<T>[];
  /** The newest trusted capture per account × region taken before the period's end (else the earliest after it). */
  latest<T = unknown>(collector: string): readonly Capture<T>[];
  /** Deduplicated records of a windowed source (all loaded, including ones outside the period; filter by their dates). */
  records<T = unknown>(collector: string): readonly ObservedRecord<T>[];
}

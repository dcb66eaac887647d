import type { RegionClients } from '../aws/client-factory.js';
import type { Config } from '../config/types.js';
import type { Gap, TimeWindow } from '../evidence/types.js';

/**
 * Where a collector runs: once per account × region, once per account (account-wide APIs such
 * as S3 ListBuckets, Organizations), or once per run on local files (DR game-day records).
 */
export type CollectorScope = 'region' | 'account' | 'local';

/**
 * Source groups, for `collect --only`: `state` is current configuration; `jobs` are AWS Backup
 * jobs (kept 30 days); `events` are CloudTrail events (kept 90 days); `history` is AWS Config
 * configuration history; `records` are people's files.
 */
export type SourceGroup = 'state' | 'jobs' | 'events' | 'history' | 'records';

export interface CollectorContext {
  readonly config: Config;
  readonly account: { id: string; name: string };
  /** The region collected, or "global" for account-scope collectors. */
  readonly region: string;
  /** The window a time-windowed collector must cover; for current-state collectors, the run's start. */
  readonly window: { start: Date; end: Date };
  /** Clients of this account in this region (account scope: in the first configured region). */
  readonly clients: RegionClients;
  /** Clients of this account in another region (account-scope collectors reaching regional resources). */
  clientsIn(region: string): RegionClients;
  /**
   * Returns null when `operation` answered "not configured" (e.g. S3
   * ReplicationConfigurationNotFoundError: no replication); rethrows any other error.
   */
  ifPresent<T>(operation: string, call: Promise<T>): Promise<T | null>;
  /**
   * For calls about one resource among many. Returns the result; null when AWS answered "not
   * configured" (src/aws/errors.ts ABSENT_ERRORS); undefined when the call failed, in which case
   * a gap is recorded on this envelope (marked incomplete) and the collector carries on.
   * Evidence convention: null = absent, a missing property = could not be read (see gaps).
   */
  attempt<T>(operation: string, call: Promise<T>, resource?: string): Promise<T | null | undefined>;
  /** Records a gap found by the collector itself (e.g. a window the source no longer keeps). */
  addGap(gap: Omit<Gap, 'collector' | 'account' | 'region'>): void;
  /** Progress detail for the TTY display. */
  progress(detail: string): void;
  /**
   * An organization-wide listing made once per run with another in-scope account's role (AWS
   * Backup's ListBackupJobs with ByAccountId "*" from the management or delegated-admin account).
   * The first task asking for `key` runs `list` with that account's clients in `region`; the others
   * share its answer. The listing's requests go into this envelope's provenance, whose caller
   * identity becomes that account's and whose `view` is `view`. Throws — a gap for this envelope —
   * when the account is not reachable in this run or the listing failed.
   */
  viaAccount<T>(accountId: string, request: { key: string; region: string; view: string }, list: (clients: RegionClients) => Promise<T>): Promise<T>;
  /**
   * The windows planned for this collector in this region across the run's reachable accounts
   * (an organization-wide listing covers them all); this task's window alone when not known.
   */
  readonly regionWindows: ReadonlyArray<{ start: Date; end: Date }>;
}

/** The output of one collector run: its data, and optionally its record count and source. */
export interface CollectorOutput<T> {
  data: T;
  /** Number of records in data (default: length of data when it is an array, else of its main list). */
  recordCount?: number;
  /** For local sources: the file or folder read. */
  source?: string;
}

/**
 * One kind of evidence. Collectors are data objects registered in src/collectors/index.ts; the
 * runner gives them a context per account × region and writes what they return as an envelope.
 */
export interface Collector<T = unknown> {
  /** Stable id, e.g. `backup.vaults`. */
  id: string;
  /** Schema of `data`, `<id>.v<N>`: evidence-schemas/<schema>.schema.json. */
  schema: string;
  /** What the evidence is, for people (docs/COLLECTORS.md, the Evidence Index). */
  title: string;
  scope: CollectorScope;
  group: SourceGroup;
  /**
   * Time-windowed sources: how many days back the source keeps data (Backup jobs 30,
   * CloudTrail event history 90). The runner collects since the previous snapshot that covered
   * the source, never further back than this, and records what is older as a gap.
   */
  retentionDays?: number;
  /**
   * How long the source keeps data with this config, when the config names a longer-lived source
   * (a CloudTrail Lake event data store's retention); default `retentionDays`. Use retentionDaysOf().
   */
  retentionFor?(config: Config): number | undefined;
  /**
   * API operations the collector may call, `service:Operation` as recorded in provenance
   * (`s3:GetBucketReplication`); src/aws/iam-actions.ts maps them to IAM actions for the policy.
   */
  operations: readonly string[];
  /**
   * Whether the collector runs for this account × region (region `global` for account scope);
   * default: everywhere. E.g. the Config aggregator inventory runs once, in the aggregator's
   * account, and per-account inventory is skipped when an aggregator is configured.
   */
  appliesTo?(config: Config, account: { id: string; name: string }, region: string): boolean;
  /**
   * Checks the collector's user input before the run starts (before any AWS call or snapshot
   * folder): throws InputError for bad input (exit code 2). E.g. DR records that do not validate.
   */
  preflight?(config: Config): Promise<void>;
  collect(ctx: CollectorContext): Promise<CollectorOutput<T>>;
}

export type { TimeWindow };

/** How many days back a time-windowed source keeps data with this config (undefined: point in time). */
export function retentionDaysOf(collector: Pick<Collector, 'retentionDays' | 'retentionFor'>, config?: Config): number | undefined {
  return (config && collector.retentionFor?.(config)) ?? collector.retentionDays;
}

/**
 * How the AWS Backup job listings (ListBackupJobs, ListCopyJobs, ListRestoreJobs) are queried
 * for a run's window, and the organization-view hook they share.
 */

const DAY_MS = 86_400_000;

/** AWS keeps backup, copy and restore jobs for 30 days (ListBackupJobs API reference). */
export const JOB_RETENTION_DAYS = 30;

/**
 * How far before the window's start the listings reach back. A job created shortly before the
 * previous capture may still have been running then; asking again for jobs created since
 * `window.start − 7 days` sees it once more in its final state — 7 days is AWS Backup's default
 * completion window (CompletionWindowMinutes 10080), the longest a job normally runs.
 * Consumers dedupe jobs by id across snapshots, keeping the latest observation.
 */
export const JOB_LOOKBACK_DAYS = 7;

/** ByAccountId value that lists the jobs of every account of the organization (management or delegated-admin account). */
export const ORGANIZATION_WIDE = '*';

/** The creation-date filter sent to AWS: AWS's own parameter names, so provenance shows the real query. */
export interface JobQuery {
  ByCreatedAfter: Date;
  ByCreatedBefore: Date;
}

/**
 * The query for a planned window: jobs created from `window.start − JOB_LOOKBACK_DAYS` (never
 * earlier than the 30 days AWS keeps, counted back from the window's end, which is the run's
 * start) to `window.end`. The envelope's window stays the planned one: it states coverage.
 */
export function planJobQuery(window: { start: Date; end: Date }): JobQuery {
  const lookback = window.start.getTime() - JOB_LOOKBACK_DAYS * DAY_MS;
  const kept = window.end.getTime() - JOB_RETENTION_DAYS * DAY_MS;
  return { ByCreatedAfter: new Date(Math.max(lookback, kept)), ByCreatedBefore: new Date(window.end.getTime()) };
}

/** A query for jobs created in the window and, optionally, only those that finished in a time range. */
export interface FinishedJobQuery extends JobQuery {
  ByCompleteAfter?: Date;
  ByCompleteBefore?: Date;
}

/**
 * The queries for backup and copy jobs of a planned window, without re-reading what earlier
 * captures already hold: (1) every job created in the window; (2) jobs created up to
 * JOB_LOOKBACK_DAYS before the window that finished during it — the ones the previous capture saw
 * still running, now in their final state. Both stay inside the 30 days AWS keeps.
 * Consumers dedupe jobs by id across snapshots, keeping the latest observation.
 */
export function planFinishedJobQueries(window: { start: Date; end: Date }): FinishedJobQuery[] {
  const kept = window.end.getTime() - JOB_RETENTION_DAYS * DAY_MS;
  const createdFrom = Math.max(window.start.getTime(), kept);
  const created: FinishedJobQuery = { ByCreatedAfter: new Date(createdFrom), ByCreatedBefore: new Date(window.end.getTime()) };
  const lookbackFrom = Math.max(window.start.getTime() - JOB_LOOKBACK_DAYS * DAY_MS, kept);
  if (lookbackFrom >= createdFrom) return [created];
  return [
    created,
    {
      ByCreatedAfter: new Date(lookbackFrom),
      ByCreatedBefore: new Date(createdFrom),
      ByCompleteAfter: new Date(createdFrom),
      ByCompleteBefore: new Date(window.end.getTime()),
    },
  ];
}

/** Jobs of several listings, each id once (the later listing's record wins). */
export function dedupeJobs<T>(lists: readonly T[][], id: (job: T) => string | undefined): T[] {
  const byId = new Map<string, T>();
  const anonymous: T[] = [];
  for (const list of lists) {
    for (const job of list) {
      const key = id(job);
      if (key === undefined) anonymous.push(job);
      else {
        byId.delete(key);
        byId.set(key, job);
      }
    }
  }
  return [...byId.values(), ...anonymous];
}

/**
 * Options of the job collectors. Hook for the organization view (issue 8): the management or
 * delegated-admin account can list every member account's jobs in one listing.
 */
export interface JobListingOptions {
  /**
   * Sent as ByAccountId: a 12-digit account id, or `"*"` (ORGANIZATION_WIDE) for all accounts of
   * the organization — documented by AWS for ListBackupJobs only; ListCopyJobs and
   * ListRestoreJobs document a 12-digit id. Absent: the caller's own account (AWS's default).
   */
  byAccountId?: string;
}

/**
 * The ByAccountId part of a listing's input, checked against what AWS documents for the operation.
 * Throws RangeError for a value AWS would reject (a programming error: the config is validated earlier).
 */
export function accountFilter(
  operation: string,
  options: JobListingOptions,
  organizationWide: boolean,
): { ByAccountId?: string } {
  const id = options.byAccountId;
  if (id === undefined) return {};
  if (/^[0-9]{12}$/.test(id) || (organizationWide && id === ORGANIZATION_WIDE)) return { ByAccountId: id };
  const allowed = organizationWide ? `a 12-digit account id or "${ORGANIZATION_WIDE}"` : 'a 12-digit account id';
  throw new RangeError(`${operation}: byAccountId must be ${allowed}, got ${JSON.stringify(id)}`);
}

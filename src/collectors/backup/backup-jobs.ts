import { paginateListBackupJobs, type BackupClient, type BackupJob } from '@aws-sdk/client-backup';
import { groupBy } from '../../util/group-by.js';
import type { Collector, CollectorContext } from '../types.js';
import {
  JOB_RETENTION_DAYS,
  ORGANIZATION_WIDE,
  accountFilter,
  dedupeJobs,
  planFinishedJobQueries,
  type FinishedJobQuery,
  type JobListingOptions,
} from './job-window.js';
import { MAX_PAGE_SIZE, listAllPages, pagesOf } from './list-pages.js';

export interface BackupJobs {
  /** ListBackupJobs records exactly as AWS returns them (BackupJobId, State, CreationDate, CompletionDate…). */
  jobs: BackupJob[];
}

/**
 * A backup-jobs collector. With the config's `backupOrganizationView`, every account's jobs come
 * from one organization-wide listing per region (ctx.viaAccount); `options.byAccountId` sends a
 * fixed ByAccountId instead (a 12-digit id, or `"*"` into one envelope).
 */
export function createBackupJobsCollector(options: JobListingOptions = {}): Collector<BackupJobs> {
  const filter = accountFilter('ListBackupJobs', options, true);
  return {
    id: 'backup.backup-jobs',
    schema: 'backup.backup-jobs.v1',
    title: 'AWS Backup backup jobs created in the window, with state, timing, vault and recovery point',
    scope: 'region',
    group: 'jobs',
    retentionDays: JOB_RETENTION_DAYS,
    operations: ['backup:ListBackupJobs'],
    async collect(ctx) {
      const view = options.byAccountId === undefined ? ctx.config.backupOrganizationView : undefined;
      const jobs = view ? await organizationJobs(ctx, view.account) : await listJobs(ctx.clients.backup, ctx.window, filter);
      ctx.progress(`${jobs.length} backup jobs`);
      return { data: { jobs }, recordCount: jobs.length };
    },
  };
}

/** The window's backup jobs (see planFinishedJobQueries), each id once. */
async function listJobs(client: BackupClient, window: { start: Date; end: Date }, filter: { ByAccountId?: string }): Promise<BackupJob[]> {
  const lists = [];
  for (const query of planFinishedJobQueries(window)) {
    const input = { ...query, ...filter, MaxResults: MAX_PAGE_SIZE };
    lists.push(await listAllPages(paginateListBackupJobs(pagesOf(client), input), (page) => page.BackupJobs));
  }
  return dedupeJobs(lists, (job) => job.BackupJobId);
}

/**
 * This account's jobs from the organization-wide listing (config `backupOrganizationView`): one
 * listing per region with ByAccountId "*", made with the view account's role over the windows
 * of every account, then kept to this account's jobs (AccountId) that the account's own window
 * would have listed.
 */
async function organizationJobs(ctx: CollectorContext, viewAccount: string): Promise<BackupJob[]> {
  const windows = ctx.regionWindows.length > 0 ? ctx.regionWindows : [ctx.window];
  const union = {
    start: new Date(Math.min(...windows.map((w) => w.start.getTime()))),
    end: new Date(Math.max(...windows.map((w) => w.end.getTime()))),
  };
  // Grouped by account once, in the shared listing, so each account's task reads only its own jobs.
  const byAccount = await ctx.viaAccount(
    viewAccount,
    {
      key: `backup.backup-jobs|${union.start.toISOString()}|${union.end.toISOString()}`,
      region: ctx.region,
      view: `AWS Backup ListBackupJobs with ByAccountId "${ORGANIZATION_WIDE}" from account ${viewAccount} (backupOrganizationView), kept to AccountId ${ctx.account.id}`,
    },
    async (clients) => groupBy(await listJobs(clients.backup, union, { ByAccountId: ORGANIZATION_WIDE }), (job) => job.AccountId),
  );
  const queries = planFinishedJobQueries(ctx.window);
  return (byAccount.get(ctx.account.id) ?? []).filter((job) => queries.some((q) => answers(q, job)));
}

/** Whether AWS would return `job` for `query` (bounds taken inclusively: the period view dedupes by job id). */
function answers(query: FinishedJobQuery, job: BackupJob): boolean {
  const within = (at: Date | undefined, after: Date | undefined, before: Date | undefined) =>
    at !== undefined && (!after || at.getTime() >= after.getTime()) && (!before || at.getTime() <= before.getTime());
  const created = within(job.CreationDate, query.ByCreatedAfter, query.ByCreatedBefore);
  if (!query.ByCompleteAfter && !query.ByCompleteBefore) return created;
  return created && within(job.CompletionDate, query.ByCompleteAfter, query.ByCompleteBefore);
}

/**
 * Every AWS Backup backup job of the window (30-day source; see job-window.ts for the 7-day
 * lookback): the population behind `backup.job-success`.
 */
export const backupJobs = createBackupJobsCollector();

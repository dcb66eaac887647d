import { paginateListBackupJobs, type BackupJob } from '@aws-sdk/client-backup';
import type { Collector } from '../types.js';
import { JOB_RETENTION_DAYS, accountFilter, dedupeJobs, planFinishedJobQueries, type JobListingOptions } from './job-window.js';
import { MAX_PAGE_SIZE, listAllPages, pagesOf } from './list-pages.js';

export interface BackupJobs {
  /** ListBackupJobs records exactly as AWS returns them (BackupJobId, State, CreationDate, CompletionDate…). */
  jobs: BackupJob[];
}

/**
 * A backup-jobs collector. `options.byAccountId` is the organization-view hook (issue 8): `"*"`
 * from the management or delegated-admin account lists every member account's jobs.
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
      const lists = [];
      for (const query of planFinishedJobQueries(ctx.window)) {
        const input = { ...query, ...filter, MaxResults: MAX_PAGE_SIZE };
        lists.push(await listAllPages(paginateListBackupJobs(pagesOf(ctx.clients.backup), input), (page) => page.BackupJobs));
      }
      const jobs = dedupeJobs(lists, (job) => job.BackupJobId);
      ctx.progress(`${jobs.length} backup jobs`);
      return { data: { jobs }, recordCount: jobs.length };
    },
  };
}

/**
 * Every AWS Backup backup job of the window (30-day source; see job-window.ts for the 7-day
 * lookback): the population behind `backup.job-success`.
 */
export const backupJobs = createBackupJobsCollector();

import { paginateListCopyJobs, type CopyJob } from '@aws-sdk/client-backup';
import type { Collector } from '../types.js';
import { JOB_RETENTION_DAYS, accountFilter, dedupeJobs, planFinishedJobQueries, type JobListingOptions } from './job-window.js';
import { MAX_PAGE_SIZE, listAllPages, pagesOf } from './list-pages.js';

export interface BackupCopyJobs {
  /** ListCopyJobs records exactly as AWS returns them (CopyJobId, State, Source/DestinationBackupVaultArn…). */
  jobs: CopyJob[];
}

/**
 * A copy-jobs collector. `options.byAccountId` is the organization-view hook (issue 8); AWS
 * documents only a 12-digit account id for ListCopyJobs, so `"*"` is refused.
 */
export function createCopyJobsCollector(options: JobListingOptions = {}): Collector<BackupCopyJobs> {
  const filter = accountFilter('ListCopyJobs', options, false);
  return {
    id: 'backup.copy-jobs',
    schema: 'backup.copy-jobs.v1',
    title: 'AWS Backup copy jobs created in the window, with source and destination vaults, state and timing',
    scope: 'region',
    group: 'jobs',
    retentionDays: JOB_RETENTION_DAYS,
    operations: ['backup:ListCopyJobs'],
    async collect(ctx) {
      const lists = [];
      for (const query of planFinishedJobQueries(ctx.window)) {
        const input = { ...query, ...filter, MaxResults: MAX_PAGE_SIZE };
        lists.push(await listAllPages(paginateListCopyJobs(pagesOf(ctx.clients.backup), input), (page) => page.CopyJobs));
      }
      const jobs = dedupeJobs(lists, (job) => job.CopyJobId);
      ctx.progress(`${jobs.length} copy jobs`);
      return { data: { jobs }, recordCount: jobs.length };
    },
  };
}

/**
 * Every AWS Backup copy job of the window (cross-region and cross-account copies): the
 * population behind `backup.cross-region-copy` and the copy lag between regions.
 */
export const backupCopyJobs = createCopyJobsCollector();

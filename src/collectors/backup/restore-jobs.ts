import { paginateListRestoreJobs, type RestoreJobsListMember } from '@aws-sdk/client-backup';
import type { Collector } from '../types.js';
import { JOB_RETENTION_DAYS, accountFilter, planJobQuery, type JobListingOptions } from './job-window.js';
import { MAX_PAGE_SIZE, listAllPages, pagesOf } from './list-pages.js';

export interface BackupRestoreJobs {
  /**
   * ListRestoreJobs records exactly as AWS returns them: RestoreJobId, Status, CreationDate,
   * CompletionDate, RecoveryPointCreationDate, CreatedResourceArn, ValidationStatus,
   * DeletionStatus, and CreatedBy.RestoreTestingPlanArn for restore tests.
   */
  jobs: RestoreJobsListMember[];
}

/**
 * A restore-jobs collector. `options.byAccountId` is the organization-view hook (issue 8); AWS
 * documents only a 12-digit account id for ListRestoreJobs, so `"*"` is refused.
 */
export function createRestoreJobsCollector(options: JobListingOptions = {}): Collector<BackupRestoreJobs> {
  const filter = accountFilter('ListRestoreJobs', options, false);
  return {
    id: 'backup.restore-jobs',
    schema: 'backup.restore-jobs.v1',
    title: 'AWS Backup restore jobs created in the window, with restore-test validation results',
    scope: 'region',
    group: 'jobs',
    retentionDays: JOB_RETENTION_DAYS,
    operations: ['backup:ListRestoreJobs'],
    async collect(ctx) {
      const input = { ...planJobQuery(ctx.window), ...filter, MaxResults: MAX_PAGE_SIZE };
      const jobs = await listAllPages(paginateListRestoreJobs(pagesOf(ctx.clients.backup), input), (page) => page.RestoreJobs);
      ctx.progress(`${jobs.length} restore jobs`);
      return { data: { jobs }, recordCount: jobs.length };
    },
  };
}

/**
 * Every AWS Backup restore job of the window, restore tests included: measured recovery for
 * `dr.rto-rpo` (time to restore: CreationDate → CompletionDate; age of the recovery point used:
 * RecoveryPointCreationDate) and the restore tests behind `dr.test-frequency`.
 */
export const backupRestoreJobs = createRestoreJobsCollector();

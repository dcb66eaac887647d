import { paginateListReportPlans, type ReportPlan } from '@aws-sdk/client-backup';
import type { Collector } from '../types.js';
import { listAllPages, pagesOf } from './list-pages.js';

export interface BackupReportPlans {
  /**
   * ListReportPlans records as AWS returns them: ReportPlanArn, ReportPlanName, ReportSetting
   * (ReportTemplate, Accounts, Regions…), ReportDeliveryChannel (S3BucketName, Formats),
   * DeploymentStatus, CreationTime, LastAttemptedExecutionTime, LastSuccessfulExecutionTime.
   */
  reportPlans: ReportPlan[];
}

/**
 * AWS Backup Audit Manager report plans: the recurring job and compliance reports the
 * organization has set up, where they are delivered, and when they last ran successfully.
 */
export const backupReportPlans: Collector<BackupReportPlans> = {
  id: 'backup.report-plans',
  schema: 'backup.report-plans.v1',
  title: 'AWS Backup report plans: report template, scope, delivery bucket and last successful run',
  scope: 'region',
  group: 'state',
  operations: ['backup:ListReportPlans'],
  async collect(ctx) {
    const reportPlans = await listAllPages(paginateListReportPlans(pagesOf(ctx.clients.backup), {}), (page) => page.ReportPlans);
    ctx.progress(`${reportPlans.length} report plans`);
    return { data: { reportPlans }, recordCount: reportPlans.length };
  },
};

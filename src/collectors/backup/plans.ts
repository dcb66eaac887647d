import { GetBackupPlanCommand, paginateListBackupPlans, type BackupPlansListMember } from '@aws-sdk/client-backup';
import { mapWithConcurrency } from '../../util/limiter.js';
import { withoutMetadata } from '../sdk-output.js';
import type { Collector } from '../types.js';

export interface PlanEvidence {
  /** ListBackupPlans entry. */
  plan: BackupPlansListMember;
  /** GetBackupPlan: rules with schedules, lifecycle and copy actions; absent when the call failed. */
  details?: Record<string, unknown>;
}

export interface BackupPlans {
  plans: PlanEvidence[];
}

/** AWS Backup plans with their rules, schedules, lifecycles and cross-region copy actions. */
export const backupPlans: Collector<BackupPlans> = {
  id: 'backup.plans',
  schema: 'backup.plans.v1',
  title: 'Backup plans with rules, schedules, lifecycle and copy actions',
  scope: 'region',
  group: 'state',
  operations: ['backup:ListBackupPlans', 'backup:GetBackupPlan'],
  async collect(ctx) {
    const client = ctx.clients.backup;
    const listed: BackupPlansListMember[] = [];
    for await (const page of paginateListBackupPlans({ client }, {})) listed.push(...(page.BackupPlansList ?? []));
    const plans = await mapWithConcurrency(listed, 4, async (plan): Promise<PlanEvidence> => {
      const id = plan.BackupPlanId!;
      const details = await ctx.attempt('backup:GetBackupPlan', client.send(new GetBackupPlanCommand({ BackupPlanId: id })), id);
      return { plan, ...(details ? { details: withoutMetadata(details) } : {}) };
    });
    return { data: { plans }, recordCount: plans.length };
  },
};

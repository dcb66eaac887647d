import {
  GetBackupSelectionCommand,
  paginateListBackupPlans,
  paginateListBackupSelections,
  type BackupPlansListMember,
  type BackupSelectionsListMember,
  type GetBackupSelectionOutput,
} from '@aws-sdk/client-backup';
import { mapWithConcurrency } from '../../util/limiter.js';
import { withoutMetadata } from '../sdk-output.js';
import type { Collector } from '../types.js';
import { listAllPages, pagesOf, pickFields } from './list-pages.js';

/** A backup selection: what ListBackupSelections says, and GetBackupSelection's full definition. */
export interface SelectionEvidence {
  /** ListBackupSelections entry: SelectionId, SelectionName, BackupPlanId, CreationDate, IamRoleArn. */
  selection: BackupSelectionsListMember;
  /**
   * GetBackupSelection: BackupSelection (Resources, NotResources, ListOfTags, Conditions,
   * IamRoleArn), SelectionId, BackupPlanId, CreationDate. Missing: the call failed (see gaps).
   */
  details?: Omit<GetBackupSelectionOutput, '$metadata'>;
}

export interface PlanSelections {
  /** The plan, as ListBackupPlans names it. */
  plan: Pick<BackupPlansListMember, 'BackupPlanId' | 'BackupPlanArn' | 'BackupPlanName' | 'VersionId'>;
  /** The plan's selections; an empty list: none. Missing: ListBackupSelections failed (see gaps). */
  selections?: SelectionEvidence[];
}

export interface BackupSelections {
  plans: PlanSelections[];
}

/**
 * Which resources each AWS Backup plan protects: every selection of every plan, with its
 * resource ARNs, tag conditions, exclusions (NotResources) and the IAM role it runs as. This is
 * what `backup.plan-coverage` matches in-scope resources against.
 */
export const backupSelections: Collector<BackupSelections> = {
  id: 'backup.selections',
  schema: 'backup.selections.v1',
  title: 'Backup selections: resources, tag conditions and exclusions assigned to each backup plan',
  scope: 'region',
  group: 'state',
  operations: ['backup:ListBackupPlans', 'backup:ListBackupSelections', 'backup:GetBackupSelection'],
  async collect(ctx) {
    const client = ctx.clients.backup;
    const listed = await listAllPages(paginateListBackupPlans(pagesOf(client), {}), (page) => page.BackupPlansList);
    const plans = await mapWithConcurrency(listed, 4, async (plan): Promise<PlanSelections> => {
      const planId = plan.BackupPlanId!;
      const head = { plan: pickFields(plan, ['BackupPlanId', 'BackupPlanArn', 'BackupPlanName', 'VersionId'] as const) };
      const selections = await ctx.attempt(
        'backup:ListBackupSelections',
        listAllPages(paginateListBackupSelections(pagesOf(client), { BackupPlanId: planId }), (page) => page.BackupSelectionsList),
        planId,
      );
      if (!selections) return head;
      return {
        ...head,
        selections: await mapWithConcurrency(selections, 4, async (selection): Promise<SelectionEvidence> => {
          const details = await ctx.attempt(
            'backup:GetBackupSelection',
            client.send(new GetBackupSelectionCommand({ BackupPlanId: planId, SelectionId: selection.SelectionId! })),
            `${planId}/${selection.SelectionId}`,
          );
          return { selection, ...(details ? { details: withoutMetadata(details) } : {}) };
        }),
      };
    });
    const recordCount = plans.reduce((n, p) => n + (p.selections?.length ?? 0), 0);
    ctx.progress(`${plans.length} plans, ${recordCount} selections`);
    return { data: { plans }, recordCount };
  },
};

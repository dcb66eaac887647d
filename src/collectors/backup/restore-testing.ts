import {
  GetRestoreTestingPlanCommand,
  GetRestoreTestingSelectionCommand,
  paginateListRestoreTestingPlans,
  paginateListRestoreTestingSelections,
  type RestoreTestingPlanForGet,
  type RestoreTestingPlanForList,
  type RestoreTestingSelectionForGet,
  type RestoreTestingSelectionForList,
} from '@aws-sdk/client-backup';
import { mapWithConcurrency } from '../../util/limiter.js';
import type { Collector } from '../types.js';
import { listAllPages, pagesOf } from './list-pages.js';

export interface RestoreTestingSelectionEvidence {
  /** ListRestoreTestingSelections entry: name, ProtectedResourceType, IamRoleArn, ValidationWindowHours. */
  selection: RestoreTestingSelectionForList;
  /**
   * GetRestoreTestingSelection's RestoreTestingSelection: ProtectedResourceArns,
   * ProtectedResourceConditions, RestoreMetadataOverrides. Missing: the call failed (see gaps).
   */
  details?: RestoreTestingSelectionForGet;
}

export interface RestoreTestingPlanEvidence {
  /** ListRestoreTestingPlans entry: ARN, name, ScheduleExpression, LastExecutionTime. */
  plan: RestoreTestingPlanForList;
  /**
   * GetRestoreTestingPlan's RestoreTestingPlan: RecoveryPointSelection (Algorithm, IncludeVaults,
   * ExcludeVaults, RecoveryPointTypes, SelectionWindowDays). Missing: the call failed (see gaps).
   */
  details?: RestoreTestingPlanForGet;
  /** The plan's selections; an empty list: none. Missing: ListRestoreTestingSelections failed (see gaps). */
  selections?: RestoreTestingSelectionEvidence[];
}

export interface BackupRestoreTesting {
  plans: RestoreTestingPlanEvidence[];
}

/**
 * AWS Backup restore testing: the plans that restore recovery points on a schedule and the
 * selections saying which protected resources they test. With the restore jobs they start
 * (CreatedBy.RestoreTestingPlanArn, ValidationStatus) they are the recovery-testing evidence of A1.3.
 */
export const backupRestoreTesting: Collector<BackupRestoreTesting> = {
  id: 'backup.restore-testing',
  schema: 'backup.restore-testing.v1',
  title: 'Restore testing plans (schedule, recovery point selection) and their resource selections',
  scope: 'region',
  group: 'state',
  operations: [
    'backup:ListRestoreTestingPlans',
    'backup:GetRestoreTestingPlan',
    'backup:ListRestoreTestingSelections',
    'backup:GetRestoreTestingSelection',
  ],
  async collect(ctx) {
    const client = ctx.clients.backup;
    const listed = await listAllPages(paginateListRestoreTestingPlans(pagesOf(client), {}), (page) => page.RestoreTestingPlans);
    const plans = await mapWithConcurrency(listed, 4, async (plan): Promise<RestoreTestingPlanEvidence> => {
      const name = plan.RestoreTestingPlanName!;
      const [details, selections] = await Promise.all([
        ctx.attempt(
          'backup:GetRestoreTestingPlan',
          client.send(new GetRestoreTestingPlanCommand({ RestoreTestingPlanName: name })).then((out) => out.RestoreTestingPlan),
          name,
        ),
        ctx.attempt(
          'backup:ListRestoreTestingSelections',
          listAllPages(paginateListRestoreTestingSelections(pagesOf(client), { RestoreTestingPlanName: name }), (page) => page.RestoreTestingSelections),
          name,
        ),
      ]);
      const evidence: RestoreTestingPlanEvidence = { plan, ...(details ? { details } : {}) };
      if (!selections) return evidence;
      evidence.selections = await mapWithConcurrency(selections, 4, async (selection): Promise<RestoreTestingSelectionEvidence> => {
        const selectionName = selection.RestoreTestingSelectionName!;
        const full = await ctx.attempt(
          'backup:GetRestoreTestingSelection',
          client
            .send(new GetRestoreTestingSelectionCommand({ RestoreTestingPlanName: name, RestoreTestingSelectionName: selectionName }))
            .then((out) => out.RestoreTestingSelection),
          `${name}/${selectionName}`,
        );
        return { selection, ...(full ? { details: full } : {}) };
      });
      return evidence;
    });
    const selections = plans.reduce((n, p) => n + (p.selections?.length ?? 0), 0);
    ctx.progress(`${plans.length} restore testing plans, ${selections} selections`);
    return { data: { plans }, recordCount: plans.length };
  },
};

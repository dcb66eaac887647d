import { paginateListProtectedResources, type ProtectedResource } from '@aws-sdk/client-backup';
import type { Collector } from '../types.js';
import { MAX_PAGE_SIZE, listAllPages, pagesOf } from './list-pages.js';

export interface BackupProtectedResources {
  /**
   * ListProtectedResources results as AWS returns them: ResourceArn, ResourceType, ResourceName,
   * LastBackupTime, LastBackupVaultArn, LastRecoveryPointArn.
   */
  resources: ProtectedResource[];
}

/**
 * The resources AWS Backup has backed up at least once in this region (its "protected
 * resources"), with the time, vault and recovery point of their latest backup. Set against the
 * in-scope inventory it shows what is protected in fact, not only selected by a plan.
 */
export const backupProtectedResources: Collector<BackupProtectedResources> = {
  id: 'backup.protected-resources',
  schema: 'backup.protected-resources.v1',
  title: 'Resources protected by AWS Backup, with their latest backup time, vault and recovery point',
  scope: 'region',
  group: 'state',
  operations: ['backup:ListProtectedResources'],
  async collect(ctx) {
    const client = ctx.clients.backup;
    const resources = await listAllPages(paginateListProtectedResources(pagesOf(client), { MaxResults: MAX_PAGE_SIZE }), (page) => page.Results);
    ctx.progress(`${resources.length} protected resources`);
    return { data: { resources }, recordCount: resources.length };
  },
};

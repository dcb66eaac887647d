import {
  paginateListBackupVaults,
  paginateListRecoveryPointsByBackupVault,
  type BackupVaultListMember,
  type RecoveryPointByBackupVault,
} from '@aws-sdk/client-backup';
import { mapWithConcurrency } from '../../util/limiter.js';
import type { Collector } from '../types.js';
import { MAX_PAGE_SIZE, listAllPages, pagesOf, pickFields } from './list-pages.js';

/**
 * The fields of a ListRecoveryPointsByBackupVault record kept as evidence, under AWS's names:
 * what was backed up and when (resource, creation/completion), where (vault; SourceBackupVaultArn
 * when the point is a copy), how it is encrypted, its lifecycle and status. Dropped: IamRoleArn,
 * IndexStatus/IndexStatusMessage and AggregatedScanResult, which no control reads.
 */
export const RECOVERY_POINT_FIELDS = [
  'RecoveryPointArn',
  'BackupVaultName',
  'BackupVaultArn',
  'SourceBackupVaultArn',
  'ResourceArn',
  'ResourceType',
  'ResourceName',
  'CreatedBy',
  'Status',
  'StatusMessage',
  'CreationDate',
  'InitiationDate',
  'CompletionDate',
  'BackupSizeInBytes',
  'Lifecycle',
  'CalculatedLifecycle',
  'IsEncrypted',
  'EncryptionKeyArn',
  'EncryptionKeyType',
  'VaultType',
  'ParentRecoveryPointArn',
  'IsParent',
  'CompositeMemberIdentifier',
  'LastRestoreTime',
] as const satisfies ReadonlyArray<keyof RecoveryPointByBackupVault>;

export type RecoveryPointRecord = Pick<RecoveryPointByBackupVault, (typeof RECOVERY_POINT_FIELDS)[number]>;

export interface VaultRecoveryPoints {
  /** The vault, as ListBackupVaults names it. */
  vault: Pick<BackupVaultListMember, 'BackupVaultName' | 'BackupVaultArn' | 'VaultType'>;
  /** Its recovery points; an empty list: none. Missing: the listing failed (see gaps). */
  recoveryPoints?: RecoveryPointRecord[];
}

export interface BackupRecoveryPoints {
  vaults: VaultRecoveryPoints[];
}

/**
 * Every recovery point in every backup vault of the region: the backups that exist now, with
 * their encryption (`backup.encrypted`), lifecycle and retention (`backup.vault-immutable`),
 * cross-region copies (SourceBackupVaultArn) and the resource each one restores.
 */
export const backupRecoveryPoints: Collector<BackupRecoveryPoints> = {
  id: 'backup.recovery-points',
  schema: 'backup.recovery-points.v1',
  title: 'Recovery points per backup vault: resource, creation time, encryption, lifecycle, status and copy source',
  scope: 'region',
  group: 'state',
  operations: ['backup:ListBackupVaults', 'backup:ListRecoveryPointsByBackupVault'],
  async collect(ctx) {
    const client = ctx.clients.backup;
    const listed = await listAllPages(paginateListBackupVaults(pagesOf(client), {}), (page) => page.BackupVaultList);
    let total = 0;
    const vaults = await mapWithConcurrency(listed, 4, async (vault): Promise<VaultRecoveryPoints> => {
      const name = vault.BackupVaultName!;
      const head = { vault: pickFields(vault, ['BackupVaultName', 'BackupVaultArn', 'VaultType'] as const) };
      const points = await ctx.attempt(
        'backup:ListRecoveryPointsByBackupVault',
        listAllPages(
          paginateListRecoveryPointsByBackupVault(pagesOf(client), { BackupVaultName: name, MaxResults: MAX_PAGE_SIZE }),
          (page) => page.RecoveryPoints,
        ),
        name,
      );
      if (!points) return head;
      total += points.length;
      ctx.progress(`${name}: ${points.length} recovery points`);
      return { ...head, recoveryPoints: points.map((point) => pickFields(point, RECOVERY_POINT_FIELDS)) };
    });
    return { data: { vaults }, recordCount: total };
  },
};

import {
  DescribeBackupVaultCommand,
  GetBackupVaultAccessPolicyCommand,
  paginateListBackupVaults,
  type BackupVaultListMember,
} from '@aws-sdk/client-backup';
import { mapWithConcurrency } from '../../util/limiter.js';
import { withoutMetadata } from '../sdk-output.js';
import type { Collector } from '../types.js';

export interface VaultEvidence {
  /** ListBackupVaults entry: name, ARN, encryption key, lock state, min/max retention, lock date. */
  vault: BackupVaultListMember;
  /** DescribeBackupVault; absent when the call failed (see gaps). */
  details?: Record<string, unknown>;
  /** GetBackupVaultAccessPolicy's Policy document; null when the vault has none; absent when the call failed. */
  accessPolicy?: string | null;
}

export interface BackupVaults {
  vaults: VaultEvidence[];
}

/** AWS Backup vaults with Vault Lock settings, encryption key and access policy. */
export const backupVaults: Collector<BackupVaults> = {
  id: 'backup.vaults',
  schema: 'backup.vaults.v1',
  title: 'Backup vaults with Vault Lock mode, retention limits, encryption key and access policy',
  scope: 'region',
  group: 'state',
  operations: ['backup:ListBackupVaults', 'backup:DescribeBackupVault', 'backup:GetBackupVaultAccessPolicy'],
  async collect(ctx) {
    const client = ctx.clients.backup;
    const listed: BackupVaultListMember[] = [];
    for await (const page of paginateListBackupVaults({ client }, {})) listed.push(...(page.BackupVaultList ?? []));
    const vaults = await mapWithConcurrency(listed, 4, async (vault): Promise<VaultEvidence> => {
      const name = vault.BackupVaultName!;
      const details = await ctx.attempt('backup:DescribeBackupVault', client.send(new DescribeBackupVaultCommand({ BackupVaultName: name })), name);
      const policy = await ctx.attempt(
        'backup:GetBackupVaultAccessPolicy',
        client.send(new GetBackupVaultAccessPolicyCommand({ BackupVaultName: name })).then((out) => out.Policy ?? null),
        name,
      );
      return {
        vault,
        ...(details ? { details: withoutMetadata(details) } : {}),
        ...(policy !== undefined ? { accessPolicy: policy } : {}),
      };
    });
    return { data: { vaults }, recordCount: vaults.length };
  },
};

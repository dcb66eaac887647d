import type { ProxiedRequest } from './fault-proxy.js';
import { BackupClient, CreateBackupVaultCommand } from '@aws-sdk/client-backup';
import { CloseAccountCommand, CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { seedClient } from './aws-seed.js';

export interface SeededOrganization {
  /** The management account (moto's default caller, named "master" by moto). */
  management: string;
  /** Every ACTIVE account, management included, sorted by id. */
  active: Array<{ id: string; name: string }>;
  /** Accounts closed after creation (SUSPENDED in ListAccounts). */
  suspended: Array<{ id: string; name: string }>;
}

/**
 * An AWS Organization in moto, built with the Organizations API itself: CreateOrganization in the
 * default account (the management account), then CreateAccount for the members, then
 * CloseAccount for the ones to be suspended.
 */
export async function createOrganization(endpoint: string, options: { members: number; suspended?: number; prefix?: string }): Promise<SeededOrganization> {
  const org = seedClient(OrganizationsClient, { endpoint, region: 'us-east-1' });
  try {
    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const management = created.Organization!.MasterAccountId!;
    const make = async (name: string) => {
      const out = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
      return { id: out.CreateAccountStatus!.AccountId!, name };
    };
    const prefix = options.prefix ?? 'member';
    const members: Array<{ id: string; name: string }> = [];
    for (let i = 1; i <= options.members; i += 1) members.push(await make(`${prefix}-${String(i).padStart(2, '0')}`));
    const suspended: Array<{ id: string; name: string }> = [];
    for (let i = 1; i <= (options.suspended ?? 0); i += 1) {
      const account = await make(`closed-${i}`);
      await org.send(new CloseAccountCommand({ AccountId: account.id }));
      suspended.push(account);
    }
    const active = [{ id: management, name: 'master' }, ...members].sort((a, b) => a.id.localeCompare(b.id));
    return { management, active, suspended };
  } finally {
    org.destroy();
  }
}

/** In every account × region: a backup vault `vault-<region>`; in every account a bucket `data-<account>`. */
export async function seedAccounts(endpoint: string, accounts: ReadonlyArray<{ id: string }>, regions: readonly string[]): Promise<void> {
  for (const { id } of accounts) {
    for (const region of regions) {
      const backup = seedClient(BackupClient, { endpoint, region, account: id });
      await backup.send(new CreateBackupVaultCommand({ BackupVaultName: `vault-${region}` }));
      backup.destroy();
    }
    const s3 = seedClient(S3Client, { endpoint, region: 'us-east-1', account: id });
    await s3.send(new CreateBucketCommand({ Bucket: `data-${id}` }));
    s3.destroy();
  }
}

/**
 * Which account signed a request, as AWS tells: by the access key. Pass `onForwarded` to a fault
 * proxy in front of moto; it learns each assumed role's key from moto's AssumeRole answers. Then
 * `signer(req, service)` gives the account (default: `fallback`, the credentials the run starts
 * with) and the region from the request's SigV4 credential scope.
 */
export function assumedRoleKeys(fallback: () => string): {
  onForwarded: (req: ProxiedRequest, status: number, body: string) => void;
  signer: (req: ProxiedRequest, service: string) => { account: string; region: string };
} {
  const keys = new Map<string, string>();
  return {
    onForwarded(req, status, body) {
      if (req.operation !== 'AssumeRole' || status !== 200) return;
      const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(body)?.[1];
      const account = /<Arn>arn:aws:sts::(\d{12}):assumed-role\//.exec(body)?.[1];
      if (key && account) keys.set(key, account);
    },
    signer(req, service) {
      const scope = new RegExp(`Credential=([^/]+)/\\d+/([^/]+)/${service}/`).exec(String(req.headers.authorization));
      if (!scope) throw new Error(`request not signed for ${service}: ${req.operation}`);
      return { account: keys.get(scope[1]) ?? fallback(), region: scope[2] };
    },
  };
}

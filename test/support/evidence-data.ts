/**
 * Evidence data shaped like the collectors write it (AWS field names), for fixtures. Each builder
 * returns a compliant item; tests change one field to make a failing case.
 */
import { ACCOUNT } from './evidence-fixtures.js';

export function s3Bucket(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    region: 'us-east-1',
    creationDate: '2025-01-01T00:00:00.000Z',
    tags: [{ Key: 'soc2', Value: 'in-scope' }],
    versioning: { Status: 'Enabled' },
    replication: {
      Role: `arn:aws:iam::${ACCOUNT}:role/replication`,
      Rules: [{ ID: 'to-west', Status: 'Enabled', Priority: 1, Destination: { Bucket: `arn:aws:s3:::${name}-replica` } }],
    },
    objectLock: null,
    encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
    ...overrides,
  };
}

/** The replica bucket of `s3Bucket(name)`: in us-west-2, versioned, not replicating further. */
export function s3Replica(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return s3Bucket(`${name}-replica`, { region: 'us-west-2', replication: null, ...overrides });
}

export function backupVault(name: string, region = 'us-east-1', account = ACCOUNT, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    vault: {
      BackupVaultName: name,
      BackupVaultArn: `arn:aws:backup:${region}:${account}:backup-vault:${name}`,
      EncryptionKeyArn: `arn:aws:kms:${region}:${account}:key/1111aaaa-2222-3333-4444-555566667777`,
      CreationDate: '2025-01-01T00:00:00.000Z',
      NumberOfRecoveryPoints: 10,
      Locked: true,
      MinRetentionDays: 35,
      MaxRetentionDays: 365,
      LockDate: '2025-01-04T00:00:00.000Z',
      ...overrides,
    },
    details: {},
    accessPolicy: null,
  };
}

export function trail(name: string, account = ACCOUNT, overrides: { trail?: Record<string, unknown>; status?: Record<string, unknown> | null } = {}): Record<string, unknown> {
  return {
    trail: {
      Name: name,
      TrailARN: `arn:aws:cloudtrail:us-east-1:${account}:trail/${name}`,
      HomeRegion: 'us-east-1',
      IsMultiRegionTrail: true,
      IsOrganizationTrail: false,
      LogFileValidationEnabled: true,
      IncludeGlobalServiceEvents: true,
      S3BucketName: `trail-logs-${account}`,
      ...overrides.trail,
    },
    shadow: false,
    status: overrides.status === null ? null : { IsLogging: true, StartLoggingTime: '2025-01-01T00:00:00.000Z', ...overrides.status },
    selectors: { EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] },
  };
}

export function backupPlan(name: string, rules: Array<Record<string, unknown>>, account = ACCOUNT, region = 'us-east-1'): Record<string, unknown> {
  const id = `plan-${name}`;
  return {
    plan: { BackupPlanId: id, BackupPlanArn: `arn:aws:backup:${region}:${account}:backup-plan:${id}`, BackupPlanName: name, VersionId: 'v1' },
    details: { BackupPlan: { BackupPlanName: name, Rules: rules }, BackupPlanId: id, BackupPlanArn: `arn:aws:backup:${region}:${account}:backup-plan:${id}` },
  };
}

export function planRule(name: string, overrides: Record<string, unknown> = {}, account = ACCOUNT): Record<string, unknown> {
  return {
    RuleName: name,
    TargetBackupVaultName: 'primary',
    ScheduleExpression: 'cron(0 5 * * ? *)',
    Lifecycle: { DeleteAfterDays: 35 },
    CopyActions: [{ DestinationBackupVaultArn: `arn:aws:backup:us-west-2:${account}:backup-vault:secondary`, Lifecycle: { DeleteAfterDays: 35 } }],
    ...overrides,
  };
}

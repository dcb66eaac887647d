/**
 * Recorded AWS Backup responses for the operations moto does not serve (selections, protected
 * resources, recovery points, jobs, restore testing), shaped as AWS's API reference documents
 * them: REST-JSON bodies with AWS's field names and timestamps as epoch seconds. The same pages
 * feed aws-sdk-client-mock (through `toSdkShape`, which turns timestamps into Dates as the SDK's
 * deserializer does) and the fault proxy (served over HTTP as JSON, deserialized by the real SDK).
 *
 * Estate: account 123456789012, us-east-1, a `daily-35d` plan copying to us-west-2, a Vault Lock
 * `primary` vault, a `dr-copies` vault holding copies from us-west-2, a weekly restore test.
 */
import type { CannedResponse, ProxiedRequest } from './fault-proxy.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** Epoch seconds, as AWS sends timestamps in REST-JSON bodies. */
export function epoch(iso: string): number {
  return Date.parse(iso) / 1000;
}

/** Keys that are timestamps in the Backup model (the SDK turns them into Date objects). */
const TIMESTAMP_KEYS = new Set([
  'CreationDate',
  'CompletionDate',
  'ExpectedCompletionDate',
  'StartBy',
  'InitiationDate',
  'LastBackupTime',
  'RecoveryPointCreationDate',
  'LastRestoreTime',
  'DeleteAt',
  'MoveToColdStorageAt',
  'CreationTime',
  'LastExecutionTime',
  'LastUpdateTime',
  'LastAttemptedExecutionTime',
  'LastSuccessfulExecutionTime',
  'LockDate',
  'LastExecutionDate',
]);

/** A recorded wire body as the SDK returns it to callers: epoch-second timestamps become Dates. */
export function toSdkShape<T>(wire: unknown): T {
  const convert = (value: unknown, key?: string): unknown => {
    if (key && TIMESTAMP_KEYS.has(key) && typeof value === 'number') return new Date(value * 1000);
    if (Array.isArray(value)) return value.map((v) => convert(v));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, k)]));
    return value;
  };
  return convert(wire) as T;
}

/** Pages of one listing: page i carries NextToken `t<i+1>` except the last. */
export function paged<T>(key: string, items: T[], pageSize: number): Array<Record<string, unknown>> {
  const pages: Array<Record<string, unknown>> = [];
  for (let i = 0; i < items.length || pages.length === 0; i += pageSize) {
    const page: Record<string, unknown> = { [key]: items.slice(i, i + pageSize) };
    if (i + pageSize < items.length) page.NextToken = `t${pages.length + 1}`;
    pages.push(page);
  }
  return pages;
}

/** The page a request's NextToken asks for (`t<n>` → page n; none → page 0). */
export function pageFor<P>(pages: P[], nextToken: string | undefined | null): P {
  const index = nextToken ? Number(nextToken.slice(1)) : 0;
  const page = pages[index];
  if (!page) throw new Error(`no recorded page for NextToken ${nextToken}`);
  return page;
}

/**
 * A fault-proxy responder serving recorded pages by the request's page token. Backup's wire name
 * for it is `nextToken` on most listings but `NextToken` on the restore-testing ones.
 */
export function servePages(pages: Array<Record<string, unknown>>): (req: ProxiedRequest) => CannedResponse {
  return (req) => {
    const query = new URL(req.path, 'http://x').searchParams;
    const token = query.get('nextToken') ?? query.get('NextToken');
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(pageFor(pages, token)) };
  };
}

/** A recorded single JSON response. */
export function serveJson(body: unknown): CannedResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** AWS's REST-JSON AccessDenied answer (HTTP 403, error type in x-amzn-ErrorType). */
export function accessDenied(action: string): CannedResponse {
  return {
    status: 403,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
    body: JSON.stringify({
      Message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/proofpack-read/proofpack is not authorized to perform: backup:${action} on resource: *`,
    }),
  };
}

const PLAN_DAILY = '8c1a2e4f-6b3d-4e5a-9f7c-0d2b4a6c8e1f';
const PLAN_CRITICAL = '3f5e7a9c-1b2d-4c6e-8a0f-2e4d6b8c0a13';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole`;
const PRIMARY = `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:primary`;
const SECONDARY = `arn:aws:backup:us-west-2:${ACCOUNT}:backup-vault:secondary`;
const DR_COPIES = `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:dr-copies`;
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/5f0e2c1a-7b9d-4e3f-a1c2-6d8e0b4f2a97`;
const DB = `arn:aws:rds:${REGION}:${ACCOUNT}:db:care-records`;
const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/appointments`;
const VOLUME = `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-0a1b2c3d4e5f60718`;
const EFS = `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/fs-0c1d2e3f4a5b6c7d8`;
const TEST_PLAN = `arn:aws:backup:${REGION}:${ACCOUNT}:restore-testing-plan:weekly_restore_test-9d2f4b6a-8c0e-4a1b-b3d5-7f9a1c3e5b70`;
const createdBy = { BackupPlanId: PLAN_DAILY, BackupPlanArn: `arn:aws:backup:${REGION}:${ACCOUNT}:backup-plan:${PLAN_DAILY}`, BackupPlanVersion: 'ZjM0NmNiY2QtNGE4Ny00YjJhLWI4MWQtMjljNjU2ZTQxZmVi', BackupRuleId: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' };

// ─── Selections ──────────────────────────────────────────────────────────────────────────────

export const listBackupPlans = {
  BackupPlansList: [
    { BackupPlanArn: `arn:aws:backup:${REGION}:${ACCOUNT}:backup-plan:${PLAN_DAILY}`, BackupPlanId: PLAN_DAILY, BackupPlanName: 'daily-35d', CreationDate: epoch('2025-11-02T10:14:08.331Z'), VersionId: 'ZjM0NmNiY2QtNGE4Ny00YjJhLWI4MWQtMjljNjU2ZTQxZmVi', LastExecutionDate: epoch('2026-03-10T05:00:00Z') },
    { BackupPlanArn: `arn:aws:backup:${REGION}:${ACCOUNT}:backup-plan:${PLAN_CRITICAL}`, BackupPlanId: PLAN_CRITICAL, BackupPlanName: 'hourly-critical', CreationDate: epoch('2025-12-15T08:02:44.917Z'), VersionId: 'YTlkMmY0YjYtOGMwZS00YTFiLWIzZDUtN2Y5YTFjM2U1Yjcw' },
  ],
};

const selectionList = (plan: string) => (id: string, name: string, created: string) => ({
  SelectionId: id,
  SelectionName: name,
  BackupPlanId: plan,
  CreationDate: epoch(created),
  CreatorRequestId: `req-${id.slice(0, 8)}`,
  IamRoleArn: ROLE,
});

/** ListBackupSelections pages per plan id: the daily plan's three selections come on two pages. */
export const listBackupSelections: Record<string, Array<Record<string, unknown>>> = {
  [PLAN_DAILY]: paged(
    'BackupSelectionsList',
    [
      selectionList(PLAN_DAILY)('a7b19ec5-b4e3-4f9f-8c7d-b7f4ad0d2bb9', 'databases', '2025-11-02T10:15:01.002Z'),
      selectionList(PLAN_DAILY)('c2d4e6f8-0a1b-4c3d-9e5f-7a8b9c0d1e2f', 'tagged-soc2', '2025-11-02T10:16:40.118Z'),
      selectionList(PLAN_DAILY)('e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b', 'volumes-except-scratch', '2026-01-20T16:41:12.650Z'),
    ],
    2,
  ),
  [PLAN_CRITICAL]: paged('BackupSelectionsList', [], 50),
};

/** GetBackupSelection per selection id. */
export const getBackupSelection: Record<string, Record<string, unknown>> = {
  'a7b19ec5-b4e3-4f9f-8c7d-b7f4ad0d2bb9': {
    BackupPlanId: PLAN_DAILY,
    SelectionId: 'a7b19ec5-b4e3-4f9f-8c7d-b7f4ad0d2bb9',
    CreationDate: epoch('2025-11-02T10:15:01.002Z'),
    CreatorRequestId: 'req-a7b19ec5',
    BackupSelection: { SelectionName: 'databases', IamRoleArn: ROLE, Resources: [DB, TABLE], ListOfTags: [], NotResources: [], Conditions: { StringEquals: [], StringNotEquals: [], StringLike: [], StringNotLike: [] } },
  },
  'c2d4e6f8-0a1b-4c3d-9e5f-7a8b9c0d1e2f': {
    BackupPlanId: PLAN_DAILY,
    SelectionId: 'c2d4e6f8-0a1b-4c3d-9e5f-7a8b9c0d1e2f',
    CreationDate: epoch('2025-11-02T10:16:40.118Z'),
    CreatorRequestId: 'req-c2d4e6f8',
    BackupSelection: {
      SelectionName: 'tagged-soc2',
      IamRoleArn: ROLE,
      Resources: ['*'],
      ListOfTags: [],
      NotResources: [],
      Conditions: { StringEquals: [{ ConditionKey: 'aws:ResourceTag/soc2', ConditionValue: 'in-scope' }], StringNotEquals: [], StringLike: [], StringNotLike: [] },
    },
  },
  'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b': {
    BackupPlanId: PLAN_DAILY,
    SelectionId: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b',
    CreationDate: epoch('2026-01-20T16:41:12.650Z'),
    CreatorRequestId: 'req-e1f2a3b4',
    BackupSelection: {
      SelectionName: 'volumes-except-scratch',
      IamRoleArn: ROLE,
      Resources: [`arn:aws:ec2:*:*:volume/*`],
      ListOfTags: [{ ConditionType: 'STRINGEQUALS', ConditionKey: 'backup', ConditionValue: 'daily' }],
      NotResources: [`arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-0ffee0ddba11c0de1`],
      Conditions: { StringEquals: [], StringNotEquals: [], StringLike: [], StringNotLike: [] },
    },
  },
};

// ─── Protected resources ─────────────────────────────────────────────────────────────────────

export const protectedResources = [
  { ResourceArn: DB, ResourceType: 'RDS', ResourceName: 'care-records', LastBackupTime: epoch('2026-03-10T05:41:17.215Z'), LastBackupVaultArn: PRIMARY, LastRecoveryPointArn: `arn:aws:rds:${REGION}:${ACCOUNT}:snapshot:awsbackup:job-4b3d5c8e-2f1a-4d6b-9c7e-1a2b3c4d5e6f` },
  { ResourceArn: TABLE, ResourceType: 'DynamoDB', ResourceName: 'appointments', LastBackupTime: epoch('2026-03-10T05:09:55.480Z'), LastBackupVaultArn: PRIMARY, LastRecoveryPointArn: `${TABLE}/backup/01773119395480-6c8e0a2b` },
  { ResourceArn: VOLUME, ResourceType: 'EBS', LastBackupTime: epoch('2026-03-10T05:22:03.004Z'), LastBackupVaultArn: PRIMARY, LastRecoveryPointArn: `arn:aws:ec2:${REGION}::snapshot/snap-0a1b2c3d4e5f67890` },
  { ResourceArn: EFS, ResourceType: 'EFS', ResourceName: 'shared-docs', LastBackupTime: epoch('2026-03-09T05:31:48.772Z'), LastBackupVaultArn: PRIMARY, LastRecoveryPointArn: `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45` },
  { ResourceArn: `arn:aws:s3:::records-${ACCOUNT}`, ResourceType: 'S3', ResourceName: `records-${ACCOUNT}`, LastBackupTime: epoch('2026-03-10T05:58:30.119Z'), LastBackupVaultArn: PRIMARY, LastRecoveryPointArn: `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:continuous:records-${ACCOUNT}-5b7d9f1a` },
];
export const listProtectedResources = paged('Results', protectedResources, 2);

// ─── Recovery points ─────────────────────────────────────────────────────────────────────────

export const listBackupVaults = {
  BackupVaultList: [
    { BackupVaultName: 'primary', BackupVaultArn: PRIMARY, VaultType: 'BACKUP_VAULT', VaultState: 'AVAILABLE', CreationDate: epoch('2025-11-02T10:10:00.000Z'), EncryptionKeyArn: KEY, NumberOfRecoveryPoints: 3, Locked: true, MinRetentionDays: 35, MaxRetentionDays: 365, LockDate: epoch('2025-11-05T10:10:00.000Z') },
    { BackupVaultName: 'dr-copies', BackupVaultArn: DR_COPIES, VaultType: 'BACKUP_VAULT', VaultState: 'AVAILABLE', CreationDate: epoch('2025-11-02T10:11:30.000Z'), EncryptionKeyArn: KEY, NumberOfRecoveryPoints: 1, Locked: false },
  ],
};

const primaryPoints = [
  {
    RecoveryPointArn: `arn:aws:rds:${REGION}:${ACCOUNT}:snapshot:awsbackup:job-4b3d5c8e-2f1a-4d6b-9c7e-1a2b3c4d5e6f`,
    BackupVaultName: 'primary',
    BackupVaultArn: PRIMARY,
    ResourceArn: DB,
    ResourceType: 'RDS',
    ResourceName: 'care-records',
    CreatedBy: createdBy,
    IamRoleArn: ROLE,
    Status: 'COMPLETED',
    CreationDate: epoch('2026-03-10T05:02:11.583Z'),
    InitiationDate: epoch('2026-03-10T05:00:00Z'),
    CompletionDate: epoch('2026-03-10T05:41:17.215Z'),
    BackupSizeInBytes: 21474836480,
    CalculatedLifecycle: { DeleteAt: epoch('2026-04-14T05:41:17.215Z') },
    Lifecycle: { DeleteAfterDays: 35, OptInToArchiveForSupportedResources: false },
    EncryptionKeyArn: KEY,
    IsEncrypted: true,
    VaultType: 'BACKUP_VAULT',
    IndexStatus: 'INACTIVE',
  },
  {
    RecoveryPointArn: `arn:aws:ec2:${REGION}::snapshot/snap-0a1b2c3d4e5f67890`,
    BackupVaultName: 'primary',
    BackupVaultArn: PRIMARY,
    ResourceArn: VOLUME,
    ResourceType: 'EBS',
    CreatedBy: createdBy,
    IamRoleArn: ROLE,
    Status: 'COMPLETED',
    CreationDate: epoch('2026-03-10T05:01:40.901Z'),
    CompletionDate: epoch('2026-03-10T05:22:03.004Z'),
    BackupSizeInBytes: 107374182400,
    CalculatedLifecycle: { DeleteAt: epoch('2026-04-14T05:22:03.004Z') },
    Lifecycle: { DeleteAfterDays: 35 },
    EncryptionKeyArn: KEY,
    IsEncrypted: true,
    VaultType: 'BACKUP_VAULT',
    LastRestoreTime: epoch('2026-03-08T02:10:44.000Z'),
  },
  {
    RecoveryPointArn: `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45`,
    BackupVaultName: 'primary',
    BackupVaultArn: PRIMARY,
    ResourceArn: EFS,
    ResourceType: 'EFS',
    ResourceName: 'shared-docs',
    CreatedBy: createdBy,
    IamRoleArn: ROLE,
    Status: 'COMPLETED',
    CreationDate: epoch('2026-03-09T05:03:02.337Z'),
    CompletionDate: epoch('2026-03-09T05:31:48.772Z'),
    BackupSizeInBytes: 5368709120,
    CalculatedLifecycle: { MoveToColdStorageAt: epoch('2026-03-16T05:31:48.772Z'), DeleteAt: epoch('2026-06-07T05:31:48.772Z') },
    Lifecycle: { MoveToColdStorageAfterDays: 7, DeleteAfterDays: 97 },
    EncryptionKeyArn: KEY,
    IsEncrypted: true,
    VaultType: 'BACKUP_VAULT',
  },
];
const copyPoints = [
  {
    RecoveryPointArn: `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:7C2A9E41-3B5D-4F60-8A1C-2D3E4F5A6B7C`,
    BackupVaultName: 'dr-copies',
    BackupVaultArn: DR_COPIES,
    SourceBackupVaultArn: SECONDARY,
    ResourceArn: `arn:aws:elasticfilesystem:us-west-2:${ACCOUNT}:file-system/fs-0e1f2a3b4c5d6e7f8`,
    ResourceType: 'EFS',
    IamRoleArn: ROLE,
    Status: 'COMPLETED',
    CreationDate: epoch('2026-03-09T07:12:09.441Z'),
    CompletionDate: epoch('2026-03-09T07:40:51.006Z'),
    BackupSizeInBytes: 1073741824,
    CalculatedLifecycle: { DeleteAt: epoch('2026-04-13T07:40:51.006Z') },
    Lifecycle: { DeleteAfterDays: 35 },
    EncryptionKeyArn: KEY,
    IsEncrypted: true,
    VaultType: 'BACKUP_VAULT',
  },
];

/** ListRecoveryPointsByBackupVault pages per vault name: `primary` has three points on two pages. */
export const listRecoveryPoints: Record<string, Array<Record<string, unknown>>> = {
  primary: paged('RecoveryPoints', primaryPoints, 2),
  'dr-copies': paged('RecoveryPoints', copyPoints, 100),
};

// ─── Jobs ────────────────────────────────────────────────────────────────────────────────────

export const backupJobs = [
  {
    AccountId: ACCOUNT,
    BackupJobId: '4B3D5C8E-2F1A-4D6B-9C7E-1A2B3C4D5E6F',
    BackupVaultName: 'primary',
    BackupVaultArn: PRIMARY,
    VaultType: 'BACKUP_VAULT',
    VaultLockState: 'LOCKED',
    RecoveryPointArn: `arn:aws:rds:${REGION}:${ACCOUNT}:snapshot:awsbackup:job-4b3d5c8e-2f1a-4d6b-9c7e-1a2b3c4d5e6f`,
    RecoveryPointLifecycle: { DeleteAfterDays: 35 },
    EncryptionKeyArn: KEY,
    IsEncrypted: true,
    ResourceArn: DB,
    CreationDate: epoch('2026-03-10T05:00:00.412Z'),
    CompletionDate: epoch('2026-03-10T05:41:17.215Z'),
    State: 'COMPLETED',
    PercentDone: '100.0',
    BackupSizeInBytes: 21474836480,
    IamRoleArn: ROLE,
    CreatedBy: createdBy,
    StartBy: epoch('2026-03-10T13:00:00Z'),
    ResourceType: 'RDS',
    BackupType: 'SNAPSHOT',
    IsParent: false,
    ResourceName: 'care-records',
    InitiationDate: epoch('2026-03-10T05:00:00Z'),
    MessageCategory: 'SUCCESS',
  },
  {
    AccountId: ACCOUNT,
    BackupJobId: '9E8D7C6B-5A4F-4E3D-8C2B-1A0F9E8D7C6B',
    BackupVaultName: 'primary',
    BackupVaultArn: PRIMARY,
    ResourceArn: TABLE,
    CreationDate: epoch('2026-03-10T05:00:01.087Z'),
    CompletionDate: epoch('2026-03-10T05:00:09.530Z'),
    State: 'FAILED',
    StatusMessage: `Insufficient privileges to perform this action. The role ${ROLE} is not authorized to perform dynamodb:CreateBackup.`,
    PercentDone: '0.0',
    BackupSizeInBytes: 0,
    IamRoleArn: ROLE,
    CreatedBy: createdBy,
    StartBy: epoch('2026-03-10T13:00:00Z'),
    ResourceType: 'DynamoDB',
    IsParent: false,
    ResourceName: 'appointments',
    InitiationDate: epoch('2026-03-10T05:00:00Z'),
    MessageCategory: 'AccessDenied',
  },
  {
    AccountId: ACCOUNT,
    BackupJobId: '0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0',
    BackupVaultName: 'primary',
    BackupVaultArn: PRIMARY,
    ResourceArn: EFS,
    CreationDate: epoch('2026-03-10T05:01:12.998Z'),
    State: 'RUNNING',
    PercentDone: '37.5',
    BackupSizeInBytes: 0,
    BytesTransferred: 2013265920,
    IamRoleArn: ROLE,
    CreatedBy: createdBy,
    ExpectedCompletionDate: epoch('2026-03-10T06:30:00Z'),
    StartBy: epoch('2026-03-10T13:00:00Z'),
    ResourceType: 'EFS',
    IsParent: false,
    ResourceName: 'shared-docs',
    InitiationDate: epoch('2026-03-10T05:00:00Z'),
  },
];

export const copyJobs = [
  {
    AccountId: ACCOUNT,
    CopyJobId: '6A7B8C9D-0E1F-4A2B-8C3D-4E5F6A7B8C9D',
    SourceBackupVaultArn: PRIMARY,
    SourceRecoveryPointArn: `arn:aws:rds:${REGION}:${ACCOUNT}:snapshot:awsbackup:job-4b3d5c8e-2f1a-4d6b-9c7e-1a2b3c4d5e6f`,
    DestinationBackupVaultArn: SECONDARY,
    DestinationVaultType: 'BACKUP_VAULT',
    DestinationRecoveryPointArn: `arn:aws:rds:us-west-2:${ACCOUNT}:snapshot:awsbackup:copyjob-6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d`,
    DestinationEncryptionKeyArn: `arn:aws:kms:us-west-2:${ACCOUNT}:key/mrk-1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6`,
    DestinationRecoveryPointLifecycle: { DeleteAfterDays: 35 },
    ResourceArn: DB,
    CreationDate: epoch('2026-03-10T05:41:20.067Z'),
    CompletionDate: epoch('2026-03-10T05:58:02.744Z'),
    State: 'COMPLETED',
    BackupSizeInBytes: 21474836480,
    IamRoleArn: ROLE,
    CreatedBy: createdBy,
    CreatedByBackupJobId: '4B3D5C8E-2F1A-4D6B-9C7E-1A2B3C4D5E6F',
    ResourceType: 'RDS',
    IsParent: false,
    ResourceName: 'care-records',
    MessageCategory: 'SUCCESS',
  },
  {
    AccountId: ACCOUNT,
    CopyJobId: 'B1C2D3E4-F5A6-4B7C-8D9E-0F1A2B3C4D5F',
    SourceBackupVaultArn: PRIMARY,
    SourceRecoveryPointArn: `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45`,
    DestinationBackupVaultArn: SECONDARY,
    ResourceArn: EFS,
    CreationDate: epoch('2026-03-09T05:31:50.210Z'),
    CompletionDate: epoch('2026-03-09T05:32:04.981Z'),
    State: 'FAILED',
    StatusMessage: 'Copy job failed because the destination Backup vault arn:aws:backup:us-west-2:123456789012:backup-vault:secondary does not exist.',
    BackupSizeInBytes: 5368709120,
    IamRoleArn: ROLE,
    CreatedBy: createdBy,
    ResourceType: 'EFS',
    IsParent: false,
    ResourceName: 'shared-docs',
    MessageCategory: 'InvalidParameters',
  },
];

export const restoreJobs = [
  {
    AccountId: ACCOUNT,
    RestoreJobId: '52E9A7C1-84B3-4F06-9D2A-6C1E8B0F3A75',
    RecoveryPointArn: `arn:aws:ec2:${REGION}::snapshot/snap-0a1b2c3d4e5f67890`,
    SourceResourceArn: VOLUME,
    BackupVaultArn: PRIMARY,
    CreationDate: epoch('2026-03-08T02:00:03.118Z'),
    CompletionDate: epoch('2026-03-08T02:10:44.002Z'),
    Status: 'COMPLETED',
    PercentDone: '100.0',
    BackupSizeInBytes: 107374182400,
    IamRoleArn: ROLE,
    ExpectedCompletionTimeMinutes: 15,
    CreatedResourceArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-0d9c8b7a6f5e4d3c2`,
    ResourceType: 'EBS',
    RecoveryPointCreationDate: epoch('2026-03-07T05:01:38.220Z'),
    CreatedBy: { RestoreTestingPlanArn: TEST_PLAN },
    ValidationStatus: 'SUCCESSFUL',
    ValidationStatusMessage: 'Validation passed: volume attached and file system check succeeded.',
    DeletionStatus: 'SUCCESSFUL',
    DeletionStatusMessage: 'Restored resource deleted after validation window.',
  },
  {
    AccountId: ACCOUNT,
    RestoreJobId: 'D4C3B2A1-0F9E-4D8C-B7A6-958473625140',
    RecoveryPointArn: `arn:aws:rds:${REGION}:${ACCOUNT}:snapshot:awsbackup:job-4b3d5c8e-2f1a-4d6b-9c7e-1a2b3c4d5e6f`,
    SourceResourceArn: DB,
    BackupVaultArn: PRIMARY,
    CreationDate: epoch('2026-03-10T05:50:30.000Z'),
    Status: 'RUNNING',
    PercentDone: '42.0',
    IamRoleArn: ROLE,
    ExpectedCompletionTimeMinutes: 40,
    ResourceType: 'RDS',
    RecoveryPointCreationDate: epoch('2026-03-10T05:02:11.583Z'),
  },
];

export const listBackupJobs = paged('BackupJobs', backupJobs, 2);
export const listCopyJobs = paged('CopyJobs', copyJobs, 1);
export const listRestoreJobs = paged('RestoreJobs', restoreJobs, 1);

// ─── Restore testing ─────────────────────────────────────────────────────────────────────────

export const listRestoreTestingPlans = paged(
  'RestoreTestingPlans',
  [
    {
      CreationTime: epoch('2026-01-05T09:00:00Z'),
      LastExecutionTime: epoch('2026-03-08T02:00:00Z'),
      LastUpdateTime: epoch('2026-01-05T09:00:00Z'),
      RestoreTestingPlanArn: TEST_PLAN,
      RestoreTestingPlanName: 'weekly_restore_test',
      ScheduleExpression: 'cron(0 2 ? * SUN *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      StartWindowHours: 8,
    },
  ],
  10,
);

export const getRestoreTestingPlan: Record<string, Record<string, unknown>> = {
  weekly_restore_test: {
    RestoreTestingPlan: {
      CreationTime: epoch('2026-01-05T09:00:00Z'),
      CreatorRequestId: 'rt-2026-01-05',
      LastExecutionTime: epoch('2026-03-08T02:00:00Z'),
      LastUpdateTime: epoch('2026-01-05T09:00:00Z'),
      RecoveryPointSelection: { Algorithm: 'LATEST_WITHIN_WINDOW', IncludeVaults: ['*'], ExcludeVaults: [], RecoveryPointTypes: ['SNAPSHOT'], SelectionWindowDays: 7 },
      RestoreTestingPlanArn: TEST_PLAN,
      RestoreTestingPlanName: 'weekly_restore_test',
      ScheduleExpression: 'cron(0 2 ? * SUN *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      StartWindowHours: 8,
    },
  },
};

export const listRestoreTestingSelections: Record<string, Array<Record<string, unknown>>> = {
  weekly_restore_test: paged(
    'RestoreTestingSelections',
    [
      { CreationTime: epoch('2026-01-05T09:05:00Z'), IamRoleArn: ROLE, ProtectedResourceType: 'EBS', RestoreTestingPlanName: 'weekly_restore_test', RestoreTestingSelectionName: 'ebs_volumes', ValidationWindowHours: 2 },
      { CreationTime: epoch('2026-01-05T09:06:00Z'), IamRoleArn: ROLE, ProtectedResourceType: 'RDS', RestoreTestingPlanName: 'weekly_restore_test', RestoreTestingSelectionName: 'rds_care_records', ValidationWindowHours: 4 },
    ],
    1,
  ),
};

export const getRestoreTestingSelection: Record<string, Record<string, unknown>> = {
  'weekly_restore_test/ebs_volumes': {
    RestoreTestingSelection: {
      CreationTime: epoch('2026-01-05T09:05:00Z'),
      CreatorRequestId: 'rts-ebs',
      IamRoleArn: ROLE,
      ProtectedResourceArns: ['*'],
      ProtectedResourceConditions: { StringEquals: [{ Key: 'aws:ResourceTag/soc2', Value: 'in-scope' }], StringNotEquals: [] },
      ProtectedResourceType: 'EBS',
      RestoreMetadataOverrides: { availabilityZone: 'us-east-1a' },
      RestoreTestingPlanName: 'weekly_restore_test',
      RestoreTestingSelectionName: 'ebs_volumes',
      ValidationWindowHours: 2,
    },
  },
  'weekly_restore_test/rds_care_records': {
    RestoreTestingSelection: {
      CreationTime: epoch('2026-01-05T09:06:00Z'),
      CreatorRequestId: 'rts-rds',
      IamRoleArn: ROLE,
      ProtectedResourceArns: [DB],
      ProtectedResourceType: 'RDS',
      RestoreMetadataOverrides: { dbinstanceclass: 'db.t3.medium' },
      RestoreTestingPlanName: 'weekly_restore_test',
      RestoreTestingSelectionName: 'rds_care_records',
      ValidationWindowHours: 4,
    },
  },
};

// ─── Report plans ────────────────────────────────────────────────────────────────────────────

export const reportPlans = [
  {
    ReportPlanArn: `arn:aws:backup:${REGION}:${ACCOUNT}:report-plan:daily_backup_jobs`,
    ReportPlanName: 'daily_backup_jobs',
    ReportPlanDescription: 'Backup job report for the SOC 2 evidence folder',
    ReportSetting: { ReportTemplate: 'BACKUP_JOB_REPORT', Accounts: [], OrganizationUnits: [], Regions: [] },
    ReportDeliveryChannel: { S3BucketName: `backup-reports-${ACCOUNT}`, S3KeyPrefix: 'jobs', Formats: ['CSV', 'JSON'] },
    DeploymentStatus: 'COMPLETED',
    CreationTime: epoch('2025-11-02T11:00:00Z'),
    LastAttemptedExecutionTime: epoch('2026-03-10T01:00:00Z'),
    LastSuccessfulExecutionTime: epoch('2026-03-10T01:00:00Z'),
  },
  {
    ReportPlanArn: `arn:aws:backup:${REGION}:${ACCOUNT}:report-plan:restore_jobs`,
    ReportPlanName: 'restore_jobs',
    ReportSetting: { ReportTemplate: 'RESTORE_JOB_REPORT' },
    ReportDeliveryChannel: { S3BucketName: `backup-reports-${ACCOUNT}`, Formats: ['CSV'] },
    DeploymentStatus: 'COMPLETED',
    CreationTime: epoch('2026-02-01T11:00:00Z'),
  },
];
export const listReportPlans = paged('ReportPlans', reportPlans, 1);

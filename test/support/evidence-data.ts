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

/** One AWS Config configuration item as config.history keeps it: AWS's strings plus the decoded copies. */
export function configItem(
  resourceType: string,
  resourceId: string,
  captureTime: string,
  options: { configuration?: unknown; supplementary?: Record<string, unknown>; status?: string; region?: string; account?: string; tags?: Record<string, string> } = {},
): Record<string, unknown> {
  const supplementary = options.supplementary ?? {};
  return {
    version: '1.3',
    accountId: options.account ?? ACCOUNT,
    configurationItemCaptureTime: captureTime,
    configurationItemStatus: options.status ?? 'OK',
    configurationStateId: String(Date.parse(captureTime)),
    resourceType,
    resourceId,
    resourceName: resourceId,
    awsRegion: options.region ?? 'us-east-1',
    ...(options.tags ? { tags: options.tags } : {}),
    configuration: options.configuration === undefined ? null : JSON.stringify(options.configuration),
    supplementaryConfiguration: Object.fromEntries(Object.entries(supplementary).map(([k, v]) => [k, JSON.stringify(v)])),
    configurationParsed: options.configuration ?? null,
    supplementaryConfigurationParsed: supplementary,
  };
}

/** config.history data: items grouped per resource, oldest first. */
export function historyData(items: Array<Record<string, unknown>>): Record<string, unknown> {
  const byResource = new Map<string, Array<Record<string, unknown>>>();
  for (const item of items) {
    const key = `${String(item.resourceType)}|${String(item.resourceId)}`;
    byResource.set(key, [...(byResource.get(key) ?? []), item]);
  }
  const types = [...new Set(items.map((i) => String(i.resourceType)))].sort();
  return {
    resourceTypes: types,
    unlistedTypes: [],
    resources: [...byResource.entries()].map(([key, list]) => ({
      resourceType: key.split('|')[0],
      resourceId: key.split('|')[1],
      startState: 'baseline',
      items: [...list].sort((a, b) => String(a.configurationItemCaptureTime).localeCompare(String(b.configurationItemCaptureTime))),
    })),
  };
}

/** An S3 bucket's Config item: versioning and (unless `replication: null`) replication to `<name>-replica`. */
export function s3BucketItem(name: string, captureTime: string, options: { versioning?: string; replication?: boolean; status?: string } = {}): Record<string, unknown> {
  const supplementary: Record<string, unknown> = { BucketVersioningConfiguration: { status: options.versioning ?? 'Enabled', isMfaDeleteEnabled: null } };
  if (options.replication !== false) {
    supplementary.BucketReplicationConfiguration = {
      roleARN: `arn:aws:iam::${ACCOUNT}:role/replication`,
      rules: [{ id: 'to-west', status: 'Enabled', destinationConfig: { bucketARN: `arn:aws:s3:::${name}-replica` } }],
    };
  }
  return configItem('AWS::S3::Bucket', name, captureTime, { configuration: { name }, supplementary, status: options.status, tags: { soc2: 'in-scope' } });
}

export function recorders(recording: boolean, status: Record<string, unknown> = {}, name = 'default'): Record<string, unknown> {
  return {
    recorders: [
      {
        recorder: { name, roleARN: `arn:aws:iam::${ACCOUNT}:role/config`, recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } },
        status: { name, recording, lastStatus: 'SUCCESS', lastStartTime: '2025-01-01T00:00:00.000Z', ...status },
      },
    ],
    deliveryChannels: [],
  };
}

export function recoveryPoint(resourceArn: string, overrides: Record<string, unknown> = {}, vault = 'primary', region = 'us-east-1', account = ACCOUNT): Record<string, unknown> {
  const id = `rp-${Math.abs(hashCode(resourceArn + JSON.stringify(overrides)))}`;
  return {
    RecoveryPointArn: `arn:aws:backup:${region}:${account}:recovery-point:${id}`,
    BackupVaultName: vault,
    BackupVaultArn: `arn:aws:backup:${region}:${account}:backup-vault:${vault}`,
    ResourceArn: resourceArn,
    ResourceType: resourceArn.includes(':s3:') ? 'S3' : resourceArn.includes(':rds:') ? 'RDS' : 'DynamoDB',
    Status: 'COMPLETED',
    CreationDate: '2026-02-01T05:00:00.000Z',
    CompletionDate: '2026-02-01T05:30:00.000Z',
    IsEncrypted: true,
    EncryptionKeyArn: `arn:aws:kms:${region}:${account}:key/1111aaaa-2222-3333-4444-555566667777`,
    ...overrides,
  };
}

export function recoveryPoints(vaults: Array<{ name: string; points: Array<Record<string, unknown>> }>, region = 'us-east-1', account = ACCOUNT): Record<string, unknown> {
  return {
    vaults: vaults.map((v) => ({
      vault: { BackupVaultName: v.name, BackupVaultArn: `arn:aws:backup:${region}:${account}:backup-vault:${v.name}` },
      recoveryPoints: v.points,
    })),
  };
}

/** A CloudTrail event as cloudtrail.events keeps it. */
export function trailEvent(name: string, time: string, requestParameters: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const detail = { eventVersion: '1.08', eventTime: time, eventName: name, awsRegion: 'us-east-1', requestParameters, ...extra };
  return {
    EventId: `ev-${name}-${time}`,
    EventName: name,
    EventTime: time,
    EventSource: 'example.amazonaws.com',
    Username: 'ops-admin',
    CloudTrailEvent: JSON.stringify(detail),
    category: 'protection-change',
    cloudTrailEventParsed: detail,
  };
}

export function eventsData(events: Array<Record<string, unknown>>): Record<string, unknown> {
  const names = [...new Set(events.map((e) => String(e.EventName)))];
  return { queries: names.map((n) => ({ eventName: n, category: 'protection-change', count: events.filter((e) => e.EventName === n).length })), events };
}

function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i += 1) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

export function selectionsData(plans: Array<{ id: string; selections?: Array<Record<string, unknown>> | null }>, region = 'us-east-1', account = ACCOUNT): Record<string, unknown> {
  return {
    plans: plans.map((p) => ({
      plan: { BackupPlanId: p.id, BackupPlanArn: `arn:aws:backup:${region}:${account}:backup-plan:${p.id}`, BackupPlanName: p.id },
      ...(p.selections === null
        ? {}
        : {
            selections: (p.selections ?? []).map((s, i) => ({
              selection: { SelectionId: `sel-${p.id}-${i}`, SelectionName: `sel-${i}`, BackupPlanId: p.id },
              details: { BackupSelection: { SelectionName: `sel-${i}`, IamRoleArn: `arn:aws:iam::${account}:role/backup`, ...s } },
            })),
          }),
    })),
  };
}

export function backupJob(id: string, resourceArn: string, state: string, created: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    BackupJobId: id,
    AccountId: ACCOUNT,
    BackupVaultName: 'primary',
    ResourceArn: resourceArn,
    ResourceType: resourceArn.includes(':s3:') ? 'S3' : resourceArn.includes(':rds:') ? 'RDS' : 'DynamoDB',
    CreationDate: created,
    ...(state === 'RUNNING' || state === 'CREATED' ? {} : { CompletionDate: new Date(Date.parse(created) + 30 * 60_000).toISOString() }),
    State: state,
    ...(state === 'FAILED' ? { StatusMessage: 'Access denied to the KMS key', MessageCategory: 'ACCESS_DENIED' } : {}),
    ...overrides,
  };
}

export function copyJob(id: string, resourceArn: string, state: string, created: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    CopyJobId: id,
    AccountId: ACCOUNT,
    SourceBackupVaultArn: `arn:aws:backup:us-east-1:${ACCOUNT}:backup-vault:primary`,
    SourceRecoveryPointArn: `arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:${id}`,
    DestinationBackupVaultArn: `arn:aws:backup:us-west-2:${ACCOUNT}:backup-vault:secondary`,
    ResourceArn: resourceArn,
    ResourceType: 'S3',
    CreationDate: created,
    ...(state === 'RUNNING' ? {} : { CompletionDate: new Date(Date.parse(created) + 2 * 3_600_000).toISOString() }),
    State: state,
    ...overrides,
  };
}

export function rdsInstance(id: string, region = 'us-east-1', overrides: Record<string, unknown> = {}, account = ACCOUNT): Record<string, unknown> {
  return {
    DBInstanceIdentifier: id,
    DBInstanceArn: `arn:aws:rds:${region}:${account}:db:${id}`,
    Engine: 'postgres',
    MultiAZ: true,
    StorageEncrypted: true,
    BackupRetentionPeriod: 14,
    ReadReplicaDBInstanceIdentifiers: [`arn:aws:rds:us-west-2:${account}:db:${id}-replica`],
    TagList: [{ Key: 'soc2', Value: 'in-scope' }],
    ...overrides,
  };
}

export function rdsCluster(id: string, region = 'us-east-1', overrides: Record<string, unknown> = {}, account = ACCOUNT): Record<string, unknown> {
  return {
    DBClusterIdentifier: id,
    DBClusterArn: `arn:aws:rds:${region}:${account}:cluster:${id}`,
    Engine: 'aurora-postgresql',
    StorageEncrypted: true,
    BackupRetentionPeriod: 35,
    GlobalClusterIdentifier: `${id}-global`,
    ReadReplicaIdentifiers: [],
    TagList: [{ Key: 'soc2', Value: 'in-scope' }],
    ...overrides,
  };
}

export function globalCluster(id: string, members: Array<{ region: string; cluster: string; writer: boolean }>, account = ACCOUNT): Record<string, unknown> {
  return {
    GlobalClusterIdentifier: id,
    GlobalClusterArn: `arn:aws:rds::${account}:global-cluster:${id}`,
    GlobalClusterMembers: members.map((m) => ({ DBClusterArn: `arn:aws:rds:${m.region}:${account}:cluster:${m.cluster}`, IsWriter: m.writer })),
  };
}

export function dynamoTable(name: string, region = 'us-east-1', replicas: Array<{ RegionName: string; ReplicaStatus?: string }> = [{ RegionName: 'us-west-2', ReplicaStatus: 'ACTIVE' }], overrides: Record<string, unknown> = {}, account = ACCOUNT): Record<string, unknown> {
  return {
    name,
    table: {
      TableName: name,
      TableArn: `arn:aws:dynamodb:${region}:${account}:table/${name}`,
      TableStatus: 'ACTIVE',
      GlobalTableVersion: '2019.11.21',
      Replicas: replicas,
    },
    continuousBackups: { ContinuousBackupsStatus: 'ENABLED' },
    tags: [{ Key: 'soc2', Value: 'in-scope' }],
    ...overrides,
  };
}

export function metricAlarm(name: string, signal: string | null, overrides: Record<string, unknown> = {}, region = 'us-east-1', account = ACCOUNT): Record<string, unknown> {
  const metric: Record<string, [string, string]> = {
    'backup-job-failure': ['AWS/Backup', 'NumberOfBackupJobsFailed'],
    's3-replication': ['AWS/S3', 'OperationsFailedReplication'],
    'rds-replication': ['AWS/RDS', 'ReplicaLag'],
    'dynamodb-replication': ['AWS/DynamoDB', 'ReplicationLatency'],
  };
  const [namespace, metricName] = signal ? metric[signal] : ['AWS/EC2', 'CPUUtilization'];
  return {
    alarm: {
      AlarmName: name,
      AlarmArn: `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`,
      Namespace: namespace,
      MetricName: metricName,
      StateValue: 'OK',
      ActionsEnabled: true,
      AlarmActions: [`arn:aws:sns:${region}:${account}:oncall`],
      ...overrides,
    },
    relevance: signal ? [{ signal, namespace, metricName }] : null,
  };
}

export function drRecord(id: string, start: string, measured: Record<string, number>, outcome = 'pass'): Record<string, unknown> {
  return {
    file: `${id}.yaml`,
    sha256: 'a'.repeat(64),
    record: {
      id,
      title: `Game day ${id}`,
      scenario: 'Loss of us-east-1',
      start,
      end: new Date(Date.parse(start) + (measured.rtoMinutes ?? 30) * 60_000).toISOString(),
      regions: { from: 'us-east-1', to: 'us-west-2' },
      systems: ['care-api'],
      participants: [{ name: 'Dana Whitfield', role: 'SRE lead' }],
      measured,
      outcome,
      approver: { name: 'Priya Raman', role: 'CTO', date: start.slice(0, 10) },
    },
  };
}

export function restoreJob(id: string, created: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    RestoreJobId: id,
    AccountId: ACCOUNT,
    RecoveryPointArn: `arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:${id}`,
    SourceResourceArn: 'arn:aws:s3:::records',
    ResourceType: 'S3',
    CreationDate: created,
    CompletionDate: new Date(Date.parse(created) + 45 * 60_000).toISOString(),
    RecoveryPointCreationDate: new Date(Date.parse(created) - 30 * 60_000).toISOString(),
    Status: 'COMPLETED',
    CreatedBy: { RestoreTestingPlanArn: `arn:aws:backup:us-east-1:${ACCOUNT}:restore-testing-plan:weekly` },
    ValidationStatus: 'SUCCESSFUL',
    ...overrides,
  };
}

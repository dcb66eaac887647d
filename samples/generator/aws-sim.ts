/**
 * A simulated AWS that answers the collectors' calls about the sample estate at a moment of its
 * life, the way the SDK clients would: the same operations, inputs, output shapes (dates as Date),
 * page tokens and "not configured" errors. The real collectors run against it, so the envelopes
 * they produce are exactly what they would write against AWS, provenance included (every call is
 * recorded with its parameters, pages, records and a request id, as the client factory does).
 */
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { RegionClients } from '../../src/aws/client-factory.js';
import { callRecorderStorage, countRecords, provenanceParameters, recordFailure } from '../../src/aws/call-recorder.js';
import { canonicalJson } from '../../src/util/canonical-json.js';
import type { Activity, BackupJobRecord, ConfigItemRecord, CopyJobRecord, RestoreJobRecord, TrailEventRecord } from './activity.js';
import { itemAt, canonicalUserId, type ConfigInventory } from './config-items.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, hasTag, type Estate, type Tag, type Vault } from './estate.js';
import { compareText, Random, stableHex, stableUuid } from './random.js';

/** The simulated clock of one collector task: every call takes a little time. */
export class TaskClock {
  now: number;
  private readonly random: Random;

  constructor(
    readonly start: number,
    readonly label: string,
  ) {
    this.now = start;
    this.random = new Random(`clock:${label}`);
  }

  /** One request: 40–220 ms; LookupEvents is spaced to CloudTrail's 2 requests per second. */
  tick(operation: string): void {
    this.now += operation === 'cloudtrail:LookupEvents' ? 500 + this.random.int(0, 40) : this.random.int(40, 220);
  }
}

type Handler = (input: Record<string, unknown>, call: CallContext) => Record<string, unknown>;

interface CallContext {
  account: string;
  region: string;
  /** The moment the call is answered. */
  at: number;
}

class SimError extends Error {
  readonly $fault = 'client';
  $metadata: { httpStatusCode: number; requestId?: string };
  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode: status };
  }
}

const SERVICE_CLASSES = {
  backup: BackupClient,
  cloudtrail: CloudTrailClient,
  cloudwatch: CloudWatchClient,
  config: ConfigServiceClient,
  dynamodb: DynamoDBClient,
  kms: KMSClient,
  organizations: OrganizationsClient,
  rds: RDSClient,
  s3: S3Client,
  sts: STSClient,
} as const;

const ACTION_NAMES: Record<string, string> = {
  backup: 'backup',
  cloudtrail: 'cloudtrail',
  cloudwatch: 'cloudwatch',
  config: 'config',
  dynamodb: 'dynamodb',
  kms: 'kms',
  organizations: 'organizations',
  rds: 'rds',
  s3: 's3',
  sts: 'sts',
};

/** Pages of a list: `token` is the offset the previous page ended at. */
function paged<T>(items: readonly T[], token: unknown, size: number): { page: T[]; next?: string } {
  const offset = typeof token === 'string' && token ? Number(Buffer.from(token, 'base64').toString('utf8').split(':')[1] ?? 0) : 0;
  const page = items.slice(offset, offset + size);
  const nextOffset = offset + size;
  return { page, ...(nextOffset < items.length ? { next: Buffer.from(`p:${nextOffset}:${items.length}`).toString('base64') } : {}) };
}

const ms = (value: unknown): number | undefined => (value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : undefined);
const IAM_BACKUP_ROLE = (account: string) => `arn:aws:iam::${account}:role/service-role/AWSBackupDefaultServiceRole`;

/** Index of the first item whose key is ≥ `value` (items sorted by key). */
function lowerBound<T>(items: readonly T[], value: number, key: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid]) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SimulatedAws {
  private readonly handlers: Record<string, Record<string, Handler>>;
  private readonly copiesByDestination = new Map<string, CopyJobRecord[]>();
  private readonly restoresByRecoveryPoint = new Map<string, RestoreJobRecord[]>();
  private readonly backupJobByRecoveryPoint = new Map<string, BackupJobRecord>();

  constructor(
    private readonly estate: Estate,
    private readonly activity: Activity,
    private readonly config: ConfigInventory,
  ) {
    for (const list of activity.copyJobs.values()) {
      for (const c of list) {
        const l = this.copiesByDestination.get(c.destination.arn) ?? [];
        l.push(c);
        this.copiesByDestination.set(c.destination.arn, l);
      }
    }
    for (const l of this.copiesByDestination.values()) l.sort((a, b) => a.recoveryPointCreated - b.recoveryPointCreated || compareText(a.id, b.id));
    for (const list of activity.backupJobs.values()) for (const j of list) if (j.recoveryPointArn) this.backupJobByRecoveryPoint.set(j.recoveryPointArn, j);
    for (const list of activity.restoreJobs.values()) {
      for (const r of list) this.restoresByRecoveryPoint.set(r.recoveryPointArn, [...(this.restoresByRecoveryPoint.get(r.recoveryPointArn) ?? []), r]);
    }
    this.handlers = {
      backup: this.backupHandlers(),
      cloudtrail: this.cloudtrailHandlers(),
      cloudwatch: this.cloudwatchHandlers(),
      config: this.configHandlers(),
      dynamodb: this.dynamodbHandlers(),
      kms: this.kmsHandlers(),
      rds: this.rdsHandlers(),
      s3: this.s3Handlers(),
    };
  }

  /** Clients of one account in one region for a collector task (`snapshotId` makes request ids unique per run). */
  clients(account: { id: string; name: string }, region: string, clock: TaskClock, snapshotId: string): RegionClients {
    const view = { account, region } as RegionClients;
    for (const service of Object.keys(SERVICE_CLASSES) as Array<keyof typeof SERVICE_CLASSES>) {
      const client = Object.create(SERVICE_CLASSES[service].prototype) as { send: (command: unknown) => Promise<unknown> };
      client.send = (command: unknown) => this.send(service, command, { account: account.id, region, clock, snapshotId });
      Object.defineProperty(view, service, { enumerable: true, value: client });
    }
    return view;
  }

  private async send(service: string, command: unknown, where: { account: string; region: string; clock: TaskClock; snapshotId: string }): Promise<unknown> {
    const action = String((command as object).constructor.name).replace(/Command$/, '');
    const operation = `${ACTION_NAMES[service]}:${action}`;
    const input = ((command as { input?: Record<string, unknown> }).input ?? {}) as Record<string, unknown>;
    where.clock.tick(operation);
    const recorder = callRecorderStorage.getStore();
    const requestId = this.requestId(service, operation, input, where);
    const handler = this.handlers[service]?.[action];
    try {
      if (!handler) throw new SimError('UnknownOperationException', `the sample estate does not simulate ${operation}`, 501);
      const output = handler(input, { account: where.account, region: where.region, at: where.clock.now });
      const withMetadata = { $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 }, ...output };
      recorder?.record({
        operation,
        region: where.region,
        parameters: provenanceParameters(input),
        outcome: 'ok',
        records: countRecords(withMetadata),
        requestId,
      });
      return withMetadata;
    } catch (error) {
      if (error instanceof SimError) error.$metadata.requestId = requestId;
      recorder?.record(recordFailure(operation, where.region, input, error));
      throw error;
    }
  }

  private requestId(service: string, operation: string, input: Record<string, unknown>, where: { account: string; region: string; snapshotId: string }): string {
    const parts = [this.estate.options.seed, where.snapshotId, where.account, where.region, operation, canonicalJson(input, 0)];
    if (service === 's3') return stableHex(16, ...parts).toUpperCase();
    return stableUuid(...parts);
  }

  // ---- shared views of the estate at a time ---------------------------------------------------

  private here<T extends { account: string; region: string; created: number; deleted?: number }>(list: readonly T[], call: CallContext): T[] {
    return list.filter((x) => x.account === call.account && x.region === call.region && x.created <= call.at && (x.deleted === undefined || x.deleted > call.at));
  }

  private vaultNamed(call: CallContext, name: unknown): Vault {
    const vault = this.here(this.estate.vaults, call).find((v) => v.name === name);
    if (!vault) throw new SimError('ResourceNotFoundException', `Backup vault ${String(name)} does not exist`, 400);
    return vault;
  }

  /** Recovery points a vault holds at `at`: completed backups into it and completed copies to it, within their lifecycle. */
  private recoveryPoints(vault: Vault, at: number): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    const keep = (created: number, lifecycle: number) => created + lifecycle * DAY_MS > at;
    const jobs = this.activity.backupJobs.get(`${vault.account}|${vault.region}`) ?? [];
    for (let i = lowerBound(jobs, at - 40 * DAY_MS, (j) => j.created); i < jobs.length && jobs[i].created <= at; i += 1) {
      const j = jobs[i];
      if (j.vault.arn !== vault.arn || j.state !== 'COMPLETED' || j.completed > at || !keep(j.created, j.rule.lifecycleDays)) continue;
      out.push(this.recoveryPointOf(j.recoveryPointArn!, j, vault, j.created, j.completed, j.rule.lifecycleDays, at));
    }
    const copies = this.copiesByDestination.get(vault.arn) ?? [];
    for (let i = lowerBound(copies, at - 40 * DAY_MS, (c) => c.recoveryPointCreated); i < copies.length && copies[i].recoveryPointCreated <= at; i += 1) {
      const c = copies[i];
      if (c.state !== 'COMPLETED' || c.completed > at || !keep(c.recoveryPointCreated, 35)) continue;
      const job = this.backupJobByRecoveryPoint.get(c.sourceRecoveryPointArn)!;
      out.push({
        ...this.recoveryPointOf(c.destinationRecoveryPointArn!, job, vault, c.recoveryPointCreated, c.completed, c.rule?.copyTo?.lifecycleDays ?? 35, at),
        SourceBackupVaultArn: c.source.arn,
      });
    }
    return out.sort((a, b) => (b.CreationDate as Date).getTime() - (a.CreationDate as Date).getTime() || compareText(String(a.RecoveryPointArn), String(b.RecoveryPointArn)));
  }

  private recoveryPointOf(arn: string, job: BackupJobRecord, vault: Vault, created: number, completed: number, lifecycle: number, at: number): Record<string, unknown> {
    const lastRestore = (this.restoresByRecoveryPoint.get(arn) ?? []).filter((r) => r.completed <= at).map((r) => r.completed).sort((a, b) => b - a)[0];
    return {
      RecoveryPointArn: arn,
      BackupVaultName: vault.name,
      BackupVaultArn: vault.arn,
      ResourceArn: job.resource.arn,
      ResourceType: job.resource.resourceType,
      ResourceName: job.resource.name,
      CreatedBy: { BackupPlanId: job.plan.id, BackupPlanArn: job.plan.arn, BackupPlanVersion: job.plan.versionId, BackupRuleId: job.rule.id },
      IamRoleArn: IAM_BACKUP_ROLE(vault.account),
      Status: 'COMPLETED',
      CreationDate: new Date(created),
      InitiationDate: new Date(job.scheduled),
      CompletionDate: new Date(completed),
      BackupSizeInBytes: job.sizeBytes,
      CalculatedLifecycle: { DeleteAt: new Date(created + lifecycle * DAY_MS) },
      Lifecycle: { DeleteAfterDays: lifecycle, OptInToArchiveForSupportedResources: false },
      EncryptionKeyArn: vault.keyArn,
      IsEncrypted: true,
      VaultType: 'BACKUP_VAULT',
      IsParent: false,
      ...(lastRestore ? { LastRestoreTime: new Date(lastRestore) } : {}),
    };
  }

  // ---- AWS Backup ---------------------------------------------------------------------------

  private backupHandlers(): Record<string, Handler> {
    const e = this.estate;
    const planById = (call: CallContext, id: unknown) => {
      const plan = this.here(e.plans, call).find((p) => p.id === id);
      if (!plan) throw new SimError('ResourceNotFoundException', `Backup plan ${String(id)} does not exist`, 400);
      return plan;
    };
    const lastRun = (plan: (typeof e.plans)[number], at: number) => {
      const jobs = this.activity.backupJobs.get(`${plan.account}|${plan.region}`) ?? [];
      for (let i = lowerBound(jobs, at, (j) => j.created) - 1; i >= 0; i -= 1) if (jobs[i].plan.id === plan.id) return new Date(jobs[i].scheduled);
      return undefined;
    };
    const vaultRecord = (v: Vault, at: number) => ({
      BackupVaultName: v.name,
      BackupVaultArn: v.arn,
      VaultType: 'BACKUP_VAULT',
      VaultState: 'AVAILABLE',
      CreationDate: new Date(v.created),
      EncryptionKeyArn: v.keyArn,
      EncryptionKeyType: 'CUSTOMER_MANAGED_KMS_KEY',
      CreatorRequestId: stableUuid(e.options.seed, 'vault-request', v.arn),
      NumberOfRecoveryPoints: this.recoveryPoints(v, at).length,
      Locked: true,
      MinRetentionDays: v.minRetention,
      MaxRetentionDays: v.maxRetention,
      LockDate: new Date(v.lockDate),
    });
    const jobWindow = (input: Record<string, unknown>) => ({
      createdAfter: ms(input.ByCreatedAfter) ?? -Infinity,
      createdBefore: ms(input.ByCreatedBefore) ?? Infinity,
      completeAfter: ms(input.ByCompleteAfter),
      completeBefore: ms(input.ByCompleteBefore),
    });
    /** Jobs AWS still lists (30 days), created in the window, newest first, in their state at the call. */
    const listJobs = <J extends { created: number; completed: number }>(all: readonly J[], input: Record<string, unknown>, at: number): J[] => {
      const w = jobWindow(input);
      const from = Math.max(w.createdAfter, at - 30 * DAY_MS);
      const out: J[] = [];
      for (let i = lowerBound(all, from, (j) => j.created); i < all.length && all[i].created < Math.min(w.createdBefore, at); i += 1) {
        const j = all[i];
        if (w.completeAfter !== undefined && !(j.completed <= at && j.completed >= w.completeAfter)) continue;
        if (w.completeBefore !== undefined && !(j.completed <= at && j.completed < w.completeBefore)) continue;
        out.push(j);
      }
      return out.reverse();
    };
    const maxResults = (input: Record<string, unknown>, fallback: number) => Math.min(1000, Number(input.MaxResults ?? fallback));
    return {
      ListBackupPlans: (input, call) => {
        const plans = this.here(e.plans, call).map((p) => ({
          BackupPlanArn: p.arn,
          BackupPlanId: p.id,
          CreationDate: new Date(p.created),
          BackupPlanName: p.name,
          VersionId: p.versionId,
          ...(lastRun(p, call.at) ? { LastExecutionDate: lastRun(p, call.at) } : {}),
        }));
        const { page, next } = paged(plans, input.NextToken, 100);
        return { BackupPlansList: page, ...(next ? { NextToken: next } : {}) };
      },
      GetBackupPlan: (input, call) => {
        const p = planById(call, input.BackupPlanId);
        return {
          BackupPlan: {
            BackupPlanName: p.name,
            Rules: p.rules.map((r) => ({
              RuleName: r.name,
              TargetBackupVaultName: r.vaultName,
              ScheduleExpression: r.schedule,
              StartWindowMinutes: r.startWindowMinutes,
              CompletionWindowMinutes: r.completionWindowMinutes,
              Lifecycle: { DeleteAfterDays: r.lifecycleDays, OptInToArchiveForSupportedResources: false },
              RuleId: r.id,
              ...(r.copyTo ? { CopyActions: [{ Lifecycle: { DeleteAfterDays: r.copyTo.lifecycleDays, OptInToArchiveForSupportedResources: false }, DestinationBackupVaultArn: r.copyTo.vaultArn }] } : {}),
              EnableContinuousBackup: false,
              ScheduleExpressionTimezone: 'Etc/UTC',
            })),
          },
          BackupPlanId: p.id,
          BackupPlanArn: p.arn,
          VersionId: p.versionId,
          CreationDate: new Date(p.created),
          ...(lastRun(p, call.at) ? { LastExecutionDate: lastRun(p, call.at) } : {}),
        };
      },
      ListBackupVaults: (input, call) => {
        const { page, next } = paged(this.here(e.vaults, call).map((v) => vaultRecord(v, call.at)), input.NextToken, 100);
        return { BackupVaultList: page, ...(next ? { NextToken: next } : {}) };
      },
      DescribeBackupVault: (input, call) => vaultRecord(this.vaultNamed(call, input.BackupVaultName), call.at),
      GetBackupVaultAccessPolicy: (input, call) => {
        const v = this.vaultNamed(call, input.BackupVaultName);
        return {
          BackupVaultName: v.name,
          BackupVaultArn: v.arn,
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'DenyRecoveryPointDeletion',
                Effect: 'Deny',
                Principal: { AWS: '*' },
                Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle', 'backup:PutBackupVaultAccessPolicy'],
                Resource: '*',
              },
            ],
          }),
        };
      },
      ListBackupSelections: (input, call) => {
        const p = planById(call, input.BackupPlanId);
        const list = p.selections
          .filter((s) => s.created <= call.at)
          .map((s) => ({ SelectionId: s.id, SelectionName: s.name, BackupPlanId: p.id, CreationDate: new Date(s.created), CreatorRequestId: stableUuid(e.options.seed, 'selection-request', s.id), IamRoleArn: IAM_BACKUP_ROLE(p.account) }));
        const { page, next } = paged(list, input.NextToken, 100);
        return { BackupSelectionsList: page, ...(next ? { NextToken: next } : {}) };
      },
      GetBackupSelection: (input, call) => {
        const p = planById(call, input.BackupPlanId);
        const s = p.selections.find((x) => x.id === input.SelectionId);
        if (!s) throw new SimError('ResourceNotFoundException', `Backup selection ${String(input.SelectionId)} does not exist`, 400);
        return {
          BackupSelection: {
            SelectionName: s.name,
            IamRoleArn: IAM_BACKUP_ROLE(p.account),
            Resources: ['*'],
            ListOfTags: [],
            NotResources: [],
            Conditions: {
              StringEquals: s.conditions.map((c) => ({ ConditionKey: c.key, ConditionValue: c.value })),
              StringNotEquals: [],
              StringLike: [],
              StringNotLike: [],
            },
          },
          SelectionId: s.id,
          BackupPlanId: p.id,
          CreationDate: new Date(s.created),
          CreatorRequestId: stableUuid(e.options.seed, 'selection-request', s.id),
        };
      },
      ListProtectedResources: (input, call) => {
        const jobs = this.activity.backupJobs.get(`${call.account}|${call.region}`) ?? [];
        const latest = new Map<string, BackupJobRecord>();
        for (let i = lowerBound(jobs, call.at - 60 * DAY_MS, (j) => j.created); i < jobs.length && jobs[i].created <= call.at; i += 1) {
          const j = jobs[i];
          if (j.state === 'COMPLETED' && j.completed <= call.at) latest.set(j.resource.arn, j);
        }
        const list = [...latest.values()]
          .sort((a, b) => compareText(a.resource.arn, b.resource.arn))
          .map((j) => ({
            ResourceArn: j.resource.arn,
            ResourceType: j.resource.resourceType,
            LastBackupTime: new Date(j.completed),
            ResourceName: j.resource.name,
            LastBackupVaultArn: j.vault.arn,
            LastRecoveryPointArn: j.recoveryPointArn,
          }));
        const { page, next } = paged(list, input.NextToken, maxResults(input, 1000));
        return { Results: page, ...(next ? { NextToken: next } : {}) };
      },
      ListRecoveryPointsByBackupVault: (input, call) => {
        const v = this.vaultNamed(call, input.BackupVaultName);
        const { page, next } = paged(this.recoveryPoints(v, call.at), input.NextToken, maxResults(input, 100));
        return { RecoveryPoints: page, ...(next ? { NextToken: next } : {}) };
      },
      ListBackupJobs: (input, call) => {
        const jobs = listJobs(this.activity.backupJobs.get(`${call.account}|${call.region}`) ?? [], input, call.at).map((j) => this.backupJobRecord(j, call.at));
        const { page, next } = paged(jobs, input.NextToken, maxResults(input, 100));
        return { BackupJobs: page, ...(next ? { NextToken: next } : {}) };
      },
      ListCopyJobs: (input, call) => {
        const jobs = listJobs(this.activity.copyJobs.get(`${call.account}|${call.region}`) ?? [], input, call.at).map((j) => this.copyJobRecord(j, call.at));
        const { page, next } = paged(jobs, input.NextToken, maxResults(input, 100));
        return { CopyJobs: page, ...(next ? { NextToken: next } : {}) };
      },
      ListRestoreJobs: (input, call) => {
        const jobs = listJobs(this.activity.restoreJobs.get(`${call.account}|${call.region}`) ?? [], input, call.at).map((j) => this.restoreJobRecord(j, call.at));
        const { page, next } = paged(jobs, input.NextToken, maxResults(input, 100));
        return { RestoreJobs: page, ...(next ? { NextToken: next } : {}) };
      },
      ListRestoreTestingPlans: (input, call) => {
        const list = this.here(e.restoreTesting, call).map((p) => this.restoreTestingPlanRecord(p, call.at, false));
        const { page, next } = paged(list, input.NextToken, 100);
        return { RestoreTestingPlans: page, ...(next ? { NextToken: next } : {}) };
      },
      GetRestoreTestingPlan: (input, call) => {
        const p = this.here(e.restoreTesting, call).find((x) => x.name === input.RestoreTestingPlanName);
        if (!p) throw new SimError('ResourceNotFoundException', `Restore testing plan ${String(input.RestoreTestingPlanName)} does not exist`, 400);
        return { RestoreTestingPlan: this.restoreTestingPlanRecord(p, call.at, true) };
      },
      ListRestoreTestingSelections: (input, call) => {
        const p = this.here(e.restoreTesting, call).find((x) => x.name === input.RestoreTestingPlanName);
        if (!p) throw new SimError('ResourceNotFoundException', `Restore testing plan ${String(input.RestoreTestingPlanName)} does not exist`, 400);
        return {
          RestoreTestingSelections: [
            {
              CreationTime: new Date(p.created + 5 * MINUTE_MS),
              IamRoleArn: IAM_BACKUP_ROLE(p.account),
              ProtectedResourceType: p.targetType,
              RestoreTestingPlanName: p.name,
              RestoreTestingSelectionName: `${p.targetType.toLowerCase()}_${p.target.id.replace(/-/g, '_')}`,
              ValidationWindowHours: 4,
            },
          ],
        };
      },
      GetRestoreTestingSelection: (input, call) => {
        const p = this.here(e.restoreTesting, call).find((x) => x.name === input.RestoreTestingPlanName);
        if (!p) throw new SimError('ResourceNotFoundException', `Restore testing plan ${String(input.RestoreTestingPlanName)} does not exist`, 400);
        return {
          RestoreTestingSelection: {
            CreationTime: new Date(p.created + 5 * MINUTE_MS),
            CreatorRequestId: stableUuid(e.options.seed, 'restore-selection', p.arn),
            IamRoleArn: IAM_BACKUP_ROLE(p.account),
            ProtectedResourceArns: [p.target.arn],
            ProtectedResourceType: p.targetType,
            RestoreMetadataOverrides: p.targetType === 'Aurora' ? { dbclusteridentifier: 'awsbackup-restore-test', dbinstanceclass: 'db.r6g.large' } : { dbinstanceclass: 'db.m6g.large', multiaz: 'false' },
            RestoreTestingPlanName: p.name,
            RestoreTestingSelectionName: String(input.RestoreTestingSelectionName),
            ValidationWindowHours: 4,
          },
        };
      },
      ListReportPlans: (_input, call) => ({
        ReportPlans: this.here(e.reportPlans, call).map((r) => {
          const lastRun = Math.floor((call.at - HOUR_MS) / DAY_MS) * DAY_MS + HOUR_MS;
          return {
            ReportPlanArn: r.arn,
            ReportPlanName: r.name,
            ReportPlanDescription: 'Daily backup job report for the SOC 2 evidence folder',
            ReportSetting: { ReportTemplate: r.template, Accounts: [], OrganizationUnits: [], Regions: [] },
            ReportDeliveryChannel: { S3BucketName: r.bucket, S3KeyPrefix: `backup-jobs/${r.account}`, Formats: ['CSV', 'JSON'] },
            DeploymentStatus: 'COMPLETED',
            CreationTime: new Date(r.created),
            LastAttemptedExecutionTime: new Date(lastRun),
            LastSuccessfulExecutionTime: new Date(lastRun),
          };
        }),
      }),
    };
  }

  private backupJobRecord(j: BackupJobRecord, at: number): Record<string, unknown> {
    const done = j.completed <= at;
    const state = done ? j.state : 'RUNNING';
    return {
      AccountId: j.account,
      BackupJobId: j.id,
      BackupVaultName: j.vault.name,
      BackupVaultArn: j.vault.arn,
      VaultType: 'BACKUP_VAULT',
      VaultLockState: 'LOCKED',
      ...(done && j.recoveryPointArn ? { RecoveryPointArn: j.recoveryPointArn, RecoveryPointLifecycle: { DeleteAfterDays: j.rule.lifecycleDays, OptInToArchiveForSupportedResources: false } } : {}),
      EncryptionKeyArn: j.vault.keyArn,
      IsEncrypted: true,
      ResourceArn: j.resource.arn,
      CreationDate: new Date(j.created),
      ...(done ? { CompletionDate: new Date(j.completed) } : { ExpectedCompletionDate: new Date(j.created + 2 * (j.completed - j.created)) }),
      State: state,
      ...(done && j.statusMessage ? { StatusMessage: j.statusMessage } : {}),
      PercentDone: done ? (j.state === 'COMPLETED' ? '100.0' : '0.0') : (Math.round(((at - j.created) / (j.completed - j.created)) * 1000) / 10).toFixed(1),
      BackupSizeInBytes: done ? j.sizeBytes : 0,
      IamRoleArn: IAM_BACKUP_ROLE(j.account),
      CreatedBy: { BackupPlanId: j.plan.id, BackupPlanArn: j.plan.arn, BackupPlanVersion: j.plan.versionId, BackupRuleId: j.rule.id },
      ResourceType: j.resource.resourceType,
      StartBy: new Date(j.scheduled + j.rule.startWindowMinutes * MINUTE_MS),
      InitiationDate: new Date(j.scheduled),
      ...(j.resource.resourceType === 'EC2' ? { BackupOptions: { WindowsVSS: 'disabled' }, BackupType: 'AMI' } : {}),
      IsParent: false,
      ResourceName: j.resource.name,
      MessageCategory: done ? j.messageCategory : 'SUCCESS',
    };
  }

  private copyJobRecord(c: CopyJobRecord, at: number): Record<string, unknown> {
    const done = c.completed <= at;
    return {
      AccountId: c.account,
      CopyJobId: c.id,
      SourceBackupVaultArn: c.source.arn,
      SourceRecoveryPointArn: c.sourceRecoveryPointArn,
      DestinationBackupVaultArn: c.destination.arn,
      DestinationVaultType: 'BACKUP_VAULT',
      DestinationVaultLockState: 'LOCKED',
      ...(done && c.destinationRecoveryPointArn ? { DestinationRecoveryPointArn: c.destinationRecoveryPointArn } : {}),
      DestinationEncryptionKeyArn: c.destination.keyArn,
      DestinationRecoveryPointLifecycle: { DeleteAfterDays: c.rule?.copyTo?.lifecycleDays ?? 35, OptInToArchiveForSupportedResources: false },
      ResourceArn: c.resource.arn,
      CreationDate: new Date(c.created),
      ...(done ? { CompletionDate: new Date(c.completed) } : {}),
      State: done ? c.state : 'RUNNING',
      ...(done && c.statusMessage ? { StatusMessage: c.statusMessage } : {}),
      BackupSizeInBytes: done ? c.sizeBytes : 0,
      IamRoleArn: IAM_BACKUP_ROLE(c.account),
      ...(c.plan && c.rule ? { CreatedBy: { BackupPlanId: c.plan.id, BackupPlanArn: c.plan.arn, BackupPlanVersion: c.plan.versionId, BackupRuleId: c.rule.id } } : {}),
      ...(c.backupJobId ? { CreatedByBackupJobId: c.backupJobId } : {}),
      ResourceType: c.resource.resourceType,
      IsParent: false,
      ResourceName: c.resource.name,
      MessageCategory: done ? c.messageCategory : 'SUCCESS',
    };
  }

  private restoreJobRecord(r: RestoreJobRecord, at: number): Record<string, unknown> {
    const done = r.completed <= at;
    const validated = r.validated <= at;
    return {
      AccountId: r.account,
      RestoreJobId: r.id,
      RecoveryPointArn: r.recoveryPointArn,
      RecoveryPointCreationDate: new Date(r.recoveryPointCreated),
      CreationDate: new Date(r.created),
      ...(done ? { CompletionDate: new Date(r.completed) } : {}),
      Status: done ? 'COMPLETED' : 'RUNNING',
      PercentDone: done ? '100.0' : '50.0',
      BackupSizeInBytes: r.sizeBytes,
      IamRoleArn: IAM_BACKUP_ROLE(r.account),
      ExpectedCompletionTimeMinutes: r.plan.targetType === 'Aurora' ? 35 : 45,
      ...(done ? { CreatedResourceArn: r.createdResourceArn } : {}),
      ResourceType: r.plan.targetType,
      CreatedBy: { RestoreTestingPlanArn: r.plan.arn },
      ...(done
        ? {
            ValidationStatus: validated ? 'SUCCESSFUL' : 'VALIDATING',
            ...(validated ? { ValidationStatusMessage: 'Validation script exited 0: schema checksum and row counts match the source.' } : {}),
          }
        : {}),
      ...(r.deleted <= at ? { DeletionStatus: 'SUCCESSFUL', DeletionStatusMessage: 'The restored resource was deleted after its validation window.' } : {}),
      BackupVaultArn: r.vault.arn,
      SourceResourceArn: r.plan.target.arn,
    };
  }

  private restoreTestingPlanRecord(p: Estate['restoreTesting'][number], at: number, details: boolean): Record<string, unknown> {
    const runs = [...this.activity.restoreJobs.values()].flat().filter((r) => r.plan.arn === p.arn && r.created <= at);
    const last = runs.at(-1);
    return {
      CreationTime: new Date(p.created),
      ...(details ? { CreatorRequestId: stableUuid(this.estate.options.seed, 'rtp-request', p.arn) } : {}),
      ...(last ? { LastExecutionTime: new Date(last.created - 60_000) } : {}),
      LastUpdateTime: new Date(p.created),
      ...(details
        ? {
            RecoveryPointSelection: {
              Algorithm: 'LATEST_WITHIN_WINDOW',
              ExcludeVaults: [],
              IncludeVaults: [this.estate.vaults.find((v) => v.account === p.account && v.region === p.region)!.arn],
              RecoveryPointTypes: ['SNAPSHOT'],
              SelectionWindowDays: 7,
            },
          }
        : {}),
      RestoreTestingPlanArn: p.arn,
      RestoreTestingPlanName: p.name,
      ScheduleExpression: p.schedule,
      ScheduleExpressionTimezone: 'Etc/UTC',
      StartWindowHours: 1,
    };
  }

  // ---- CloudTrail -----------------------------------------------------------------------------

  private cloudtrailHandlers(): Record<string, Handler> {
    const e = this.estate;
    const trailsOf = (call: CallContext) => e.trails.filter((t) => t.account === call.account && t.created <= call.at);
    const trailRecord = (t: Estate['trails'][number]) => ({
      Name: t.name,
      S3BucketName: t.bucket,
      S3KeyPrefix: t.account,
      IncludeGlobalServiceEvents: true,
      IsMultiRegionTrail: true,
      HomeRegion: t.region,
      TrailARN: t.arn,
      LogFileValidationEnabled: true,
      CloudWatchLogsLogGroupArn: t.logGroupArn,
      CloudWatchLogsRoleArn: `arn:aws:iam::${t.account}:role/cloudtrail-to-cloudwatch`,
      KmsKeyId: t.keyArn,
      HasCustomEventSelectors: false,
      HasInsightSelectors: false,
      IsOrganizationTrail: false,
    });
    return {
      DescribeTrails: (_input, call) => ({ trailList: trailsOf(call).map(trailRecord) }),
      GetTrailStatus: (input, call) => {
        const t = trailsOf(call).find((x) => x.arn === input.Name || x.name === input.Name);
        if (!t) throw new SimError('TrailNotFoundException', `Unknown trail: ${String(input.Name)}`, 400);
        const delivered = call.at - new Random(`delivery:${t.arn}:${call.at}`).int(60, 540) * 1000;
        return {
          IsLogging: true,
          LatestDeliveryTime: new Date(delivered),
          LatestDigestDeliveryTime: new Date(Math.floor(call.at / HOUR_MS) * HOUR_MS + 2 * MINUTE_MS),
          StartLoggingTime: new Date(t.loggingSince),
          LatestDeliveryAttemptTime: new Date(delivered).toISOString().replace('.000', ''),
          LatestDeliveryAttemptSucceeded: new Date(delivered).toISOString().replace('.000', ''),
          TimeLoggingStarted: new Date(t.loggingSince).toISOString().replace(/\.\d{3}/, ''),
        };
      },
      GetEventSelectors: (input, call) => {
        const t = trailsOf(call).find((x) => x.arn === input.TrailName || x.name === input.TrailName);
        if (!t) throw new SimError('TrailNotFoundException', `Unknown trail: ${String(input.TrailName)}`, 400);
        return { TrailARN: t.arn, EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }] };
      },
      LookupEvents: (input, call) => {
        const attributes = (input.LookupAttributes as Array<{ AttributeKey: string; AttributeValue: string }> | undefined) ?? [];
        const name = attributes.find((a) => a.AttributeKey === 'EventName')?.AttributeValue;
        const start = Math.max(ms(input.StartTime) ?? -Infinity, call.at - 90 * DAY_MS);
        const end = Math.min(ms(input.EndTime) ?? Infinity, call.at);
        const list = (this.activity.events.get(`${call.account}|${call.region}`) ?? [])
          .filter((ev) => (!name || ev.name === name) && ev.time >= start && ev.time <= end)
          .reverse()
          .map((ev) => this.eventRecord(ev));
        const { page, next } = paged(list, input.NextToken, Math.min(50, Number(input.MaxResults ?? 50)));
        return { Events: page, ...(next ? { NextToken: next } : {}) };
      },
    };
  }

  private eventRecord(ev: TrailEventRecord): Record<string, unknown> {
    const accessKeyId = `ASIA${stableHex(16, 'access-key', ev.account, ev.username).toUpperCase()}`;
    const record = {
      eventVersion: '1.10',
      userIdentity: {
        type: ev.userType,
        principalId: `AROA${stableHex(17, 'role', ev.account, ev.userArn.split('/')[1] ?? '').toUpperCase()}:${ev.username}`,
        arn: ev.userArn,
        accountId: ev.account,
        accessKeyId,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ev.account}:role/${ev.userArn.split('/')[1]}`, accountId: ev.account, userName: ev.userArn.split('/')[1] }, attributes: { creationDate: new Date(ev.time - 17 * MINUTE_MS).toISOString().replace('.000', ''), mfaAuthenticated: 'true' } },
        ...(ev.invokedBy ? { invokedBy: ev.invokedBy } : {}),
      },
      eventTime: new Date(ev.time).toISOString().replace(/\.\d{3}/, ''),
      eventSource: ev.source,
      eventName: ev.name,
      awsRegion: ev.region,
      sourceIPAddress: ev.invokedBy ?? '203.0.113.24',
      userAgent: ev.invokedBy ?? 'aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.7',
      requestParameters: ev.params,
      responseElements: ev.response ?? null,
      requestID: stableUuid('request', ev.id),
      eventID: ev.id,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ev.account,
      eventCategory: 'Management',
    };
    return {
      EventId: ev.id,
      EventName: ev.name,
      ReadOnly: 'false',
      AccessKeyId: accessKeyId,
      EventTime: new Date(ev.time),
      EventSource: ev.source,
      Username: ev.username,
      Resources: ev.resources,
      CloudTrailEvent: JSON.stringify(record),
    };
  }

  // ---- CloudWatch -----------------------------------------------------------------------------

  private cloudwatchHandlers(): Record<string, Handler> {
    return {
      DescribeAlarms: (input, call) => {
        const alarms = this.here(this.estate.alarms, call);
        const updated = (a: (typeof alarms)[number]) => new Date(a.created + 11 * MINUTE_MS);
        const okSince = (a: (typeof alarms)[number]) => new Date(Math.max(a.created + 20 * MINUTE_MS, call.at - new Random(`ok:${a.arn}:${Math.floor(call.at / DAY_MS)}`).int(1, 96) * HOUR_MS));
        const metric = alarms
          .filter((a) => !a.rule)
          .map((a) => ({
            AlarmName: a.name,
            AlarmArn: a.arn,
            AlarmDescription: a.description,
            AlarmConfigurationUpdatedTimestamp: updated(a),
            ActionsEnabled: true,
            OKActions: a.actions,
            AlarmActions: a.actions,
            InsufficientDataActions: [],
            StateValue: 'OK',
            StateReason: 'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].',
            StateUpdatedTimestamp: okSince(a),
            StateTransitionedTimestamp: okSince(a),
            MetricName: a.metric,
            Namespace: a.namespace,
            Statistic: a.statistic,
            Dimensions: a.dimensions,
            Period: a.period,
            EvaluationPeriods: 1,
            DatapointsToAlarm: 1,
            Threshold: a.threshold,
            ComparisonOperator: 'GreaterThanThreshold',
            TreatMissingData: 'notBreaching',
          }));
        const composite = alarms
          .filter((a) => a.rule)
          .map((a) => ({
            ActionsEnabled: true,
            AlarmActions: a.actions,
            AlarmArn: a.arn,
            AlarmConfigurationUpdatedTimestamp: updated(a),
            AlarmDescription: a.description,
            AlarmName: a.name,
            AlarmRule: a.rule,
            InsufficientDataActions: [],
            OKActions: [],
            StateReason: 'All child alarms are in OK state',
            StateUpdatedTimestamp: okSince(a),
            StateValue: 'OK',
            StateTransitionedTimestamp: okSince(a),
          }));
        const all = [...metric.map((m) => ({ kind: 'metric' as const, m })), ...composite.map((m) => ({ kind: 'composite' as const, m }))];
        const { page, next } = paged(all, input.NextToken, Number(input.MaxRecords ?? 50));
        return {
          MetricAlarms: page.filter((x) => x.kind === 'metric').map((x) => x.m),
          CompositeAlarms: page.filter((x) => x.kind === 'composite').map((x) => x.m),
          ...(next ? { NextToken: next } : {}),
        };
      },
    };
  }

  // ---- AWS Config -----------------------------------------------------------------------------

  private configHandlers(): Record<string, Handler> {
    const e = this.estate;
    const seed = e.options.seed;
    const recorderArn = (call: CallContext) => `arn:aws:config:${call.region}:${call.account}:configuration-recorder/default/${stableHex(16, seed, 'recorder', call.account, call.region).replace(/[0-9]/g, (c) => 'qrstuvwxyz'[Number(c)])}`;
    const recorderSince = (call: CallContext) => e.from - new Random(`recorder:${seed}:${call.account}:${call.region}`).int(420, 700) * DAY_MS + 4 * HOUR_MS;
    const logBucket = e.buckets.find((b) => b.name === 'larkspur-config-history')?.name ?? `${e.accounts[0].prefix}config-history`;
    const discovered = (call: CallContext, type: string, includeDeleted: boolean) =>
      (this.config.resources.get(`${call.account}|${call.region}`) ?? []).filter(
        (r) => r.type === type && r.since <= call.at && (includeDeleted || r.deleted === undefined || r.deleted > call.at),
      );
    const itemsOf = (call: CallContext, type: unknown, id: unknown) => this.config.items.get(`${call.account}|${call.region}|${String(type)}|${String(id)}`);
    return {
      DescribeConfigurationRecorders: (_input, call) => ({
        ConfigurationRecorders: [
          {
            arn: recorderArn(call),
            name: 'default',
            roleARN: `arn:aws:iam::${call.account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
            recordingGroup: {
              allSupported: false,
              includeGlobalResourceTypes: false,
              resourceTypes: [],
              exclusionByResourceTypes: { resourceTypes: ['AWS::Backup::RecoveryPoint'] },
              recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
            },
            recordingMode: { recordingFrequency: 'CONTINUOUS', recordingModeOverrides: [] },
          },
        ],
      }),
      DescribeConfigurationRecorderStatus: (_input, call) => ({
        ConfigurationRecordersStatus: [
          {
            arn: recorderArn(call),
            name: 'default',
            lastStartTime: new Date(recorderSince(call)),
            recording: true,
            lastStatus: 'SUCCESS',
            lastStatusChangeTime: new Date(call.at - new Random(`rec-status:${call.account}:${call.region}:${call.at}`).int(2, 55) * MINUTE_MS),
          },
        ],
      }),
      DescribeDeliveryChannels: (_input, call) => ({
        DeliveryChannels: [
          {
            name: 'default',
            s3BucketName: logBucket,
            s3KeyPrefix: `config/${call.account}`,
            configSnapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
          },
        ],
      }),
      DescribeDeliveryChannelStatus: (_input, call) => {
        const lastHistory = new Date(Math.floor(call.at / HOUR_MS) * HOUR_MS - 3 * MINUTE_MS);
        const lastSnapshot = new Date(Math.floor(call.at / DAY_MS) * DAY_MS + 17 * MINUTE_MS > call.at ? Math.floor(call.at / DAY_MS) * DAY_MS - DAY_MS + 17 * MINUTE_MS : Math.floor(call.at / DAY_MS) * DAY_MS + 17 * MINUTE_MS);
        return {
          DeliveryChannelsStatus: [
            {
              name: 'default',
              configSnapshotDeliveryInfo: { lastStatus: 'SUCCESS', lastAttemptTime: lastSnapshot, lastSuccessfulTime: lastSnapshot, nextDeliveryTime: new Date(lastSnapshot.getTime() + DAY_MS) },
              configHistoryDeliveryInfo: { lastStatus: 'SUCCESS', lastAttemptTime: lastHistory, lastSuccessfulTime: lastHistory },
              configStreamDeliveryInfo: { lastStatus: 'NOT_APPLICABLE', lastStatusChangeTime: new Date(recorderSince(call)) },
            },
          ],
        };
      },
      ListDiscoveredResources: (input, call) => {
        const includeDeleted = input.includeDeletedResources === true;
        const list = discovered(call, String(input.resourceType), includeDeleted).map((r) => ({
          resourceType: r.type,
          resourceId: r.id,
          ...(r.name ? { resourceName: r.name } : {}),
          ...(includeDeleted && r.deleted !== undefined && r.deleted <= call.at ? { resourceDeletionTime: new Date(r.deleted) } : {}),
        }));
        const { page, next } = paged(list, input.nextToken, Math.min(100, Number(input.limit ?? 100)));
        return { resourceIdentifiers: page, ...(next ? { nextToken: next } : {}) };
      },
      GetDiscoveredResourceCounts: (input, call) => {
        const counts = new Map<string, number>();
        for (const r of this.config.resources.get(`${call.account}|${call.region}`) ?? []) {
          if (r.since > call.at || (r.deleted !== undefined && r.deleted <= call.at)) continue;
          counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
        }
        // Types proofpack does not track: networking and IAM, as Config counts them.
        const other = new Random(`counts:${seed}:${call.account}:${call.region}`);
        const network = { 'AWS::EC2::SecurityGroup': other.int(8, 40), 'AWS::EC2::Subnet': other.int(3, 9), 'AWS::EC2::VPC': other.int(1, 3), 'AWS::EC2::NetworkInterface': other.int(6, 60) };
        for (const [type, n] of Object.entries(network)) counts.set(type, n);
        if (call.region === e.homeRegion) {
          counts.set('AWS::IAM::Role', other.int(40, 120));
          counts.set('AWS::IAM::Policy', other.int(10, 40));
        }
        const resourceCounts = [...counts].map(([resourceType, count]) => ({ resourceType, count })).sort((a, b) => b.count - a.count || compareText(a.resourceType, b.resourceType));
        const { page, next } = paged(resourceCounts, input.nextToken, Math.min(100, Number(input.limit ?? 100)));
        return { totalDiscoveredResources: resourceCounts.reduce((n, c) => n + c.count, 0), resourceCounts: page, ...(next ? { nextToken: next } : {}) };
      },
      BatchGetResourceConfig: (input, call) => {
        const keys = (input.resourceKeys as Array<{ resourceType: string; resourceId: string }> | undefined) ?? [];
        const base: Array<Record<string, unknown>> = [];
        for (const k of keys) {
          const item = itemAt(itemsOf(call, k.resourceType, k.resourceId), call.at);
          if (item && item.status !== 'ResourceDeleted') base.push(this.configItemRecord(item, false, call.at));
        }
        return { baseConfigurationItems: base, unprocessedResourceKeys: [] };
      },
      GetResourceConfigHistory: (input, call) => {
        const list = itemsOf(call, input.resourceType, input.resourceId);
        if (!list) throw new SimError('ResourceNotDiscoveredException', `Resource ${String(input.resourceId)} of resourceType:${String(input.resourceType)} is unknown or has not been discovered`, 400);
        const earlier = ms(input.earlierTime) ?? -Infinity;
        const later = Math.min(ms(input.laterTime) ?? Infinity, call.at);
        const chosen = list.filter((i) => i.capture >= earlier && i.capture <= later);
        const ordered = input.chronologicalOrder === 'Forward' ? chosen : [...chosen].reverse();
        const { page, next } = paged(ordered, input.nextToken, Math.min(100, Number(input.limit ?? 10)));
        return { configurationItems: page.map((i) => this.configItemRecord(i, true, call.at)), ...(next ? { nextToken: next } : {}) };
      },
    };
  }

  /** A configuration item as GetResourceConfigHistory (full) or BatchGetResourceConfig (base) returns it. */
  private configItemRecord(item: ConfigItemRecord, full: boolean, at: number): Record<string, unknown> {
    const supplementary = Object.fromEntries(Object.entries(item.supplementary).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    return {
      version: '1.3',
      accountId: item.account,
      configurationItemCaptureTime: new Date(item.capture),
      configurationItemStatus: item.status,
      configurationStateId: String(item.capture),
      ...(full ? { configurationItemMD5Hash: '' } : {}),
      ...(item.arn ? { arn: item.arn } : {}),
      resourceType: item.type,
      resourceId: item.id,
      ...(item.name ? { resourceName: item.name } : {}),
      awsRegion: item.region,
      availabilityZone: item.type === 'AWS::S3::Bucket' || item.type.startsWith('AWS::Backup') || item.type.startsWith('AWS::DynamoDB') ? 'Regional' : 'Not Applicable',
      ...(item.created !== undefined ? { resourceCreationTime: new Date(item.created) } : {}),
      ...(full ? { tags: item.tags, relatedEvents: [], relationships: [] } : {}),
      configuration: item.configuration === null ? null : JSON.stringify(item.configuration),
      supplementaryConfiguration: supplementary,
      ...(full ? {} : { recordingFrequency: 'CONTINUOUS', configurationItemDeliveryTime: new Date(Math.min(at, item.capture + 4 * MINUTE_MS)) }),
    };
  }

  // ---- DynamoDB -------------------------------------------------------------------------------

  private dynamodbHandlers(): Record<string, Handler> {
    const tableNamed = (call: CallContext, name: unknown) => {
      const t = this.here(this.estate.tables, call).find((x) => x.name === name);
      if (!t) throw new SimError('ResourceNotFoundException', `Requested resource not found: Table: ${String(name)} not found`, 400);
      return t;
    };
    return {
      ListTables: (input, call) => {
        const names = this.here(this.estate.tables, call).map((t) => t.name).sort();
        const start = typeof input.ExclusiveStartTableName === 'string' ? names.indexOf(input.ExclusiveStartTableName) + 1 : 0;
        const page = names.slice(start, start + 100);
        return { TableNames: page, ...(start + 100 < names.length ? { LastEvaluatedTableName: page.at(-1) } : {}) };
      },
      DescribeTable: (input, call) => {
        const t = tableNamed(call, input.TableName);
        return {
          Table: {
            AttributeDefinitions: [
              { AttributeName: 'pk', AttributeType: 'S' },
              { AttributeName: 'sk', AttributeType: 'S' },
            ],
            TableName: t.name,
            KeySchema: [
              { AttributeName: 'pk', KeyType: 'HASH' },
              { AttributeName: 'sk', KeyType: 'RANGE' },
            ],
            TableStatus: 'ACTIVE',
            CreationDateTime: new Date(t.created),
            ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
            TableSizeBytes: t.sizeBytes,
            ItemCount: t.items,
            TableArn: t.arn,
            TableId: t.tableId,
            BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: new Date(t.created) },
            StreamSpecification: { StreamEnabled: t.replicaRegions.length > 0, ...(t.replicaRegions.length > 0 ? { StreamViewType: 'NEW_AND_OLD_IMAGES' } : {}) },
            ...(t.replicaRegions.length > 0
              ? {
                  GlobalTableVersion: '2019.11.21',
                  Replicas: t.replicaRegions.map((r) => ({ RegionName: r, ReplicaStatus: 'ACTIVE', ReplicaTableClassSummary: { TableClass: 'STANDARD' } })),
                }
              : {}),
            SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: t.keyArn },
            TableClassSummary: { TableClass: 'STANDARD' },
            DeletionProtectionEnabled: true,
          },
        };
      },
      DescribeContinuousBackups: (input, call) => {
        const t = tableNamed(call, input.TableName);
        return {
          ContinuousBackupsDescription: {
            ContinuousBackupsStatus: 'ENABLED',
            PointInTimeRecoveryDescription: {
              PointInTimeRecoveryStatus: 'ENABLED',
              RecoveryPeriodInDays: 35,
              EarliestRestorableDateTime: new Date(Math.max(t.created, call.at - 35 * DAY_MS)),
              LatestRestorableDateTime: new Date(call.at - 5 * MINUTE_MS),
            },
          },
        };
      },
      ListTagsOfResource: (input, call) => {
        const t = this.here(this.estate.tables, call).find((x) => x.arn === input.ResourceArn);
        if (!t) throw new SimError('ResourceNotFoundException', `Requested resource not found: ResourcArn: ${String(input.ResourceArn)} not found`, 400);
        return { Tags: t.tags };
      },
    };
  }

  // ---- KMS ------------------------------------------------------------------------------------

  private kmsHandlers(): Record<string, Handler> {
    const e = this.estate;
    /** Customer keys, and the AWS managed keys the services created in the account and region. */
    const keysOf = (call: CallContext) => {
      const customer = this.here(e.keys, call).map((k) => ({ ...k, awsManaged: false }));
      // AWS managed keys exist where a service has used its default key: Backup where there is a vault, RDS and DynamoDB where they hold data.
      const used = (service: string) =>
        service === 'backup'
          ? e.vaults.some((v) => v.account === call.account && v.region === call.region)
          : service === 'rds'
            ? e.instances.some((i) => i.account === call.account && i.region === call.region)
            : e.tables.some((t) => t.account === call.account && t.region === call.region);
      const managed = ['backup', 'rds', 'dynamodb'].filter(used).map((service) => {
        const id = stableUuid(e.options.seed, 'aws-managed-key', call.account, call.region, service);
        const key: Estate['keys'][number] & { awsManaged: boolean } = {
          account: call.account,
          region: call.region,
          arn: `arn:aws:kms:${call.region}:${call.account}:key/${id}`,
          created: e.from - 900 * DAY_MS,
          tags: [] as Tag[],
          id,
          alias: `alias/aws/${service}`,
          description: `Default key that protects my ${service === 'backup' ? 'Backup' : service === 'rds' ? 'RDS database volumes' : service === 'dynamodb' ? 'DynamoDB data' : 'S3 objects'} when no other key is defined`,
          manager: 'AWS',
          awsManaged: true,
        };
        return key;
      });
      return [...customer, ...managed].sort((a, b) => compareText(a.id, b.id));
    };
    const keyNamed = (call: CallContext, id: unknown) => {
      const k = keysOf(call).find((x) => x.id === id || x.arn === id);
      if (!k) throw new SimError('NotFoundException', `Key '${String(id)}' does not exist`, 400);
      return k;
    };
    return {
      ListKeys: (input, call) => {
        const { page, next } = paged(keysOf(call).map((k) => ({ KeyId: k.id, KeyArn: k.arn })), input.Marker, Number(input.Limit ?? 100));
        return { Keys: page, Truncated: Boolean(next), ...(next ? { NextMarker: next } : {}) };
      },
      ListAliases: (input, call) => {
        const aliases = keysOf(call).map((k) => ({
          AliasName: k.alias,
          AliasArn: `arn:aws:kms:${call.region}:${call.account}:${k.alias}`,
          TargetKeyId: k.id,
          CreationDate: new Date(k.created),
          LastUpdatedDate: new Date(k.created),
        }));
        const { page, next } = paged(aliases.sort((a, b) => compareText(a.AliasName, b.AliasName)), input.Marker, Number(input.Limit ?? 50));
        return { Aliases: page, Truncated: Boolean(next), ...(next ? { NextMarker: next } : {}) };
      },
      DescribeKey: (input, call) => {
        const k = keyNamed(call, input.KeyId);
        const replicaKey = k.multiRegion;
        return {
          KeyMetadata: {
            AWSAccountId: k.account,
            KeyId: k.id,
            Arn: k.arn,
            CreationDate: new Date(k.created),
            Enabled: true,
            Description: k.description,
            KeyUsage: 'ENCRYPT_DECRYPT',
            KeyState: 'Enabled',
            Origin: 'AWS_KMS',
            KeyManager: k.manager,
            CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
            KeySpec: 'SYMMETRIC_DEFAULT',
            EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
            MultiRegion: Boolean(replicaKey),
            ...(replicaKey
              ? {
                  MultiRegionConfiguration: {
                    MultiRegionKeyType: replicaKey.type,
                    PrimaryKey: { Arn: `arn:aws:kms:${replicaKey.primaryRegion}:${k.account}:key/${k.id}`, Region: replicaKey.primaryRegion },
                    ReplicaKeys: replicaKey.replicaRegions.map((r) => ({ Arn: `arn:aws:kms:${r}:${k.account}:key/${k.id}`, Region: r })),
                  },
                }
              : {}),
          },
        };
      },
      GetKeyRotationStatus: (input, call) => {
        const k = keyNamed(call, input.KeyId);
        if (k.manager !== 'CUSTOMER') throw new SimError('UnsupportedOperationException', 'GetKeyRotationStatus is not supported for AWS managed keys', 400);
        const yearMs = 365 * DAY_MS;
        const next = k.created + Math.ceil((call.at - k.created) / yearMs) * yearMs;
        return { KeyRotationEnabled: true, KeyId: k.arn, RotationPeriodInDays: 365, NextRotationDate: new Date(next) };
      },
    };
  }

  // ---- RDS ------------------------------------------------------------------------------------

  private rdsHandlers(): Record<string, Handler> {
    const e = this.estate;
    const tags = (t: readonly Tag[]) => t.map((x) => ({ Key: x.Key, Value: x.Value }));
    return {
      DescribeDBInstances: (input, call) => {
        const list = this.here(e.instances, call).map((i) => ({
          DBInstanceIdentifier: i.id,
          DBInstanceClass: i.instanceClass,
          Engine: i.engine,
          DBInstanceStatus: 'available',
          MasterUsername: 'larkspur_admin',
          Endpoint: { Address: `${i.id}.${stableHex(12, e.options.seed, 'endpoint', i.account, i.region)}.${i.region}.rds.amazonaws.com`, Port: 5432 },
          AllocatedStorage: i.engine === 'postgres' ? i.storageGb : 1,
          InstanceCreateTime: new Date(i.created),
          PreferredBackupWindow: '03:00-03:30',
          BackupRetentionPeriod: i.backupRetention,
          AvailabilityZone: i.az,
          PreferredMaintenanceWindow: 'sun:07:00-sun:07:30',
          MultiAZ: i.multiAz,
          ...(i.multiAz ? { SecondaryAvailabilityZone: `${i.region}${i.az.endsWith('a') ? 'b' : 'a'}` } : {}),
          EngineVersion: i.engineVersion,
          AutoMinorVersionUpgrade: true,
          ReadReplicaDBInstanceIdentifiers: i.replicas,
          ...(i.replicaSource ? { ReadReplicaSourceDBInstanceIdentifier: i.replicaSource, ReplicaMode: 'open-read-only' } : {}),
          ...(i.clusterId ? { DBClusterIdentifier: i.clusterId } : {}),
          StorageType: i.engine === 'postgres' ? 'gp3' : 'aurora',
          StorageEncrypted: true,
          KmsKeyId: i.keyArn,
          DbiResourceId: i.resourceId,
          DBInstanceArn: i.arn,
          CopyTagsToSnapshot: true,
          DeletionProtection: !i.replicaSource && !i.clusterId,
          TagList: tags(i.tags),
          ...(i.engine === 'postgres' && !i.replicaSource && i.replicas.some((r) => r.startsWith('arn:'))
            ? {
                DBInstanceAutomatedBackupsReplications: i.replicas
                  .filter((r) => r.startsWith('arn:'))
                  .map((r) => ({ DBInstanceAutomatedBackupsArn: `arn:aws:rds:${r.split(':')[3]}:${i.account}:auto-backup:ab-${stableHex(26, e.options.seed, 'autobackup', i.id)}` })),
              }
            : {}),
          LatestRestorableTime: new Date(call.at - 5 * MINUTE_MS),
        }));
        const { page, next } = paged(list, input.Marker, Number(input.MaxRecords ?? 100));
        return { DBInstances: page, ...(next ? { Marker: next } : {}) };
      },
      DescribeDBInstanceAutomatedBackups: (input, call) => {
        const out: Array<Record<string, unknown>> = [];
        for (const i of this.here(e.instances, call)) {
          if (i.engine !== 'postgres' || i.replicaSource || i.backupRetention === 0) continue;
          out.push({
            DBInstanceArn: i.arn,
            DbiResourceId: i.resourceId,
            Region: i.region,
            DBInstanceIdentifier: i.id,
            RestoreWindow: { EarliestTime: new Date(Math.max(i.created, call.at - i.backupRetention * DAY_MS)), LatestTime: new Date(call.at - 5 * MINUTE_MS) },
            AllocatedStorage: i.storageGb,
            Status: 'active',
            Engine: 'postgres',
            EngineVersion: i.engineVersion,
            Encrypted: true,
            KmsKeyId: i.keyArn,
            BackupRetentionPeriod: i.backupRetention,
            DBInstanceAutomatedBackupsArn: `arn:aws:rds:${i.region}:${i.account}:auto-backup:ab-${stableHex(26, e.options.seed, 'autobackup', i.id)}`,
            StorageType: 'gp3',
          });
        }
        // Automated backups replicated here from the paired region.
        for (const i of e.instances) {
          if (i.account !== call.account || i.engine !== 'postgres' || i.replicaSource || i.created > call.at) continue;
          for (const r of i.replicas.filter((x) => x.startsWith('arn:') && x.split(':')[3] === call.region)) {
            out.push({
              DBInstanceArn: i.arn,
              DbiResourceId: i.resourceId,
              Region: i.region,
              DBInstanceIdentifier: i.id,
              RestoreWindow: { EarliestTime: new Date(Math.max(i.created, call.at - 7 * DAY_MS)), LatestTime: new Date(call.at - 12 * MINUTE_MS) },
              AllocatedStorage: i.storageGb,
              Status: 'replicating',
              Engine: 'postgres',
              EngineVersion: i.engineVersion,
              Encrypted: true,
              KmsKeyId: this.estate.keys.find((k) => k.account === i.account && k.region === call.region && k.alias.endsWith('data'))?.arn ?? i.keyArn,
              BackupRetentionPeriod: 7,
              DBInstanceAutomatedBackupsArn: `arn:aws:rds:${r.split(':')[3]}:${i.account}:auto-backup:ab-${stableHex(26, e.options.seed, 'autobackup', i.id)}`,
              StorageType: 'gp3',
            });
          }
        }
        const { page, next } = paged(out, input.Marker, Number(input.MaxRecords ?? 100));
        return { DBInstanceAutomatedBackups: page, ...(next ? { Marker: next } : {}) };
      },
      DescribeDBClusters: (input, call) => {
        const list = this.here(e.clusters, call).map((c) => {
          const global = e.globals.find((g) => g.account === c.account && g.id === c.globalId);
          return {
            AllocatedStorage: 1,
            AvailabilityZones: ['a', 'b', 'c'].map((z) => `${c.region}${z}`),
            BackupRetentionPeriod: 35,
            DBClusterIdentifier: c.id,
            DBClusterParameterGroup: 'default.aurora-postgresql15',
            Status: 'available',
            EarliestRestorableTime: new Date(Math.max(c.created, call.at - 35 * DAY_MS)),
            Endpoint: `${c.id}.cluster-${stableHex(12, e.options.seed, 'endpoint', c.account, c.region)}.${c.region}.rds.amazonaws.com`,
            Engine: 'aurora-postgresql',
            EngineVersion: c.engineVersion,
            LatestRestorableTime: new Date(call.at - 3 * MINUTE_MS),
            Port: 5432,
            PreferredBackupWindow: '03:30-04:00',
            ReadReplicaIdentifiers: [],
            DBClusterMembers: c.members.map((m) => ({ DBInstanceIdentifier: m.id, IsClusterWriter: m.writer, PromotionTier: 1 })),
            StorageEncrypted: true,
            KmsKeyId: c.keyArn,
            DbClusterResourceId: c.resourceId,
            DBClusterArn: c.arn,
            ClusterCreateTime: new Date(c.created),
            EngineMode: 'provisioned',
            DeletionProtection: true,
            MultiAZ: c.members.length > 1,
            ...(global ? { GlobalClusterIdentifier: global.id, GlobalWriteForwardingRequested: false } : {}),
            TagList: tags(c.tags),
          };
        });
        const { page, next } = paged(list, input.Marker, Number(input.MaxRecords ?? 100));
        return { DBClusters: page, ...(next ? { Marker: next } : {}) };
      },
      DescribeGlobalClusters: (input, call) => {
        const list = e.globals
          .filter((g) => g.account === call.account && g.created <= call.at)
          .map((g) => ({
            GlobalClusterIdentifier: g.id,
            GlobalClusterResourceId: g.resourceId,
            GlobalClusterArn: g.arn,
            Status: 'available',
            Engine: 'aurora-postgresql',
            EngineVersion: '15.8',
            StorageEncrypted: true,
            DeletionProtection: true,
            GlobalClusterMembers: g.members.map((m) => ({
              DBClusterArn: m.clusterArn,
              Readers: m.writer ? g.members.filter((x) => !x.writer).map((x) => x.clusterArn) : [],
              IsWriter: m.writer,
              GlobalWriteForwardingStatus: 'disabled',
              SynchronizationStatus: 'connected',
            })),
            TagList: [],
          }));
        const { page, next } = paged(list, input.Marker, Number(input.MaxRecords ?? 100));
        return { GlobalClusters: page, ...(next ? { Marker: next } : {}) };
      },
    };
  }

  // ---- S3 -------------------------------------------------------------------------------------

  private s3Handlers(): Record<string, Handler> {
    const e = this.estate;
    const bucketNamed = (call: CallContext, name: unknown) => {
      const b = e.buckets.find((x) => x.account === call.account && x.name === name && x.created <= call.at && (x.deleted === undefined || x.deleted > call.at));
      if (!b) throw new SimError('NoSuchBucket', 'The specified bucket does not exist', 404);
      return b;
    };
    return {
      ListBuckets: (input, call) => {
        const list = e.buckets
          .filter((b) => b.account === call.account && b.created <= call.at && (b.deleted === undefined || b.deleted > call.at))
          .sort((a, b) => compareText(a.name, b.name))
          .map((b) => ({ Name: b.name, CreationDate: new Date(b.created), BucketRegion: b.region }));
        const { page, next } = paged(list, input.ContinuationToken, Number(input.MaxBuckets ?? 10000));
        return {
          Buckets: page,
          Owner: { DisplayName: `larkspur-${call.account.slice(0, 4)}`, ID: canonicalUserId(e.options.seed, call.account) },
          ...(next ? { ContinuationToken: next } : {}),
        };
      },
      GetBucketLocation: (input, call) => {
        const b = bucketNamed(call, input.Bucket);
        return { LocationConstraint: b.region === 'us-east-1' ? undefined : b.region };
      },
      GetBucketTagging: (input, call) => {
        const b = bucketNamed(call, input.Bucket);
        if (b.tags.length === 0) throw new SimError('NoSuchTagSet', 'The TagSet does not exist', 404);
        return { TagSet: b.tags.map((t) => ({ Key: t.Key, Value: t.Value })) };
      },
      GetBucketVersioning: (input, call) => {
        const b = bucketNamed(call, input.Bucket);
        return hasTag(b.tags, 'soc2', 'in-scope') || b.replication || b.replicaOf ? { Status: 'Enabled', MFADelete: 'Disabled' } : {};
      },
      GetBucketReplication: (input, call) => {
        const b = bucketNamed(call, input.Bucket);
        const off = b.replicationOff.some((o) => call.at >= o.from && call.at < o.to);
        if (!b.replication || off) throw new SimError('ReplicationConfigurationNotFoundError', 'The replication configuration was not found', 404);
        const destination = e.buckets.find((x) => x.name === b.replication!.destination)!;
        return {
          ReplicationConfiguration: {
            Role: b.replication.role,
            Rules: [
              {
                ID: b.replication.ruleId,
                Priority: 1,
                Filter: { Prefix: '' },
                Status: 'Enabled',
                SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
                Destination: {
                  Bucket: `arn:aws:s3:::${destination.name}`,
                  StorageClass: 'STANDARD_IA',
                  EncryptionConfiguration: { ReplicaKmsKeyID: destination.keyArn },
                  ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
                  Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
                },
                DeleteMarkerReplication: { Status: 'Disabled' },
              },
            ],
          },
        };
      },
      GetObjectLockConfiguration: (input, call) => {
        const b = bucketNamed(call, input.Bucket);
        if (!b.objectLock) throw new SimError('ObjectLockConfigurationNotFoundError', 'Object Lock configuration does not exist for this bucket', 404);
        return { ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2557 } } } };
      },
      GetBucketEncryption: (input, call) => {
        const b = bucketNamed(call, input.Bucket);
        return {
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: b.keyArn }, BucketKeyEnabled: true }],
          },
        };
      },
    };
  }
}

/** The caller identity every envelope names: the read-only role proofpack assumes. */
export function callerIdentity(seed: string, account: string): { account: string; arn: string; userId: string } {
  return {
    account,
    arn: `arn:aws:sts::${account}:assumed-role/proofpack-read/proofpack`,
    userId: `AROA${stableHex(17, seed, 'proofpack-role', account).toUpperCase()}:proofpack`,
  };
}

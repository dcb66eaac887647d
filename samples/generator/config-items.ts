/**
 * AWS Config's view of the estate: for every resource of the types Config records here, its
 * configuration items over time (the one in effect before the period, and one per change), with
 * `configuration` and `supplementaryConfiguration` as Config renders them. aws-sim.ts serves them
 * through ListDiscoveredResources, BatchGetResourceConfig and GetResourceConfigHistory.
 */
import type { ConfigItemRecord } from './activity.js';
import { DAY_MS, HOUR_MS, type Bucket, type Estate, type Tag } from './estate.js';
import { compareText, Random, stableHex } from './random.js';

export interface DiscoveredResource {
  type: string;
  id: string;
  name?: string;
  /** When Config saw it deleted. */
  deleted?: number;
  /** Config records it from this time (its first item). */
  since: number;
}

export interface ConfigInventory {
  /** `account|region` → resources Config knows there, by type (tracked types only). */
  resources: Map<string, DiscoveredResource[]>;
  /** `account|region|type|id` → items, oldest first. */
  items: Map<string, ConfigItemRecord[]>;
}

const tagMap = (tags: readonly Tag[]): Record<string, string> => Object.fromEntries(tags.map((t) => [t.Key, t.Value]));

/** Owner id of every bucket of an account (the canonical user id S3 shows). */
export function canonicalUserId(seed: string, account: string): string {
  return stableHex(64, seed, 'canonical', account);
}

export function buildConfigInventory(estate: Estate): ConfigInventory {
  const seed = estate.options.seed;
  const resources = new Map<string, DiscoveredResource[]>();
  const items = new Map<string, ConfigItemRecord[]>();
  const add = (
    account: string,
    region: string,
    type: string,
    id: string,
    base: { name?: string; arn?: string; created: number; deleted?: number; tags: readonly Tag[] },
    configurationAt: (at: number) => { configuration: Record<string, unknown>; supplementary?: Record<string, unknown> },
    changes: number[] = [],
  ) => {
    const key = `${account}|${region}`;
    const r = new Random(`config:${seed}:${key}:${type}:${id}`);
    // Resources older than the period were last changed some time before it; newer ones are discovered when created.
    const inPeriod = base.created >= estate.from - DAY_MS;
    const first = inPeriod ? base.created + r.int(60, 400) * 1000 : Math.max(base.created + HOUR_MS, estate.from - r.int(8, 200) * DAY_MS - r.int(0, 86_399) * 1000);
    const times = [first, ...changes.filter((t) => t > first)];
    const item = (capture: number, status: ConfigItemRecord['status'], content: Pick<ConfigItemRecord, 'configuration' | 'supplementary' | 'tags'>): ConfigItemRecord => ({
      account,
      region,
      type,
      id,
      ...(base.name ? { name: base.name } : {}),
      ...(base.arn ? { arn: base.arn } : {}),
      capture,
      status,
      created: base.created,
      ...content,
    });
    const list: ConfigItemRecord[] = times.map((capture, i) => {
      const { configuration, supplementary } = configurationAt(capture);
      return item(capture, i === 0 && inPeriod ? 'ResourceDiscovered' : 'OK', { configuration, supplementary: supplementary ?? {}, tags: tagMap(base.tags) });
    });
    if (base.deleted !== undefined) {
      list.push(item(base.deleted + r.int(30, 300) * 1000, 'ResourceDeleted', { configuration: null, supplementary: {}, tags: {} }));
    }
    items.set(`${key}|${type}|${id}`, list);
    const discovered = resources.get(key) ?? [];
    discovered.push({ type, id, ...(base.name ? { name: base.name } : {}), ...(base.deleted !== undefined ? { deleted: list.at(-1)!.capture } : {}), since: list[0].capture });
    resources.set(key, discovered);
  };

  for (const b of estate.buckets) {
    const owner = canonicalUserId(seed, b.account);
    const changes = b.replicationOff.flatMap((o) => [o.from + 25_000, o.to + 25_000]);
    add(b.account, b.region, 'AWS::S3::Bucket', b.name, { name: b.name, arn: b.arn, created: b.created, deleted: b.deleted, tags: b.tags }, (at) => ({
      configuration: { name: b.name, owner: { displayName: null, id: owner }, creationDate: new Date(b.created).toISOString() },
      supplementary: bucketSupplementary(b, at),
    }), changes);
  }
  for (const v of estate.vaults) {
    add(v.account, v.region, 'AWS::Backup::BackupVault', v.name, { name: v.name, arn: v.arn, created: v.created, tags: v.tags }, () => ({
      configuration: {
        BackupVaultName: v.name,
        BackupVaultArn: v.arn,
        EncryptionKeyArn: v.keyArn,
        LockConfiguration: { MinRetentionDays: v.minRetention, MaxRetentionDays: v.maxRetention },
      },
    }));
  }
  for (const p of estate.plans) {
    add(p.account, p.region, 'AWS::Backup::BackupPlan', p.id, { name: p.name, arn: p.arn, created: p.created, tags: p.tags }, () => ({
      configuration: {
        BackupPlanId: p.id,
        BackupPlanArn: p.arn,
        VersionId: p.versionId,
        BackupPlan: {
          BackupPlanName: p.name,
          BackupPlanRule: p.rules.map((r) => ({
            RuleName: r.name,
            TargetBackupVault: r.vaultName,
            ScheduleExpression: r.schedule,
            StartWindowMinutes: r.startWindowMinutes,
            CompletionWindowMinutes: r.completionWindowMinutes,
            Lifecycle: { DeleteAfterDays: r.lifecycleDays },
            ...(r.copyTo ? { CopyActions: [{ DestinationBackupVaultArn: r.copyTo.vaultArn, Lifecycle: { DeleteAfterDays: r.copyTo.lifecycleDays } }] } : {}),
          })),
        },
      },
    }));
    for (const s of p.selections) {
      add(p.account, p.region, 'AWS::Backup::BackupSelection', s.id, { name: s.name, created: s.created, tags: [] }, () => ({
        configuration: {
          Id: `${p.id}_${s.id}`,
          BackupPlanId: p.id,
          SelectionId: s.id,
          BackupSelection: {
            SelectionName: s.name,
            IamRoleArn: `arn:aws:iam::${p.account}:role/service-role/AWSBackupDefaultServiceRole`,
            Resources: ['*'],
            Conditions: { StringEquals: s.conditions.map((c) => ({ ConditionKey: c.key, ConditionValue: c.value })) },
          },
        },
      }));
    }
  }
  for (const t of estate.restoreTesting) {
    add(t.account, t.region, 'AWS::Backup::RestoreTestingPlan', t.name, { name: t.name, arn: t.arn, created: t.created, tags: t.tags }, () => ({
      configuration: {
        RestoreTestingPlanName: t.name,
        RestoreTestingPlanArn: t.arn,
        ScheduleExpression: t.schedule,
        ScheduleExpressionTimezone: 'Etc/UTC',
        StartWindowHours: 1,
        RecoveryPointSelection: { Algorithm: 'LATEST_WITHIN_WINDOW', IncludeVaults: ['*'], RecoveryPointTypes: ['SNAPSHOT'], SelectionWindowDays: 7 },
      },
    }));
  }
  for (const i of estate.instances) {
    add(i.account, i.region, 'AWS::RDS::DBInstance', i.resourceId, { name: i.id, arn: i.arn, created: i.created, tags: i.tags }, () => ({
      configuration: {
        dBInstanceIdentifier: i.id,
        dBInstanceClass: i.instanceClass,
        engine: i.engine,
        engineVersion: i.engineVersion,
        dBInstanceStatus: 'available',
        multiAZ: i.multiAz,
        availabilityZone: i.az,
        storageEncrypted: true,
        kmsKeyId: i.keyArn,
        dbiResourceId: i.resourceId,
        backupRetentionPeriod: i.backupRetention,
        readReplicaDBInstanceIdentifiers: i.replicas,
        ...(i.replicaSource ? { readReplicaSourceDBInstanceIdentifier: i.replicaSource } : {}),
        ...(i.clusterId ? { dBClusterIdentifier: i.clusterId } : {}),
        deletionProtection: !i.replicaSource && !i.clusterId,
      },
    }));
  }
  for (const c of estate.clusters) {
    add(c.account, c.region, 'AWS::RDS::DBCluster', c.resourceId, { name: c.id, arn: c.arn, created: c.created, tags: c.tags }, () => ({
      configuration: {
        dBClusterIdentifier: c.id,
        engine: 'aurora-postgresql',
        engineVersion: c.engineVersion,
        status: 'available',
        storageEncrypted: true,
        kmsKeyId: c.keyArn,
        dbClusterResourceId: c.resourceId,
        backupRetentionPeriod: 35,
        dBClusterMembers: c.members.map((m) => ({ dBInstanceIdentifier: m.id, isClusterWriter: m.writer })),
        ...(c.globalId ? { globalClusterIdentifier: c.globalId } : {}),
        deletionProtection: true,
      },
    }));
  }
  for (const g of estate.globals) {
    add(g.account, g.region, 'AWS::RDS::GlobalCluster', g.id, { name: g.id, arn: g.arn, created: g.created, tags: [] }, () => ({
      configuration: {
        GlobalClusterIdentifier: g.id,
        Engine: 'aurora-postgresql',
        EngineVersion: '15.8',
        StorageEncrypted: true,
        DeletionProtection: true,
        GlobalClusterMembers: g.members.map((m) => ({ DBClusterArn: m.clusterArn, IsWriter: m.writer })),
      },
    }));
  }
  for (const t of estate.tables) {
    add(t.account, t.region, 'AWS::DynamoDB::Table', t.name, { name: t.name, arn: t.arn, created: t.created, tags: t.tags }, () => ({
      configuration: {
        tableName: t.name,
        tableArn: t.arn,
        tableId: t.tableId,
        tableStatus: 'ACTIVE',
        creationDateTime: new Date(t.created).toISOString(),
        billingModeSummary: { billingMode: 'PAY_PER_REQUEST' },
        sSEDescription: { status: 'ENABLED', sSEType: 'KMS', kMSMasterKeyArn: t.keyArn },
        ...(t.replicaRegions.length > 0 ? { globalTableVersion: '2019.11.21', replicas: t.replicaRegions.map((r) => ({ regionName: r, replicaStatus: 'ACTIVE' })) } : {}),
      },
      supplementary: { ContinuousBackupsDescription: { continuousBackupsStatus: 'ENABLED', pointInTimeRecoveryDescription: { pointInTimeRecoveryStatus: 'ENABLED' } } },
    }));
  }
  for (const k of estate.keys) {
    add(k.account, k.region, 'AWS::KMS::Key', k.id, { arn: k.arn, created: k.created, tags: k.tags }, () => ({
      configuration: {
        keyId: k.id,
        arn: k.arn,
        keyState: 'Enabled',
        enabled: true,
        keyManager: k.manager,
        keyUsage: 'ENCRYPT_DECRYPT',
        keySpec: 'SYMMETRIC_DEFAULT',
        origin: 'AWS_KMS',
        description: k.description,
        multiRegion: Boolean(k.multiRegion),
        ...(k.multiRegion ? { multiRegionConfiguration: { multiRegionKeyType: k.multiRegion.type } } : {}),
      },
      supplementary: { KeyRotationStatus: true },
    }));
  }
  for (const t of estate.trails) {
    add(t.account, t.region, 'AWS::CloudTrail::Trail', t.arn, { name: t.name, arn: t.arn, created: t.created, tags: t.tags }, () => ({
      configuration: {
        name: t.name,
        trailARN: t.arn,
        homeRegion: t.region,
        s3BucketName: t.bucket,
        includeGlobalServiceEvents: true,
        isMultiRegionTrail: true,
        isOrganizationTrail: false,
        logFileValidationEnabled: true,
        kmsKeyId: t.keyArn,
        cloudWatchLogsLogGroupArn: t.logGroupArn,
      },
    }));
  }
  for (const f of estate.fileSystems) {
    add(f.account, f.region, 'AWS::EFS::FileSystem', f.id, { name: f.name, arn: f.arn, created: f.created, tags: f.tags }, () => ({
      configuration: {
        FileSystemId: f.id,
        Arn: f.arn,
        Encrypted: true,
        PerformanceMode: 'generalPurpose',
        ThroughputMode: 'elastic',
        BackupPolicy: { Status: 'ENABLED' },
      },
    }));
  }
  // Inventory-only types (no history is read for them).
  for (const a of estate.alarms) add(a.account, a.region, 'AWS::CloudWatch::Alarm', a.name, { name: a.name, arn: a.arn, created: a.created, tags: a.tags }, () => ({ configuration: { alarmName: a.name } }));
  for (const x of estate.ec2) {
    add(x.account, x.region, 'AWS::EC2::Instance', x.id, { created: x.created, tags: x.tags }, () => ({ configuration: { instanceId: x.id, instanceType: x.type } }));
    for (const v of x.volumes) add(x.account, x.region, 'AWS::EC2::Volume', v, { created: x.created, tags: x.tags }, () => ({ configuration: { volumeId: v } }));
  }
  for (const f of estate.functions) add(f.account, f.region, 'AWS::Lambda::Function', f.name, { name: f.name, arn: f.arn, created: f.created, tags: f.tags }, () => ({ configuration: { functionName: f.name } }));
  for (const r of estate.reportPlans) add(r.account, r.region, 'AWS::Backup::ReportPlan', r.name, { name: r.name, arn: r.arn, created: r.created, tags: r.tags }, () => ({ configuration: { ReportPlanName: r.name } }));
  const prod = estate.accounts[0];
  const zoneId = `Z${stableHex(13, seed, 'zone').toUpperCase()}`;
  add(prod.id, estate.homeRegion, 'AWS::Route53::HostedZone', zoneId, { name: 'larkspur.health.', created: estate.from - 900 * DAY_MS, tags: [] }, () => ({ configuration: { id: zoneId, name: 'larkspur.health.' } }));

  for (const list of resources.values()) list.sort((a, b) => compareText(a.type, b.type) || compareText(a.id, b.id));
  return { resources, items };
}

/** The supplementary configuration Config records for a bucket at a time (replication per the bucket's history). */
function bucketSupplementary(b: Bucket, at: number): Record<string, unknown> {
  const replicating = b.replication && !b.replicationOff.some((o) => at >= o.from && at < o.to);
  return {
    ...(replicating
      ? {
          BucketReplicationConfiguration: {
            roleARN: b.replication!.role,
            rules: { [b.replication!.ruleId]: { destinationConfig: { bucketARN: `arn:aws:s3:::${b.replication!.destination}`, storageClass: null }, prefix: '', status: 'Enabled' } },
          },
        }
      : {}),
    BucketVersioningConfiguration: { status: 'Enabled', isMfaDeleteEnabled: null },
    ServerSideEncryptionConfiguration: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyID: b.keyArn }, bucketKeyEnabled: true }] },
  };
}

/** The item in effect at `at` (the newest captured at or before it). */
export function itemAt(list: readonly ConfigItemRecord[] | undefined, at: number): ConfigItemRecord | undefined {
  if (!list) return undefined;
  let found: ConfigItemRecord | undefined;
  for (const item of list) if (item.capture <= at) found = item;
  return found;
}

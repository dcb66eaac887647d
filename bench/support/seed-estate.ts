/**
 * Seeds a benchmark estate into moto through the AWS SDK itself: in every account × region a
 * fixed mix of the resources proofpack reads and moto serves — S3 buckets (versioning, tags,
 * replication to the next region, Object Lock), AWS Backup vaults (some locked) and plans with
 * copy actions, CloudTrail trails, RDS instances, DynamoDB tables (PITR, tags), KMS keys (rotation,
 * aliases), CloudWatch alarms, and an AWS Config recorder with its delivery channel.
 */
import { BackupClient, CreateBackupPlanCommand, CreateBackupVaultCommand, PutBackupVaultLockConfigurationCommand } from '@aws-sdk/client-backup';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { ConfigServiceClient, PutConfigurationRecorderCommand, PutDeliveryChannelCommand, StartConfigurationRecorderCommand } from '@aws-sdk/client-config-service';
import { CreateTableCommand, DynamoDBClient, UpdateContinuousBackupsCommand } from '@aws-sdk/client-dynamodb';
import { CreateAliasCommand, CreateKeyCommand, EnableKeyRotationCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  CreateBucketCommand,
  PutBucketReplicationCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { seedClient } from '../../test/support/aws-seed.js';

/** How many of each resource one account × region gets. */
export interface EstateShape {
  buckets: number;
  vaults: number;
  plans: number;
  trails: number;
  dbInstances: number;
  tables: number;
  keys: number;
  alarms: number;
}

/** About 50 resources per account × region (the recorder and its delivery channel count as 2). */
export const SHAPE_50: EstateShape = { buckets: 6, vaults: 5, plans: 4, trails: 2, dbInstances: 3, tables: 10, keys: 8, alarms: 10 };
/** About 100 resources per account × region. */
export const SHAPE_100: EstateShape = { buckets: 12, vaults: 10, plans: 8, trails: 3, dbInstances: 6, tables: 20, keys: 18, alarms: 21 };

/** Resources one account × region holds with this shape (+2: Config recorder and delivery channel). */
export function resourcesPerRegion(shape: EstateShape): number {
  return Object.values(shape).reduce((n, v) => n + v, 0) + 2;
}

/** Seeds every account × region; resources are named after their account and region. Returns the count seeded. */
export async function seedEstate(endpoint: string, accounts: readonly string[], regions: readonly string[], shape: EstateShape): Promise<number> {
  let total = 0;
  for (const account of accounts) {
    // Regions in parallel (moto is single-process; a few concurrent seeders keep it busy without errors).
    const counts = await Promise.all(regions.map((region, i) => seedRegion(endpoint, account, region, regions[(i + 1) % regions.length], shape)));
    total += counts.reduce((a, b) => a + b, 0);
  }
  return total;
}

async function seedRegion(endpoint: string, account: string, region: string, pairRegion: string, shape: EstateShape): Promise<number> {
  const target = { endpoint, region, account };
  const s3 = seedClient(S3Client, target);
  const backup = seedClient(BackupClient, target);
  const trail = seedClient(CloudTrailClient, target);
  const rds = seedClient(RDSClient, target);
  const ddb = seedClient(DynamoDBClient, target);
  const kms = seedClient(KMSClient, target);
  const cw = seedClient(CloudWatchClient, target);
  const config = seedClient(ConfigServiceClient, target);
  const location = region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
  try {
    // S3: versioned, tagged buckets; every other one replicates to the paired region's bucket; one has Object Lock.
    for (let i = 0; i < shape.buckets; i += 1) {
      const name = bucketName(account, region, i);
      const objectLock = i === shape.buckets - 1;
      await s3.send(new CreateBucketCommand({ Bucket: name, ...location, ...(objectLock ? { ObjectLockEnabledForBucket: true } : {}) }));
      await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
      await s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: 'soc2', Value: 'in-scope' }, { Key: 'data-origin', Value: 'eu' }] } }));
      if (objectLock) {
        await s3.send(new PutObjectLockConfigurationCommand({ Bucket: name, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } } } }));
      } else if (i % 2 === 0) {
        await s3.send(
          new PutBucketReplicationCommand({
            Bucket: name,
            ReplicationConfiguration: {
              Role: `arn:aws:iam::${account}:role/replication`,
              Rules: [{ ID: 'dr', Status: 'Enabled', Priority: 1, Filter: {}, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: `arn:aws:s3:::${bucketName(account, pairRegion, i)}` } }],
            },
          }),
        );
      }
    }
    // Backup: vaults (the first two locked), plans copying to the paired region.
    for (let i = 0; i < shape.vaults; i += 1) {
      await backup.send(new CreateBackupVaultCommand({ BackupVaultName: `vault-${i}` }));
      if (i < 2) await backup.send(new PutBackupVaultLockConfigurationCommand({ BackupVaultName: `vault-${i}`, MinRetentionDays: 35, MaxRetentionDays: 365, ChangeableForDays: 3 }));
    }
    for (let i = 0; i < shape.plans; i += 1) {
      await backup.send(
        new CreateBackupPlanCommand({
          BackupPlan: {
            BackupPlanName: `plan-${i}`,
            Rules: [
              {
                RuleName: 'daily',
                TargetBackupVaultName: 'vault-0',
                ScheduleExpression: 'cron(0 5 * * ? *)',
                Lifecycle: { DeleteAfterDays: 35 },
                CopyActions: [{ DestinationBackupVaultArn: `arn:aws:backup:${pairRegion}:${account}:backup-vault:vault-0`, Lifecycle: { DeleteAfterDays: 35 } }],
              },
            ],
          },
        }),
      );
    }
    // CloudTrail: trails logging to the first bucket.
    for (let i = 0; i < shape.trails; i += 1) {
      await trail.send(new CreateTrailCommand({ Name: `trail-${i}`, S3BucketName: bucketName(account, region, 0), IsMultiRegionTrail: i === 0, EnableLogFileValidation: true }));
      await trail.send(new StartLoggingCommand({ Name: `trail-${i}` }));
    }
    for (let i = 0; i < shape.dbInstances; i += 1) {
      await rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: `db-${i}`,
          Engine: 'postgres',
          DBInstanceClass: 'db.t3.micro',
          AllocatedStorage: 20,
          MasterUsername: 'app',
          MasterUserPassword: 'not-a-secret-1',
          StorageEncrypted: true,
          BackupRetentionPeriod: 7,
          Tags: [{ Key: 'soc2', Value: 'in-scope' }],
        }),
      );
    }
    for (let i = 0; i < shape.tables; i += 1) {
      const name = `table-${i}`;
      await ddb.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          Tags: [{ Key: 'soc2', Value: 'in-scope' }],
        }),
      );
      if (i % 2 === 0) await ddb.send(new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    }
    for (let i = 0; i < shape.keys; i += 1) {
      const key = await kms.send(new CreateKeyCommand({ Description: `key ${i}`, MultiRegion: i === 0 }));
      const keyId = key.KeyMetadata!.KeyId!;
      if (i % 2 === 0) await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
      await kms.send(new CreateAliasCommand({ AliasName: `alias/app-${i}`, TargetKeyId: keyId }));
    }
    for (let i = 0; i < shape.alarms; i += 1) {
      const backupAlarm = i % 2 === 0;
      await cw.send(
        new PutMetricAlarmCommand({
          AlarmName: `alarm-${i}`,
          Namespace: backupAlarm ? 'AWS/Backup' : 'AWS/S3',
          MetricName: backupAlarm ? 'NumberOfBackupJobsFailed' : 'ReplicationLatency',
          Statistic: 'Sum',
          Period: 3600,
          EvaluationPeriods: 1,
          Threshold: backupAlarm ? 0 : 900,
          ComparisonOperator: 'GreaterThanThreshold',
          ActionsEnabled: true,
          AlarmActions: [`arn:aws:sns:${region}:${account}:ops`],
        }),
      );
    }
    await config.send(new PutConfigurationRecorderCommand({ ConfigurationRecorder: { name: 'default', roleARN: `arn:aws:iam::${account}:role/config`, recordingGroup: { allSupported: true, includeGlobalResourceTypes: region === 'us-east-1' } } }));
    await config.send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: bucketName(account, region, 0) } }));
    await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    return resourcesPerRegion(shape);
  } finally {
    for (const c of [s3, backup, trail, rds, ddb, kms, cw, config]) c.destroy();
  }
}

function bucketName(account: string, region: string, i: number): string {
  return `data-${account}-${region}-${i}`;
}

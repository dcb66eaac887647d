/**
 * The AWS Config resource types proofpack reads, in one place. `config.resources` lists every
 * one of them (inventory: region parity, approved regions); `config.history` reads the
 * configuration history of those marked `history` — the types whose protection settings the
 * controls must show "on throughout the period", or whose changes belong in the System
 * Description. Numerous or short-lived types (recovery points, instances, volumes, functions)
 * are inventory only: their history would cost one call per resource per seven days of window
 * (GetResourceConfigHistory pages span at most seven days) and no control reads it.
 */
export interface TrackedResourceType {
  /** Config resource type, `AWS::Service::Type`. */
  type: string;
  /** Read the configuration history of each resource of this type (config.history). */
  history: boolean;
  /** Why proofpack tracks it. */
  reason: string;
}

export const TRACKED_RESOURCE_TYPES: readonly TrackedResourceType[] = [
  { type: 'AWS::S3::Bucket', history: true, reason: 'versioning, replication and Object Lock over the period (replication.s3, residency)' },
  { type: 'AWS::Backup::BackupVault', history: true, reason: 'vault lock, access policy and encryption over the period (backup.vault-immutable)' },
  { type: 'AWS::Backup::BackupPlan', history: true, reason: 'rules, schedules and copy actions over the period (backup.cross-region-copy)' },
  { type: 'AWS::Backup::BackupSelection', history: true, reason: 'which resources plans selected over the period (backup.plan-coverage)' },
  { type: 'AWS::Backup::RecoveryPoint', history: false, reason: 'recovery points per region (inventory; backup.recovery-points has the detail)' },
  { type: 'AWS::Backup::RestoreTestingPlan', history: true, reason: 'restore testing existed over the period (dr.test-frequency)' },
  { type: 'AWS::Backup::ReportPlan', history: false, reason: 'Backup Audit Manager reports (inventory)' },
  { type: 'AWS::RDS::DBInstance', history: true, reason: 'read replicas, backup retention and Multi-AZ over the period (replication.rds)' },
  { type: 'AWS::RDS::DBCluster', history: true, reason: 'Aurora replicas, backtrack and backup retention over the period (replication.rds)' },
  { type: 'AWS::RDS::GlobalCluster', history: true, reason: 'global database members over the period (replication.rds)' },
  { type: 'AWS::DynamoDB::Table', history: true, reason: 'global-table replicas and point-in-time recovery over the period (replication.dynamodb)' },
  { type: 'AWS::KMS::Key', history: true, reason: 'key state, rotation and multi-Region keys over the period (backup.encrypted)' },
  { type: 'AWS::CloudTrail::Trail', history: true, reason: 'multi-region logging and log file validation over the period (monitoring.cloudtrail)' },
  { type: 'AWS::EFS::FileSystem', history: true, reason: 'backup policy and replication of file systems over the period' },
  { type: 'AWS::CloudWatch::Alarm', history: false, reason: 'alarms per region (inventory; cloudwatch.alarms has the detail)' },
  { type: 'AWS::EC2::Instance', history: false, reason: 'compute per region (inventory, region parity, approved regions)' },
  { type: 'AWS::EC2::Volume', history: false, reason: 'block storage per region (inventory, region parity, approved regions)' },
  { type: 'AWS::Lambda::Function', history: false, reason: 'functions per region (inventory, region parity, approved regions)' },
  { type: 'AWS::Route53::HostedZone', history: false, reason: 'DNS zones used for failover (inventory)' },
];

/** Every tracked type, in the order above. */
export const TRACKED_TYPE_NAMES: readonly string[] = TRACKED_RESOURCE_TYPES.map((t) => t.type);

/** The types whose configuration history config.history reads. */
export const HISTORY_TYPE_NAMES: readonly string[] = TRACKED_RESOURCE_TYPES.filter((t) => t.history).map((t) => t.type);

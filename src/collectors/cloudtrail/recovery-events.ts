/**
 * The CloudTrail management events `cloudtrail.events` looks up, in one place: the failovers and
 * recoveries that show DR tests and real incidents (A1.3, dr.test-frequency, dr.rto-rpo), and the
 * configuration changes that can switch protection off (CC7.1/CC7.2, "throughout the period"
 * controls, significant changes in the System Description). LookupEvents takes one event name per
 * request, so each entry costs at least one request at CloudTrail's documented 2 requests per
 * second per account and region: keep the list to what a control or the report reads.
 */
export type RecoveryEventCategory = 'failover' | 'recovery' | 'protection-change';

export interface RecoveryEvent {
  /** CloudTrail `eventName`, looked up with LookupAttribute EventName. */
  eventName: string;
  /** The service that records it (`eventSource`). */
  eventSource: string;
  category: RecoveryEventCategory;
  /** Why it is evidence. */
  reason: string;
}

export const RECOVERY_EVENTS: readonly RecoveryEvent[] = [
  // Failover: traffic or the writer moved to another instance, cluster or region.
  { eventName: 'PromoteReadReplica', eventSource: 'rds.amazonaws.com', category: 'failover', reason: 'an RDS read replica (often cross-region) became a standalone primary' },
  { eventName: 'PromoteReadReplicaDBCluster', eventSource: 'rds.amazonaws.com', category: 'failover', reason: 'an Aurora cross-region replica cluster became a standalone primary' },
  { eventName: 'FailoverDBCluster', eventSource: 'rds.amazonaws.com', category: 'failover', reason: 'an Aurora or Multi-AZ cluster failed over to a replica' },
  { eventName: 'FailoverGlobalCluster', eventSource: 'rds.amazonaws.com', category: 'failover', reason: 'an Aurora global database failed over to a secondary region' },
  { eventName: 'SwitchoverGlobalCluster', eventSource: 'rds.amazonaws.com', category: 'failover', reason: 'a planned switchover of an Aurora global database to a secondary region' },
  { eventName: 'SwitchoverReadReplica', eventSource: 'rds.amazonaws.com', category: 'failover', reason: 'a planned switchover of an RDS replica to primary' },
  { eventName: 'ChangeResourceRecordSets', eventSource: 'route53.amazonaws.com', category: 'failover', reason: 'DNS records changed: how traffic is moved to the recovery region (Route 53 records these in us-east-1)' },
  { eventName: 'UpdateGlobalTable', eventSource: 'dynamodb.amazonaws.com', category: 'failover', reason: 'replicas added to or removed from a DynamoDB global table (version 2017.11.29)' },
  // Recovery: data restored from a backup or to a point in time.
  { eventName: 'StartRestoreJob', eventSource: 'backup.amazonaws.com', category: 'recovery', reason: 'an AWS Backup restore started (who, from which recovery point, when)' },
  { eventName: 'RestoreDBInstanceFromDBSnapshot', eventSource: 'rds.amazonaws.com', category: 'recovery', reason: 'an RDS instance restored from a snapshot' },
  { eventName: 'RestoreDBInstanceToPointInTime', eventSource: 'rds.amazonaws.com', category: 'recovery', reason: 'an RDS instance restored to a point in time' },
  { eventName: 'RestoreDBClusterToPointInTime', eventSource: 'rds.amazonaws.com', category: 'recovery', reason: 'an Aurora cluster restored to a point in time' },
  { eventName: 'RestoreDBClusterFromSnapshot', eventSource: 'rds.amazonaws.com', category: 'recovery', reason: 'an Aurora cluster restored from a snapshot' },
  { eventName: 'RestoreTableFromBackup', eventSource: 'dynamodb.amazonaws.com', category: 'recovery', reason: 'a DynamoDB table restored from an on-demand backup' },
  { eventName: 'RestoreTableToPointInTime', eventSource: 'dynamodb.amazonaws.com', category: 'recovery', reason: 'a DynamoDB table restored to a point in time' },
  // Protection changes: settings the controls need "on throughout the period" being changed or removed.
  { eventName: 'DeleteBucketReplication', eventSource: 's3.amazonaws.com', category: 'protection-change', reason: 'S3 replication removed from a bucket (replication.s3)' },
  { eventName: 'PutBucketReplication', eventSource: 's3.amazonaws.com', category: 'protection-change', reason: 'S3 replication rules replaced; a rule may be disabled or point elsewhere (replication.s3, residency.boundary)' },
  { eventName: 'PutBucketVersioning', eventSource: 's3.amazonaws.com', category: 'protection-change', reason: 'S3 versioning changed; Suspended turns it off (replication.s3)' },
  { eventName: 'DeleteBackupVaultLockConfiguration', eventSource: 'backup.amazonaws.com', category: 'protection-change', reason: 'a vault lock removed (possible in governance mode or during the grace period) (backup.vault-immutable)' },
  { eventName: 'DeleteBackupPlan', eventSource: 'backup.amazonaws.com', category: 'protection-change', reason: 'a backup plan deleted: its resources stop being backed up (backup.plan-coverage)' },
  { eventName: 'DeleteBackupSelection', eventSource: 'backup.amazonaws.com', category: 'protection-change', reason: 'resources removed from a backup plan (backup.plan-coverage)' },
  { eventName: 'DeleteRecoveryPoint', eventSource: 'backup.amazonaws.com', category: 'protection-change', reason: 'a recovery point deleted before its lifecycle ended (backup.vault-immutable)' },
  { eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', category: 'protection-change', reason: 'a trail stopped logging (monitoring.cloudtrail)' },
  { eventName: 'DeleteTrail', eventSource: 'cloudtrail.amazonaws.com', category: 'protection-change', reason: 'a trail deleted (monitoring.cloudtrail)' },
  { eventName: 'UpdateTrail', eventSource: 'cloudtrail.amazonaws.com', category: 'protection-change', reason: 'a trail changed; it may stop being multi-region or validating log files (monitoring.cloudtrail)' },
  { eventName: 'PutEventSelectors', eventSource: 'cloudtrail.amazonaws.com', category: 'protection-change', reason: 'a trail\'s event selectors changed; management events may be excluded (monitoring.cloudtrail)' },
  { eventName: 'StopConfigurationRecorder', eventSource: 'config.amazonaws.com', category: 'protection-change', reason: 'AWS Config stopped recording (monitoring.config-recording)' },
  { eventName: 'DeleteConfigurationRecorder', eventSource: 'config.amazonaws.com', category: 'protection-change', reason: 'an AWS Config recorder deleted (monitoring.config-recording)' },
  { eventName: 'DeleteDeliveryChannel', eventSource: 'config.amazonaws.com', category: 'protection-change', reason: 'AWS Config stops delivering history and snapshots (monitoring.config-recording)' },
  { eventName: 'RemoveFromGlobalCluster', eventSource: 'rds.amazonaws.com', category: 'protection-change', reason: 'a region detached from an Aurora global database (replication.rds)' },
  { eventName: 'StopDBInstanceAutomatedBackupsReplication', eventSource: 'rds.amazonaws.com', category: 'protection-change', reason: 'cross-region replication of RDS automated backups stopped (replication.rds)' },
  { eventName: 'UpdateContinuousBackups', eventSource: 'dynamodb.amazonaws.com', category: 'protection-change', reason: 'DynamoDB point-in-time recovery switched on or off (replication.dynamodb)' },
  { eventName: 'DisableKey', eventSource: 'kms.amazonaws.com', category: 'protection-change', reason: 'a KMS key disabled: backups and replicas it encrypts cannot be restored (backup.encrypted)' },
  { eventName: 'ScheduleKeyDeletion', eventSource: 'kms.amazonaws.com', category: 'protection-change', reason: 'a KMS key scheduled for deletion (backup.encrypted)' },
];

/** The event names, in the order above. */
export const RECOVERY_EVENT_NAMES: readonly string[] = RECOVERY_EVENTS.map((e) => e.eventName);

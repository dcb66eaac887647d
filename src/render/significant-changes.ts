/**
 * Significant changes during the period, from AWS Config configuration history (pure): resources of
 * the tracked types created or deleted, and changes to the settings that carry the availability
 * and confidentiality commitments — replication, versioning, Object Lock, vault lock and
 * retention, copy actions, replicas, key state, trail logging settings. Every other configuration
 * change is counted per resource type rather than listed.
 */
import { bucketNameOfArn } from '../controls/support/arn.js';
import { itemDeleted, type ConfigItem } from '../controls/support/config-history.js';
import { field, isObject, listOf, text, timeOf } from '../controls/support/records.js';
import type { PeriodView } from '../period/types.js';

export interface SignificantChange {
  at: string;
  account: string;
  region: string;
  resourceType: string;
  resource: string;
  kind: 'created' | 'deleted' | 'setting';
  /** `replication`, `versioning`… for setting changes. */
  setting?: string;
  before?: string;
  after?: string;
  description: string;
  evidence: string;
}

export interface SignificantChanges {
  changes: SignificantChange[];
  /** Per resource type: every configuration item of the period (recorded changes), and resources changed. */
  byType: Array<{ resourceType: string; items: number; resources: number; significant: number }>;
  /** Whether Config history was in the evidence at all. */
  haveHistory: boolean;
}

type Extract = (item: ConfigItem) => string | undefined;

const configuration = (item: ConfigItem): unknown => item.configurationParsed;
const supplementary = (item: ConfigItem): unknown => item.supplementaryConfigurationParsed;

function listText(values: Array<string | undefined>): string {
  const list = [...new Set(values.filter((v): v is string => !!v))].sort();
  return list.length ? list.join(', ') : 'none';
}

function onOff(value: unknown): string | undefined {
  if (value === true || value === 'true') return 'on';
  if (value === false || value === 'false') return 'off';
  return undefined;
}

/** Settings worth a line of their own, per resource type. An extractor returning undefined means "not in this item". */
const WATCHED: Record<string, Array<{ setting: string; extract: Extract }>> = {
  'AWS::S3::Bucket': [
    {
      setting: 'versioning',
      extract: (i) => {
        const v = field(supplementary(i), 'BucketVersioningConfiguration');
        return isObject(v) ? (text(v, 'status') ?? 'Off') : undefined;
      },
    },
    {
      setting: 'replication',
      extract: (i) => {
        const sup = supplementary(i);
        if (!isObject(sup) || !isObject(field(sup, 'BucketVersioningConfiguration'))) return undefined;
        const rules = listOf(field(sup, 'BucketReplicationConfiguration', 'ReplicationConfiguration'), 'rules', 'Rules') ?? [];
        const enabled = rules.filter((r) => (text(r, 'status', 'Status') ?? '').toLowerCase() === 'enabled');
        return enabled.length ? `to ${listText(enabled.map((r) => { const b = text(field(r, 'destinationConfig', 'Destination'), 'bucketARN', 'Bucket'); return b ? bucketNameOfArn(b) : undefined; }))}` : 'none';
      },
    },
    {
      setting: 'Object Lock',
      extract: (i) => {
        const lock = field(supplementary(i), 'ObjectLockConfiguration') ?? field(configuration(i), 'objectLockConfiguration');
        if (lock === undefined) return undefined;
        if (!isObject(lock)) return 'off';
        const rule = field(field(lock, 'rule', 'Rule'), 'defaultRetention', 'DefaultRetention');
        const mode = text(rule, 'mode', 'Mode');
        return `${text(lock, 'objectLockEnabled', 'ObjectLockEnabled') ?? 'Enabled'}${mode ? ` (${mode})` : ''}`;
      },
    },
  ],
  'AWS::Backup::BackupVault': [
    {
      setting: 'vault lock',
      extract: (i) => {
        const c = configuration(i);
        if (!isObject(c)) return undefined;
        const lock = field(c, 'LockConfiguration') ?? c;
        const min = field(lock, 'MinRetentionDays');
        const max = field(lock, 'MaxRetentionDays');
        const locked = field(c, 'Locked');
        if (min === undefined && max === undefined && locked === undefined) return 'none';
        if (locked === false) return 'none';
        const changeable = field(lock, 'ChangeableForDays');
        return `locked, retention ${min ?? '?'}–${max ?? '?'} days${changeable !== undefined ? `, changeable for ${String(changeable)} days` : ''}`;
      },
    },
    { setting: 'encryption key', extract: (i) => (isObject(configuration(i)) ? (text(configuration(i), 'EncryptionKeyArn') ?? 'none') : undefined) },
  ],
  'AWS::Backup::BackupPlan': [
    {
      setting: 'copy actions',
      extract: (i) => {
        const c = configuration(i);
        if (!isObject(c)) return undefined;
        const rules = listOf(field(c, 'BackupPlan') ?? c, 'Rules', 'rules') ?? [];
        const targets = rules.flatMap((r) => (listOf(r, 'CopyActions', 'copyActions') ?? []).map((a) => text(a, 'DestinationBackupVaultArn', 'destinationBackupVaultArn')));
        return targets.length ? `to ${listText(targets.map((t) => (t ? `${t.split(':')[3]}/${t.split(':').pop()}` : undefined)))}` : 'none';
      },
    },
    {
      setting: 'rules',
      extract: (i) => {
        const c = configuration(i);
        if (!isObject(c)) return undefined;
        return listText((listOf(field(c, 'BackupPlan') ?? c, 'Rules', 'rules') ?? []).map((r) => text(r, 'RuleName', 'ruleName')));
      },
    },
  ],
  'AWS::RDS::DBInstance': [
    { setting: 'read replicas', extract: (i) => (isObject(configuration(i)) ? listText(((field(configuration(i), 'readReplicaDBInstanceIdentifiers') as unknown[]) ?? []).map((r) => (typeof r === 'string' ? r.split(':').pop() : undefined))) : undefined) },
    { setting: 'backup retention', extract: (i) => (isObject(configuration(i)) && field(configuration(i), 'backupRetentionPeriod') !== undefined ? `${String(field(configuration(i), 'backupRetentionPeriod'))} days` : undefined) },
    { setting: 'Multi-AZ', extract: (i) => onOff(field(configuration(i), 'multiAZ')) },
    { setting: 'storage encryption', extract: (i) => onOff(field(configuration(i), 'storageEncrypted')) },
  ],
  'AWS::RDS::DBCluster': [
    { setting: 'replica clusters', extract: (i) => (isObject(configuration(i)) ? listText(((field(configuration(i), 'readReplicaIdentifiers') as unknown[]) ?? []).map((r) => (typeof r === 'string' ? r.split(':').pop() : undefined))) : undefined) },
    { setting: 'backup retention', extract: (i) => (isObject(configuration(i)) && field(configuration(i), 'backupRetentionPeriod') !== undefined ? `${String(field(configuration(i), 'backupRetentionPeriod'))} days` : undefined) },
  ],
  'AWS::RDS::GlobalCluster': [
    { setting: 'members', extract: (i) => (isObject(configuration(i)) ? listText((listOf(configuration(i), 'globalClusterMembers') ?? []).map((m) => { const arn = text(m, 'dBClusterArn', 'DBClusterArn'); return arn ? `${arn.split(':')[3]}/${arn.split(':').pop()}` : undefined; })) : undefined) },
  ],
  'AWS::DynamoDB::Table': [
    { setting: 'replicas', extract: (i) => (isObject(configuration(i)) ? listText((listOf(configuration(i), 'replicas') ?? []).map((r) => text(r, 'regionName', 'RegionName'))) : undefined) },
    {
      setting: 'point-in-time recovery',
      extract: (i) => {
        const d = field(supplementary(i), 'ContinuousBackupsDescription');
        return isObject(d) ? (text(field(d, 'pointInTimeRecoveryDescription'), 'pointInTimeRecoveryStatus') ?? text(d, 'continuousBackupsStatus')) : undefined;
      },
    },
  ],
  'AWS::KMS::Key': [
    { setting: 'key state', extract: (i) => text(configuration(i), 'keyState') },
    { setting: 'rotation', extract: (i) => onOff(field(supplementary(i), 'KeyRotationStatus') ?? field(configuration(i), 'keyRotationEnabled')) },
  ],
  'AWS::CloudTrail::Trail': [
    { setting: 'multi-region', extract: (i) => onOff(field(configuration(i), 'isMultiRegionTrail')) },
    { setting: 'log file validation', extract: (i) => onOff(field(configuration(i), 'logFileValidationEnabled')) },
  ],
};

const TYPE_NAMES: Record<string, string> = {
  'AWS::S3::Bucket': 'S3 bucket',
  'AWS::Backup::BackupVault': 'backup vault',
  'AWS::Backup::BackupPlan': 'backup plan',
  'AWS::Backup::BackupSelection': 'backup selection',
  'AWS::Backup::RestoreTestingPlan': 'restore testing plan',
  'AWS::RDS::DBInstance': 'RDS instance',
  'AWS::RDS::DBCluster': 'Aurora cluster',
  'AWS::RDS::GlobalCluster': 'Aurora global database',
  'AWS::DynamoDB::Table': 'DynamoDB table',
  'AWS::KMS::Key': 'KMS key',
  'AWS::CloudTrail::Trail': 'CloudTrail trail',
  'AWS::EFS::FileSystem': 'EFS file system',
};

/** "S3 bucket", or the Config type for types without a short name. */
export function resourceTypeName(type: string): string {
  return TYPE_NAMES[type] ?? type;
}

export function listSignificantChanges(view: PeriodView): SignificantChanges {
  const records = view.records<ConfigItem>('config.history');
  const byResource = new Map<string, Array<{ item: ConfigItem; at: string; account: string; region: string; evidence: string }>>();
  for (const r of records) {
    const at = timeOf(r.record, 'configurationItemCaptureTime');
    if (!at) continue;
    const key = `${r.account}|${r.record.awsRegion ?? r.region}|${r.record.resourceType}|${r.record.resourceId}`;
    const list = byResource.get(key) ?? [];
    list.push({ item: r.record, at, account: r.account, region: r.record.awsRegion ?? r.region, evidence: r.evidenceId });
    byResource.set(key, list);
  }
  const { from, to } = view.period;
  const changes: SignificantChange[] = [];
  const stats = new Map<string, { items: number; resources: Set<string>; significant: number }>();
  for (const list of byResource.values()) {
    list.sort((a, b) => a.at.localeCompare(b.at));
    const type = list[0].item.resourceType;
    const name = text(list[0].item, 'resourceName') ?? list[0].item.resourceId;
    const stat = stats.get(type) ?? { items: 0, resources: new Set<string>(), significant: 0 };
    stats.set(type, stat);
    const base = (e: (typeof list)[number]) => ({ at: e.at, account: e.account, region: e.region, resourceType: type, resource: name, evidence: e.evidence });
    const watched = WATCHED[type] ?? [];
    const last = new Map<string, string>();
    for (let i = 0; i < list.length; i++) {
      const entry = list[i];
      const inPeriod = entry.at >= from && entry.at < to;
      if (inPeriod) {
        stat.items += 1;
        stat.resources.add(`${entry.account}|${name}`);
      }
      const status = entry.item.configurationItemStatus;
      if (inPeriod && status === 'ResourceDiscovered') {
        changes.push({ ...base(entry), kind: 'created', description: `${resourceTypeName(type)} ${name} created` });
        stat.significant += 1;
      }
      if (itemDeleted(entry.item)) {
        if (inPeriod) {
          changes.push({ ...base(entry), kind: 'deleted', description: `${resourceTypeName(type)} ${name} deleted` });
          stat.significant += 1;
        }
        last.clear();
        continue;
      }
      for (const w of watched) {
        const value = w.extract(entry.item);
        if (value === undefined) continue;
        const before = last.get(w.setting);
        last.set(w.setting, value);
        if (before === undefined || before === value || !inPeriod) continue;
        changes.push({ ...base(entry), kind: 'setting', setting: w.setting, before, after: value, description: `${w.setting}: ${before} → ${value}` });
        stat.significant += 1;
      }
    }
  }
  changes.sort((a, b) => a.at.localeCompare(b.at) || a.resource.localeCompare(b.resource) || (a.setting ?? '').localeCompare(b.setting ?? ''));
  return {
    changes,
    byType: [...stats.entries()]
      .map(([resourceType, s]) => ({ resourceType, items: s.items, resources: s.resources.size, significant: s.significant }))
      .filter((s) => s.items > 0)
      .sort((a, b) => a.resourceType.localeCompare(b.resourceType)),
    haveHistory: view.has('config.history'),
  };
}

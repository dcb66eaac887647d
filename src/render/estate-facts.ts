/**
 * The facts the System Description and the Diagrams Index state from evidence (pure): accounts
 * and regions, inventory counts, replication and backup-copy flows between regions, the backup
 * architecture, monitoring, DR tests and where in-scope resources live. Architecture is the state
 * at the end of the period (each source's latest capture); flows of jobs are the period's.
 */
import type { Config, RegionPair } from '../config/types.js';
import { parseArn, bucketNameOfArn } from '../controls/support/arn.js';
import { collectDrExercises, type DrExercise } from '../controls/support/dr-exercises.js';
import { buildInventory, type InventoryResource } from '../controls/support/inventory.js';
import { bool, field, isObject, listOf, num, text, timeOf, type Json } from '../controls/support/records.js';
import { normalizeTags, scopeOf } from '../controls/support/tags.js';
import type { Capture, PeriodView } from '../period/types.js';
import { listSignificantChanges, type SignificantChanges } from './significant-changes.js';

export interface AccountFact {
  id: string;
  name?: string;
}

export interface InventoryCount {
  account: string;
  region: string;
  /** AWS Config resource type (`AWS::S3::Bucket`). */
  type: string;
  count: number;
  /** The collector the count comes from. */
  source: string;
  evidence: string;
}

export type FlowKind =
  | 's3-replication'
  | 'rds-read-replica'
  | 'aurora-replica'
  | 'aurora-global'
  | 'dynamodb-global'
  | 'kms-multi-region'
  | 'rds-backup-replication'
  | 'backup-copy-rule'
  | 'backup-copy-jobs';

export const FLOW_LABELS: Record<FlowKind, string> = {
  's3-replication': 'S3 replication',
  'rds-read-replica': 'RDS read replica',
  'aurora-replica': 'Aurora replica cluster',
  'aurora-global': 'Aurora global database',
  'dynamodb-global': 'DynamoDB global table',
  'kms-multi-region': 'KMS multi-Region key',
  'rds-backup-replication': 'RDS automated backup replication',
  'backup-copy-rule': 'Backup plan copy rule',
  'backup-copy-jobs': 'Backup copy jobs',
};

/** Data (or key material, or backups) moving from one region to another. */
export interface Flow {
  kind: FlowKind;
  category: 'replication' | 'backup-copy' | 'key';
  account: string;
  from: string;
  to: string;
  /** When the target is in another account. */
  toAccount?: string;
  /** What is replicated or copied (a bucket, a database, a plan rule). */
  source: string;
  /** Where it goes (a bucket, a replica, a vault). */
  target: string;
  /** Both ways (DynamoDB global tables). */
  bidirectional?: boolean;
  /** Copy jobs of the period on this route, by outcome. */
  jobs?: { completed: number; failed: number; other: number };
  /** Whether the source is in scope (scope.tags); unknown when its tags could not be read. */
  scope: 'in' | 'out' | 'unknown';
  detail: string;
  evidence: string[];
}

export interface BackupPlanFact {
  account: string;
  region: string;
  name: string;
  rules: Array<{ name: string; vault: string; schedule?: string; retentionDays?: number; copies: Array<{ vaultArn: string; region: string; account: string; retentionDays?: number }> }>;
  evidence: string;
}

export interface VaultFact {
  account: string;
  region: string;
  name: string;
  /** compliance (immutable), compliance in its grace period, governance (removable by privileged users), none, or unknown. */
  lock: 'compliance' | 'compliance-grace' | 'governance' | 'none' | 'unknown';
  lockDate?: string;
  minRetentionDays?: number;
  maxRetentionDays?: number;
  recoveryPoints?: number;
  encryptionKey?: string;
  evidence: string;
}

export interface CopyJobsFact {
  account: string;
  from: string;
  to: string;
  toAccount: string;
  completed: number;
  failed: number;
  other: number;
  evidence: string[];
}

export interface TrailFact {
  account: string;
  name: string;
  homeRegion: string;
  multiRegion?: boolean;
  logFileValidation?: boolean;
  logging?: boolean;
  organization?: boolean;
  evidence: string;
}

export interface RecorderFact {
  account: string;
  region: string;
  recorders: number;
  recording?: boolean;
  allSupported?: boolean;
  evidence: string;
}

export interface AlarmFact {
  account: string;
  region: string;
  name: string;
  /** What it watches (backup job failures, S3 replication…), from the collector's relevance. */
  watches: string[];
  actionsEnabled?: boolean;
  state?: string;
  evidence: string;
}

/** Per region: what the evidence shows there. */
export interface RegionPresence {
  region: string;
  /** In-scope data stores (S3, RDS, DynamoDB) that lived there during the period. */
  inScopeResources: number;
  /** Every resource of any kind the evidence shows there (inventory, vaults, Config). */
  resources: number;
  /** In-scope data held there as a replica, a backup copy or a vault with recovery points. */
  inScopeCopies: number;
  /** Whether the config lists it. */
  configured: boolean;
}

export interface EstateFacts {
  accounts: AccountFact[];
  configuredRegions: string[];
  regionPairs: RegionPair[];
  /** Every region the config or the evidence names, configured ones first. */
  regions: RegionPresence[];
  scopeTags?: Record<string, string>;
  /** Data stores seen during the period (S3, RDS, DynamoDB), with their scope. */
  dataStores: Array<InventoryResource & { scope: 'in' | 'out' | 'unknown' }>;
  inventory: InventoryCount[];
  /** AWS Config's count of every resource it records, per account × region (all types). */
  recordedTotals: Array<{ account: string; region: string; count: number; evidence: string }>;
  flows: Flow[];
  plans: BackupPlanFact[];
  vaults: VaultFact[];
  copyJobs: CopyJobsFact[];
  trails: TrailFact[];
  recorders: RecorderFact[];
  alarms: AlarmFact[];
  /** Relevant alarms are listed; this is how many alarms there were in all. */
  alarmTotal: number;
  drTests: DrExercise[];
  changes: SignificantChanges;
  /** The newest capture time the architecture facts come from (the state they show). */
  stateAsOf?: string;
}

const TYPE_OF_COLLECTOR: Record<string, string> = {
  'rds.instances': 'AWS::RDS::DBInstance',
  'rds.clusters': 'AWS::RDS::DBCluster',
  'dynamodb.tables': 'AWS::DynamoDB::Table',
  'backup.vaults': 'AWS::Backup::BackupVault',
  'backup.plans': 'AWS::Backup::BackupPlan',
  'kms.keys': 'AWS::KMS::Key',
};

const SIGNAL_LABELS: Record<string, string> = {
  'backup-job-failure': 'backup job failures',
  'copy-job-failure': 'copy job failures',
  'restore-job-failure': 'restore job failures',
  's3-replication': 'S3 replication',
  'rds-replication': 'RDS/Aurora replication lag',
  'dynamodb-replication': 'DynamoDB replication latency',
};

/** Builds every fact from the period view and the config. */
export function buildEstateFacts(view: PeriodView, config: Pick<Config, 'accounts' | 'regions' | 'regionPairs' | 'scope'>): EstateFacts {
  const scopeTags = config.scope?.tags && Object.keys(config.scope.tags).length > 0 ? config.scope.tags : undefined;
  const names = new Map((Array.isArray(config.accounts) ? config.accounts : []).map((a) => [a.id, a.name]));
  const accounts: AccountFact[] = [...new Set([...names.keys(), ...view.accounts.filter((a) => a !== 'local')])]
    .sort()
    .map((id) => ({ id, ...(names.get(id) ? { name: names.get(id) } : {}) }));

  const inventoryAll = buildInventory(view);
  const dataStores = inventoryAll.resources.map((r) => ({ ...r, scope: scopeOf(r.tags, scopeTags) }));
  let stateAsOf: string | undefined;
  const latest = <T = Json>(collector: string): readonly Capture<T>[] => {
    const captures = view.latest<T>(collector);
    for (const c of captures) if (!stateAsOf || c.at > stateAsOf) stateAsOf = c.at;
    return captures;
  };

  const { inventory, recordedTotals, configPresence } = countInventory(latest);
  const bucketRegions = new Map<string, string>();
  for (const c of latest<Json>('s3.buckets')) for (const b of listOf(c.data, 'buckets') ?? []) bucketRegions.set(String(field(b, 'name')), text(b, 'region') ?? 'unknown');

  const flows = [...replicationFlows(latest, bucketRegions, scopeTags), ...backupCopyRuleFlows(latest)];
  const copyJobs = summarizeCopyJobs(view);
  for (const j of copyJobs) {
    flows.push({
      kind: 'backup-copy-jobs',
      category: 'backup-copy',
      account: j.account,
      from: j.from,
      to: j.to,
      ...(j.toAccount !== j.account ? { toAccount: j.toAccount } : {}),
      source: 'copy jobs',
      target: j.toAccount !== j.account ? `vaults of account ${j.toAccount}` : 'vaults',
      scope: 'in',
      jobs: { completed: j.completed, failed: j.failed, other: j.other },
      detail: `${j.completed + j.failed + j.other} copy jobs in the period: ${j.completed} completed, ${j.failed} failed${j.other ? `, ${j.other} other` : ''}`,
      evidence: j.evidence.slice(0, 5),
    });
  }
  const kindOrder = Object.keys(FLOW_LABELS);
  flows.sort((a, b) => a.account.localeCompare(b.account) || kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.source.localeCompare(b.source));

  const plans = collectPlans(latest);
  const vaults = collectVaults(latest);
  const trails = collectTrails(latest);
  const recorders = collectRecorders(latest);
  const { alarms, total: alarmTotal } = collectAlarms(latest);

  const regions = describeRegions(config.regions, dataStores, vaults, flows, configPresence, inventory);
  return {
    accounts,
    configuredRegions: [...config.regions],
    regionPairs: [...(config.regionPairs ?? [])],
    regions,
    ...(scopeTags ? { scopeTags } : {}),
    dataStores,
    inventory,
    recordedTotals,
    flows,
    plans,
    vaults,
    copyJobs,
    trails,
    recorders,
    alarms,
    alarmTotal,
    drTests: collectDrExercises(view, view.period),
    changes: listSignificantChanges(view),
    ...(stateAsOf ? { stateAsOf } : {}),
  };
}

type Latest = <T = Json>(collector: string) => readonly Capture<T>[];

function countInventory(latest: Latest): { inventory: InventoryCount[]; recordedTotals: EstateFacts['recordedTotals']; configPresence: Set<string> } {
  const counts = new Map<string, InventoryCount>();
  const configPresence = new Set<string>();
  const recordedTotals: EstateFacts['recordedTotals'] = [];
  const add = (c: InventoryCount, override: boolean) => {
    const key = `${c.account}|${c.region}|${c.type}`;
    const existing = counts.get(key);
    if (existing && !override) return;
    if (existing && existing.source === c.source) existing.count += c.count;
    else counts.set(key, c);
  };
  // AWS Config's discovered resources (every tracked type) first; the state collectors fill in where Config is not read.
  for (const c of latest<Json>('config.resources')) {
    for (const t of listOf(c.data, 'types') ?? []) {
      const resources = listOf(t, 'resources');
      if (!resources || resources.length === 0) continue;
      configPresence.add(c.region);
      add({ account: c.account, region: c.region, type: String(field(t, 'resourceType')), count: resources.length, source: 'config.resources', evidence: c.evidenceId }, true);
    }
    const total = num(field(c.data, 'counts'), 'totalDiscoveredResources');
    if (total !== undefined) recordedTotals.push({ account: c.account, region: c.region, count: total, evidence: c.evidenceId });
  }
  const fromState = new Map<string, InventoryCount>();
  const stateAdd = (account: string, region: string, type: string, source: string, evidence: string) => {
    const key = `${account}|${region}|${type}`;
    const existing = fromState.get(key);
    if (existing) existing.count += 1;
    else fromState.set(key, { account, region, type, count: 1, source, evidence });
  };
  for (const c of latest<Json>('s3.buckets')) for (const b of listOf(c.data, 'buckets') ?? []) stateAdd(c.account, text(b, 'region') ?? 'unknown', 'AWS::S3::Bucket', 's3.buckets', c.evidenceId);
  const lists: Array<[string, string]> = [
    ['rds.instances', 'instances'],
    ['rds.clusters', 'clusters'],
    ['dynamodb.tables', 'tables'],
    ['backup.vaults', 'vaults'],
    ['backup.plans', 'plans'],
  ];
  for (const [collector, key] of lists) {
    for (const c of latest<Json>(collector)) for (let i = 0; i < (listOf(c.data, key) ?? []).length; i++) stateAdd(c.account, c.region, TYPE_OF_COLLECTOR[collector], collector, c.evidenceId);
  }
  for (const c of latest<Json>('kms.keys')) {
    for (const k of listOf(c.data, 'keys') ?? []) if (text(field(k, 'metadata'), 'KeyManager') !== 'AWS') stateAdd(c.account, c.region, 'AWS::KMS::Key', 'kms.keys', c.evidenceId);
  }
  for (const c of latest<Json>('cloudtrail.trails')) {
    for (const t of listOf(c.data, 'trails') ?? []) if (field(t, 'shadow') !== true) stateAdd(c.account, c.region, 'AWS::CloudTrail::Trail', 'cloudtrail.trails', c.evidenceId);
  }
  for (const c of latest<Json>('cloudwatch.alarms')) {
    const n = (listOf(c.data, 'metricAlarms') ?? []).length + (listOf(c.data, 'compositeAlarms') ?? []).length;
    for (let i = 0; i < n; i++) stateAdd(c.account, c.region, 'AWS::CloudWatch::Alarm', 'cloudwatch.alarms', c.evidenceId);
  }
  for (const c of fromState.values()) add(c, false);
  const inventory = [...counts.values()].sort((a, b) => a.account.localeCompare(b.account) || a.type.localeCompare(b.type) || a.region.localeCompare(b.region));
  return { inventory, recordedTotals: recordedTotals.sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region)), configPresence };
}

function arnRegion(arn: string | undefined): string | undefined {
  const parsed = parseArn(arn);
  return parsed && parsed.region ? parsed.region : undefined;
}

function replicationFlows(latest: Latest, bucketRegions: Map<string, string>, scopeTags: Record<string, string> | undefined): Flow[] {
  const flows: Flow[] = [];
  const scopeOfTags = (tags: unknown) => scopeOf(normalizeTags(tags), scopeTags);
  for (const c of latest<Json>('s3.buckets')) {
    for (const b of listOf(c.data, 'buckets') ?? []) {
      const name = String(field(b, 'name'));
      const from = text(b, 'region') ?? 'unknown';
      for (const rule of listOf(field(b, 'replication'), 'Rules') ?? []) {
        if ((text(rule, 'Status') ?? '').toLowerCase() !== 'enabled') continue;
        const destination = text(field(rule, 'Destination'), 'Bucket');
        if (!destination) continue;
        const target = bucketNameOfArn(destination);
        const account = text(field(rule, 'Destination'), 'Account');
        flows.push({
          kind: 's3-replication',
          category: 'replication',
          account: c.account,
          from,
          to: bucketRegions.get(target) ?? 'unknown',
          ...(account && account !== c.account ? { toAccount: account } : {}),
          source: name,
          target,
          scope: scopeOfTags(field(b, 'tags')),
          detail: `rule ${text(rule, 'ID') ?? '(unnamed)'}${bucketRegions.has(target) ? '' : '; the destination bucket is not in the evidence'}`,
          evidence: [c.evidenceId],
        });
      }
    }
  }
  for (const c of latest<Json>('rds.instances')) {
    for (const i of listOf(c.data, 'instances') ?? []) {
      const name = String(field(i, 'DBInstanceIdentifier'));
      const scope = scopeOfTags(field(i, 'TagList'));
      for (const replica of (field(i, 'ReadReplicaDBInstanceIdentifiers') as unknown[] | undefined) ?? []) {
        const to = typeof replica === 'string' ? arnRegion(replica) : undefined;
        if (!to || to === c.region) continue;
        flows.push({ kind: 'rds-read-replica', category: 'replication', account: c.account, from: c.region, to, source: name, target: String(replica).split(':').pop() ?? String(replica), scope, detail: 'cross-region read replica', evidence: [c.evidenceId] });
      }
      for (const r of listOf(i, 'DBInstanceAutomatedBackupsReplications') ?? []) {
        const to = arnRegion(text(r, 'DBInstanceAutomatedBackupsArn'));
        if (!to || to === c.region) continue;
        flows.push({ kind: 'rds-backup-replication', category: 'backup-copy', account: c.account, from: c.region, to, source: name, target: 'replicated automated backups', scope, detail: 'automated backups replicated to another region', evidence: [c.evidenceId] });
      }
    }
  }
  const globals = new Map<string, { capture: Capture<Json>; cluster: Json }>();
  for (const c of latest<Json>('rds.clusters')) {
    for (const cl of listOf(c.data, 'clusters') ?? []) {
      const name = String(field(cl, 'DBClusterIdentifier'));
      for (const replica of (field(cl, 'ReadReplicaIdentifiers') as unknown[] | undefined) ?? []) {
        const to = typeof replica === 'string' ? arnRegion(replica) : undefined;
        if (!to || to === c.region) continue;
        flows.push({ kind: 'aurora-replica', category: 'replication', account: c.account, from: c.region, to, source: name, target: String(replica).split(':').pop() ?? String(replica), scope: scopeOfTags(field(cl, 'TagList')), detail: 'cross-region replica cluster', evidence: [c.evidenceId] });
      }
    }
    for (const g of listOf(c.data, 'globalClusters') ?? []) {
      const arn = text(g, 'GlobalClusterArn') ?? `${c.account}|${text(g, 'GlobalClusterIdentifier')}`;
      if (!globals.has(arn)) globals.set(arn, { capture: c, cluster: g });
    }
  }
  const clusterScope = new Map<string, 'in' | 'out' | 'unknown'>();
  for (const c of latest<Json>('rds.clusters')) for (const cl of listOf(c.data, 'clusters') ?? []) clusterScope.set(String(field(cl, 'DBClusterArn')), scopeOfTags(field(cl, 'TagList')));
  for (const { capture, cluster } of globals.values()) {
    const members = listOf(cluster, 'GlobalClusterMembers') ?? [];
    const writer = members.find((m) => bool(m, 'IsWriter') === true);
    const writerArn = text(writer, 'DBClusterArn');
    const from = arnRegion(writerArn);
    if (!from) continue;
    for (const m of members) {
      const arn = text(m, 'DBClusterArn');
      const to = arnRegion(arn);
      if (m === writer || !to || to === from) continue;
      flows.push({
        kind: 'aurora-global',
        category: 'replication',
        account: capture.account,
        from,
        to,
        source: text(cluster, 'GlobalClusterIdentifier') ?? 'global database',
        target: arn!.split(':').pop() ?? arn!,
        scope: clusterScope.get(writerArn!) ?? clusterScope.get(arn!) ?? 'unknown',
        detail: `writer ${writerArn!.split(':').pop()}`,
        evidence: [capture.evidenceId],
      });
    }
  }
  const tables = new Map<string, Flow>();
  for (const c of latest<Json>('dynamodb.tables')) {
    for (const t of listOf(c.data, 'tables') ?? []) {
      const name = String(field(t, 'name'));
      for (const r of listOf(field(t, 'table'), 'Replicas') ?? []) {
        const to = text(r, 'RegionName');
        if (!to || to === c.region) continue;
        const key = `${c.account}|${name}|${[c.region, to].sort().join('|')}`;
        const existing = tables.get(key);
        if (existing) {
          existing.evidence.push(c.evidenceId);
          continue;
        }
        tables.set(key, {
          kind: 'dynamodb-global',
          category: 'replication',
          account: c.account,
          from: c.region,
          to,
          source: name,
          target: `${name} (${to})`,
          bidirectional: true,
          scope: scopeOfTags(field(t, 'tags')),
          detail: `global table replica ${text(r, 'ReplicaStatus') ?? 'status unknown'}`,
          evidence: [c.evidenceId],
        });
      }
    }
  }
  flows.push(...tables.values());
  for (const c of latest<Json>('kms.keys')) {
    for (const k of listOf(c.data, 'keys') ?? []) {
      const meta = field(k, 'metadata');
      if (bool(meta, 'MultiRegion') !== true) continue;
      const mr = field(meta, 'MultiRegionConfiguration');
      if (text(mr, 'MultiRegionKeyType') !== 'PRIMARY') continue;
      const alias = (listOf(k, 'aliases') ?? []).map((a) => text(a, 'AliasName')).find((a) => a && !a.startsWith('alias/aws/'));
      for (const r of listOf(mr, 'ReplicaKeys') ?? []) {
        const to = text(r, 'Region');
        if (!to || to === c.region) continue;
        flows.push({ kind: 'kms-multi-region', category: 'key', account: c.account, from: c.region, to, source: alias ?? text(meta, 'KeyId') ?? 'key', target: 'replica key', scope: 'in', detail: `key ${text(meta, 'KeyId') ?? ''}`.trim(), evidence: [c.evidenceId] });
      }
    }
  }
  return flows;
}

function backupCopyRuleFlows(latest: Latest): Flow[] {
  const flows: Flow[] = [];
  for (const p of collectPlans(latest)) {
    for (const rule of p.rules) {
      for (const copy of rule.copies) {
        if (copy.region === p.region && copy.account === p.account) continue;
        flows.push({
          kind: 'backup-copy-rule',
          category: 'backup-copy',
          account: p.account,
          from: p.region,
          to: copy.region,
          ...(copy.account !== p.account ? { toAccount: copy.account } : {}),
          source: `${p.name} / ${rule.name}`,
          target: copy.vaultArn.split(':').pop() ?? copy.vaultArn,
          scope: 'in',
          detail: `copies recovery points of rule ${rule.name}${copy.retentionDays !== undefined ? `, kept ${copy.retentionDays} days` : ''}`,
          evidence: [p.evidence],
        });
      }
    }
  }
  return flows;
}

function collectPlans(latest: Latest): BackupPlanFact[] {
  const plans: BackupPlanFact[] = [];
  for (const c of latest<Json>('backup.plans')) {
    for (const p of listOf(c.data, 'plans') ?? []) {
      const details = field(p, 'details');
      const body = field(details, 'BackupPlan');
      const name = text(body, 'BackupPlanName') ?? text(field(p, 'plan'), 'BackupPlanName') ?? '(unnamed plan)';
      const rules = (listOf(body, 'Rules') ?? []).map((r) => ({
        name: text(r, 'RuleName') ?? '(unnamed rule)',
        vault: text(r, 'TargetBackupVaultName') ?? '?',
        ...(text(r, 'ScheduleExpression') ? { schedule: text(r, 'ScheduleExpression') } : {}),
        ...(num(field(r, 'Lifecycle'), 'DeleteAfterDays') !== undefined ? { retentionDays: num(field(r, 'Lifecycle'), 'DeleteAfterDays') } : {}),
        copies: (listOf(r, 'CopyActions') ?? []).flatMap((a) => {
          const arn = text(a, 'DestinationBackupVaultArn');
          const parsed = parseArn(arn);
          if (!arn || !parsed) return [];
          const retention = num(field(a, 'Lifecycle'), 'DeleteAfterDays');
          return [{ vaultArn: arn, region: parsed.region || 'unknown', account: parsed.account || c.account, ...(retention !== undefined ? { retentionDays: retention } : {}) }];
        }),
      }));
      plans.push({ account: c.account, region: c.region, name, rules, evidence: c.evidenceId });
    }
  }
  return plans.sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region) || a.name.localeCompare(b.name));
}

function collectVaults(latest: Latest): VaultFact[] {
  const vaults: VaultFact[] = [];
  for (const c of latest<Json>('backup.vaults')) {
    for (const v of listOf(c.data, 'vaults') ?? []) {
      const vault = field(v, 'vault');
      if (!isObject(vault)) continue;
      const locked = bool(vault, 'Locked');
      const lockDate = timeOf(vault, 'LockDate');
      const lock: VaultFact['lock'] = locked === undefined ? 'unknown' : !locked ? 'none' : !lockDate ? 'governance' : lockDate > c.at ? 'compliance-grace' : 'compliance';
      vaults.push({
        account: c.account,
        region: c.region,
        name: text(vault, 'BackupVaultName') ?? '?',
        lock,
        ...(lockDate ? { lockDate } : {}),
        ...(num(vault, 'MinRetentionDays') !== undefined ? { minRetentionDays: num(vault, 'MinRetentionDays') } : {}),
        ...(num(vault, 'MaxRetentionDays') !== undefined ? { maxRetentionDays: num(vault, 'MaxRetentionDays') } : {}),
        ...(num(vault, 'NumberOfRecoveryPoints') !== undefined ? { recoveryPoints: num(vault, 'NumberOfRecoveryPoints') } : {}),
        ...(text(vault, 'EncryptionKeyArn') ? { encryptionKey: text(vault, 'EncryptionKeyArn') } : {}),
        evidence: c.evidenceId,
      });
    }
  }
  return vaults.sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region) || a.name.localeCompare(b.name));
}

function summarizeCopyJobs(view: PeriodView): CopyJobsFact[] {
  const groups = new Map<string, CopyJobsFact>();
  for (const rec of view.records<Json>('backup.copy-jobs')) {
    const job = rec.record;
    const created = timeOf(job, 'CreationDate');
    if (!created || created < view.period.from || created >= view.period.to) continue;
    const source = parseArn(text(job, 'SourceBackupVaultArn'));
    const destination = parseArn(text(job, 'DestinationBackupVaultArn'));
    const from = source?.region || rec.region;
    const to = destination?.region || 'unknown';
    const toAccount = destination?.account || rec.account;
    const key = `${rec.account}|${from}|${to}|${toAccount}`;
    const g = groups.get(key) ?? { account: rec.account, from, to, toAccount, completed: 0, failed: 0, other: 0, evidence: [] };
    const state = (text(job, 'State') ?? '').toUpperCase();
    if (state === 'COMPLETED') g.completed += 1;
    else if (state === 'FAILED' || state === 'ABORTED' || state === 'EXPIRED' || state === 'PARTIAL') g.failed += 1;
    else g.other += 1;
    if (!g.evidence.includes(rec.evidenceId)) g.evidence.push(rec.evidenceId);
    groups.set(key, g);
  }
  return [...groups.values()].filter((g) => g.from !== g.to || g.toAccount !== g.account).sort((a, b) => a.account.localeCompare(b.account) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

function collectTrails(latest: Latest): TrailFact[] {
  const trails = new Map<string, TrailFact>();
  for (const c of latest<Json>('cloudtrail.trails')) {
    for (const t of listOf(c.data, 'trails') ?? []) {
      if (field(t, 'shadow') === true) continue;
      const trail = field(t, 'trail');
      const arn = text(trail, 'TrailARN') ?? `${c.account}|${text(trail, 'Name')}`;
      const status = field(t, 'status');
      trails.set(arn, {
        account: c.account,
        name: text(trail, 'Name') ?? arn,
        homeRegion: text(trail, 'HomeRegion') ?? c.region,
        ...(bool(trail, 'IsMultiRegionTrail') !== undefined ? { multiRegion: bool(trail, 'IsMultiRegionTrail') } : {}),
        ...(bool(trail, 'LogFileValidationEnabled') !== undefined ? { logFileValidation: bool(trail, 'LogFileValidationEnabled') } : {}),
        ...(isObject(status) && bool(status, 'IsLogging') !== undefined ? { logging: bool(status, 'IsLogging') } : {}),
        ...(bool(trail, 'IsOrganizationTrail') !== undefined ? { organization: bool(trail, 'IsOrganizationTrail') } : {}),
        evidence: c.evidenceId,
      });
    }
  }
  return [...trails.values()].sort((a, b) => a.account.localeCompare(b.account) || a.name.localeCompare(b.name));
}

function collectRecorders(latest: Latest): RecorderFact[] {
  return latest<Json>('config.recorders')
    .map((c) => {
      const list = listOf(c.data, 'recorders') ?? [];
      const statuses = list.map((r) => bool(field(r, 'status'), 'recording'));
      const recording = list.length === 0 ? false : statuses.some((s) => s === true) ? true : statuses.every((s) => s === false) ? false : undefined;
      const allSupported = list.length === 0 ? undefined : list.some((r) => bool(field(field(r, 'recorder'), 'recordingGroup'), 'allSupported') === true);
      return { account: c.account, region: c.region, recorders: list.length, ...(recording !== undefined ? { recording } : {}), ...(allSupported !== undefined ? { allSupported } : {}), evidence: c.evidenceId };
    })
    .sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
}

function collectAlarms(latest: Latest): { alarms: AlarmFact[]; total: number } {
  const alarms: AlarmFact[] = [];
  let total = 0;
  for (const c of latest<Json>('cloudwatch.alarms')) {
    for (const a of [...(listOf(c.data, 'metricAlarms') ?? []), ...(listOf(c.data, 'compositeAlarms') ?? [])]) {
      total += 1;
      const relevance = listOf(a, 'relevance') ?? [];
      if (relevance.length === 0) continue;
      const alarm = field(a, 'alarm');
      const watches = [...new Set(relevance.map((r) => SIGNAL_LABELS[text(r, 'signal') ?? ''] ?? text(r, 'signal') ?? '?'))];
      alarms.push({
        account: c.account,
        region: c.region,
        name: text(alarm, 'AlarmName') ?? '?',
        watches,
        ...(bool(alarm, 'ActionsEnabled') !== undefined ? { actionsEnabled: bool(alarm, 'ActionsEnabled') && (listOf(alarm, 'AlarmActions') ?? []).length > 0 } : {}),
        ...(text(alarm, 'StateValue') ? { state: text(alarm, 'StateValue') } : {}),
        evidence: c.evidenceId,
      });
    }
  }
  return { alarms: alarms.sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region) || a.name.localeCompare(b.name)), total };
}

function describeRegions(
  configured: readonly string[],
  dataStores: EstateFacts['dataStores'],
  vaults: VaultFact[],
  flows: Flow[],
  configPresence: Set<string>,
  inventory: InventoryCount[],
): RegionPresence[] {
  const presence = new Map<string, RegionPresence>();
  const get = (region: string) => {
    let p = presence.get(region);
    if (!p) {
      p = { region, inScopeResources: 0, resources: 0, inScopeCopies: 0, configured: configured.includes(region) };
      presence.set(region, p);
    }
    return p;
  };
  for (const r of configured) get(r);
  for (const r of dataStores) {
    if (r.region === 'unknown') continue;
    const p = get(r.region);
    p.resources += 1;
    if (r.scope === 'in') p.inScopeResources += 1;
  }
  for (const v of vaults) {
    const p = get(v.region);
    p.resources += 1;
    if ((v.recoveryPoints ?? 0) > 0) p.inScopeCopies += 1;
  }
  for (const f of flows) {
    if (f.to === 'unknown' || f.category === 'key' || f.scope !== 'in') continue;
    get(f.to).inScopeCopies += 1;
  }
  for (const region of configPresence) {
    const p = get(region);
    const counted = inventory.filter((c) => c.region === region && c.source === 'config.resources').reduce((n, c) => n + c.count, 0);
    p.resources = Math.max(p.resources, counted);
  }
  const order = (r: string) => (configured.includes(r) ? configured.indexOf(r) : configured.length);
  return [...presence.values()].filter((p) => p.region !== 'global').sort((a, b) => order(a.region) - order(b.region) || a.region.localeCompare(b.region));
}

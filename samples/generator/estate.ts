/**
 * The sample estate as a model: accounts, regions, and every AWS resource with its settings and
 * tags, built deterministically from the options (seed, counts). The Larkspur Health scenario is
 * the base; `resources` adds workload units (databases, tables, buckets, compute) until the
 * in-scope count is reached. What happens over time (jobs, events, configuration changes) is in
 * activity.ts; how AWS would answer about all of it is in aws-sim.ts.
 */
import { compareText, Random, stableBase32, stableHex, stableUuid } from './random.js';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

export interface EstateOptions {
  seed: string;
  /** Accounts: prod, shared-services, then workload accounts. */
  accounts: number;
  /** Regions: us-east-1 (primary), us-west-2 (its pair), eu-central-1 (EU data), then further pairs. */
  regions: number;
  /** At least this many in-scope resources (tag soc2=in-scope); the Larkspur scenario alone has about 150. */
  resources: number;
  /** Backup jobs a day across the estate's primary regions; default: the scenario's own schedule. */
  jobsPerDay?: number;
  /** Length of the observation period in months, from 2026-01-01. */
  months: number;
  /** How often `collect --only jobs,events` ran. */
  jobCaptures: 'daily' | 'weekly';
  /** Keep the deliberate findings (failed jobs, replication gap, slow DR test, EU replica, waived copy, capture hole). */
  findings: boolean;
}

export const DEFAULT_OPTIONS: EstateOptions = {
  seed: 'larkspur',
  accounts: 2,
  regions: 3,
  resources: 150,
  months: 6,
  jobCaptures: 'daily',
  findings: true,
};

export interface Tag {
  Key: string;
  Value: string;
}

export type BackupTier = 'daily' | 'weekly' | 'monthly';

export interface AccountSpec {
  id: string;
  name: string;
  role: 'prod' | 'shared' | 'workload';
  /** Resource names start with this (larkspur-, larkspur-shared-, larkspur-w3-). */
  prefix: string;
}

export interface Placed {
  account: string;
  region: string;
  arn: string;
  created: number;
  /** When it was deleted (Config: ResourceDeleted), if during the estate's life. */
  deleted?: number;
  tags: Tag[];
}

export interface Bucket extends Placed {
  name: string;
  replication?: { destination: string; ruleId: string; role: string };
  /** Times replication was switched off: [from, to). */
  replicationOff: Array<{ from: number; to: number }>;
  /** A replication destination of another bucket. */
  replicaOf?: string;
  keyArn: string;
  objectLock: boolean;
  sizeGb: number;
}

export interface DbInstance extends Placed {
  id: string;
  resourceId: string;
  engine: 'postgres' | 'aurora-postgresql';
  engineVersion: string;
  instanceClass: string;
  multiAz: boolean;
  az: string;
  /** A read replica's source (an ARN when in another region, else the identifier). */
  replicaSource?: string;
  /** Read replicas of this instance (cross-region as ARNs, same-region as identifiers). */
  replicas: string[];
  clusterId?: string;
  keyArn: string;
  storageGb: number;
  backupRetention: number;
}

export interface DbCluster extends Placed {
  id: string;
  resourceId: string;
  engineVersion: string;
  members: Array<{ id: string; writer: boolean }>;
  globalId?: string;
  writer: boolean;
  keyArn: string;
  storageGb: number;
}

export interface GlobalCluster {
  account: string;
  /** Region whose Config records it (the primary's). */
  region: string;
  id: string;
  arn: string;
  resourceId: string;
  created: number;
  members: Array<{ clusterArn: string; writer: boolean }>;
}

export interface Table extends Placed {
  name: string;
  tableId: string;
  replicaRegions: string[];
  keyArn: string;
  items: number;
  sizeBytes: number;
}

export interface FileSystem extends Placed {
  id: string;
  name: string;
  sizeGb: number;
}

export interface Ec2Instance extends Placed {
  id: string;
  name: string;
  type: string;
  volumes: string[];
}

export interface LambdaFn extends Placed {
  name: string;
}

export interface Vault extends Placed {
  name: string;
  keyArn: string;
  lockDate: number;
  minRetention: number;
  maxRetention: number;
}

export interface Key extends Placed {
  id: string;
  alias: string;
  description: string;
  manager: 'CUSTOMER' | 'AWS';
  multiRegion?: { type: 'PRIMARY' | 'REPLICA'; primaryRegion: string; replicaRegions: string[] };
}

export interface PlanRule {
  id: string;
  name: string;
  tier: BackupTier;
  /** Backups a day for the daily tier (every 24/perDay hours). */
  perDay: number;
  schedule: string;
  vaultName: string;
  startWindowMinutes: number;
  completionWindowMinutes: number;
  lifecycleDays: number;
  copyTo?: { vaultArn: string; lifecycleDays: number };
}

export interface PlanSelection {
  id: string;
  name: string;
  created: number;
  conditions: Array<{ key: string; value: string }>;
}

export interface Plan extends Placed {
  id: string;
  name: string;
  versionId: string;
  rules: PlanRule[];
  selections: PlanSelection[];
}

export interface Trail extends Placed {
  name: string;
  bucket: string;
  keyArn: string;
  logGroupArn: string;
  loggingSince: number;
}

export interface Alarm extends Placed {
  name: string;
  description: string;
  namespace?: string;
  metric?: string;
  dimensions?: Array<{ Name: string; Value: string }>;
  threshold?: number;
  statistic?: string;
  period?: number;
  rule?: string;
  actions: string[];
}

export interface RestoreTestingPlan extends Placed {
  name: string;
  schedule: string;
  /** Runs: weekday (0 = Sunday) and, for monthly ones, only the first such day of the month. */
  weekday: number;
  firstOfMonthOnly: boolean;
  hour: number;
  minute: number;
  target: DbInstance | DbCluster;
  targetType: 'RDS' | 'Aurora';
}

export interface ReportPlan extends Placed {
  name: string;
  template: string;
  bucket: string;
}

/** A protected resource: what a backup plan selects, with its kind for AWS Backup. */
export interface Protected {
  account: string;
  region: string;
  arn: string;
  name: string;
  resourceType: 'RDS' | 'Aurora' | 'DynamoDB' | 'S3' | 'EFS' | 'EC2';
  tier: BackupTier;
  created: number;
  deleted?: number;
  sizeGb: number;
}

export interface Estate {
  options: EstateOptions;
  organization: string;
  system: string;
  period: { start: string; end: string };
  /** Period start, ms. */
  from: number;
  /** The day after the period's end, ms (exclusive). */
  to: number;
  accounts: AccountSpec[];
  regions: string[];
  pairs: Array<{ primary: string; secondary: string }>;
  euRegion?: string;
  /** Where account-wide calls go (config.regions[0]). */
  homeRegion: string;
  buckets: Bucket[];
  instances: DbInstance[];
  clusters: DbCluster[];
  globals: GlobalCluster[];
  tables: Table[];
  fileSystems: FileSystem[];
  ec2: Ec2Instance[];
  functions: LambdaFn[];
  vaults: Vault[];
  keys: Key[];
  plans: Plan[];
  trails: Trail[];
  alarms: Alarm[];
  restoreTesting: RestoreTestingPlan[];
  reportPlans: ReportPlan[];
  protectedResources: Protected[];
  /** The deliberate findings that were placed (names of the resources they concern). */
  findings: {
    failedJobsResource?: string;
    replicationGapBucket?: string;
    euBucket?: string;
    waivedCopyResource?: string;
  };
}

const REGION_ORDER = [
  'us-east-1',
  'us-west-2',
  'eu-central-1',
  'ap-southeast-2',
  'ap-southeast-1',
  'us-east-2',
  'us-west-1',
  'ca-central-1',
  'sa-east-1',
  'ap-northeast-1',
  'ap-northeast-3',
  'eu-west-2',
  'eu-north-1',
];

const SERVICES = [
  'intake', 'referrals-hub', 'providers', 'pharmacy', 'labs', 'imaging', 'eligibility', 'payments', 'consent', 'portal',
  'outreach', 'surveys', 'directory', 'formulary', 'care-teams', 'vitals', 'devices', 'rx-history', 'encounters', 'triage',
];

const AZ_SUFFIXES = ['a', 'b', 'c'];

/** 2026-01-01 plus `months` months; the last day is the day before. */
export function periodOf(months: number): { start: string; end: string } {
  const start = Date.UTC(2026, 0, 1);
  const endExclusive = Date.UTC(2026, months, 1);
  return { start: new Date(start).toISOString().slice(0, 10), end: new Date(endExclusive - DAY_MS).toISOString().slice(0, 10) };
}

export function accountId(index: number): string {
  return index < 9 ? String(index + 1).repeat(12) : `9${String(index).padStart(11, '0')}`;
}

/** Builds the estate from the options. */
export function buildEstate(options: EstateOptions): Estate {
  if (options.accounts < 1) throw new RangeError('--accounts must be at least 1');
  if (options.regions < 1 || options.regions > REGION_ORDER.length) throw new RangeError(`--regions must be 1 to ${REGION_ORDER.length}`);
  if (options.months < 1 || options.months > 12) throw new RangeError('--months must be 1 to 12');
  const builder = new EstateBuilder(options);
  builder.buildLarkspur();
  builder.scaleOut();
  builder.buildBackupPlans();
  builder.buildMonitoring();
  // The scale-out estimates what plans, vaults and alarms will add; top up until the real count is reached.
  for (let short = options.resources - countTotal(builder.estate); short > 0; short = options.resources - countTotal(builder.estate)) {
    builder.resetOperations();
    builder.scaleOut(Math.max(1, Math.ceil(short / 12)));
    builder.buildBackupPlans();
    builder.buildMonitoring();
  }
  return builder.estate;
}

function countTotal(estate: Estate): number {
  return countInScope(estate).reduce((n, r) => n + r.count, 0);
}

class EstateBuilder {
  readonly estate: Estate;
  private readonly random: Random;
  /** Backups a day for the daily tier (more than one when --jobs-per-day exceeds the protected resources). */
  private dailyPerDay = 1;

  constructor(readonly options: EstateOptions) {
    this.random = new Random(`estate:${options.seed}`);
    const period = periodOf(options.months);
    const regions = REGION_ORDER.slice(0, options.regions);
    const pairs: Array<{ primary: string; secondary: string }> = [];
    if (regions.length >= 2) pairs.push({ primary: regions[0], secondary: regions[1] });
    for (let i = 3; i + 1 < regions.length; i += 2) pairs.push({ primary: regions[i], secondary: regions[i + 1] });
    const accounts: AccountSpec[] = Array.from({ length: options.accounts }, (_, i) =>
      i === 0
        ? { id: accountId(0), name: 'prod', role: 'prod', prefix: 'larkspur-' }
        : i === 1
          ? { id: accountId(1), name: 'shared-services', role: 'shared', prefix: 'larkspur-shared-' }
          : { id: accountId(i), name: `workload-${i + 1}`, role: 'workload', prefix: `larkspur-w${i + 1}-` },
    );
    this.estate = {
      options,
      organization: 'Larkspur Health, Inc.',
      system: 'Larkspur Care Platform',
      period,
      from: Date.parse(`${period.start}T00:00:00Z`),
      to: Date.parse(`${period.end}T00:00:00Z`) + DAY_MS,
      accounts,
      regions,
      pairs,
      ...(regions.length >= 3 ? { euRegion: regions[2] } : {}),
      homeRegion: regions[0],
      buckets: [],
      instances: [],
      clusters: [],
      globals: [],
      tables: [],
      fileSystems: [],
      ec2: [],
      functions: [],
      vaults: [],
      keys: [],
      plans: [],
      trails: [],
      alarms: [],
      restoreTesting: [],
      reportPlans: [],
      protectedResources: [],
      findings: {},
    };
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** A creation time in 2025 (before the period), stable for a name. */
  private createdBefore(name: string, earliestDaysBefore = 420, latestDaysBefore = 60): number {
    const r = new Random(`created:${this.options.seed}:${name}`);
    const days = r.int(latestDaysBefore, earliestDaysBefore);
    return this.estate.from - days * DAY_MS + r.int(8 * 3600, 20 * 3600) * 1000 + r.int(0, 999);
  }

  private secondaryOf(region: string): string | undefined {
    return this.estate.pairs.find((p) => p.primary === region)?.secondary;
  }

  private primaryOf(region: string): string | undefined {
    return this.estate.pairs.find((p) => p.secondary === region)?.primary;
  }

  private tags(account: AccountSpec, base: Record<string, string | undefined>, inScope = true): Tag[] {
    const all: Record<string, string | undefined> = {
      ...(inScope ? { soc2: 'in-scope' } : {}),
      system: 'larkspur-care-platform',
      environment: account.role === 'shared' ? 'shared-services' : 'production',
      ...base,
    };
    return Object.entries(all)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([Key, Value]) => ({ Key, Value }))
      .sort((a, b) => compareText(a.Key, b.Key));
  }

  private origin(region: string): string {
    return region === this.estate.euRegion ? 'eu' : 'us';
  }

  private key(account: AccountSpec, region: string, purpose: 'data' | 'backup' | 'logs'): string {
    const found = this.estate.keys.find(
      (k) => k.account === account.id && k.region === region && k.alias === `alias/${account.prefix}${purpose}` && k.manager === 'CUSTOMER',
    );
    if (found) return found.arn;
    // Multi-region keys: the primary in a pair's primary region, a replica in its secondary.
    const primaryRegion = this.primaryOf(region) ?? region;
    const partner = this.secondaryOf(primaryRegion);
    const multi = partner !== undefined && region !== this.estate.euRegion;
    const id = multi ? `mrk-${stableHex(32, this.options.seed, account.id, primaryRegion, purpose)}` : stableUuid(this.options.seed, account.id, region, purpose);
    const make = (r: string, type?: 'PRIMARY' | 'REPLICA'): Key => ({
      account: account.id,
      region: r,
      arn: `arn:aws:kms:${r}:${account.id}:key/${id}`,
      created: this.createdBefore(`key:${account.id}:${primaryRegion}:${purpose}`, 700, 400) + (type === 'REPLICA' ? 3 * MINUTE_MS : 0),
      tags: this.tags(account, { purpose: `${purpose}-encryption` }),
      id,
      alias: `alias/${account.prefix}${purpose}`,
      description:
        purpose === 'data'
          ? 'Larkspur Care Platform data at rest (databases, tables, buckets)'
          : purpose === 'backup'
            ? 'AWS Backup vaults and recovery points'
            : 'CloudTrail and AWS Config logs',
      manager: 'CUSTOMER',
      ...(multi ? { multiRegion: { type: type ?? 'PRIMARY', primaryRegion, replicaRegions: [partner] } } : {}),
    });
    if (multi) {
      this.estate.keys.push(make(primaryRegion, 'PRIMARY'), make(partner, 'REPLICA'));
    } else {
      this.estate.keys.push(make(region));
    }
    return this.key(account, region, purpose);
  }

  private protect(p: Protected): void {
    this.estate.protectedResources.push(p);
  }

  /** Moves a protected resource to another backup tier: its `backup-tier` tag decides which plan selects it. */
  private setTier(p: Protected, tier: BackupTier): void {
    p.tier = tier;
    const e = this.estate;
    const lists: ReadonlyArray<ReadonlyArray<Placed>> = [e.buckets, e.instances, e.clusters, e.tables, e.fileSystems, e.ec2];
    for (const list of lists) {
      for (const r of list) {
        if (r.arn !== p.arn || r.region !== p.region) continue;
        const tag = r.tags.find((t) => t.Key === 'backup-tier');
        if (tag) tag.Value = tier;
      }
    }
  }

  // ---- resource kinds ------------------------------------------------------------------------

  private addBucket(
    account: AccountSpec,
    region: string,
    name: string,
    options: { inScope?: boolean; tier?: BackupTier; replicate?: boolean; replicaRegion?: string; classification?: string; sizeGb?: number; replicaInScope?: boolean } = {},
  ): Bucket {
    const inScope = options.inScope ?? true;
    const created = this.createdBefore(`bucket:${name}`);
    const keyArn = this.key(account, region, account.role === 'shared' ? 'logs' : 'data');
    const tier = options.tier ?? 'monthly';
    const bucket: Bucket = {
      account: account.id,
      region,
      arn: `arn:aws:s3:::${name}`,
      created,
      tags: this.tags(account, {
        'data-origin': this.origin(region),
        'data-classification': options.classification ?? (account.role === 'shared' ? 'internal' : 'phi'),
        ...(inScope ? { 'backup-tier': tier } : {}),
      }, inScope),
      name,
      replicationOff: [],
      keyArn,
      objectLock: false,
      sizeGb: options.sizeGb ?? this.random.int(20, 900),
    };
    this.estate.buckets.push(bucket);
    if (inScope) this.protect({ account: account.id, region, arn: bucket.arn, name, resourceType: 'S3', tier, created, sizeGb: bucket.sizeGb });
    const replicaRegion = options.replicaRegion ?? (options.replicate === false ? undefined : this.secondaryOf(region));
    if (replicaRegion) {
      const replicaName = `${name}-${regionShort(replicaRegion)}`;
      const replicaInScope = options.replicaInScope ?? inScope;
      const replica: Bucket = {
        account: account.id,
        region: replicaRegion,
        arn: `arn:aws:s3:::${replicaName}`,
        created: created + this.random.int(5, 40) * MINUTE_MS,
        tags: replicaInScope
          ? this.tags(account, {
              'data-origin': this.origin(region),
              'data-classification': options.classification ?? (account.role === 'shared' ? 'internal' : 'phi'),
              'backup-tier': 'monthly',
              role: 'replica',
            })
          : [
              { Key: 'owner', Value: 'data-engineering' },
              { Key: 'purpose', Value: 'analytics-staging' },
            ],
        name: replicaName,
        replicationOff: [],
        replicaOf: name,
        keyArn: this.key(account, replicaRegion, account.role === 'shared' ? 'logs' : 'data'),
        objectLock: false,
        sizeGb: bucket.sizeGb,
      };
      this.estate.buckets.push(replica);
      if (replicaInScope) {
        this.protect({ account: account.id, region: replicaRegion, arn: replica.arn, name: replicaName, resourceType: 'S3', tier: 'monthly', created: replica.created, sizeGb: replica.sizeGb });
      }
      bucket.replication = {
        destination: replicaName,
        ruleId: `replicate-to-${replicaRegion}`,
        role: `arn:aws:iam::${account.id}:role/${account.prefix}s3-replication`,
      };
    }
    return bucket;
  }

  private addRds(account: AccountSpec, region: string, id: string, tier: BackupTier, options: { reportingReplica?: boolean } = {}): DbInstance {
    const created = this.createdBefore(`rds:${account.id}:${id}`);
    const secondary = this.secondaryOf(region);
    const instance: DbInstance = {
      account: account.id,
      region,
      arn: `arn:aws:rds:${region}:${account.id}:db:${id}`,
      created,
      tags: this.tags(account, { 'data-origin': this.origin(region), 'data-classification': 'phi', 'backup-tier': tier }),
      id,
      resourceId: `db-${stableBase32(26, this.options.seed, 'dbi', account.id, region, id)}`,
      engine: 'postgres',
      engineVersion: '16.4',
      instanceClass: this.random.pick(['db.r6g.xlarge', 'db.r6g.2xlarge', 'db.m6g.xlarge']),
      multiAz: true,
      az: `${region}${this.random.pick(AZ_SUFFIXES)}`,
      replicas: [],
      keyArn: this.key(account, region, 'data'),
      storageGb: this.random.pick([200, 500, 1000]),
      backupRetention: 14,
    };
    this.estate.instances.push(instance);
    this.protect({ account: account.id, region, arn: instance.arn, name: id, resourceType: 'RDS', tier, created, sizeGb: instance.storageGb });
    if (secondary) {
      const replicaId = `${id}-${regionShort(secondary)}`;
      const replica: DbInstance = {
        ...instance,
        region: secondary,
        arn: `arn:aws:rds:${secondary}:${account.id}:db:${replicaId}`,
        created: created + this.random.int(30, 300) * MINUTE_MS,
        tags: this.tags(account, { 'data-origin': this.origin(region), 'data-classification': 'phi', role: 'dr-replica' }),
        id: replicaId,
        resourceId: `db-${stableBase32(26, this.options.seed, 'dbi', account.id, secondary, replicaId)}`,
        multiAz: false,
        az: `${secondary}${this.random.pick(AZ_SUFFIXES)}`,
        replicaSource: instance.arn,
        replicas: [],
        keyArn: this.key(account, secondary, 'data'),
        backupRetention: 7,
      };
      this.estate.instances.push(replica);
      instance.replicas.push(replica.arn);
    }
    if (options.reportingReplica) {
      const reportingId = `${id}-reporting`;
      const reporting: DbInstance = {
        ...instance,
        arn: `arn:aws:rds:${region}:${account.id}:db:${reportingId}`,
        created: created + this.random.int(2, 20) * DAY_MS,
        tags: this.tags(account, { 'data-origin': this.origin(region), 'data-classification': 'phi', role: 'reporting-replica' }),
        id: reportingId,
        resourceId: `db-${stableBase32(26, this.options.seed, 'dbi', account.id, region, reportingId)}`,
        instanceClass: 'db.r6g.large',
        multiAz: false,
        az: `${region}c`,
        replicaSource: id,
        replicas: [],
        backupRetention: 0,
      };
      this.estate.instances.push(reporting);
      instance.replicas.unshift(reportingId);
    }
    return instance;
  }

  private addAurora(account: AccountSpec, region: string, name: string, tier: BackupTier): DbCluster {
    const created = this.createdBefore(`aurora:${account.id}:${name}`);
    const secondary = this.secondaryOf(region);
    const clusterId = `${name}-${regionShort(region)}`;
    const clusterArn = `arn:aws:rds:${region}:${account.id}:cluster:${clusterId}`;
    const globalId = secondary ? `${name}-global` : undefined;
    const makeInstances = (r: string, cid: string, count: number, created0: number): Array<{ id: string; writer: boolean }> => {
      const list: Array<{ id: string; writer: boolean }> = [];
      for (let i = 1; i <= count; i += 1) {
        const iid = `${cid}-${i}`;
        list.push({ id: iid, writer: i === 1 && r === region });
        this.estate.instances.push({
          account: account.id,
          region: r,
          arn: `arn:aws:rds:${r}:${account.id}:db:${iid}`,
          created: created0 + i * 7 * MINUTE_MS,
          tags: this.tags(account, { 'data-origin': this.origin(region), 'data-classification': 'phi', role: 'cluster-member' }),
          id: iid,
          resourceId: `db-${stableBase32(26, this.options.seed, 'dbi', account.id, r, iid)}`,
          engine: 'aurora-postgresql',
          engineVersion: '15.8',
          instanceClass: 'db.r6g.large',
          multiAz: false,
          az: `${r}${AZ_SUFFIXES[(i - 1) % 3]}`,
          replicas: [],
          clusterId: cid,
          keyArn: this.key(account, r, 'data'),
          storageGb: 0,
          backupRetention: 35,
        });
      }
      return list;
    };
    const cluster: DbCluster = {
      account: account.id,
      region,
      arn: clusterArn,
      created,
      tags: this.tags(account, { 'data-origin': this.origin(region), 'data-classification': 'phi', 'backup-tier': tier }),
      id: clusterId,
      resourceId: `cluster-${stableBase32(26, this.options.seed, 'cluster', account.id, region, clusterId)}`,
      engineVersion: '15.8',
      members: makeInstances(region, clusterId, 2, created),
      ...(globalId ? { globalId } : {}),
      writer: true,
      keyArn: this.key(account, region, 'data'),
      storageGb: this.random.pick([300, 700, 1200]),
    };
    this.estate.clusters.push(cluster);
    this.protect({ account: account.id, region, arn: clusterArn, name: clusterId, resourceType: 'Aurora', tier, created, sizeGb: cluster.storageGb });
    if (secondary && globalId) {
      const secondaryId = `${name}-${regionShort(secondary)}`;
      const secondaryCreated = created + this.random.int(1, 6) * HOUR_MS;
      const secondaryCluster: DbCluster = {
        account: account.id,
        region: secondary,
        arn: `arn:aws:rds:${secondary}:${account.id}:cluster:${secondaryId}`,
        created: secondaryCreated,
        tags: this.tags(account, { 'data-origin': this.origin(region), 'data-classification': 'phi', 'backup-tier': 'monthly', role: 'global-secondary' }),
        id: secondaryId,
        resourceId: `cluster-${stableBase32(26, this.options.seed, 'cluster', account.id, secondary, secondaryId)}`,
        engineVersion: '15.8',
        members: makeInstances(secondary, secondaryId, 1, secondaryCreated),
        globalId,
        writer: false,
        keyArn: this.key(account, secondary, 'data'),
        storageGb: cluster.storageGb,
      };
      this.estate.clusters.push(secondaryCluster);
      this.protect({
        account: account.id,
        region: secondary,
        arn: secondaryCluster.arn,
        name: secondaryId,
        resourceType: 'Aurora',
        tier: 'monthly',
        created: secondaryCreated,
        sizeGb: cluster.storageGb,
      });
      this.estate.globals.push({
        account: account.id,
        region,
        id: globalId,
        arn: `arn:aws:rds::${account.id}:global-cluster:${globalId}`,
        resourceId: `cluster-${stableHex(16, this.options.seed, 'global', account.id, globalId)}`,
        created,
        members: [
          { clusterArn, writer: true },
          { clusterArn: secondaryCluster.arn, writer: false },
        ],
      });
    }
    return cluster;
  }

  private addTable(account: AccountSpec, region: string, name: string, tier: BackupTier, created?: number): Table {
    const made = created ?? this.createdBefore(`table:${account.id}:${name}`);
    const secondary = this.secondaryOf(region);
    const items = this.random.int(40_000, 9_000_000);
    const table: Table = {
      account: account.id,
      region,
      arn: `arn:aws:dynamodb:${region}:${account.id}:table/${name}`,
      created: made,
      tags: this.tags(account, { 'data-origin': this.origin(region), 'data-classification': 'phi', 'backup-tier': tier }),
      name,
      tableId: stableUuid(this.options.seed, 'table', account.id, region, name),
      replicaRegions: secondary ? [secondary] : [],
      keyArn: this.key(account, region, 'data'),
      items,
      sizeBytes: items * this.random.int(180, 2400),
    };
    this.estate.tables.push(table);
    this.protect({ account: account.id, region, arn: table.arn, name, resourceType: 'DynamoDB', tier, created: made, sizeGb: Math.max(1, Math.round(table.sizeBytes / 2 ** 30)) });
    if (secondary) {
      const replica: Table = {
        ...table,
        region: secondary,
        arn: `arn:aws:dynamodb:${secondary}:${account.id}:table/${name}`,
        created: made + this.random.int(2, 30) * MINUTE_MS,
        tags: this.tags(account, { 'data-origin': this.origin(region), 'data-classification': 'phi', 'backup-tier': 'monthly', role: 'global-table-replica' }),
        tableId: stableUuid(this.options.seed, 'table', account.id, secondary, name),
        replicaRegions: [region],
        keyArn: this.key(account, secondary, 'data'),
      };
      this.estate.tables.push(replica);
      this.protect({ account: account.id, region: secondary, arn: replica.arn, name, resourceType: 'DynamoDB', tier: 'monthly', created: replica.created, sizeGb: 1 });
    }
    return table;
  }

  private addFileSystem(account: AccountSpec, region: string, name: string, tier: BackupTier): FileSystem {
    const created = this.createdBefore(`efs:${account.id}:${name}`);
    const id = `fs-${stableHex(17, this.options.seed, 'efs', account.id, region, name)}`;
    const fs: FileSystem = {
      account: account.id,
      region,
      arn: `arn:aws:elasticfilesystem:${region}:${account.id}:file-system/${id}`,
      created,
      tags: this.tags(account, { Name: name, 'data-origin': this.origin(region), 'data-classification': 'phi', 'backup-tier': tier }),
      id,
      name,
      sizeGb: this.random.int(50, 1500),
    };
    this.estate.fileSystems.push(fs);
    this.protect({ account: account.id, region, arn: fs.arn, name, resourceType: 'EFS', tier, created, sizeGb: fs.sizeGb });
    return fs;
  }

  private addEc2(account: AccountSpec, region: string, name: string, tier: BackupTier, role: string): Ec2Instance {
    const created = this.createdBefore(`ec2:${account.id}:${region}:${name}`, 300, 20);
    const id = `i-${stableHex(17, this.options.seed, 'ec2', account.id, region, name)}`;
    const instance: Ec2Instance = {
      account: account.id,
      region,
      arn: `arn:aws:ec2:${region}:${account.id}:instance/${id}`,
      created,
      tags: this.tags(account, { Name: name, role, 'data-origin': this.origin(region), 'backup-tier': tier }),
      id,
      name,
      type: this.random.pick(['m7g.large', 'm7g.xlarge', 'c7g.xlarge']),
      volumes: [`vol-${stableHex(17, this.options.seed, 'vol', account.id, region, name)}`],
    };
    this.estate.ec2.push(instance);
    this.protect({ account: account.id, region, arn: instance.arn, name, resourceType: 'EC2', tier, created, sizeGb: 40 });
    return instance;
  }

  private addFunction(account: AccountSpec, region: string, name: string): void {
    this.estate.functions.push({
      account: account.id,
      region,
      arn: `arn:aws:lambda:${region}:${account.id}:function:${name}`,
      created: this.createdBefore(`fn:${account.id}:${region}:${name}`, 500, 10),
      tags: this.tags(account, { 'data-origin': this.origin(region) }),
      name,
    });
  }

  // ---- the Larkspur scenario -------------------------------------------------------------------

  buildLarkspur(): void {
    const e = this.estate;
    const prod = e.accounts[0];
    const shared = e.accounts[1];
    const primary = e.regions[0];
    const secondary = this.secondaryOf(primary);
    const findings = this.options.findings;

    // Prod, primary region: the care platform.
    const claims = this.addRds(prod, primary, 'larkspur-claims-db', 'daily', { reportingReplica: true });
    this.addRds(prod, primary, 'larkspur-billing-db', 'weekly');
    this.addAurora(prod, primary, 'larkspur-members', 'daily');
    this.addAurora(prod, primary, 'larkspur-careplans', 'weekly');
    for (const t of ['larkspur-appointments', 'larkspur-messages', 'larkspur-telehealth-sessions', 'larkspur-notifications', 'larkspur-audit-events']) {
      this.addTable(prod, primary, t, 'weekly');
    }
    // A table added during the period (a significant change): global from its first day.
    const addedAt = Date.UTC(2026, 3, 14, 16, 42, 7);
    if (addedAt < e.to) this.addTable(prod, primary, 'larkspur-referrals', 'weekly', addedAt);
    const documents = this.addBucket(prod, primary, 'larkspur-clinical-documents', { sizeGb: 2400 });
    this.addBucket(prod, primary, 'larkspur-patient-uploads', { sizeGb: 860 });
    this.addBucket(prod, primary, 'larkspur-claims-attachments', { sizeGb: 1300 });
    this.addBucket(prod, primary, 'larkspur-care-plan-exports', { sizeGb: 140 });
    this.addBucket(prod, primary, 'larkspur-marketing-site', { inScope: false, replicate: false, classification: 'public' });
    this.addBucket(prod, primary, 'larkspur-athena-query-results', { inScope: false, replicate: false, classification: 'internal' });
    this.addFileSystem(prod, primary, 'larkspur-shared-docs', 'monthly');
    const archive = this.addFileSystem(prod, primary, 'larkspur-report-archive', 'monthly');
    for (const n of ['larkspur-api-1', 'larkspur-api-2', 'larkspur-api-3']) this.addEc2(prod, primary, n, 'monthly', 'api');
    for (const n of ['larkspur-worker-1', 'larkspur-worker-2']) this.addEc2(prod, primary, n, 'monthly', 'worker');
    for (const n of [
      'larkspur-intake-webhook', 'larkspur-fax-ingest', 'larkspur-claims-export', 'larkspur-reminders', 'larkspur-audit-forwarder',
      'larkspur-pdf-renderer', 'larkspur-eligibility-check', 'larkspur-hl7-ingest', 'larkspur-sms-sender', 'larkspur-consent-webhook',
    ]) {
      this.addFunction(prod, primary, n);
    }
    if (secondary) {
      for (const n of ['larkspur-api-dr-1', 'larkspur-api-dr-2']) this.addEc2(prod, secondary, n, 'monthly', 'api-standby');
      for (const n of ['larkspur-intake-webhook', 'larkspur-reminders']) this.addFunction(prod, secondary, n);
    }
    e.findings.failedJobsResource = findings ? claims.arn : undefined;
    e.findings.replicationGapBucket = findings && documents.replication ? documents.name : undefined;
    if (findings && documents.replication) {
      documents.replicationOff.push({ from: Date.UTC(2026, 2, 10, 2, 14, 37), to: Date.UTC(2026, 2, 19, 2, 41, 9) });
    }
    e.findings.waivedCopyResource = findings && secondary ? archive.arn : undefined;

    // EU data: stays in the EU region — except one bucket whose replica was set up in us-east-1 (a finding).
    if (e.euRegion) {
      const eu = e.euRegion;
      this.addTable(prod, eu, 'larkspur-eu-members', 'weekly');
      this.addTable(prod, eu, 'larkspur-eu-consents', 'weekly');
      this.addFileSystem(prod, eu, 'larkspur-eu-shared-docs', 'monthly');
      // replication.s3 wants every in-scope bucket replicated to another configured region, and the only
      // configured EU region is this one: an in-scope EU bucket cannot satisfy both it and residency. The
      // finding is such a bucket replicating to the primary; without findings there is no EU bucket.
      if (findings) {
        const exports = this.addBucket(prod, eu, 'larkspur-eu-patient-exports', { tier: 'weekly', sizeGb: 310, replicate: false, replicaRegion: primary, replicaInScope: false });
        e.findings.euBucket = exports.name;
      }
      this.addEc2(prod, eu, 'larkspur-eu-api-1', 'monthly', 'api');
      this.addFunction(prod, eu, 'larkspur-eu-consent-sync');
    }

    // Shared services: the audit and log buckets, replicated to the secondary.
    if (shared) {
      this.addBucket(shared, primary, 'larkspur-cloudtrail-logs', { classification: 'audit-log', sizeGb: 420, tier: 'weekly' });
      this.addBucket(shared, primary, 'larkspur-config-history', { classification: 'audit-log', sizeGb: 35, tier: 'weekly' });
      this.addBucket(shared, primary, 'larkspur-backup-reports', { classification: 'audit-log', sizeGb: 2, tier: 'weekly' });
      this.addBucket(shared, primary, 'larkspur-build-artifacts', { classification: 'internal', sizeGb: 650, tier: 'weekly' });
      this.addFunction(shared, primary, 'larkspur-shared-log-router');
    }
    const logBucket = e.buckets.find((b) => b.name === 'larkspur-cloudtrail-logs');
    if (logBucket) logBucket.objectLock = true;
  }

  /** Workload units until the in-scope count reaches `resources`. */
  /** Clears what buildBackupPlans and buildMonitoring derive from the data stores, to build them again. */
  resetOperations(): void {
    const e = this.estate;
    e.vaults = [];
    e.plans = [];
    e.restoreTesting = [];
    e.reportPlans = [];
    e.trails = [];
    e.alarms = [];
  }

  /** Units added by scaleOut so far (names and kinds follow from it). */
  private units = 0;

  scaleOut(extra = 0): void {
    const e = this.estate;
    const targets: Array<{ account: AccountSpec; region: string }> = [];
    const workloadAccounts = e.accounts.filter((a) => a.role !== 'shared');
    const primaries = e.regions.filter((r) => this.secondaryOf(r) !== undefined || (!this.primaryOf(r) && r !== e.euRegion));
    for (const account of workloadAccounts) for (const region of primaries) targets.push({ account, region });
    // Accounts beyond the scenario get at least one unit each, so every account holds data.
    const kinds = ['rds', 'dynamodb', 'bucket', 'aurora', 'dynamodb', 'compute'] as const;
    const until = this.units + extra;
    const needsMore = () => this.units < until || this.inScopeCount() < this.options.resources || workloadAccounts.some((a) => !this.hasData(a.id));
    while (needsMore()) {
      const unit = this.units;
      const target = targets[unit % targets.length];
      const service = `${SERVICES[Math.floor(unit / targets.length) % SERVICES.length]}${unit >= targets.length * SERVICES.length ? `-${Math.floor(unit / (targets.length * SERVICES.length)) + 1}` : ''}`;
      const kind = kinds[unit % kinds.length];
      const name = `${target.account.prefix}${service}`;
      const paired = this.secondaryOf(target.region) !== undefined;
      if (kind === 'rds' && paired) this.addRds(target.account, target.region, `${name}-db`, 'monthly');
      else if (kind === 'aurora' && paired) this.addAurora(target.account, target.region, `${name}-aurora`, 'monthly');
      else if (kind === 'bucket' && paired) this.addBucket(target.account, target.region, `${name}-data`);
      else if (kind === 'compute') {
        this.addFileSystem(target.account, target.region, `${name}-files`, 'monthly');
        this.addEc2(target.account, target.region, `${name}-app`, 'monthly', 'app');
        this.addFunction(target.account, target.region, `${name}-worker`);
      } else this.addTable(target.account, target.region, `${name}-records`, 'monthly');
      this.units += 1;
    }
  }

  private hasData(account: string): boolean {
    return this.estate.protectedResources.some((p) => p.account === account);
  }

  /**
   * In-scope resources the estate will hold once plans, vaults, alarms and keys are added (they are
   * built after the data stores): the data stores counted, the rest estimated from them.
   */
  inScopeCount(): number {
    const e = this.estate;
    const inScope = (x: { tags: Tag[] }) => hasTag(x.tags, 'soc2', 'in-scope');
    const tagged = (list: ReadonlyArray<{ tags: Tag[] }>) => list.filter(inScope).length;
    const stores = tagged(e.buckets) + tagged(e.instances) + tagged(e.clusters) + tagged(e.tables) + tagged(e.fileSystems) + tagged(e.ec2) + tagged(e.functions);
    const places = new Set(e.protectedResources.map((p) => `${p.account}|${p.region}`)).size;
    const alarms =
      e.buckets.filter((b) => inScope(b) && b.replication).length +
      e.instances.filter((i) => i.replicaSource?.startsWith('arn:')).length +
      e.clusters.filter((c) => c.writer && c.globalId).length +
      e.tables.filter((t) => t.replicaRegions.length > 0 && this.secondaryOf(t.region) !== undefined).length +
      places * 2;
    // Plans: one per backup tier of each place (about two); a vault per place; a trail per account; two restore tests.
    return stores + tagged(e.keys) + alarms + this.operationalAlarms().length + places * 3 + e.accounts.length + 2;
  }

  /** The on-call alarms of the platform in prod's home region (CPU, storage, latency, throttling, errors). */
  private operationalAlarms(): Array<{ account: AccountSpec; name: string; fields: Omit<Alarm, 'account' | 'region' | 'arn' | 'created' | 'tags' | 'name' | 'actions'> }> {
    const e = this.estate;
    const prod = e.accounts[0];
    const region = e.homeRegion;
    const out: ReturnType<EstateBuilder['operationalAlarms']> = [];
    const metric = (name: string, description: string, namespace: string, metricName: string, dimensions: Array<{ Name: string; Value: string }>, threshold: number, statistic = 'Average') =>
      out.push({ account: prod, name, fields: { description, namespace, metric: metricName, dimensions, threshold, statistic, period: 300 } });
    for (const i of e.instances.filter((x) => x.account === prod.id && x.region === region && x.engine === 'postgres' && !x.replicaSource)) {
      metric(`${i.id}-cpu-high`, `CPU of ${i.id} above 80 % for 15 minutes`, 'AWS/RDS', 'CPUUtilization', [{ Name: 'DBInstanceIdentifier', Value: i.id }], 80);
      metric(`${i.id}-free-storage-low`, `Free storage of ${i.id} below 50 GiB`, 'AWS/RDS', 'FreeStorageSpace', [{ Name: 'DBInstanceIdentifier', Value: i.id }], 50 * 2 ** 30, 'Minimum');
    }
    for (const c of e.clusters.filter((x) => x.account === prod.id && x.region === region && x.writer)) {
      metric(`${c.id}-cpu-high`, `CPU of the ${c.id} writer above 80 % for 15 minutes`, 'AWS/RDS', 'CPUUtilization', [{ Name: 'DBClusterIdentifier', Value: c.id }, { Name: 'Role', Value: 'WRITER' }], 80);
    }
    for (const t of e.tables.filter((x) => x.account === prod.id && x.region === region)) {
      metric(`${t.name}-throttled`, `Throttled requests on ${t.name}`, 'AWS/DynamoDB', 'ThrottledRequests', [{ Name: 'TableName', Value: t.name }], 10, 'Sum');
    }
    for (const f of e.functions.filter((x) => x.account === prod.id && x.region === region)) {
      metric(`${f.name}-errors`, `Errors of the ${f.name} function`, 'AWS/Lambda', 'Errors', [{ Name: 'FunctionName', Value: f.name }], 5, 'Sum');
    }
    if (e.buckets.some((b) => b.account === prod.id)) {
      metric(`${prod.prefix}api-p99-latency`, 'API p99 latency above 1.5 s for 10 minutes', 'AWS/ApplicationELB', 'TargetResponseTime', [{ Name: 'LoadBalancer', Value: `app/${prod.prefix}api/${stableHex(16, 'alb', prod.id)}` }], 1.5, 'p99');
      metric(`${prod.prefix}worker-queue-depth`, 'Claims worker queue backlog above 5,000 messages', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', [{ Name: 'QueueName', Value: `${prod.prefix}claims-jobs` }], 5000, 'Maximum');
    }
    return out;
  }

  // ---- backup plans, vaults, restore testing, report plans -------------------------------------

  buildBackupPlans(): void {
    const e = this.estate;
    const seed = this.options.seed;
    // --jobs-per-day: the first N protected resources of the pairs' primaries are backed up daily (more often when N exceeds them).
    if (this.options.jobsPerDay !== undefined) {
      const primaries = e.protectedResources.filter((p) => this.secondaryOf(p.region) !== undefined || p.region === e.euRegion);
      // One a day per resource while there are enough resources; beyond that, several a day each.
      const perDay = Math.max(1, Math.ceil(this.options.jobsPerDay / Math.max(1, primaries.length)));
      const daily = Math.ceil(this.options.jobsPerDay / perDay);
      primaries.forEach((p, i) => this.setTier(p, i < daily ? 'daily' : 'monthly'));
      this.dailyPerDay = Math.min(24, perDay);
    }
    const keyOf = (p: Protected) => `${p.account}|${p.region}`;
    const groups = new Map<string, Protected[]>();
    for (const p of e.protectedResources) groups.set(keyOf(p), [...(groups.get(keyOf(p)) ?? []), p]);
    // A vault wherever something is protected or copied to.
    const vaultPlaces = new Set(groups.keys());
    for (const k of groups.keys()) {
      const [account, region] = k.split('|');
      const s = this.secondaryOf(region);
      if (s) vaultPlaces.add(`${account}|${s}`);
    }
    for (const place of [...vaultPlaces].sort()) {
      const [accountIdValue, region] = place.split('|');
      const account = e.accounts.find((a) => a.id === accountIdValue)!;
      const name = `${account.prefix}${this.primaryOf(region) ? 'dr-' : region === e.euRegion ? 'eu-' : ''}vault`;
      const created = this.createdBefore(`vault:${place}`, 600, 380);
      e.vaults.push({
        account: account.id,
        region,
        arn: `arn:aws:backup:${region}:${account.id}:backup-vault:${name}`,
        created,
        tags: this.tags(account, { 'data-origin': this.origin(region) }),
        name,
        keyArn: this.key(account, region, 'backup'),
        // Compliance mode: locked with a grace period of 3 days, immutable since.
        lockDate: created + 3 * DAY_MS + 2 * HOUR_MS,
        minRetention: 35,
        maxRetention: 2555,
      });
    }
    const vaultIn = (account: string, region: string) => e.vaults.find((v) => v.account === account && v.region === region)!;
    const tierOrder: BackupTier[] = ['daily', 'weekly', 'monthly'];
    for (const [place, members] of [...groups].sort((a, b) => compareText(a[0], b[0]))) {
      const [accountIdValue, region] = place.split('|');
      const account = e.accounts.find((a) => a.id === accountIdValue)!;
      const copyRegion = this.secondaryOf(region);
      for (const tier of tierOrder) {
        if (!members.some((m) => m.tier === tier)) continue;
        const planName = `${account.prefix}${this.primaryOf(region) ? 'dr-' : region === e.euRegion ? 'eu-' : ''}${tier}`;
        const id = stableUuid(seed, 'plan', account.id, region, planName);
        const created = this.createdBefore(`plan:${place}:${tier}`, 370, 200);
        const perDay = tier === 'daily' ? this.dailyPerDay : 1;
        const rule: PlanRule = {
          id: stableUuid(seed, 'rule', id),
          name: `${tier}-${tier === 'daily' ? 'backup' : tier === 'weekly' ? 'sunday' : 'first-of-month'}`,
          tier,
          perDay,
          schedule: scheduleExpression(tier, perDay),
          vaultName: vaultIn(account.id, region).name,
          startWindowMinutes: 480,
          completionWindowMinutes: 10080,
          lifecycleDays: 35,
          ...(copyRegion ? { copyTo: { vaultArn: vaultIn(account.id, copyRegion).arn, lifecycleDays: 35 } } : {}),
        };
        e.plans.push({
          account: account.id,
          region,
          arn: `arn:aws:backup:${region}:${account.id}:backup-plan:${id}`,
          created,
          tags: this.tags(account, {}),
          id,
          name: planName,
          versionId: Buffer.from(stableUuid(seed, 'plan-version', id)).toString('base64').slice(0, 48),
          rules: [rule],
          selections: [
            {
              id: stableUuid(seed, 'selection', id),
              name: `soc2-${tier}`,
              created: created + 4 * MINUTE_MS,
              conditions: [
                { key: 'aws:ResourceTag/soc2', value: 'in-scope' },
                { key: 'aws:ResourceTag/backup-tier', value: tier },
              ],
            },
          ],
        });
      }
    }

    // Restore testing, in the first primary region of prod: the daily-backed-up databases.
    const prod = e.accounts[0];
    const primary = e.regions[0];
    const dailyDbs = e.protectedResources.filter((p) => p.account === prod.id && p.region === primary && p.tier === 'daily' && (p.resourceType === 'RDS' || p.resourceType === 'Aurora'));
    const aurora = dailyDbs.find((p) => p.resourceType === 'Aurora');
    const rds = dailyDbs.find((p) => p.resourceType === 'RDS');
    const addTesting = (target: Protected | undefined, name: string, weekday: number, firstOfMonthOnly: boolean) => {
      if (!target) return;
      const resource = target.resourceType === 'RDS' ? e.instances.find((i) => i.arn === target.arn)! : e.clusters.find((c) => c.arn === target.arn)!;
      const suffix = stableUuid(seed, 'restore-testing', name);
      e.restoreTesting.push({
        account: prod.id,
        region: primary,
        arn: `arn:aws:backup:${primary}:${prod.id}:restore-testing-plan:${name}-${suffix}`,
        created: this.createdBefore(`rtp:${name}`, 200, 90),
        tags: this.tags(prod, {}),
        name,
        schedule: `cron(45 ${this.restoreHour()} ? * ${['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'][weekday]}${firstOfMonthOnly ? '#1' : ''} *)`,
        weekday,
        firstOfMonthOnly,
        // 45 minutes after the day's 04:00 backup (or the last backup at or before 04:00 when there are several a day).
        hour: this.restoreHour(),
        minute: 45,
        target: resource,
        targetType: target.resourceType as 'RDS' | 'Aurora',
      });
    };
    addTesting(aurora, 'larkspur_weekly_aurora_restore_test', 0, false);
    addTesting(rds, 'larkspur_monthly_rds_restore_test', 0, true);

    for (const account of e.accounts) {
      if (!e.plans.some((p) => p.account === account.id)) continue;
      const name = `${account.prefix.replace(/-/g, '_')}backup_jobs`;
      e.reportPlans.push({
        account: account.id,
        region: e.homeRegion,
        arn: `arn:aws:backup:${e.homeRegion}:${account.id}:report-plan:${name}`,
        created: this.createdBefore(`report:${account.id}`, 300, 100),
        tags: this.tags(account, {}),
        name,
        template: 'BACKUP_JOB_REPORT',
        bucket: 'larkspur-backup-reports',
      });
    }
  }

  /** Restore tests run 45 minutes after the day's 04:00 backup (the last one at or before 04:00 when there are several a day). */
  private restoreHour(): number {
    const step = Math.floor(24 / this.dailyPerDay);
    return this.dailyPerDay > 1 ? Math.floor(4 / step) * step : 4;
  }

  // ---- monitoring: trails, alarms -------------------------------------------------------------

  buildMonitoring(): void {
    const e = this.estate;
    const logAccount = e.accounts[1] ?? e.accounts[0];
    for (const account of e.accounts) {
      const name = `${account.prefix}audit`;
      const created = this.createdBefore(`trail:${account.id}`, 800, 500);
      e.trails.push({
        account: account.id,
        region: e.homeRegion,
        arn: `arn:aws:cloudtrail:${e.homeRegion}:${account.id}:trail/${name}`,
        created,
        tags: this.tags(account, {}),
        name,
        bucket: e.buckets.find((b) => b.name === 'larkspur-cloudtrail-logs')?.name ?? `${logAccount.prefix}cloudtrail-logs`,
        keyArn: this.key(logAccount, e.homeRegion, 'logs'),
        logGroupArn: `arn:aws:logs:${e.homeRegion}:${account.id}:log-group:/aws/cloudtrail/${name}:*`,
        loggingSince: created + 2 * MINUTE_MS,
      });
    }
    for (const account of e.accounts) {
      for (const region of e.regions) {
        const topic = `arn:aws:sns:${region}:${account.id}:${account.prefix}oncall`;
        const alarm = (name: string, fields: Omit<Alarm, 'account' | 'region' | 'arn' | 'created' | 'tags' | 'name' | 'actions'>) => {
          e.alarms.push({
            account: account.id,
            region,
            arn: `arn:aws:cloudwatch:${region}:${account.id}:alarm:${name}`,
            created: this.createdBefore(`alarm:${account.id}:${region}:${name}`, 400, 30),
            tags: this.tags(account, {}),
            name,
            actions: [topic],
            ...fields,
          });
        };
        const plans = e.plans.filter((p) => p.account === account.id && p.region === region);
        const vault = e.vaults.find((v) => v.account === account.id && v.region === region);
        if (plans.length > 0 && vault) {
          alarm(`${account.prefix}backup-jobs-failed`, {
            description: `An AWS Backup job failed in ${vault.name}`,
            namespace: 'AWS/Backup',
            metric: 'NumberOfBackupJobsFailed',
            dimensions: [{ Name: 'BackupVaultName', Value: vault.name }],
            threshold: 0,
            statistic: 'Sum',
            period: 3600,
          });
          if (plans.some((p) => p.rules.some((r) => r.copyTo))) {
            alarm(`${account.prefix}copy-jobs-failed`, {
              description: `A cross-region backup copy from ${vault.name} failed`,
              namespace: 'AWS/Backup',
              metric: 'NumberOfCopyJobsFailed',
              dimensions: [{ Name: 'BackupVaultName', Value: vault.name }],
              threshold: 0,
              statistic: 'Sum',
              period: 3600,
            });
          }
        }
        for (const b of e.buckets.filter((x) => x.account === account.id && x.region === region && x.replication && hasTag(x.tags, 'soc2', 'in-scope'))) {
          alarm(`${b.name}-replication-latency`, {
            description: `Replication of ${b.name} to ${b.replication!.destination} is late`,
            namespace: 'AWS/S3',
            metric: 'ReplicationLatency',
            dimensions: [
              { Name: 'SourceBucket', Value: b.name },
              { Name: 'DestinationBucket', Value: b.replication!.destination },
              { Name: 'RuleId', Value: b.replication!.ruleId },
            ],
            threshold: 900,
            statistic: 'Maximum',
            period: 300,
          });
        }
        for (const i of e.instances.filter((x) => x.account === account.id && x.region === region && x.replicaSource?.startsWith('arn:'))) {
          alarm(`${i.id}-replica-lag`, {
            description: `Cross-region read replica ${i.id} lags its source`,
            namespace: 'AWS/RDS',
            metric: 'ReplicaLag',
            dimensions: [{ Name: 'DBInstanceIdentifier', Value: i.id }],
            threshold: 300,
            statistic: 'Maximum',
            period: 60,
          });
        }
        for (const c of e.clusters.filter((x) => x.account === account.id && x.region === region && x.globalId && x.writer)) {
          alarm(`${c.globalId}-replication-lag`, {
            description: `Aurora global database ${c.globalId} replication lag above 30 s`,
            namespace: 'AWS/RDS',
            metric: 'AuroraGlobalDBReplicationLag',
            dimensions: [{ Name: 'DBClusterIdentifier', Value: c.id }],
            threshold: 30000,
            statistic: 'Maximum',
            period: 60,
          });
        }
        for (const t of e.tables.filter((x) => x.account === account.id && x.region === region && x.replicaRegions.length > 0 && this.secondaryOf(region))) {
          alarm(`${t.name}-replication-latency`, {
            description: `Global table ${t.name} replication to ${t.replicaRegions.join(', ')} is late`,
            namespace: 'AWS/DynamoDB',
            metric: 'ReplicationLatency',
            dimensions: [
              { Name: 'TableName', Value: t.name },
              { Name: 'ReceivingRegion', Value: t.replicaRegions[0] },
            ],
            threshold: 60000,
            statistic: 'Average',
            period: 300,
          });
        }
        if (account.role === 'prod' && region === e.homeRegion) {
          for (const a of this.operationalAlarms()) alarm(a.name, a.fields);
          alarm(`${account.prefix}api-5xx`, {
            description: 'API 5xx responses above 2 % for 5 minutes',
            namespace: 'AWS/ApplicationELB',
            metric: 'HTTPCode_Target_5XX_Count',
            dimensions: [{ Name: 'LoadBalancer', Value: `app/${account.prefix}api/${stableHex(16, 'alb', account.id)}` }],
            threshold: 50,
            statistic: 'Sum',
            period: 300,
          });
          const children = e.alarms.filter((a) => a.account === account.id && a.region === region && (a.namespace === 'AWS/Backup' || a.metric === 'AuroraGlobalDBReplicationLag'));
          if (children.length > 0) {
            alarm(`${account.prefix}dr-readiness`, {
              description: 'Backups or replication to the recovery region are failing',
              rule: children.map((c) => `ALARM("${c.name}")`).join(' OR '),
            });
          }
        }
      }
    }
  }
}

export function regionShort(region: string): string {
  const [geo, dir, n] = region.split('-');
  return `${geo}${dir[0]}${n}`;
}

export function hasTag(tags: readonly Tag[], key: string, value: string): boolean {
  return tags.some((t) => t.Key === key && t.Value === value);
}

export function scheduleExpression(tier: BackupTier, perDay = 1): string {
  if (tier === 'daily') return perDay > 1 ? `cron(0 */${Math.floor(24 / perDay)} ? * * *)` : 'cron(0 4 ? * * *)';
  if (tier === 'weekly') return 'cron(0 6 ? * SUN *)';
  return 'cron(0 1 1 * ? *)';
}

/** In-scope resources by kind and region (for the report and the README). */
export function countInScope(estate: Estate): Array<{ kind: string; region: string; count: number }> {
  const rows = new Map<string, number>();
  const add = (kind: string, list: ReadonlyArray<{ region: string; tags: Tag[] }>) => {
    for (const x of list) {
      if (!hasTag(x.tags, 'soc2', 'in-scope')) continue;
      const key = `${kind}|${x.region}`;
      rows.set(key, (rows.get(key) ?? 0) + 1);
    }
  };
  add('S3 bucket', estate.buckets);
  add('RDS DB instance', estate.instances);
  add('Aurora DB cluster', estate.clusters);
  add('DynamoDB table', estate.tables);
  add('EFS file system', estate.fileSystems);
  add('EC2 instance', estate.ec2);
  add('Lambda function', estate.functions);
  add('Backup vault', estate.vaults);
  add('Backup plan', estate.plans);
  add('KMS key', estate.keys);
  add('CloudTrail trail', estate.trails);
  add('CloudWatch alarm', estate.alarms);
  add('Restore testing plan', estate.restoreTesting);
  return [...rows]
    .map(([key, count]) => ({ kind: key.split('|')[0], region: key.split('|')[1], count }))
    .sort((a, b) => compareText(a.kind, b.kind) || compareText(a.region, b.region));
}

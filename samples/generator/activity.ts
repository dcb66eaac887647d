/**
 * What happens in the estate over time: AWS Backup jobs (backup, copy, restore tests) from the
 * plans' schedules, CloudTrail management events, AWS Config configuration items, and the DR game
 * days people ran. Deterministic: each job's timing and size come from a PRNG forked by what the
 * job is, so adding a resource does not move anyone else's jobs.
 */
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  type BackupTier,
  type Estate,
  type Plan,
  type PlanRule,
  type Protected,
  type RestoreTestingPlan,
  type Vault,
} from './estate.js';
import { compareText, Random, stableHex, stableUuid } from './random.js';

export interface BackupJobRecord {
  id: string;
  account: string;
  region: string;
  vault: Vault;
  resource: Protected;
  plan: Plan;
  rule: PlanRule;
  scheduled: number;
  created: number;
  completed: number;
  state: 'COMPLETED' | 'FAILED';
  statusMessage?: string;
  messageCategory: string;
  sizeBytes: number;
  /** The recovery point it made (completed jobs). */
  recoveryPointArn?: string;
}

export interface CopyJobRecord {
  id: string;
  account: string;
  /** The source region: ListCopyJobs there lists it. */
  region: string;
  source: Vault;
  destination: Vault;
  resource: Protected;
  plan?: Plan;
  rule?: PlanRule;
  backupJobId?: string;
  created: number;
  completed: number;
  state: 'COMPLETED' | 'FAILED';
  statusMessage?: string;
  messageCategory: string;
  sizeBytes: number;
  sourceRecoveryPointArn: string;
  destinationRecoveryPointArn?: string;
  /** Creation of the source recovery point (a copy keeps it). */
  recoveryPointCreated: number;
}

export interface RestoreJobRecord {
  id: string;
  account: string;
  region: string;
  plan: RestoreTestingPlan;
  vault: Vault;
  recoveryPointArn: string;
  recoveryPointCreated: number;
  created: number;
  completed: number;
  validated: number;
  deleted: number;
  sizeBytes: number;
  createdResourceArn: string;
}

export interface TrailEventRecord {
  id: string;
  account: string;
  region: string;
  name: string;
  source: string;
  time: number;
  username: string;
  userArn: string;
  userType: 'AssumedRole' | 'AWSService';
  invokedBy?: string;
  params: Record<string, unknown>;
  response?: Record<string, unknown> | null;
  resources: Array<{ ResourceType: string; ResourceName: string }>;
}

export interface ConfigItemRecord {
  account: string;
  region: string;
  type: string;
  id: string;
  name?: string;
  arn?: string;
  capture: number;
  status: 'OK' | 'ResourceDiscovered' | 'ResourceDeleted';
  created?: number;
  configuration: Record<string, unknown> | null;
  supplementary: Record<string, unknown>;
  tags: Record<string, string>;
}

export interface DrGameDay {
  file: string;
  /** When the record was approved and filed (the monthly run after it reads it). */
  filed: number;
  record: Record<string, unknown>;
}

export interface Activity {
  /** Keyed `account|region`, sorted by creation. */
  backupJobs: Map<string, BackupJobRecord[]>;
  copyJobs: Map<string, CopyJobRecord[]>;
  restoreJobs: Map<string, RestoreJobRecord[]>;
  /** Keyed `account|region`, sorted by time. */
  events: Map<string, TrailEventRecord[]>;
  gameDays: DrGameDay[];
  /** Counts for the report. */
  counts: { backupJobs: number; copyJobs: number; restoreJobs: number; events: number };
}

/** How long AWS Backup takes, per resource type: [min, max] minutes for a backup of `sizeGb`. */
function backupMinutes(type: Protected['resourceType'], sizeGb: number, random: Random): number {
  const base = { RDS: [6, 18], Aurora: [4, 12], DynamoDB: [1, 4], S3: [12, 55], EFS: [35, 150], EC2: [8, 25] }[type];
  return base[0] + random.next() * (base[1] - base[0]) * Math.min(1.5, 0.5 + sizeGb / 1000);
}

export const JOB_HISTORY_DAYS = 40;

/** Every job and event from `JOB_HISTORY_DAYS` before the period to `until`. */
export function buildActivity(estate: Estate, until: number): Activity {
  const backupJobs = new Map<string, BackupJobRecord[]>();
  const copyJobs = new Map<string, CopyJobRecord[]>();
  const restoreJobs = new Map<string, RestoreJobRecord[]>();
  const events = new Map<string, TrailEventRecord[]>();
  const push = <T>(map: Map<string, T[]>, key: string, item: T) => {
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  };
  const seed = estate.options.seed;
  const begin = estate.from - JOB_HISTORY_DAYS * DAY_MS;
  const vaultOf = (account: string, region: string) => estate.vaults.find((v) => v.account === account && v.region === region)!;
  const vaultByArn = new Map(estate.vaults.map((v) => [v.arn, v]));

  // 1. Backup jobs from each plan's rule, for the resources its selection picks (by tag), and their copies.
  for (const plan of estate.plans) {
    const selected = estate.protectedResources.filter(
      (p) => p.account === plan.account && p.region === plan.region && plan.rules.some((r) => r.tier === p.tier),
    );
    for (const rule of plan.rules) {
      for (const resource of selected.filter((p) => p.tier === rule.tier)) {
        for (const scheduled of scheduleTimes(rule.tier, rule.perDay, Math.max(begin, plan.created), until)) {
          if (scheduled < resource.created || (resource.deleted !== undefined && scheduled >= resource.deleted)) continue;
          const r = new Random(`job:${seed}:${resource.arn}:${resource.region}:${scheduled}`);
          const id = stableUuid(seed, 'backup-job', resource.region, resource.arn, scheduled).toUpperCase();
          const created = scheduled + r.int(300, 90_000);
          const failed = estate.findings.failedJobsResource === resource.arn && resource.region === estate.regions[0] && isFailureWeek(scheduled);
          const vault = vaultOf(plan.account, plan.region);
          const sizeBytes = Math.round(resource.sizeGb * 2 ** 30 * (0.92 + 0.16 * r.next()));
          const minutes = failed ? r.between(4, 9) : backupMinutes(resource.resourceType, resource.sizeGb, r);
          const completed = created + Math.round(minutes * MINUTE_MS);
          const job: BackupJobRecord = {
            id,
            account: plan.account,
            region: plan.region,
            vault,
            resource,
            plan,
            rule,
            scheduled,
            created,
            completed,
            state: failed ? 'FAILED' : 'COMPLETED',
            ...(failed
              ? {
                  statusMessage: `The DB instance ${resource.name} is in the storage-optimization state; a snapshot can be taken only when it is available. Backup job failed after waiting for the start window.`,
                }
              : {}),
            messageCategory: failed ? 'InvalidParameters' : 'SUCCESS',
            sizeBytes: failed ? 0 : sizeBytes,
            ...(failed ? {} : { recoveryPointArn: recoveryPointArn(resource, vault, id, created, seed) }),
          };
          push(backupJobs, `${job.account}|${job.region}`, job);
          if (failed || !rule.copyTo) continue;
          const destination = vaultByArn.get(rule.copyTo.vaultArn)!;
          const copyCreated = completed + r.int(20_000, 180_000);
          const copyMinutes = 6 + r.next() * 30 * Math.min(1.5, 0.3 + resource.sizeGb / 1000);
          const copyId = stableUuid(seed, 'copy-job', id).toUpperCase();
          const waived = estate.findings.waivedCopyResource === resource.arn && isWaivedCopyDay(scheduled);
          const copy: CopyJobRecord = {
            id: copyId,
            account: plan.account,
            region: plan.region,
            source: vault,
            destination,
            resource,
            plan,
            rule,
            backupJobId: id,
            created: copyCreated,
            completed: copyCreated + Math.round((waived ? r.between(1, 3) : copyMinutes) * MINUTE_MS),
            state: waived ? 'FAILED' : 'COMPLETED',
            ...(waived
              ? {
                  statusMessage: `Copy job failed: AWS Backup is not authorized to use the KMS key ${destination.keyArn} in ${destination.region}; the key policy does not allow the AWSBackupDefaultServiceRole to call kms:CreateGrant.`,
                }
              : {}),
            messageCategory: waived ? 'AccessDenied' : 'SUCCESS',
            sizeBytes: waived ? 0 : sizeBytes,
            sourceRecoveryPointArn: job.recoveryPointArn!,
            ...(waived ? {} : { destinationRecoveryPointArn: recoveryPointArn(resource, destination, copyId, created, seed, true) }),
            recoveryPointCreated: created,
          };
          push(copyJobs, `${copy.account}|${copy.region}`, copy);
          if (waived) {
            // The on-call engineer fixed the key policy and copied the recovery point again by hand the same morning.
            const rerunCreated = Date.UTC(new Date(scheduled).getUTCFullYear(), new Date(scheduled).getUTCMonth(), new Date(scheduled).getUTCDate(), 9, 12, 41);
            const rerunId = stableUuid(seed, 'copy-job-rerun', id).toUpperCase();
            push(copyJobs, `${copy.account}|${copy.region}`, {
              ...copy,
              id: rerunId,
              plan: undefined,
              rule: undefined,
              backupJobId: undefined,
              created: rerunCreated,
              completed: rerunCreated + Math.round(copyMinutes * MINUTE_MS),
              state: 'COMPLETED',
              statusMessage: undefined,
              messageCategory: 'SUCCESS',
              sizeBytes,
              destinationRecoveryPointArn: recoveryPointArn(resource, destination, rerunId, created, seed, true),
            });
          }
        }
      }
    }
  }

  // 2. Restore tests: the latest recovery point of the target within 7 days, restored and validated.
  for (const plan of estate.restoreTesting) {
    const jobs = backupJobs.get(`${plan.account}|${plan.region}`) ?? [];
    for (const run of restoreTestTimes(plan, Math.max(begin, plan.created), until)) {
      const r = new Random(`restore:${seed}:${plan.arn}:${run}`);
      const source = jobs
        .filter((j) => j.resource.arn === plan.target.arn && j.state === 'COMPLETED' && j.completed <= run && j.created >= run - 7 * DAY_MS)
        .sort((a, b) => b.created - a.created)[0];
      if (!source) continue;
      const created = run + r.int(40_000, 240_000);
      const completed = created + Math.round(r.between(plan.targetType === 'Aurora' ? 18 : 26, plan.targetType === 'Aurora' ? 42 : 58) * MINUTE_MS);
      const id = stableUuid(seed, 'restore-job', plan.arn, run).toUpperCase();
      const restoredId = `awsbackup-restore-test-${stableHex(12, seed, 'restored', id)}`;
      push(restoreJobs, `${plan.account}|${plan.region}`, {
        id,
        account: plan.account,
        region: plan.region,
        plan,
        vault: source.vault,
        recoveryPointArn: source.recoveryPointArn!,
        recoveryPointCreated: source.created,
        created,
        completed,
        validated: completed + r.int(6, 25) * MINUTE_MS,
        deleted: completed + 4 * HOUR_MS + r.int(1, 15) * MINUTE_MS,
        sizeBytes: source.sizeBytes,
        createdResourceArn:
          plan.targetType === 'Aurora'
            ? `arn:aws:rds:${plan.region}:${plan.account}:cluster:${restoredId}`
            : `arn:aws:rds:${plan.region}:${plan.account}:db:${restoredId}`,
      });
      push(events, `${plan.account}|${plan.region}`, {
        id: stableUuid(seed, 'event', 'StartRestoreJob', id),
        account: plan.account,
        region: plan.region,
        name: 'StartRestoreJob',
        source: 'backup.amazonaws.com',
        time: created - r.int(1_000, 9_000),
        username: 'AWSBackup-AWSBackupDefaultServiceRole',
        userArn: `arn:aws:sts::${plan.account}:assumed-role/AWSBackupDefaultServiceRole/AWSBackup-AWSBackupDefaultServiceRole`,
        userType: 'AssumedRole',
        invokedBy: 'backup.amazonaws.com',
        params: {
          recoveryPointArn: source.recoveryPointArn,
          iamRoleArn: `arn:aws:iam::${plan.account}:role/service-role/AWSBackupDefaultServiceRole`,
          resourceType: plan.targetType,
          restoreTestingPlanArn: plan.arn,
        },
        response: { restoreJobId: id },
        resources: [],
      });
    }
  }

  // 3. The scenario's events: configuration changes and the DR game days.
  const gameDays = buildGameDays(estate);
  for (const e of scenarioEvents(estate, gameDays)) push(events, `${e.account}|${e.region}`, e);

  for (const list of backupJobs.values()) list.sort((a, b) => a.created - b.created || compareText(a.id, b.id));
  for (const list of copyJobs.values()) list.sort((a, b) => a.created - b.created || compareText(a.id, b.id));
  for (const list of restoreJobs.values()) list.sort((a, b) => a.created - b.created || compareText(a.id, b.id));
  for (const list of events.values()) list.sort((a, b) => a.time - b.time || compareText(a.id, b.id));
  const count = <T>(map: Map<string, T[]>) => [...map.values()].reduce((n, l) => n + l.length, 0);
  return {
    backupJobs,
    copyJobs,
    restoreJobs,
    events,
    gameDays,
    counts: { backupJobs: count(backupJobs), copyJobs: count(copyJobs), restoreJobs: count(restoreJobs), events: count(events) },
  };
}

/** Mon 9 to Sun 15 March 2026: the claims database's storage optimization blocked its snapshots. */
function isFailureWeek(at: number): boolean {
  return at >= Date.UTC(2026, 2, 9) && at < Date.UTC(2026, 2, 16);
}

/** The first-of-April monthly copy of the report archive failed on a KMS key policy (waived). */
function isWaivedCopyDay(at: number): boolean {
  return at >= Date.UTC(2026, 3, 1) && at < Date.UTC(2026, 3, 2);
}

/** Times a rule's schedule fires in [from, to). */
export function scheduleTimes(tier: BackupTier, perDay: number, from: number, to: number): number[] {
  const out: number[] = [];
  const day0 = Math.floor(from / DAY_MS) * DAY_MS;
  for (let day = day0; day < to; day += DAY_MS) {
    const d = new Date(day);
    if (tier === 'daily') {
      if (perDay > 1) {
        const step = Math.floor(24 / perDay);
        for (let h = 0; h < 24; h += step) out.push(day + h * HOUR_MS);
      } else out.push(day + 4 * HOUR_MS);
    } else if (tier === 'weekly') {
      if (d.getUTCDay() === 0) out.push(day + 6 * HOUR_MS);
    } else if (d.getUTCDate() === 1) out.push(day + 1 * HOUR_MS);
  }
  return out.filter((t) => t >= from && t < to);
}

function restoreTestTimes(plan: RestoreTestingPlan, from: number, to: number): number[] {
  const out: number[] = [];
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) {
    const d = new Date(day);
    if (d.getUTCDay() !== plan.weekday) continue;
    if (plan.firstOfMonthOnly && d.getUTCDate() > 7) continue;
    const t = day + plan.hour * HOUR_MS + plan.minute * MINUTE_MS;
    if (t >= from && t < to) out.push(t);
  }
  return out;
}

/**
 * The ARN AWS Backup gives a recovery point, by resource type: that of a backup job in the source
 * vault, or (`copy`) that of a copy job in the destination vault.
 */
function recoveryPointArn(resource: Protected, vault: Vault, jobId: string, created: number, seed: string, copy = false): string {
  const job = jobId.toLowerCase();
  const kind = copy ? 'copyjob' : 'job';
  switch (resource.resourceType) {
    case 'RDS':
      return `arn:aws:rds:${vault.region}:${vault.account}:snapshot:awsbackup:${kind}-${job}`;
    case 'Aurora':
      return `arn:aws:rds:${vault.region}:${vault.account}:cluster-snapshot:awsbackup:${kind}-${job}`;
    case 'EC2':
      return `arn:aws:ec2:${vault.region}::image/ami-${stableHex(17, seed, copy ? 'ami-copy' : 'ami', job)}`;
    default:
      // DynamoDB backups are the table's own; their copies in another region are AWS Backup's.
      if (resource.resourceType === 'DynamoDB' && !copy) return `${resource.arn}/backup/${String(created).padStart(17, '0')}-${stableHex(8, seed, 'ddb-backup', job)}`;
      return `arn:aws:backup:${vault.region}:${vault.account}:recovery-point:${stableUuid(seed, copy ? 'rp-copy' : 'rp', job).toUpperCase()}`;
  }
}

// ---- DR game days ------------------------------------------------------------------------------

const PEOPLE = {
  cto: { name: 'Priya Raman', role: 'CTO' },
  sre: { name: 'Dana Whitfield', role: 'SRE lead' },
  dba: { name: 'Omar Haddad', role: 'Database engineer' },
  sec: { name: 'Grace Okafor', role: 'Security and compliance lead' },
  app: { name: 'Mateo Alvarez', role: 'Platform engineer' },
  eu: { name: 'Lena Vogt', role: 'EU data protection officer' },
};

/** Four game days of the period (fewer when the period or the regions do not hold them). */
export function buildGameDays(estate: Estate): DrGameDay[] {
  const primary = estate.regions[0];
  const secondary = estate.pairs.find((p) => p.primary === primary)?.secondary ?? primary;
  const prod = estate.accounts[0].id;
  const cluster = estate.clusters.find((c) => c.account === prod && c.region === primary && c.writer && c.globalId);
  const billing = estate.instances.find((i) => i.account === prod && i.region === primary && i.id === 'larkspur-billing-db');
  const claims = estate.instances.find((i) => i.account === prod && i.region === primary && i.id === 'larkspur-claims-db');
  const consents = estate.tables.find((t) => t.name === 'larkspur-eu-consents');
  const days: DrGameDay[] = [];
  const add = (file: string, filed: string, record: Record<string, unknown>) => {
    if (Date.parse(String(record.start)) < estate.to) days.push({ file, filed: Date.parse(filed), record });
  };
  add('2026-02-11-aurora-global-failover.yaml', '2026-02-18T16:00:00Z', {
    id: 'DR-2026-02-AURORA',
    title: 'Aurora global database regional failover (members)',
    scenario: `Simulated loss of ${primary}: fail the members database (${cluster?.globalId ?? 'global cluster'}) over to ${secondary}, run the member-lookup smoke tests against the promoted writer, then switch back.`,
    start: '2026-02-11T14:00:00Z',
    end: '2026-02-11T14:34:00Z',
    regions: { from: primary, to: secondary },
    systems: ['members-db', 'care-api', 'member-portal'],
    resources: cluster ? [cluster.arn, `arn:aws:rds::${prod}:global-cluster:${cluster.globalId}`] : [],
    participants: [PEOPLE.sre, PEOPLE.dba, PEOPLE.app],
    measured: { rtoMinutes: 34, rpoMinutes: 0.1, replicaLagSeconds: 0.9 },
    outcome: 'pass',
    evidence: [{ title: 'Runbook log', link: 'https://wiki.larkspur.health/dr/2026-02-aurora-failover' }],
    approver: { ...PEOPLE.cto, date: '2026-02-18' },
  });
  add('2026-03-25-billing-pitr-restore.yaml', '2026-03-31T15:30:00Z', {
    id: 'DR-2026-03-BILLING-PITR',
    title: `Point-in-time restore of the billing database in ${secondary}`,
    scenario: `Corruption of the billing database: restore ${billing?.id ?? 'the billing database'} to a point in time in ${secondary} from its replicated automated backups and reconcile the last hour of invoices.`,
    start: '2026-03-25T13:00:00Z',
    end: '2026-03-25T14:11:00Z',
    regions: { from: primary, to: secondary },
    systems: ['billing-db', 'billing-service'],
    resources: billing ? [billing.arn] : [],
    participants: [PEOPLE.dba, PEOPLE.app],
    measured: { rtoMinutes: 71, rpoMinutes: 5 },
    outcome: 'pass',
    evidence: [{ title: 'Restore ticket', link: 'https://larkspur.atlassian.net/browse/OPS-4412' }],
    approver: { ...PEOPLE.cto, date: '2026-03-31' },
  });
  add('2026-05-13-regional-failover.yaml', '2026-05-22T10:00:00Z', {
    id: 'DR-2026-05-REGION',
    title: `Full regional failover of the care platform to ${secondary}`,
    scenario: `Simulated outage of ${primary}: promote the claims read replica, fail the members global database over, cut DNS for api.larkspur.health over to ${secondary} and run the end-to-end appointment booking test.`,
    start: '2026-05-13T09:00:00Z',
    // With the findings, DNS was cut over by hand and recovery took 312 minutes (the RTO target is 240).
    end: estate.options.findings ? '2026-05-13T14:12:00Z' : '2026-05-13T12:08:00Z',
    regions: { from: primary, to: secondary },
    systems: ['care-api', 'claims-db', 'members-db', 'appointments', 'member-portal'],
    resources: [...(claims ? [claims.arn] : []), ...(cluster ? [cluster.arn] : [])],
    participants: [PEOPLE.sre, PEOPLE.dba, PEOPLE.app, PEOPLE.sec],
    ...(estate.options.findings
      ? {
          measured: { rtoMinutes: 312, rpoMinutes: 1, replicaLagSeconds: 1.4 },
          outcome: 'partial',
          issues: [
            { description: 'The Route 53 failover record for api.larkspur.health used a health check on the old region; DNS was cut over by hand at 13:58', severity: 'high' },
            { description: 'The promoted claims replica needed its parameter group changed before the API could connect', severity: 'medium' },
          ],
          remediation: [
            { action: 'Point the api.larkspur.health failover record at the regional health checks and test it monthly', owner: PEOPLE.sre.name, due: '2026-06-30', status: 'done' },
            { action: 'Keep the DR parameter group attached to the claims replica', owner: PEOPLE.dba.name, due: '2026-06-15', status: 'done' },
          ],
        }
      : { measured: { rtoMinutes: 188, rpoMinutes: 1, replicaLagSeconds: 1.4 }, outcome: 'pass' }),
    evidence: [
      { title: 'Incident-style timeline', link: 'https://wiki.larkspur.health/dr/2026-05-regional-failover' },
      { title: 'Post-exercise review', link: 'https://larkspur.atlassian.net/browse/OPS-4780' },
    ],
    approver: { ...PEOPLE.cto, date: '2026-05-22' },
  });
  if (estate.euRegion) {
    add('2026-06-17-eu-consents-restore.yaml', '2026-06-24T09:00:00Z', {
      id: 'DR-2026-06-EU-PITR',
      title: `Point-in-time restore of the EU consents table in ${estate.euRegion}`,
      scenario: `An erroneous bulk update of EU patient consents: restore ${consents?.name ?? 'the consents table'} to the minute before it, in ${estate.euRegion} (EU data stays in the EU), and re-point the consent service.`,
      start: '2026-06-17T10:00:00Z',
      end: '2026-06-17T10:41:00Z',
      regions: { from: estate.euRegion, to: estate.euRegion },
      systems: ['consent-service', 'eu-consents-table'],
      resources: consents ? [consents.arn] : [],
      participants: [PEOPLE.app, PEOPLE.eu],
      measured: { rtoMinutes: 41, rpoMinutes: 5 },
      outcome: 'pass',
      evidence: [{ title: 'Runbook log', link: 'https://wiki.larkspur.health/dr/2026-06-eu-consents' }],
      approver: { ...PEOPLE.sec, date: '2026-06-24' },
    });
  }
  return days;
}

function scenarioEvents(estate: Estate, gameDays: readonly DrGameDay[]): TrailEventRecord[] {
  const seed = estate.options.seed;
  const out: TrailEventRecord[] = [];
  const prod = estate.accounts[0].id;
  const primary = estate.regions[0];
  const secondary = estate.pairs.find((p) => p.primary === primary)?.secondary;
  const human = (account: string, user: string, role = 'platform-admin') => ({
    username: user,
    userArn: `arn:aws:sts::${account}:assumed-role/${role}/${user}`,
    userType: 'AssumedRole' as const,
  });
  const event = (name: string, source: string, region: string, at: string, who: ReturnType<typeof human>, params: Record<string, unknown>, resources: TrailEventRecord['resources'] = []) =>
    out.push({ id: stableUuid(seed, 'event', name, region, at), account: prod, region, name, source, time: Date.parse(at), ...who, params, response: null, resources });

  // The replication gap on the clinical documents bucket (through Config history and these events).
  const gap = estate.buckets.find((b) => b.name === estate.findings.replicationGapBucket);
  if (gap?.replication) {
    for (const off of gap.replicationOff) {
      event('DeleteBucketReplication', 's3.amazonaws.com', gap.region, new Date(off.from).toISOString(), human(prod, 'jordan.lee'), { bucketName: gap.name, Host: `${gap.name}.s3.amazonaws.com`, replication: '' }, [
        { ResourceType: 'AWS::S3::Bucket', ResourceName: gap.name },
      ]);
      event('PutBucketReplication', 's3.amazonaws.com', gap.region, new Date(off.to).toISOString(), human(prod, 'dana.whitfield'), {
        bucketName: gap.name,
        Host: `${gap.name}.s3.amazonaws.com`,
        ReplicationConfiguration: { Role: gap.replication.role, Rule: { ID: gap.replication.ruleId, Status: 'Enabled', Destination: { Bucket: `arn:aws:s3:::${gap.replication.destination}` } } },
        replication: '',
      }, [{ ResourceType: 'AWS::S3::Bucket', ResourceName: gap.name }]);
    }
  }
  // A table added during the period: point-in-time recovery switched on when it was created.
  const referrals = estate.tables.find((t) => t.name === 'larkspur-referrals' && t.region === primary);
  if (referrals) {
    event('UpdateContinuousBackups', 'dynamodb.amazonaws.com', primary, new Date(referrals.created + 4 * MINUTE_MS).toISOString(), human(prod, 'mateo.alvarez'), {
      tableName: referrals.name,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    }, [{ ResourceType: 'AWS::DynamoDB::Table', ResourceName: referrals.name }]);
  }
  // The game days as CloudTrail saw them.
  const operator = (user: string) => human(prod, user, 'dr-operator');
  const members = estate.clusters.find((c) => c.account === prod && c.region === primary && c.writer && c.globalId);
  const has = (id: string) => gameDays.some((d) => d.record.id === id);
  if (secondary && members && has('DR-2026-02-AURORA')) {
    const target = estate.clusters.find((c) => c.globalId === members.globalId && !c.writer)!;
    event('FailoverGlobalCluster', 'rds.amazonaws.com', primary, '2026-02-11T14:03:12Z', operator('dana.whitfield'), { globalClusterIdentifier: members.globalId, targetDbClusterIdentifier: target.arn, allowDataLoss: false }, [
      { ResourceType: 'AWS::RDS::GlobalCluster', ResourceName: members.globalId! },
    ]);
    event('SwitchoverGlobalCluster', 'rds.amazonaws.com', secondary, '2026-02-11T16:20:44Z', operator('dana.whitfield'), { globalClusterIdentifier: members.globalId, targetDbClusterIdentifier: members.arn }, [
      { ResourceType: 'AWS::RDS::GlobalCluster', ResourceName: members.globalId! },
    ]);
  }
  if (secondary && has('DR-2026-03-BILLING-PITR')) {
    const billing = estate.instances.find((i) => i.id === 'larkspur-billing-db' && i.region === primary);
    if (billing) {
      event('RestoreDBInstanceToPointInTime', 'rds.amazonaws.com', secondary, '2026-03-25T13:06:40Z', operator('omar.haddad'), {
        sourceDBInstanceAutomatedBackupsArn: `arn:aws:rds:${secondary}:${prod}:auto-backup:ab-${stableHex(26, seed, 'autobackup', billing.id)}`,
        targetDBInstanceIdentifier: 'larkspur-billing-db-drtest-0325',
        restoreTime: '2026-03-25T12:55:00Z',
        dBInstanceClass: 'db.r6g.xlarge',
      }, [{ ResourceType: 'AWS::RDS::DBInstance', ResourceName: 'larkspur-billing-db-drtest-0325' }]);
    }
  }
  if (secondary && has('DR-2026-05-REGION')) {
    event('PromoteReadReplica', 'rds.amazonaws.com', secondary, '2026-05-13T09:18:05Z', operator('omar.haddad'), { dBInstanceIdentifier: 'larkspur-claims-db-gameday-0513', backupRetentionPeriod: 7 }, [
      { ResourceType: 'AWS::RDS::DBInstance', ResourceName: 'larkspur-claims-db-gameday-0513' },
    ]);
    if (members) {
      const target = estate.clusters.find((c) => c.globalId === members.globalId && !c.writer)!;
      event('FailoverGlobalCluster', 'rds.amazonaws.com', primary, '2026-05-13T09:25:31Z', operator('dana.whitfield'), { globalClusterIdentifier: members.globalId, targetDbClusterIdentifier: target.arn, allowDataLoss: false }, [
        { ResourceType: 'AWS::RDS::GlobalCluster', ResourceName: members.globalId! },
      ]);
      event('SwitchoverGlobalCluster', 'rds.amazonaws.com', secondary, '2026-05-14T15:02:10Z', operator('dana.whitfield'), { globalClusterIdentifier: members.globalId, targetDbClusterIdentifier: members.arn }, [
        { ResourceType: 'AWS::RDS::GlobalCluster', ResourceName: members.globalId! },
      ]);
    }
    event('ChangeResourceRecordSets', 'route53.amazonaws.com', primary, estate.options.findings ? '2026-05-13T13:58:47Z' : '2026-05-13T11:54:47Z', operator('dana.whitfield'), {
      hostedZoneId: `Z${stableHex(13, seed, 'zone').toUpperCase()}`,
      changeBatch: { changes: [{ action: 'UPSERT', resourceRecordSet: { name: 'api.larkspur.health.', type: 'CNAME', tTL: 60, resourceRecords: [{ value: `api.${secondary}.larkspur.health` }] } }] },
    });
  }
  const eu = estate.euRegion;
  if (eu && has('DR-2026-06-EU-PITR')) {
    event('RestoreTableToPointInTime', 'dynamodb.amazonaws.com', eu, '2026-06-17T10:04:19Z', operator('lena.vogt'), {
      sourceTableArn: `arn:aws:dynamodb:${eu}:${prod}:table/larkspur-eu-consents`,
      targetTableName: 'larkspur-eu-consents-restored-0617',
      restoreDateTime: 'Jun 17, 2026, 9:58:00 AM',
    }, [{ ResourceType: 'AWS::DynamoDB::Table', ResourceName: 'larkspur-eu-consents-restored-0617' }]);
  }
  return out;
}

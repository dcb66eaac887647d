/**
 * The populations of the auditor's bundle: every item of one kind in the period, as a CSV the
 * auditor filters and samples, with how it was produced (src/bundle/population.ts writes the
 * files). Built from the period view, so each is deduplicated across snapshots (the latest
 * observation of each job, event or configuration item) and complete for the period as far as the
 * coverage ledger says the evidence is. Each population names the date that decides whether an
 * item is in the period; rows are sorted by that date, then by the key (the first column).
 *
 * `proofpack report` and `proofpack sample -c` both build populations here, so a sample drawn from
 * the store and one drawn from the bundle see the same bytes.
 */
import { buildPopulationFiles, type PopulationFiles, type PopulationInput, type PopulationSourceRecord } from '../bundle/population.js';
import type { CsvValue } from '../bundle/csv.js';
import { RECOVERY_EVENTS } from '../collectors/cloudtrail/recovery-events.js';
import type { Config } from '../config/types.js';
import { regionOfArn } from '../controls/support/arn.js';
import { collectDrExercises, FAILOVER_EVENTS } from '../controls/support/dr-exercises.js';
import { eventsNamed, type TrailEvent } from '../controls/support/events.js';
import { bool, field, isObject, listOf, num, text, timeOf, type Json } from '../controls/support/records.js';
import type { CallRecord } from '../evidence/types.js';
import type { PeriodRange, PeriodView } from '../period/types.js';
import { canonicalJson } from '../util/canonical-json.js';
import { TOOL_VERSION } from '../version.js';
import type { EvidenceFacts } from './report-evidence.js';

type Row = Record<string, CsvValue>;

/** One row and the envelope it was read from. */
interface SourcedRow {
  values: Row;
  evidenceId: string;
}

interface PopulationContext {
  view: PeriodView;
  config: Pick<Config, 'targets'>;
  range: PeriodRange;
}

/** What a population is, where it comes from, and how its rows are made. */
export interface PopulationDefinition {
  name: string;
  /** What the rows are (first sentence of the description). */
  title: string;
  /** Which date decides whether an item is in the period. */
  periodRule: string;
  /** How duplicates across snapshots are resolved. */
  dedupe: string;
  /** Collectors whose envelopes the rows come from (every trusted envelope of them is a listed source). */
  sources: readonly string[];
  columns: readonly string[];
  /** Sort columns before the key (the first column). */
  sortBy: readonly string[];
  /** Calls of a source envelope that produced this population (default: all of them). */
  relevantCall?: (call: CallRecord, collector: string) => boolean;
  rows(ctx: PopulationContext): SourcedRow[];
}

/** A population source as the sidecar lists it: the envelope, its provenance, and the rows it gave. */
export interface ReportPopulationSource extends PopulationSourceRecord {
  /** proofpack version that collected the envelope. */
  toolVersion: string;
  /** When collection of the envelope ended. */
  collectedAt: string;
  /** False when some of its calls failed (the coverage ledger shows the days affected). */
  complete: boolean;
  operations: Array<{
    operation: string;
    parameters: Record<string, unknown>;
    pages: number;
    records: number;
    requestIds?: string[];
    outcome: string;
    errorCode?: string;
  }>;
}

const inRange = (t: string | undefined, range: PeriodRange): t is string => t !== undefined && t >= range.from && t < range.to;
const minutesBetween = (a: string | undefined, b: string | undefined): number | undefined =>
  a && b ? Math.round(((Date.parse(b) - Date.parse(a)) / 60_000) * 10) / 10 : undefined;
const hoursBetween = (a: string, b: string): number => Math.round(((Date.parse(b) - Date.parse(a)) / 3_600_000) * 100) / 100;
const metTarget = (value: number | undefined, target: number | undefined): CsvValue => (value === undefined || target === undefined ? '' : value <= target);

/** The columns backup and copy jobs share: where, when, outcome and resource, under AWS's field names. */
function jobValues(r: { record: Json; account: string; region: string }, created: string | undefined, completed: string | undefined): Record<string, CsvValue> {
  const job = r.record;
  return {
    account: r.account,
    region: r.region,
    created_at: created,
    completed_at: completed,
    state: text(job, 'State'),
    status_message: text(job, 'StatusMessage'),
    message_category: text(job, 'MessageCategory'),
    resource_type: text(job, 'ResourceType'),
    resource_arn: text(job, 'ResourceArn'),
    resource_name: text(job, 'ResourceName'),
  };
}

/** LookupEvents calls that asked for one of these event names. */
function lookupOf(names: ReadonlySet<string>): (call: CallRecord, collector: string) => boolean {
  return (call, collector) => {
    if (collector !== 'cloudtrail.events') return true;
    if (call.operation !== 'cloudtrail:LookupEvents') return true;
    const attributes = call.parameters.LookupAttributes;
    if (!Array.isArray(attributes)) return true;
    return attributes.some((a) => isObject(a) && typeof a.AttributeValue === 'string' && names.has(a.AttributeValue));
  };
}

const EVENT_INFO = new Map(RECOVERY_EVENTS.map((e) => [e.eventName, e]));
const eventNamesOf = (category: string) => new Set(RECOVERY_EVENTS.filter((e) => e.category === category).map((e) => e.eventName));

const EVENT_COLUMNS = [
  'event_id',
  'event_time',
  'account',
  'region',
  'event_name',
  'event_source',
  'category',
  'user_arn',
  'username',
  'source_ip',
  'target',
  'error_code',
  'why_it_matters',
  'evidence_id',
  'observations',
] as const;

function eventRows(ctx: PopulationContext, category: string): SourcedRow[] {
  const observations = new Map(ctx.view.records<Json>('cloudtrail.events').map((r) => [text(r.record, 'EventId') ?? r.key, r.observations]));
  return eventsNamed(ctx.view)
    .filter((e) => categoryOf(e) === category && inRange(e.time, ctx.range))
    .map((e) => ({
      evidenceId: e.evidence,
      values: {
        event_id: e.id,
        event_time: e.time,
        account: e.account,
        region: e.region,
        event_name: e.name,
        event_source: text(e.detail, 'eventSource') ?? EVENT_INFO.get(e.name)?.eventSource ?? '',
        category: categoryOf(e),
        user_arn: text(field(e.detail, 'userIdentity'), 'arn') ?? '',
        username: e.username ?? '',
        source_ip: text(e.detail, 'sourceIPAddress') ?? '',
        target: eventTarget(e),
        error_code: text(e.detail, 'errorCode') ?? '',
        why_it_matters: EVENT_INFO.get(e.name)?.reason ?? '',
        evidence_id: e.evidence,
        observations: observations.get(e.id) ?? 1,
      },
    }));
}

function categoryOf(e: TrailEvent): string {
  return e.category ?? EVENT_INFO.get(e.name)?.category ?? 'other';
}

/** What the event acted on: the identifiers in its request, else the resources CloudTrail lists. */
function eventTarget(e: TrailEvent): string {
  const keys = [
    'globalClusterIdentifier',
    'targetDbClusterIdentifier',
    'dBClusterIdentifier',
    'dBInstanceIdentifier',
    'sourceDBInstanceIdentifier',
    'targetDBInstanceIdentifier',
    'bucketName',
    'backupVaultName',
    'backupPlanId',
    'selectionId',
    'recoveryPointArn',
    'name',
    'trailName',
    'configurationRecorderName',
    'deliveryChannelName',
    'tableName',
    'targetTableName',
    'globalTableName',
    'keyId',
    'hostedZoneId',
  ];
  const found = keys.map((k) => text(e.params, k)).filter((v): v is string => Boolean(v));
  if (found.length) return [...new Set(found)].join(' ');
  const resources = listOf(e.detail, 'resources') ?? [];
  return resources
    .map((r) => text(r, 'ARN', 'resourceName'))
    .filter(Boolean)
    .join(' ');
}

/** Recovery point ARN → creation time, from every recovery-points capture (copy lag is measured from it). */
function recoveryPointCreation(view: PeriodView): Map<string, string> {
  const created = new Map<string, string>();
  for (const c of view.series<Json>('backup.recovery-points')) {
    for (const v of listOf(c.data, 'vaults') ?? []) {
      for (const rp of listOf(v, 'recoveryPoints') ?? []) {
        const arn = text(rp, 'RecoveryPointArn');
        const at = timeOf(rp, 'CreationDate');
        if (arn && at) created.set(arn, at);
      }
    }
  }
  return created;
}

/** The populations every bundle carries, in this order. */
export const POPULATIONS: readonly PopulationDefinition[] = [
  {
    name: 'backup-jobs',
    title: 'Every AWS Backup backup job (ListBackupJobs) in the accounts and regions in scope',
    periodRule: 'a job is in the period when its CreationDate falls in it (UTC)',
    dedupe: 'by BackupJobId, keeping the latest observation (jobs are re-read after they finish, so a job RUNNING at one capture appears once, in its final state)',
    sources: ['backup.backup-jobs'],
    columns: [
      'job_id',
      'account',
      'region',
      'created_at',
      'completed_at',
      'state',
      'status_message',
      'message_category',
      'resource_type',
      'resource_arn',
      'resource_name',
      'backup_vault',
      'backup_plan_id',
      'backup_rule_id',
      'recovery_point_arn',
      'backup_size_bytes',
      'duration_minutes',
      'is_encrypted',
      'is_parent',
      'parent_job_id',
      'observed_at',
      'evidence_id',
      'observations',
    ],
    sortBy: ['created_at'],
    rows: ({ view, range }) =>
      view
        .records<Json>('backup.backup-jobs')
        .filter((r) => inRange(timeOf(r.record, 'CreationDate'), range))
        .map((r) => {
          const job = r.record;
          const created = timeOf(job, 'CreationDate');
          const completed = timeOf(job, 'CompletionDate');
          const createdBy = field(job, 'CreatedBy');
          return {
            evidenceId: r.evidenceId,
            values: {
              job_id: text(job, 'BackupJobId') ?? r.key,
              ...jobValues(r, created, completed),
              backup_vault: text(job, 'BackupVaultName') ?? text(job, 'BackupVaultArn'),
              backup_plan_id: text(createdBy, 'BackupPlanId'),
              backup_rule_id: text(createdBy, 'BackupRuleId'),
              recovery_point_arn: text(job, 'RecoveryPointArn'),
              backup_size_bytes: num(job, 'BackupSizeInBytes'),
              duration_minutes: completed ? minutesBetween(created, completed) : undefined,
              is_encrypted: bool(job, 'IsEncrypted'),
              is_parent: bool(job, 'IsParent'),
              parent_job_id: text(job, 'ParentJobId'),
              observed_at: r.observedAt,
              evidence_id: r.evidenceId,
              observations: r.observations,
            },
          };
        }),
  },
  {
    name: 'copy-jobs',
    title: 'Every AWS Backup copy job (ListCopyJobs): recovery points copied to another vault, region or account',
    periodRule: 'a copy job is in the period when its CreationDate falls in it (UTC)',
    dedupe: 'by CopyJobId, keeping the latest observation',
    sources: ['backup.copy-jobs', 'backup.recovery-points'],
    relevantCall: (call, collector) => collector === 'backup.copy-jobs' || call.operation === 'backup:ListRecoveryPointsByBackupVault',
    columns: [
      'copy_job_id',
      'account',
      'region',
      'created_at',
      'completed_at',
      'state',
      'status_message',
      'message_category',
      'resource_type',
      'resource_arn',
      'resource_name',
      'source_vault_arn',
      'source_recovery_point_arn',
      'destination_vault_arn',
      'destination_region',
      'destination_recovery_point_arn',
      'backup_job_id',
      'backup_size_bytes',
      'copy_lag_hours',
      'copy_lag_measured_from',
      'is_parent',
      'observed_at',
      'evidence_id',
      'observations',
    ],
    sortBy: ['created_at'],
    rows: ({ view, range }) => {
      const pointCreated = recoveryPointCreation(view);
      return view
        .records<Json>('backup.copy-jobs')
        .filter((r) => inRange(timeOf(r.record, 'CreationDate'), range))
        .map((r) => {
          const job = r.record;
          const created = timeOf(job, 'CreationDate')!;
          const completed = timeOf(job, 'CompletionDate');
          const sourcePoint = text(job, 'SourceRecoveryPointArn');
          const sourceCreated = sourcePoint ? pointCreated.get(sourcePoint) : undefined;
          const done = (text(job, 'State') ?? '').toUpperCase() === 'COMPLETED' && completed;
          return {
            evidenceId: r.evidenceId,
            values: {
              copy_job_id: text(job, 'CopyJobId') ?? r.key,
              ...jobValues(r, created, completed),
              source_vault_arn: text(job, 'SourceBackupVaultArn'),
              source_recovery_point_arn: sourcePoint,
              destination_vault_arn: text(job, 'DestinationBackupVaultArn'),
              destination_region: regionOfArn(text(job, 'DestinationBackupVaultArn')),
              destination_recovery_point_arn: text(job, 'DestinationRecoveryPointArn'),
              backup_job_id: text(job, 'CreatedByBackupJobId'),
              backup_size_bytes: num(job, 'BackupSizeInBytes'),
              copy_lag_hours: done ? hoursBetween(sourceCreated ?? created, completed) : undefined,
              copy_lag_measured_from: done ? (sourceCreated ? 'source recovery point creation' : 'copy job creation') : undefined,
              is_parent: bool(job, 'IsParent'),
              observed_at: r.observedAt,
              evidence_id: r.evidenceId,
              observations: r.observations,
            },
          };
        });
    },
  },
  {
    name: 'restore-jobs',
    title:
      'Every AWS Backup restore job (ListRestoreJobs), including restore tests, with the measured time to restore (RTO: creation to completion) and the age of the recovery point restored (RPO: restore start minus RecoveryPointCreationDate)',
    periodRule: 'a restore job is in the period when its CreationDate falls in it (UTC)',
    dedupe: 'by RestoreJobId, keeping the latest observation',
    sources: ['backup.restore-jobs'],
    columns: [
      'restore_job_id',
      'account',
      'region',
      'created_at',
      'completed_at',
      'status',
      'status_message',
      'resource_type',
      'source_resource_arn',
      'created_resource_arn',
      'recovery_point_arn',
      'recovery_point_created_at',
      'time_to_restore_minutes',
      'rto_target_minutes',
      'rto_met',
      'recovery_point_age_minutes',
      'rpo_target_minutes',
      'rpo_met',
      'expected_completion_minutes',
      'restore_testing_plan_arn',
      'validation_status',
      'validation_message',
      'deletion_status',
      'observed_at',
      'evidence_id',
      'observations',
    ],
    sortBy: ['created_at'],
    rows: ({ view, range, config }) =>
      view
        .records<Json>('backup.restore-jobs')
        .filter((r) => inRange(timeOf(r.record, 'CreationDate'), range))
        .map((r) => {
          const job = r.record;
          const created = timeOf(job, 'CreationDate');
          const completed = timeOf(job, 'CompletionDate');
          const pointCreated = timeOf(job, 'RecoveryPointCreationDate');
          const status = text(job, 'Status');
          const rto = status?.toUpperCase() === 'COMPLETED' ? minutesBetween(created, completed) : undefined;
          const rpo = minutesBetween(pointCreated, created);
          return {
            evidenceId: r.evidenceId,
            values: {
              restore_job_id: text(job, 'RestoreJobId') ?? r.key,
              account: r.account,
              region: r.region,
              created_at: created,
              completed_at: completed,
              status,
              status_message: text(job, 'StatusMessage'),
              resource_type: text(job, 'ResourceType'),
              source_resource_arn: text(job, 'SourceResourceArn'),
              created_resource_arn: text(job, 'CreatedResourceArn'),
              recovery_point_arn: text(job, 'RecoveryPointArn'),
              recovery_point_created_at: pointCreated,
              time_to_restore_minutes: rto,
              rto_target_minutes: config.targets.rtoMinutes,
              rto_met: metTarget(rto, config.targets.rtoMinutes),
              recovery_point_age_minutes: rpo,
              rpo_target_minutes: config.targets.rpoMinutes,
              rpo_met: metTarget(rpo, config.targets.rpoMinutes),
              expected_completion_minutes: num(job, 'ExpectedCompletionTimeMinutes'),
              restore_testing_plan_arn: text(field(job, 'CreatedBy'), 'RestoreTestingPlanArn'),
              validation_status: text(job, 'ValidationStatus'),
              validation_message: text(job, 'ValidationStatusMessage'),
              deletion_status: text(job, 'DeletionStatus'),
              observed_at: r.observedAt,
              evidence_id: r.evidenceId,
              observations: r.observations,
            },
          };
        }),
  },
  {
    name: 'dr-tests',
    title:
      'Every recovery exercised in the period: game-day records (dr.records), AWS Backup restore jobs and restore tests, and failovers CloudTrail recorded — with measured RTO and RPO against the targets, as dr.rto-rpo and dr.test-frequency evaluate them',
    periodRule: 'an exercise is in the period when its start (game day start, restore job CreationDate, failover EventTime) falls in it (UTC)',
    dedupe: 'game days by record id (latest capture of the file), restore jobs by RestoreJobId, failovers by EventId',
    sources: ['dr.records', 'backup.restore-jobs', 'cloudtrail.events'],
    relevantCall: lookupOf(new Set(FAILOVER_EVENTS)),
    columns: [
      'test_id',
      'kind',
      'title',
      'start',
      'end',
      'account',
      'region',
      'outcome',
      'rto_minutes',
      'rto_target_minutes',
      'rto_met',
      'rpo_minutes',
      'rpo_target_minutes',
      'rpo_met',
      'detail',
      'evidence_id',
    ],
    sortBy: ['start'],
    rows: ({ view, range, config }) =>
      collectDrExercises(view, range).map((e) => ({
        evidenceId: e.evidence,
        values: {
          test_id: `${e.kind}:${e.id}`,
          kind: e.kind,
          title: e.title,
          start: e.start,
          end: e.end,
          account: e.account,
          region: e.region,
          outcome: e.outcome,
          rto_minutes: e.rtoMinutes,
          rto_target_minutes: config.targets.rtoMinutes,
          rto_met: metTarget(e.rtoMinutes, config.targets.rtoMinutes),
          rpo_minutes: e.rpoMinutes,
          rpo_target_minutes: config.targets.rpoMinutes,
          rpo_met: metTarget(e.rpoMinutes, config.targets.rpoMinutes),
          detail: e.detail,
          evidence_id: e.evidence,
        },
      })),
  },
  {
    name: 'config-changes',
    title:
      'Every AWS Config configuration item recorded in the period for the resource types proofpack reads (GetResourceConfigHistory): resources created, changed and deleted, with what changed since the item before',
    periodRule: 'an item is in the period when its configurationItemCaptureTime falls in it (UTC)',
    dedupe: 'by resource type, resource id and configurationStateId, keeping the latest observation',
    sources: ['config.history'],
    columns: [
      'change_id',
      'account',
      'region',
      'capture_time',
      'resource_type',
      'resource_id',
      'resource_name',
      'arn',
      'item_status',
      'change',
      'changed_fields',
      'configuration_state_id',
      'evidence_id',
      'observations',
    ],
    sortBy: ['capture_time'],
    rows: ({ view, range }) => configChangeRows(view, range),
  },
  {
    name: 'recovery-points',
    title:
      'Every AWS Backup recovery point created in the period (ListRecoveryPointsByBackupVault), in every vault of the accounts and regions in scope, as the captures saw it',
    periodRule: 'a recovery point is in the period when its CreationDate falls in it (UTC)',
    dedupe: 'by RecoveryPointArn, keeping the newest capture that lists it (first_seen_at and last_seen_at span the captures that did)',
    sources: ['backup.recovery-points'],
    columns: [
      'recovery_point_arn',
      'account',
      'region',
      'backup_vault',
      'created_at',
      'completed_at',
      'status',
      'resource_type',
      'resource_arn',
      'resource_name',
      'is_encrypted',
      'encryption_key_arn',
      'delete_after_days',
      'delete_at',
      'move_to_cold_storage_at',
      'backup_size_bytes',
      'backup_plan_id',
      'first_seen_at',
      'last_seen_at',
      'evidence_id',
    ],
    sortBy: ['created_at'],
    rows: ({ view, range }) => recoveryPointRows(view, range),
  },
  {
    name: 'failover-events',
    title:
      'Every failover CloudTrail recorded (LookupEvents by event name): RDS/Aurora promotions, failovers and switchovers, Route 53 record changes, DynamoDB global table changes',
    periodRule: 'an event is in the period when its EventTime falls in it (UTC)',
    dedupe: 'by EventId, keeping the latest observation',
    sources: ['cloudtrail.events'],
    relevantCall: lookupOf(eventNamesOf('failover')),
    columns: EVENT_COLUMNS,
    sortBy: ['event_time'],
    rows: (ctx) => eventRows(ctx, 'failover'),
  },
  {
    name: 'recovery-events',
    title:
      'Every data recovery CloudTrail recorded (LookupEvents by event name): AWS Backup restores started, RDS/Aurora restores from snapshots and to points in time, DynamoDB table restores',
    periodRule: 'an event is in the period when its EventTime falls in it (UTC)',
    dedupe: 'by EventId, keeping the latest observation',
    sources: ['cloudtrail.events'],
    relevantCall: lookupOf(eventNamesOf('recovery')),
    columns: EVENT_COLUMNS,
    sortBy: ['event_time'],
    rows: (ctx) => eventRows(ctx, 'recovery'),
  },
  {
    name: 'protection-changes',
    title:
      'Every change CloudTrail recorded that can switch protection off (LookupEvents by event name): replication, versioning, vault locks, backup plans and selections, recovery point deletions, trails, Config recorders, KMS keys',
    periodRule: 'an event is in the period when its EventTime falls in it (UTC)',
    dedupe: 'by EventId, keeping the latest observation',
    sources: ['cloudtrail.events'],
    relevantCall: lookupOf(eventNamesOf('protection-change')),
    columns: EVENT_COLUMNS,
    sortBy: ['event_time'],
    rows: (ctx) => eventRows(ctx, 'protection-change'),
  },
];

export const POPULATION_NAMES: readonly string[] = POPULATIONS.map((p) => p.name);

const DELETED = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded']);

function configChangeRows(view: PeriodView, range: PeriodRange): SourcedRow[] {
  const records = view.records<Json>('config.history');
  const byResource = new Map<string, Array<(typeof records)[number]>>();
  for (const r of records) {
    const account = text(r.record, 'accountId') ?? r.account;
    const region = text(r.record, 'awsRegion') ?? r.region;
    const key = [account, region, text(r.record, 'resourceType'), text(r.record, 'resourceId')].join('|');
    byResource.set(key, [...(byResource.get(key) ?? []), r]);
  }
  const rows: SourcedRow[] = [];
  for (const items of byResource.values()) {
    items.sort(
      (a, b) =>
        (timeOf(a.record, 'configurationItemCaptureTime') ?? '').localeCompare(timeOf(b.record, 'configurationItemCaptureTime') ?? '') || a.key.localeCompare(b.key),
    );
    items.forEach((r, index) => {
      const item = r.record;
      const captured = timeOf(item, 'configurationItemCaptureTime');
      if (!inRange(captured, range)) return;
      const previous = index > 0 ? items[index - 1].record : undefined;
      const status = text(item, 'configurationItemStatus') ?? '';
      const changed = previous ? changedFields(previous, item) : [];
      const change = DELETED.has(status)
        ? 'deleted'
        : status === 'ResourceDiscovered'
          ? 'created'
          : !previous
            ? 'first recorded'
            : changed.length
              ? 'changed'
              : 'recorded again (no configuration change)';
      const account = text(item, 'accountId') ?? r.account;
      const region = text(item, 'awsRegion') ?? r.region;
      const stateId = text(item, 'configurationStateId') ?? String(num(item, 'configurationStateId') ?? captured);
      rows.push({
        evidenceId: r.evidenceId,
        values: {
          change_id: `${account}:${region}:${text(item, 'resourceType') ?? ''}:${text(item, 'resourceId') ?? ''}:${stateId}`,
          account,
          region,
          capture_time: captured,
          resource_type: text(item, 'resourceType'),
          resource_id: text(item, 'resourceId'),
          resource_name: text(item, 'resourceName'),
          arn: text(item, 'arn'),
          item_status: status,
          change,
          changed_fields: changed.join(' '),
          configuration_state_id: stateId,
          evidence_id: r.evidenceId,
          observations: r.observations,
        },
      });
    });
  }
  return rows;
}

/** Top-level settings that differ between two configuration items of one resource. */
function changedFields(before: Json, after: Json): string[] {
  const out: string[] = [];
  const compare = (prefix: string, a: unknown, b: unknown) => {
    const x = isObject(a) ? a : {};
    const y = isObject(b) ? b : {};
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      if (canonicalJson(x[key] ?? null, 0) !== canonicalJson(y[key] ?? null, 0)) out.push(`${prefix}.${key}`);
    }
  };
  compare('configuration', field(before, 'configurationParsed'), field(after, 'configurationParsed'));
  compare('supplementaryConfiguration', field(before, 'supplementaryConfigurationParsed'), field(after, 'supplementaryConfigurationParsed'));
  if (canonicalJson(field(before, 'tags') ?? null, 0) !== canonicalJson(field(after, 'tags') ?? null, 0)) out.push('tags');
  return out;
}

function recoveryPointRows(view: PeriodView, range: PeriodRange): SourcedRow[] {
  const seen = new Map<
    string,
    {
      rp: Json;
      evidenceId: string;
      account: string;
      region: string;
      first: string;
      last: string;
    }
  >();
  for (const c of view.series<Json>('backup.recovery-points')) {
    for (const v of listOf(c.data, 'vaults') ?? []) {
      for (const rp of listOf(v, 'recoveryPoints') ?? []) {
        const arn = text(rp, 'RecoveryPointArn');
        if (!arn || !inRange(timeOf(rp, 'CreationDate'), range)) continue;
        const current = seen.get(arn);
        // The series is oldest first: a later capture replaces the row, the first sighting stays.
        seen.set(arn, {
          rp,
          evidenceId: c.evidenceId,
          account: c.account,
          region: c.region,
          first: current?.first ?? c.at,
          last: c.at,
        });
      }
    }
  }
  return [...seen.entries()].map(([arn, s]) => {
    const lifecycle = field(s.rp, 'Lifecycle');
    const calculated = field(s.rp, 'CalculatedLifecycle');
    return {
      evidenceId: s.evidenceId,
      values: {
        recovery_point_arn: arn,
        account: s.account,
        region: s.region,
        backup_vault: text(s.rp, 'BackupVaultName') ?? text(s.rp, 'BackupVaultArn'),
        created_at: timeOf(s.rp, 'CreationDate'),
        completed_at: timeOf(s.rp, 'CompletionDate'),
        status: text(s.rp, 'Status'),
        resource_type: text(s.rp, 'ResourceType'),
        resource_arn: text(s.rp, 'ResourceArn'),
        resource_name: text(s.rp, 'ResourceName'),
        is_encrypted: bool(s.rp, 'IsEncrypted'),
        encryption_key_arn: text(s.rp, 'EncryptionKeyArn'),
        delete_after_days: num(lifecycle, 'DeleteAfterDays'),
        delete_at: timeOf(calculated, 'DeleteAt'),
        move_to_cold_storage_at: timeOf(calculated, 'MoveToColdStorageAt'),
        backup_size_bytes: num(s.rp, 'BackupSizeInBytes'),
        backup_plan_id: text(field(s.rp, 'CreatedBy'), 'BackupPlanId'),
        first_seen_at: s.first,
        last_seen_at: s.last,
        evidence_id: s.evidenceId,
      },
    };
  });
}

export interface BuildPopulationsInput {
  view: PeriodView;
  config: Pick<Config, 'targets'>;
  /** Every trusted envelope of the period (readEvidenceFacts). */
  facts: ReadonlyMap<string, EvidenceFacts>;
  /** Evidence id → its path in the bundle. */
  bundlePaths: ReadonlyMap<string, string>;
  /** ISO 8601 UTC (from the evidence, never the clock). */
  generatedAt: string;
  toolVersion?: string;
}

/** The input of one population (rows, columns, sources with their provenance), ready for buildPopulationFiles. */
export function buildPopulationInput(definition: PopulationDefinition, input: BuildPopulationsInput): PopulationInput {
  const { view } = input;
  const rows = definition.rows({
    view,
    config: input.config,
    range: view.period,
  });
  const rowsByEvidence = new Map<string, number>();
  for (const row of rows) rowsByEvidence.set(row.evidenceId, (rowsByEvidence.get(row.evidenceId) ?? 0) + 1);
  const wanted = new Set(definition.sources);
  const sources: ReportPopulationSource[] = [...input.facts.values()]
    .filter((f) => wanted.has(f.summary.collector))
    .sort((a, b) => (a.summary.id < b.summary.id ? -1 : a.summary.id > b.summary.id ? 1 : 0))
    .map((f) => {
      const e = f.summary;
      const calls = definition.relevantCall ? f.provenance.calls.filter((c) => definition.relevantCall!(c, e.collector)) : f.provenance.calls;
      return {
        collector: e.collector,
        schema: e.schema,
        account: e.account,
        region: e.region,
        window: { start: e.window.start, end: e.window.end },
        snapshotId: e.snapshotId,
        evidenceId: e.id,
        ...(input.bundlePaths.has(e.id) ? { evidencePath: input.bundlePaths.get(e.id) } : {}),
        callerIdentity: f.provenance.callerIdentity,
        ...(f.provenance.view ? { view: f.provenance.view } : {}),
        toolVersion: f.provenance.toolVersion,
        collectedAt: f.provenance.endedAt,
        complete: e.complete,
        operations: calls.map((c) => ({
          operation: c.operation,
          parameters: c.parameters,
          pages: c.pages,
          records: c.records,
          ...(c.requestIds ? { requestIds: c.requestIds } : {}),
          outcome: c.outcome,
          ...(c.errorCode ? { errorCode: c.errorCode } : {}),
        })),
        rows: rowsByEvidence.get(e.id) ?? 0,
      };
    });
  const listed = new Set(sources.map((s) => s.evidenceId));
  const unlisted = [...rowsByEvidence.keys()].filter((id) => !listed.has(id));
  if (unlisted.length)
    throw new Error(`population ${definition.name}: rows from envelopes that are not trusted sources of the report: ${unlisted.slice(0, 3).join(', ')}`);
  const snapshotIds = [...new Set(sources.map((s) => s.snapshotId))];
  const incomplete = sources.filter((s) => !s.complete).length;
  const description = [
    `${definition.title}.`,
    `Period rule: ${definition.periodRule}.`,
    `Deduplicated ${definition.dedupe}.`,
    `Read from ${sources.length} evidence envelope${sources.length === 1 ? '' : 's'} of ${definition.sources.join(', ')}${incomplete ? ` (${incomplete} incomplete: some calls failed; 06_Coverage.csv shows the days affected)` : ''}; complete for the period where 06_Coverage.csv shows no gap.`,
  ].join(' ');
  return {
    name: definition.name,
    description,
    headerLines: describeSources(sources, snapshotIds),
    period: { start: view.period.start, end: view.period.end },
    generatedAt: input.generatedAt,
    toolVersion: input.toolVersion ?? TOOL_VERSION,
    columns: definition.columns,
    keyColumn: definition.columns[0],
    sortBy: definition.sortBy,
    rows: rows.map((r) => r.values),
    snapshotIds,
    sources,
  };
}

const SNAPSHOT_IDS_IN_HEADER = 24;

/** The header block's account of how the population was produced (the sidecar has every call in full). */
function describeSources(sources: readonly ReportPopulationSource[], snapshotIds: readonly string[]): Array<[string, string]> {
  if (sources.length === 0) return [['sources', 'none: no trusted evidence of these sources in the period (see 06_Coverage.csv)']];
  const byOperation = new Map<string, { calls: number; pages: number; records: number; failed: number }>();
  // An organization-wide listing appears in the provenance of every account it fed: count it once (by its request ids).
  const seen = new Set<string>();
  for (const s of sources) {
    for (const op of s.operations) {
      if (op.requestIds?.length) {
        const key = `${op.operation}|${op.requestIds.join(' ')}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      const t = byOperation.get(op.operation) ?? { calls: 0, pages: 0, records: 0, failed: 0 };
      t.calls += 1;
      t.pages += op.pages;
      t.records += op.records;
      if (op.outcome === 'error') t.failed += 1;
      byOperation.set(op.operation, t);
    }
  }
  const operations = [...byOperation.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([op, t]) => `${op} (${t.calls} call${t.calls === 1 ? '' : 's'}, ${t.pages} page${t.pages === 1 ? '' : 's'}, ${t.records} records${t.failed ? `, ${t.failed} failed` : ''})`);
  const unique = (values: Array<string | undefined>) => [...new Set(values.filter((v): v is string => Boolean(v)))].sort();
  const starts = sources.map((s) => s.window.start).sort();
  const ends = sources.map((s) => s.window.end).sort();
  const ids = [...snapshotIds].sort();
  return [
    ['snapshot ids', ids.length <= SNAPSHOT_IDS_IN_HEADER ? ids.join(' ') : `${ids[0]} … ${ids[ids.length - 1]} (all ${ids.length} in the provenance file)`],
    ['operations', operations.join('; ') || 'none (local records)'],
    ['accounts', unique(sources.map((s) => s.account)).join(' ')],
    ['regions', unique(sources.map((s) => s.region)).join(' ')],
    ['caller identities', unique(sources.map((s) => s.callerIdentity?.arn)).join(' ') || 'none (local records)'],
    ['windows', `${sources.length} envelope${sources.length === 1 ? '' : 's'} covering ${starts[0]} to ${ends[ends.length - 1]}`],
    ['collected by', unique(sources.map((s) => `proofpack ${s.toolVersion}`)).join(', ')],
  ];
}

/** Every population's files (CSV + provenance sidecar), in POPULATIONS order. */
export function buildReportPopulations(input: BuildPopulationsInput, definitions: readonly PopulationDefinition[] = POPULATIONS): PopulationFiles[] {
  return definitions.map((d) => buildPopulationFiles(buildPopulationInput(d, input)));
}

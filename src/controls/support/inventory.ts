/**
 * The estate's resources as the point-in-time sources show them, with tags and region, so controls
 * can decide scope (`scope.tags`), residency and region questions for a resource known only by
 * ARN (a backup job's ResourceArn, a recovery point's).
 */
import type { Capture, PeriodRange, PeriodView } from '../../period/types.js';
import { field, isObject, listOf, text, timeOf } from './records.js';
import { normalizeTags, scopeOf, type Tags } from './tags.js';

export interface InventoryResource {
  arn: string;
  /** AWS Config resource type, e.g. `AWS::S3::Bucket`. */
  type: string;
  name: string;
  account: string;
  region: string;
  /** null: no tags; undefined: not read (see the envelope's gaps) or not collected for this type. */
  tags: Tags | null | undefined;
  /** Evidence id of the latest capture that listed it. */
  evidence: string;
  firstSeen: string;
  lastSeen: string;
  createdAt?: string;
  /** The resource record as last captured (AWS's fields). */
  record: Record<string, unknown>;
}

export interface Inventory {
  resources: InventoryResource[];
  byArn: Map<string, InventoryResource>;
  /** Each capture's resources as that capture saw them (record and tags of that moment), by evidence id. */
  captured: Map<string, InventoryResource[]>;
}

/**
 * The captures that tell the state during the period, per account × region: those taken in the
 * period, plus the last one before it (the state at the start) and the first one after it (the
 * state at the end).
 */
export function periodCaptures<T>(series: readonly Capture<T>[], range: Pick<PeriodRange, 'from' | 'to'>): Capture<T>[] {
  const groups = new Map<string, Capture<T>[]>();
  for (const c of series) {
    const key = `${c.account}|${c.region}`;
    const list = groups.get(key) ?? [];
    list.push(c);
    groups.set(key, list);
  }
  const out: Capture<T>[] = [];
  for (const list of groups.values()) {
    const before = list.filter((c) => c.at < range.from).at(-1);
    const after = list.find((c) => c.at >= range.to);
    out.push(...(before ? [before] : []), ...list.filter((c) => c.at >= range.from && c.at < range.to), ...(after ? [after] : []));
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

type Extract = (capture: Capture) => Array<Omit<InventoryResource, 'evidence' | 'firstSeen' | 'lastSeen'>>;

const EXTRACTORS: Record<string, Extract> = {
  's3.buckets': (c) =>
    (listOf(c.data, 'buckets') ?? []).map((b) => {
      const name = String(field(b, 'name'));
      return {
        arn: `arn:aws:s3:::${name}`,
        type: 'AWS::S3::Bucket',
        name,
        account: c.account,
        region: text(b, 'region') ?? 'unknown',
        tags: normalizeTags(field(b, 'tags')),
        ...(timeOf(b, 'creationDate') ? { createdAt: timeOf(b, 'creationDate') } : {}),
        record: b,
      };
    }),
  'rds.instances': (c) =>
    (listOf(c.data, 'instances') ?? []).map((i) => ({
      arn: String(field(i, 'DBInstanceArn')),
      type: 'AWS::RDS::DBInstance',
      name: String(field(i, 'DBInstanceIdentifier')),
      account: c.account,
      region: c.region,
      tags: normalizeTags(field(i, 'TagList')),
      ...(timeOf(i, 'InstanceCreateTime') ? { createdAt: timeOf(i, 'InstanceCreateTime') } : {}),
      record: i,
    })),
  'rds.clusters': (c) =>
    (listOf(c.data, 'clusters') ?? []).map((i) => ({
      arn: String(field(i, 'DBClusterArn')),
      type: 'AWS::RDS::DBCluster',
      name: String(field(i, 'DBClusterIdentifier')),
      account: c.account,
      region: c.region,
      tags: normalizeTags(field(i, 'TagList')),
      ...(timeOf(i, 'ClusterCreateTime') ? { createdAt: timeOf(i, 'ClusterCreateTime') } : {}),
      record: i,
    })),
  'dynamodb.tables': (c) =>
    (listOf(c.data, 'tables') ?? []).map((t) => {
      const table = field(t, 'table');
      const name = String(field(t, 'name'));
      return {
        arn: text(table, 'TableArn') ?? `arn:aws:dynamodb:${c.region}:${c.account}:table/${name}`,
        type: 'AWS::DynamoDB::Table',
        name,
        account: c.account,
        region: c.region,
        tags: normalizeTags(field(t, 'tags')),
        ...(timeOf(table, 'CreationDateTime') ? { createdAt: timeOf(table, 'CreationDateTime') } : {}),
        record: t,
      };
    }),
  'backup.vaults': (c) =>
    (listOf(c.data, 'vaults') ?? []).map((v) => {
      const vault = field(v, 'vault');
      return {
        arn: String(field(vault, 'BackupVaultArn')),
        type: 'AWS::Backup::BackupVault',
        name: String(field(vault, 'BackupVaultName')),
        account: c.account,
        region: c.region,
        tags: undefined,
        record: isObject(vault) ? vault : {},
      };
    }),
};

/** Collectors the inventory reads (the data stores whose tags decide scope). */
export const INVENTORY_SOURCES: readonly string[] = ['s3.buckets', 'rds.instances', 'rds.clusters', 'dynamodb.tables'];

/** Every resource the period's captures show (latest record per ARN). */
export function buildInventory(view: PeriodView, sources: readonly string[] = INVENTORY_SOURCES): Inventory {
  const byArn = new Map<string, InventoryResource>();
  const captured = new Map<string, InventoryResource[]>();
  for (const source of sources) {
    const extract = EXTRACTORS[source];
    if (!extract) continue;
    for (const capture of periodCaptures(view.series(source), view.period)) {
      const list: InventoryResource[] = [];
      captured.set(capture.evidenceId, list);
      for (const r of extract(capture)) {
        if (!r.arn || r.arn === 'undefined') continue;
        const existing = byArn.get(r.arn);
        list.push({ ...r, evidence: capture.evidenceId, firstSeen: capture.at, lastSeen: capture.at });
        byArn.set(r.arn, {
          ...r,
          // A later capture that could not read the tags does not erase what an earlier one read.
          tags: r.tags === undefined && existing ? existing.tags : r.tags,
          evidence: capture.evidenceId,
          firstSeen: existing?.firstSeen ?? capture.at,
          lastSeen: capture.at,
        });
      }
    }
  }
  return { resources: [...byArn.values()].sort((a, b) => a.arn.localeCompare(b.arn)), byArn, captured };
}

/** Scope of a resource known by ARN: from the inventory; unknown when the inventory does not hold it and scope needs tags. */
export function scopeOfArn(inventory: Inventory, arn: string, scopeTags: Tags | undefined): 'in' | 'out' | 'unknown' {
  const r = inventory.byArn.get(arn);
  if (!scopeTags || Object.keys(scopeTags).length === 0) return 'in';
  if (!r) return 'unknown';
  return scopeOf(r.tags, scopeTags);
}

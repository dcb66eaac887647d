import { bucketNameOfArn, regionOfArn } from '../support/arn.js';
import { readPlanSelections, selectingPlans } from '../support/backup-selection.js';
import { makeException, plural, unevaluated } from '../support/exceptions.js';
import { buildInventory, periodCaptures, type InventoryResource } from '../support/inventory.js';
import { field, listOf, text, timeOf, type Json } from '../support/records.js';
import { describeTags, hasAllTags } from '../support/tags.js';
import type { Control, ControlException } from '../types.js';

interface Placement {
  /** What holds the data there: "replica bucket x", "backup copy (copy job …)". */
  what: string;
  region: string;
  at: string;
  evidence: string;
}

/** The placements of one (what, region), first to last seen, with their evidence in the order seen. */
interface PlacementSpan {
  what: string;
  region: string;
  from: string;
  to: string;
  evidence: Set<string>;
}

/**
 * Folds placements into spans keyed by (what, region). A recovery point is placed once per capture
 * that lists it, so an estate's placements run to hundreds of thousands: the spans keep one entry
 * per distinct placement instead.
 */
function addToSpans(spans: Map<string, PlacementSpan>, p: Omit<PlacementSpan, 'evidence'> & { evidence: Iterable<string> }): void {
  const key = `${p.what}|${p.region}`;
  const span = spans.get(key);
  if (!span) {
    spans.set(key, { what: p.what, region: p.region, from: p.from, to: p.to, evidence: new Set(p.evidence) });
    return;
  }
  if (p.from < span.from) span.from = p.from;
  if (p.to > span.to) span.to = p.to;
  for (const e of p.evidence) span.evidence.add(e);
}

/** One placement as a span of its own. */
function spanOf(p: Placement): PlacementSpan {
  return { what: p.what, region: p.region, from: p.at, to: p.at, evidence: new Set([p.evidence]) };
}

/** Where a resource's data is held besides itself: replicas, read replicas, global members, table replicas. */
function replicaPlacements(r: InventoryResource, regionOfBucket: Map<string, string>, globals: Map<string, Json>, at: string, evidence: string): Placement[] {
  const out: Placement[] = [];
  const rec = r.record;
  if (r.type === 'AWS::S3::Bucket') {
    for (const rule of listOf(field(rec, 'replication'), 'Rules') ?? []) {
      if ((text(rule, 'Status') ?? '').toLowerCase() !== 'enabled') continue;
      const dest = bucketNameOfArn(text(field(rule, 'Destination'), 'Bucket') ?? '');
      out.push({ what: `replica bucket ${dest}`, region: regionOfBucket.get(dest) ?? 'unknown', at, evidence });
    }
  }
  if (r.type === 'AWS::RDS::DBInstance') {
    for (const arn of (field(rec, 'ReadReplicaDBInstanceIdentifiers') as string[] | undefined) ?? []) {
      const region = regionOfArn(arn);
      if (region) out.push({ what: `read replica ${arn}`, region, at, evidence });
    }
    for (const b of listOf(rec, 'DBInstanceAutomatedBackupsReplications') ?? []) {
      const region = regionOfArn(text(b, 'DBInstanceAutomatedBackupsArn'));
      if (region) out.push({ what: `replicated automated backups ${text(b, 'DBInstanceAutomatedBackupsArn')}`, region, at, evidence });
    }
  }
  if (r.type === 'AWS::RDS::DBCluster') {
    for (const arn of (field(rec, 'ReadReplicaIdentifiers') as string[] | undefined) ?? []) {
      const region = regionOfArn(arn);
      if (region) out.push({ what: `replica cluster ${arn}`, region, at, evidence });
    }
    const gid = text(rec, 'GlobalClusterIdentifier');
    const g = gid ? globals.get(`${r.account}|${gid}`) : undefined;
    for (const m of listOf(g, 'GlobalClusterMembers') ?? []) {
      const region = regionOfArn(text(m, 'DBClusterArn'));
      if (region && text(m, 'DBClusterArn') !== r.arn) out.push({ what: `global database ${gid} member ${text(m, 'DBClusterArn')}`, region, at, evidence });
    }
  }
  if (r.type === 'AWS::DynamoDB::Table') {
    for (const rep of listOf(field(rec, 'table'), 'Replicas') ?? []) {
      const region = text(rep, 'RegionName');
      if (region) out.push({ what: `global table replica`, region, at, evidence });
    }
  }
  return out;
}

/** Data tagged with a residency rule, its replicas, read replicas and backup copies stay in the allowed regions. */
export const residencyBoundary: Control = {
  id: 'residency.boundary',
  title: 'Data tagged under a residency rule, its replicas, read replicas and backup copies stay in the allowed regions',
  requires: [],
  optional: ['s3.buckets', 'rds.instances', 'rds.clusters', 'dynamodb.tables', 'backup.recovery-points', 'backup.copy-jobs', 'backup.plans', 'backup.selections'],
  measure:
    'For each residency rule (tag → allowed regions), every resource carrying the tag (inventory at each snapshot) must be in an allowed region, and so must everything holding its data during the period: S3 replication destinations, RDS read replicas and replicated automated backups, Aurora replica clusters and global database members, DynamoDB global table replicas, recovery points of it in any vault, copy jobs of it (destination vault) and the copy actions of backup plans that select it. Each placement outside the allowed regions is one exception, first to last seen.',
  notApplicable: (config) => (config.residency.length === 0 ? 'no residency rules are configured (residency)' : undefined),
  evaluate({ view, config }) {
    const range = view.period;
    const sources = ['s3.buckets', 'rds.instances', 'rds.clusters', 'dynamodb.tables'];
    if (!sources.some((s) => view.has(s))) {
      return { status: 'error', summary: `could not be evaluated: no inventory of data stores (${sources.join(', ')}) in the period`, exceptions: [] };
    }
    const inventory = buildInventory(view);
    const regionOfBucket = new Map(inventory.resources.filter((r) => r.type === 'AWS::S3::Bucket').map((r) => [r.name, r.region]));
    const globals = new Map<string, Json>();
    for (const c of periodCaptures(view.series<Json>('rds.clusters'), range)) for (const g of listOf(c.data, 'globalClusters') ?? []) globals.set(`${c.account}|${text(g, 'GlobalClusterIdentifier')}`, g);

    // Every capture of each data store: placements over time, not only at the end.
    const placements = new Map<string, Map<string, PlacementSpan>>();
    const add = (arn: string, p: Placement) => {
      let spans = placements.get(arn);
      if (!spans) placements.set(arn, (spans = new Map()));
      addToSpans(spans, { what: p.what, region: p.region, from: p.at, to: p.at, evidence: [p.evidence] });
    };
    for (const source of sources) {
      for (const c of periodCaptures(view.series<Json>(source), range)) {
        const captured = buildInventoryFromCapture(inventory, c.evidenceId);
        for (const r of captured) {
          add(r.arn, { what: 'the resource itself', region: r.region, at: c.at, evidence: c.evidenceId });
          for (const p of replicaPlacements(r, regionOfBucket, globals, c.at, c.evidenceId)) add(r.arn, p);
        }
      }
    }
    // Recovery points of the resource, wherever a vault holds them.
    for (const c of periodCaptures(view.series<Json>('backup.recovery-points'), range)) {
      for (const v of listOf(c.data, 'vaults') ?? []) {
        const vault = text(field(v, 'vault'), 'BackupVaultName');
        for (const rp of listOf(v, 'recoveryPoints') ?? []) {
          const arn = text(rp, 'ResourceArn');
          if (arn) add(arn, { what: `recovery point in vault ${vault}${text(rp, 'SourceBackupVaultArn') ? ' (a copy)' : ''}`, region: c.region, at: c.at, evidence: c.evidenceId });
        }
      }
    }
    // Copy jobs of the period.
    for (const r of view.records<Json>('backup.copy-jobs')) {
      const created = timeOf(r.record, 'CreationDate');
      const arn = text(r.record, 'ResourceArn');
      const region = regionOfArn(text(r.record, 'DestinationBackupVaultArn'));
      if (!created || !arn || !region || created < range.from || created >= range.to) continue;
      add(arn, { what: `backup copy (copy job ${text(r.record, 'CopyJobId')} to ${text(r.record, 'DestinationBackupVaultArn')})`, region, at: created, evidence: r.evidenceId });
    }
    // Copy actions of the plans that select the resource.
    const plansByKey = new Map<string, { copyRegions: Array<{ vault: string; region: string }>; evidence: string; at: string }>();
    for (const c of periodCaptures(view.series<Json>('backup.plans'), range)) {
      for (const p of listOf(c.data, 'plans') ?? []) {
        const id = text(field(p, 'plan'), 'BackupPlanId') ?? '';
        const copies = (listOf(field(field(p, 'details'), 'BackupPlan'), 'Rules') ?? []).flatMap((rule) =>
          (listOf(rule, 'CopyActions') ?? []).map((a) => ({ vault: text(a, 'DestinationBackupVaultArn') ?? '', region: regionOfArn(text(a, 'DestinationBackupVaultArn')) ?? 'unknown' })),
        );
        plansByKey.set(`${c.account}|${c.region}|${id}`, { copyRegions: copies, evidence: c.evidenceId, at: c.at });
      }
    }
    const selectionCaptures = periodCaptures(view.series<Json>('backup.selections'), range);

    const exceptions: ControlException[] = [];
    let tagged = 0;
    for (const rule of config.residency) {
      const allowed = new Set(rule.allowedRegions);
      for (const r of inventory.resources) {
        if (r.tags === undefined) {
          exceptions.push(unevaluated(range, { resource: r.arn, account: r.account, region: r.region, message: `its tags could not be read, so whether ${describeTags(rule.tag)} applies is unknown`, evidence: [r.evidence] }));
          continue;
        }
        if (!hasAllTags(r.tags, rule.tag)) continue;
        tagged += 1;
        const found = [...(placements.get(r.arn)?.values() ?? [])];
        for (const c of selectionCaptures.filter((s) => s.account === r.account && s.region === r.region)) {
          for (const plan of readPlanSelections(c.data)) {
            if (selectingPlans([plan], r.arn, r.tags).match !== 'selected') continue;
            const p = plansByKey.get(`${c.account}|${c.region}|${plan.planId}`);
            for (const copy of p?.copyRegions ?? []) found.push(spanOf({ what: `copy action of backup plan ${plan.planName} to ${copy.vault}`, region: copy.region, at: c.at, evidence: p!.evidence }));
          }
        }
        // One exception per (what, region) outside the allowed regions, first to last seen.
        const outside = new Map<string, PlacementSpan>();
        for (const p of found) if (!allowed.has(p.region)) addToSpans(outside, p);
        for (const o of outside.values()) {
          const unknown = o.region === 'unknown';
          exceptions.push(
            makeException(unknown ? 'unevaluated' : 'failure', {
              resource: r.arn,
              account: r.account,
              region: o.region,
              from: o.from < range.from ? range.from : o.from,
              to: o.to,
              message: unknown
                ? `could not be evaluated: the region of ${o.what} is not in the evidence (data tagged ${describeTags(rule.tag)} may only be in ${rule.allowedRegions.join(', ')})`
                : `${o.what} is in ${o.region}; data tagged ${describeTags(rule.tag)} may only be in ${rule.allowedRegions.join(', ')} (seen ${o.from.slice(0, 10)} to ${o.to.slice(0, 10)})`,
              evidence: [...o.evidence],
            }),
          );
        }
      }
    }
    if (tagged === 0 && exceptions.length === 0) return { status: 'not_applicable', summary: 'no resource carries a residency tag', exceptions };
    const failing = new Set(exceptions.filter((e) => e.kind === 'failure').map((e) => e.resource)).size;
    return { summary: `${plural(tagged, 'tagged resource')} under ${plural(config.residency.length, 'residency rule')}; ${failing} with data outside the allowed regions in the period.`, exceptions };
  },
};

/** The inventory entries as one capture saw them (their record at that capture). */
function buildInventoryFromCapture(inventory: ReturnType<typeof buildInventory>, evidenceId: string): InventoryResource[] {
  return inventory.captured.get(evidenceId) ?? [];
}

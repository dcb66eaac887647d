import type { Capture } from '../../period/types.js';
import { configItemsOfType, itemDeleted, itemTime, type ConfigItem } from '../support/config-history.js';
import { plural, scopedTimelineExceptions } from '../support/exceptions.js';
import { periodCaptures } from '../support/inventory.js';
import { field, hasField, isObject, listOf, text, timeOf, type Json } from '../support/records.js';
import { normalizeTags } from '../support/tags.js';
import { bucketNameOfArn } from '../support/arn.js';
import { observeResources, type Judgement } from '../support/timeline.js';
import type { Control, ControlException } from '../types.js';

interface Destination {
  bucket: string;
  enabled: boolean;
}

/** Replication rules of a bucket from GetBucketReplication (s3.buckets) or a Config item. */
function destinationsOf(replication: unknown): Destination[] {
  const rules = listOf(replication, 'Rules', 'rules') ?? [];
  return rules.map((rule) => {
    const destination = field(rule, 'Destination', 'destinationConfig');
    const bucket = text(destination, 'Bucket', 'bucketARN', 'bucketArn') ?? '';
    const status = text(rule, 'Status', 'status') ?? '';
    return { bucket: bucketNameOfArn(bucket), enabled: status.toLowerCase() === 'enabled' };
  });
}

/** In-scope S3 buckets are versioned and replicate to a bucket in another approved region. */
export const replicationS3: Control = {
  id: 'replication.s3',
  title: 'In-scope S3 buckets are versioned and replicate to another approved region throughout the period',
  requires: ['s3.buckets'],
  optional: ['config.history'],
  measure:
    'For each in-scope bucket (scope.tags), versioning must be Enabled and an enabled replication rule must point to a bucket in another region listed in the config, at every snapshot and in every AWS Config configuration item of the period. Buckets that are themselves replication destinations need versioning only. Each interval when a bucket fell short is one exception with its start and end.',
  evaluate({ view, config }) {
    const range = view.period;
    const approved = new Set(config.regions);
    const captures = periodCaptures(view.series<Json>('s3.buckets'), range);
    // Every bucket's region, from every account's captures: destinations may be in other accounts.
    const regionOfBucket = new Map<string, string>();
    const destinationsOfAll = new Set<string>();
    for (const c of captures) {
      for (const b of listOf(c.data, 'buckets') ?? []) {
        regionOfBucket.set(String(field(b, 'name')), text(b, 'region') ?? 'unknown');
        for (const d of destinationsOf(field(b, 'replication'))) destinationsOfAll.add(d.bucket);
      }
    }
    const judgeReplication = (bucket: string, region: string, replication: unknown): Judgement => {
      if (destinationsOfAll.has(bucket)) return { state: 'ok', detail: 'a replication destination' };
      if (replication === undefined) return { state: 'unknown', detail: 'replication could not be read' };
      const destinations = destinationsOf(replication).filter((d) => d.enabled);
      if (destinations.length === 0) return { state: 'bad', detail: replication === null ? 'no replication configuration' : 'no enabled replication rule' };
      const regions = destinations.map((d) => ({ d, region: regionOfBucket.get(d.bucket) }));
      if (regions.some((r) => r.region && r.region !== region && approved.has(r.region))) return { state: 'ok', detail: 'replicates' };
      const unknownDest = regions.filter((r) => !r.region);
      if (unknownDest.length > 0) return { state: 'unknown', detail: `the region of destination ${unknownDest.map((r) => r.d.bucket).join(', ')} is not in the evidence` };
      return {
        state: 'bad',
        detail: `replicates only to ${regions.map((r) => `${r.d.bucket} (${r.region})`).join(', ')}, not to another approved region`,
      };
    };
    const judge = (bucket: string, region: string, versioning: unknown, replication: unknown): Judgement => {
      const problems: string[] = [];
      let unknown: string | undefined;
      const status = versioning === undefined ? undefined : (text(versioning, 'Status', 'status') ?? 'never enabled');
      if (status === undefined) unknown = 'versioning could not be read';
      else if (status.toLowerCase() !== 'enabled') problems.push(`versioning ${status}`);
      const rep = judgeReplication(bucket, region, replication);
      if (rep.state === 'bad') problems.push(rep.detail);
      if (rep.state === 'unknown') unknown = rep.detail;
      if (problems.length > 0) return { state: 'bad', detail: problems.join(', ') };
      if (unknown) return { state: 'unknown', detail: unknown };
      return { state: 'ok', detail: 'versioned and replicating' };
    };
    const timelines = observeResources<Json, ConfigItem>({
      captures,
      list: (c: Capture) => listOf(c.data, 'buckets'),
      key: (b, c) => `${c.account}|${String(field(b, 'name'))}`,
      region: (b) => text(b, 'region') ?? 'unknown',
      createdAt: (b) => timeOf(b, 'creationDate'),
      judge: (b) => {
        const name = String(field(b, 'name'));
        return judge(name, text(b, 'region') ?? 'unknown', field(b, 'versioning'), hasField(b, 'replication') ? field(b, 'replication') : undefined);
      },
      history: {
        items: configItemsOfType(view, 'AWS::S3::Bucket'),
        key: (item, record) => `${record.account}|${item.resourceName ?? item.resourceId}`,
        at: itemTime,
        deleted: itemDeleted,
        judge: (item) => {
          const sup = item.supplementaryConfigurationParsed ?? {};
          const versioning = field(sup, 'BucketVersioningConfiguration');
          if (!isObject(versioning)) return { state: 'unknown', detail: 'the configuration item carries no versioning state' };
          // A full item lists the bucket's supplementary configuration; no replication key means none.
          const replication = field(sup, 'BucketReplicationConfiguration', 'ReplicationConfiguration') ?? null;
          const name = item.resourceName ?? item.resourceId;
          return judge(name, item.awsRegion ?? regionOfBucket.get(name) ?? 'unknown', versioning, replication);
        },
      },
    });

    const exceptions: ControlException[] = [];
    let inScope = 0;
    let replicas = 0;
    for (const t of timelines.values()) {
      const latest = t.latest?.resource;
      const name = t.key.split('|')[1];
      const tags = latest ? normalizeTags(field(latest, 'tags')) : t.latestItem ? normalizeTags(t.latestItem.item.tags ?? null) : undefined;
      const judged = scopedTimelineExceptions(range, t, { resource: name, tags, scopeTags: config.scope.tags, what: 'not versioned and replicating', unknownReason: 'no observation' });
      if (judged.scope === 'out') continue;
      exceptions.push(...judged.exceptions);
      if (judged.scope === 'unknown') continue;
      inScope += 1;
      if (destinationsOfAll.has(name)) replicas += 1;
    }
    if (inScope === 0 && exceptions.length === 0) {
      return { status: 'not_applicable', summary: 'no in-scope S3 buckets in the period', exceptions };
    }
    const failing = new Set(exceptions.filter((e) => e.kind === 'failure').map((e) => `${e.account}|${e.resource}`)).size;
    return {
      summary: `${plural(inScope, 'in-scope bucket')} (${plural(replicas, 'replica')}); ${failing} fell short of versioning and cross-region replication at some time in the period.`,
      exceptions,
    };
  },
};

import {
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketReplicationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  paginateListBuckets,
  type Bucket,
} from '@aws-sdk/client-s3';
import { mapWithConcurrency } from '../../util/limiter.js';
import { withoutMetadata } from '../sdk-output.js';
import type { Collector } from '../types.js';

export interface BucketEvidence {
  name: string;
  /** The bucket's region (GetBucketLocation; "" or null location means us-east-1). */
  region: string;
  creationDate?: string;
  /** GetBucketTagging TagSet; null when the bucket has no tags. */
  tags?: Array<{ Key?: string; Value?: string }> | null;
  /** GetBucketVersioning: Status (Enabled | Suspended, absent when never enabled), MFADelete. */
  versioning?: Record<string, unknown>;
  /** GetBucketReplication ReplicationConfiguration; null when the bucket does not replicate. */
  replication?: Record<string, unknown> | null;
  /** GetObjectLockConfiguration ObjectLockConfiguration; null when Object Lock is not configured. */
  objectLock?: Record<string, unknown> | null;
  /** GetBucketEncryption ServerSideEncryptionConfiguration; null when none is configured. */
  encryption?: Record<string, unknown> | null;
}

export interface S3Buckets {
  buckets: BucketEvidence[];
}

/** S3 location constraint → region (null/"" is us-east-1, "EU" is the legacy name of eu-west-1). */
export function bucketRegion(location: string | null | undefined): string {
  if (!location) return 'us-east-1';
  if (location === 'EU') return 'eu-west-1';
  return location;
}

/**
 * Every S3 bucket of the account, in every region (an out-of-region bucket is evidence too),
 * with tags, versioning, replication, Object Lock and default encryption.
 */
export const s3Buckets: Collector<S3Buckets> = {
  id: 's3.buckets',
  schema: 's3.buckets.v1',
  title: 'S3 buckets with tags, versioning, replication rules, Object Lock and encryption',
  scope: 'account',
  group: 'state',
  operations: [
    's3:ListBuckets',
    's3:GetBucketLocation',
    's3:GetBucketTagging',
    's3:GetBucketVersioning',
    's3:GetBucketReplication',
    's3:GetObjectLockConfiguration',
    's3:GetBucketEncryption',
  ],
  async collect(ctx) {
    const client = ctx.clients.s3;
    const listed: Bucket[] = [];
    for await (const page of paginateListBuckets({ client }, {})) listed.push(...(page.Buckets ?? []));
    const buckets = await mapWithConcurrency(listed, 8, async (bucket): Promise<BucketEvidence> => {
      const name = bucket.Name!;
      let region = bucket.BucketRegion;
      if (!region) {
        const location = await ctx.attempt('s3:GetBucketLocation', client.send(new GetBucketLocationCommand({ Bucket: name })), name);
        region = location ? bucketRegion(location.LocationConstraint) : undefined;
      }
      const evidence: BucketEvidence = {
        name,
        region: region ?? 'unknown',
        ...(bucket.CreationDate ? { creationDate: bucket.CreationDate.toISOString() } : {}),
      };
      if (!region) return evidence;
      const regional = ctx.clientsIn(region).s3;
      const [tags, versioning, replication, objectLock, encryption] = await Promise.all([
        ctx.attempt('s3:GetBucketTagging', regional.send(new GetBucketTaggingCommand({ Bucket: name })), name),
        ctx.attempt('s3:GetBucketVersioning', regional.send(new GetBucketVersioningCommand({ Bucket: name })), name),
        ctx.attempt('s3:GetBucketReplication', regional.send(new GetBucketReplicationCommand({ Bucket: name })), name),
        ctx.attempt('s3:GetObjectLockConfiguration', regional.send(new GetObjectLockConfigurationCommand({ Bucket: name })), name),
        ctx.attempt('s3:GetBucketEncryption', regional.send(new GetBucketEncryptionCommand({ Bucket: name })), name),
      ]);
      if (tags !== undefined) evidence.tags = tags === null ? null : (tags.TagSet ?? []);
      if (versioning) evidence.versioning = withoutMetadata(versioning);
      if (replication !== undefined) evidence.replication = replication?.ReplicationConfiguration ? { ...replication.ReplicationConfiguration } : null;
      if (objectLock !== undefined) evidence.objectLock = objectLock?.ObjectLockConfiguration ? { ...objectLock.ObjectLockConfiguration } : null;
      if (encryption !== undefined) {
        evidence.encryption = encryption?.ServerSideEncryptionConfiguration ? { ...encryption.ServerSideEncryptionConfiguration } : null;
      }
      return evidence;
    });
    return { data: { buckets }, recordCount: buckets.length };
  },
};

/**
 * Recorded AWS Config and CloudTrail responses, shaped exactly as the services send them (JSON
 * 1.1 protocol: timestamps are epoch seconds, Config's `configuration` and every
 * `supplementaryConfiguration` value are JSON-encoded strings, CloudTrail's `CloudTrailEvent` is a
 * JSON string), served through test/support/fault-proxy.ts so the SDK's real deserializers read
 * them. Shapes follow the API references: GetResourceConfigHistory / BatchGetResourceConfig
 * (ConfigurationItem, BaseConfigurationItem), GetDiscoveredResourceCounts,
 * GetAggregateDiscoveredResourceCounts, DescribeDeliveryChannelStatus, LookupEvents.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { validateEnvelope } from '../../src/evidence/envelope.js';
import type { Envelope } from '../../src/evidence/types.js';
import type { CannedResponse, ProxiedRequest } from './fault-proxy.js';

export const ACCOUNT = '123456789012';

/** Epoch seconds, as the JSON protocols put timestamps on the wire. */
export function epoch(iso: string): number {
  return Date.parse(iso) / 1000;
}

/** A JSON 1.1 success response. */
export function json(body: unknown): CannedResponse {
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) };
}

/** A JSON 1.1 error response (`__type` is the error code the SDK reads). */
export function jsonError(type: string, message: string): CannedResponse {
  return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: type, message }) };
}

/** The request body a proxied JSON-protocol request carried. */
export function input<T = Record<string, unknown>>(req: ProxiedRequest): T {
  return JSON.parse(req.body || '{}') as T;
}

export interface BucketState {
  name: string;
  at: string;
  status?: 'OK' | 'ResourceDiscovered' | 'ResourceDeleted';
  versioning?: 'Enabled' | 'Suspended' | null;
  /** Destination bucket of an enabled replication rule; null for no replication. */
  replicatesTo?: string | null;
  region?: string;
}

/** An S3 bucket configuration item as GetResourceConfigHistory returns it. */
export function bucketItem(state: BucketState): Record<string, unknown> {
  const region = state.region ?? 'us-east-1';
  const status = state.status ?? 'OK';
  const base = {
    version: '1.3',
    accountId: ACCOUNT,
    configurationItemCaptureTime: epoch(state.at),
    configurationItemStatus: status,
    configurationStateId: String(Date.parse(state.at)),
    configurationItemMD5Hash: '',
    arn: `arn:aws:s3:::${state.name}`,
    resourceType: 'AWS::S3::Bucket',
    resourceId: state.name,
    resourceName: state.name,
    awsRegion: region,
    availabilityZone: 'Regional',
    resourceCreationTime: epoch('2025-03-02T10:00:00Z'),
    tags: { 'data-origin': 'eu' },
    relatedEvents: [],
    relationships: [],
  };
  if (status === 'ResourceDeleted') return { ...base, configuration: null, supplementaryConfiguration: {} };
  const supplementary: Record<string, string> = {
    BucketVersioningConfiguration: JSON.stringify({ status: state.versioning === undefined ? 'Enabled' : (state.versioning ?? 'Off'), isMfaDeleteEnabled: null }),
    IsRequesterPaysEnabled: 'false',
    BucketLoggingConfiguration: JSON.stringify({ destinationBucketName: null, logFilePrefix: null }),
  };
  if (state.replicatesTo) {
    supplementary.BucketReplicationConfiguration = JSON.stringify({
      roleARN: `arn:aws:iam::${ACCOUNT}:role/replication`,
      rules: { 'to-west': { destinationConfig: { bucketARN: `arn:aws:s3:::${state.replicatesTo}`, storageClass: null }, prefix: '', status: 'Enabled' } },
    });
  }
  return {
    ...base,
    configuration: JSON.stringify({ name: state.name, owner: { displayName: null, id: 'c0ffee' }, creationDate: '2025-03-02T10:00:00.000Z' }),
    supplementaryConfiguration: supplementary,
  };
}

/** The BaseConfigurationItem BatchGetResourceConfig returns for the same state (no tags, relationships, relatedEvents). */
export function baseItem(state: BucketState): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { tags, relatedEvents, relationships, ...rest } = bucketItem(state);
  return rest;
}

export interface RecordedEvent {
  id: string;
  name: string;
  source: string;
  at: string;
  user?: string;
  resources?: Array<{ ResourceType: string; ResourceName: string }>;
  requestParameters?: Record<string, unknown>;
}

/** One CloudTrail event as LookupEvents returns it. */
export function lookupEvent(e: RecordedEvent, region = 'us-east-1'): Record<string, unknown> {
  const user = e.user ?? 'dana.whitfield';
  const record = {
    eventVersion: '1.09',
    userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/dr-operator/${user}`, accountId: ACCOUNT },
    eventTime: new Date(Date.parse(e.at)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: e.source,
    eventName: e.name,
    awsRegion: region,
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: e.requestParameters ?? null,
    responseElements: null,
    requestID: `req-${e.id}`,
    eventID: e.id,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
  return {
    EventId: e.id,
    EventName: e.name,
    ReadOnly: 'false',
    AccessKeyId: 'ASIAEXAMPLEKEY',
    EventTime: epoch(e.at),
    EventSource: e.source,
    Username: user,
    Resources: e.resources ?? [],
    CloudTrailEvent: JSON.stringify(record),
  };
}

/** Reads an envelope a collection wrote, validating it again (frame and data schema). */
export async function readEnvelopeFile(snapshotDir: string, account: string, region: string, collector: string): Promise<Envelope> {
  const value = JSON.parse(await readFile(path.join(snapshotDir, 'evidence', account, region, `${collector}.json`), 'utf8')) as unknown;
  validateEnvelope(value, `${account}/${region}/${collector}`);
  return value;
}

/**
 * Request-rate limits proofpack keeps to, per account × region. Where AWS documents a limit it
 * is used (LookupEvents: "two per second, per account, per Region", CloudTrail API reference);
 * elsewhere a conservative default keeps a collection run well inside the service's token
 * bucket, and adaptive retries with jitter absorb what is left.
 */
export interface RateLimit {
  /** Sustained requests per second. */
  ratePerSecond: number;
  /** Requests allowed at once before the sustained rate applies. */
  burst: number;
  /** The limit is per account across all regions (AWS documents it so), not per account × region. */
  perAccount?: boolean;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { ratePerSecond: 10, burst: 10 };

/** Per-service defaults, keyed by IAM prefix. */
export const SERVICE_RATE_LIMITS: Readonly<Record<string, RateLimit>> = {
  backup: { ratePerSecond: 10, burst: 10 },
  config: { ratePerSecond: 8, burst: 8 },
  cloudtrail: { ratePerSecond: 10, burst: 10 },
  s3: { ratePerSecond: 50, burst: 50 },
  rds: { ratePerSecond: 10, burst: 10 },
  dynamodb: { ratePerSecond: 20, burst: 20 },
  kms: { ratePerSecond: 20, burst: 20 },
  cloudwatch: { ratePerSecond: 9, burst: 9 },
  organizations: { ratePerSecond: 5, burst: 5 },
  sts: { ratePerSecond: 20, burst: 20 },
};

/** Operations with a documented limit of their own, keyed by `prefix:Operation`. */
export const OPERATION_RATE_LIMITS: Readonly<Record<string, RateLimit>> = {
  // CloudTrail API reference, LookupEvents: "limited to two per second, per account, per Region".
  // Burst 1: requests at least 500 ms apart, so no one-second span ever holds more than two.
  'cloudtrail:LookupEvents': { ratePerSecond: 2, burst: 1 },
  // DynamoDB API reference, ListTagsOfResource: "up to 10 times per second, per account" — all regions together.
  'dynamodb:ListTagsOfResource': { ratePerSecond: 10, burst: 1, perAccount: true },
};

export function rateLimitFor(operation: string): { key: string; limit: RateLimit } {
  const own = OPERATION_RATE_LIMITS[operation];
  if (own) return { key: operation, limit: own };
  const prefix = operation.split(':')[0];
  return { key: prefix, limit: SERVICE_RATE_LIMITS[prefix] ?? DEFAULT_RATE_LIMIT };
}

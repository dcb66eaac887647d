import { BackupClient } from '@aws-sdk/client-backup';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';
import { RateLimiter } from '../util/limiter.js';
import { USER_AGENT } from '../version.js';
import { callRecorderStorage, countRecords, provenanceParameters, recordFailure } from './call-recorder.js';
import { isNotImplementedError } from './errors.js';
import { rateLimitFor } from './rate-limits.js';

/** An account as the collectors see it. */
export interface AccountTarget {
  id: string;
  name: string;
  /** Role to assume in the account; absent: the default credentials are used as they are. */
  roleArn?: string;
}

export interface ClientFactoryOptions {
  /** Send every request here (an emulator such as moto_server). */
  endpointUrl?: string;
  /** Attempts per request including the first (adaptive retry mode). */
  maxAttempts?: number;
  /** Base credentials; default: the SDK's standard chain (env, profile, SSO, instance role). */
  credentials?: AwsCredentialIdentityProvider;
  /** Region for STS calls (AssumeRole, GetCallerIdentity). */
  stsRegion?: string;
  /** Extra headers on every request (e.g. `x-moto-account-id` against moto). */
  headers?: Record<string, string>;
}

interface SendableClient {
  send(command: unknown, options?: unknown): Promise<unknown>;
  destroy(): void;
  config: unknown;
  middlewareStack: { add(mw: unknown, options: unknown): void };
}

const SERVICES = {
  backup: { prefix: 'backup', Client: BackupClient },
  cloudtrail: { prefix: 'cloudtrail', Client: CloudTrailClient },
  cloudwatch: { prefix: 'cloudwatch', Client: CloudWatchClient },
  config: { prefix: 'config', Client: ConfigServiceClient },
  dynamodb: { prefix: 'dynamodb', Client: DynamoDBClient },
  kms: { prefix: 'kms', Client: KMSClient },
  organizations: { prefix: 'organizations', Client: OrganizationsClient },
  rds: { prefix: 'rds', Client: RDSClient },
  s3: { prefix: 's3', Client: S3Client },
  sts: { prefix: 'sts', Client: STSClient },
} as const;

export type ServiceName = keyof typeof SERVICES;

/** The SDK clients of one account in one region, created on first use. */
export interface RegionClients {
  readonly account: AccountTarget;
  readonly region: string;
  readonly backup: BackupClient;
  readonly cloudtrail: CloudTrailClient;
  readonly cloudwatch: CloudWatchClient;
  readonly config: ConfigServiceClient;
  readonly dynamodb: DynamoDBClient;
  readonly kms: KMSClient;
  readonly organizations: OrganizationsClient;
  readonly rds: RDSClient;
  readonly s3: S3Client;
  readonly sts: STSClient;
}

/** Counts of requests sent through the factory's clients (benchmarks, run summaries). */
export interface CallStats {
  /** Commands sent (a paginated listing counts each page). */
  total: number;
  /** HTTP attempts, retries included. */
  attempts: number;
  byOperation: Record<string, number>;
}

/**
 * Builds every AWS client proofpack uses, one per service × account × region: credentials
 * (assuming the account's role when it has one), endpoint override (path-style S3),
 * adaptive retries, the proofpack user agent, and a rate limit per account × region × service.
 * Every request is recorded for the evidence's provenance. Collectors never build clients.
 */
export class AwsClientFactory {
  private readonly clients = new Map<string, SendableClient>();
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly credentialProviders = new Map<string, AwsCredentialIdentityProvider | undefined>();
  private readonly stats: CallStats = { total: 0, attempts: 0, byOperation: {} };

  constructor(readonly options: ClientFactoryOptions = {}) {}

  forRegion(account: AccountTarget, region: string): RegionClients {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const factory = this;
    const view = { account, region } as RegionClients;
    for (const name of Object.keys(SERVICES) as ServiceName[]) {
      Object.defineProperty(view, name, { enumerable: true, get: () => factory.client(name, account, region) });
    }
    return view;
  }

  callStats(): CallStats {
    return { total: this.stats.total, attempts: this.stats.attempts, byOperation: { ...this.stats.byOperation } };
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  private client(name: ServiceName, account: AccountTarget, region: string): never {
    const key = `${name}|${account.id}|${region}`;
    let client = this.clients.get(key);
    if (!client) {
      const { Client, prefix } = SERVICES[name];
      const endpoint = this.options.endpointUrl;
      client = new Client({
        region,
        ...(endpoint ? { endpoint } : {}),
        ...(name === 's3' && endpoint ? { forcePathStyle: true } : {}),
        maxAttempts: this.options.maxAttempts ?? 8,
        retryStrategy: new ProofpackRetryStrategy(this.options.maxAttempts ?? 8),
        customUserAgent: USER_AGENT,
        credentials: this.credentialsFor(account),
      } as never) as unknown as SendableClient;
      this.addHeaders(client);
      this.instrument(client, prefix, account, region);
      this.clients.set(key, client);
    }
    return client as never;
  }

  private addHeaders(client: SendableClient): void {
    const headers = this.options.headers;
    if (!headers || Object.keys(headers).length === 0) return;
    client.middlewareStack.add(
      (next: (args: { request: { headers: Record<string, string> } }) => Promise<unknown>) =>
        async (args: { request: { headers: Record<string, string> } }) => {
          Object.assign(args.request.headers, headers);
          return next(args);
        },
      { step: 'build', name: 'proofpackExtraHeaders' },
    );
  }

  /**
   * Rate-limits every HTTP attempt and records every command for provenance. The first attempt
   * takes its token in the `send` wrapper (so the limit holds also when tests stub the client's
   * prototype with aws-sdk-client-mock); the SDK's retries of a throttled request take theirs in a
   * middleware after the retry step (the retry middleware numbers attempts in `amz-sdk-request`).
   */
  private instrument(client: SendableClient, prefix: string, account: AccountTarget, region: string): void {
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        const header = (args as { request?: { headers?: Record<string, string> } }).request?.headers?.['amz-sdk-request'];
        const attempt = Number(/attempt=(\d+)/.exec(header ?? '')?.[1] ?? 1);
        if (attempt > 1) {
          const operation = `${prefix}:${String(context.commandName ?? '').replace(/Command$/, '')}`;
          await this.limiter(operation, account.id, region).take();
          this.stats.attempts += 1;
        }
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'proofpackRateLimit' },
    );
    const proto = Object.getPrototypeOf(client) as SendableClient;
    client.send = async (command: unknown, options?: unknown) => {
      const action = String((command as object).constructor.name).replace(/Command$/, '');
      const operation = `${prefix}:${action}`;
      const input = (command as { input?: unknown }).input;
      await this.limiter(operation, account.id, region).take();
      this.stats.total += 1;
      this.stats.attempts += 1;
      this.stats.byOperation[operation] = (this.stats.byOperation[operation] ?? 0) + 1;
      const recorder = callRecorderStorage.getStore();
      try {
        const output = await proto.send.call(client, command, options);
        recorder?.record({
          operation,
          region,
          parameters: provenanceParameters(input),
          outcome: 'ok',
          records: countRecords(output),
          requestId: (output as { $metadata?: { requestId?: string } } | undefined)?.$metadata?.requestId,
        });
        return output;
      } catch (error) {
        recorder?.record(recordFailure(operation, region, input, error));
        throw error;
      }
    };
  }

  private limiter(operation: string, accountId: string, region: string): RateLimiter {
    const { key, limit } = rateLimitFor(operation);
    const id = limit.perAccount ? `${accountId}|*|${key}` : `${accountId}|${region}|${key}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiter(limit.ratePerSecond, limit.burst);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  private credentialsFor(account: AccountTarget): AwsCredentialIdentityProvider | undefined {
    if (this.credentialProviders.has(account.id)) return this.credentialProviders.get(account.id);
    let provider = this.options.credentials;
    if (account.roleArn) {
      const endpoint = this.options.endpointUrl;
      provider = memoizeCredentials(
        fromTemporaryCredentials({
          params: { RoleArn: account.roleArn, RoleSessionName: 'proofpack', DurationSeconds: 3600 },
          masterCredentials: this.options.credentials,
          clientConfig: {
            region: this.options.stsRegion ?? 'us-east-1',
            ...(endpoint ? { endpoint } : {}),
            customUserAgent: USER_AGENT,
          },
        }),
      );
    }
    this.credentialProviders.set(account.id, provider);
    return provider;
  }
}

/** Shares one set of temporary credentials across all clients of an account until shortly before expiry. */
function memoizeCredentials(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    if (current) {
      const creds = await current.catch(() => undefined);
      if (creds && (!creds.expiration || creds.expiration.getTime() - Date.now() > 5 * 60_000)) return creds;
    }
    current = provider();
    return current;
  };
}

/**
 * AWS's adaptive retries (backoff with jitter, client-side rate adaptation on throttling), except
 * that an answer saying the endpoint does not implement the operation (an emulator's HTML error
 * page) is not retried: it will not change, and retrying it only costs time.
 */
class ProofpackRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'adaptive';
  private readonly inner: AdaptiveRetryStrategy;

  constructor(maxAttempts: number) {
    this.inner = new AdaptiveRetryStrategy(maxAttempts);
  }

  acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    return this.inner.acquireInitialRetryToken(scope);
  }

  refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    if (isNotImplementedError(errorInfo.error)) return Promise.reject(errorInfo.error);
    return this.inner.refreshRetryTokenForRetry(token, errorInfo);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.inner.recordSuccess(token);
  }
}

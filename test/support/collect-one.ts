/**
 * Runs collectors through `collectSnapshot` exactly as production does (envelope validation,
 * provenance, gaps) into a fresh temporary store, and reads back the envelopes it wrote. Used by
 * the replication/monitoring collector tests, against moto or against recorded responses
 * replayed with aws-sdk-client-mock.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { AwsClientFactory } from '../../src/aws/client-factory.js';
import { collectSnapshot, type CollectResult } from '../../src/collectors/run-collection.js';
import type { Collector } from '../../src/collectors/types.js';
import { validateEnvelope } from '../../src/evidence/envelope.js';
import { LocalEvidenceStore } from '../../src/evidence/local-store.js';
import type { Envelope } from '../../src/evidence/types.js';
import { testConfig } from './config.js';

export interface Collected {
  result: CollectResult;
  /** The envelope written for account × region, validated again on read; undefined when none was written. */
  envelope(account: string, region: string, collector?: string): Promise<Envelope | undefined>;
}

export interface CollectOneOptions {
  regions: string[];
  /** Default: the single test account 123456789012 with the ambient (test) credentials. */
  accounts?: Array<{ id: string; name: string; roleArn?: string }>;
  endpointUrl?: string;
  /** Attempts per request (the SDK's retry); default 4. */
  maxAttempts?: number;
  /** The store's folder (a later run continues its windows); default a new temporary folder. */
  dir?: string;
  /** The run's clock. */
  now?: () => Date;
}

/** Collects `collectors` for the accounts × regions given, into a new temporary store. */
export async function collectOne(collectors: Collector[], options: CollectOneOptions): Promise<Collected> {
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'proofpack-collect-one-')));
  const config = testConfig({ store: dir, regions: options.regions, ...(options.accounts ? { accounts: options.accounts } : {}) });
  const factory = new AwsClientFactory({ endpointUrl: options.endpointUrl, maxAttempts: options.maxAttempts ?? 4, stsRegion: options.regions[0] });
  try {
    const result = await collectSnapshot(config, {
      store: new LocalEvidenceStore(dir),
      clientFactory: factory,
      ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
      collectors,
      ...(options.now ? { now: options.now } : {}),
    });
    const only = collectors.length === 1 ? collectors[0].id : undefined;
    return {
      result,
      async envelope(account, region, collector = only) {
        if (!collector) throw new Error('name the collector: several were collected');
        try {
          const value = JSON.parse(await readFile(path.join(result.path, 'evidence', account, region, `${collector}.json`), 'utf8')) as unknown;
          validateEnvelope(value, `${account}/${region}/${collector}`);
          return value;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
          throw error;
        }
      },
    };
  } finally {
    factory.destroy();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStub = AwsStub<any, any, any>;

/** Mocks STS so the runner's GetCallerIdentity answers for `account` (recorded-response tests make no network call). */
export function mockCallerIdentity(account = '123456789012'): AnyStub {
  const sts = mockClient(STSClient);
  sts.on(GetCallerIdentityCommand).resolves({
    Account: account,
    Arn: `arn:aws:sts::${account}:assumed-role/proofpack-read/proofpack`,
    UserId: 'AROAEXAMPLEID:proofpack',
  });
  return sts;
}

/** The data of an envelope that must exist. */
export function dataOf<T>(envelope: Envelope | undefined): T {
  if (!envelope) throw new Error('expected an envelope, none was written');
  return envelope.data as T;
}

import type { AwsClientFactory } from '../aws/client-factory.js';
import type { Config } from '../config/types.js';
import { LocalEvidenceStore } from './local-store.js';
import { S3EvidenceStore } from './s3-store.js';
import type { EvidenceStore } from './store.js';

export interface OpenStoreOptions {
  /**
   * For an s3:// store: send S3 requests here (an emulator). Default: `AWS_ENDPOINT_URL_S3`, then
   * `AWS_ENDPOINT_URL`, from the environment — so every command reaches the same store.
   */
  endpointUrl?: string;
  /** For an s3:// store: clients from this factory instead of the store's own. */
  clientFactory?: AwsClientFactory;
}

/** The store a config names: a local folder, or (s3://bucket/prefix) an S3 bucket. */
export function openStore(
  config: Pick<Config, 'store' | 'configPath'> & Partial<Pick<Config, 'storeRetention' | 'regions'>>,
  options: OpenStoreOptions = {},
): EvidenceStore {
  if (config.store.startsWith('s3://')) {
    return new S3EvidenceStore({
      url: config.store,
      retention: config.storeRetention,
      factory: options.clientFactory,
      endpointUrl: options.endpointUrl ?? (process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined),
      region: config.regions?.[0],
    });
  }
  return new LocalEvidenceStore(config.store);
}

/** Releases what a store holds open (an S3 store's clients); a no-op for a folder. */
export function closeStore(store: EvidenceStore): void {
  (store as { close?: () => void }).close?.();
}

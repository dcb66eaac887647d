import { ConfigError } from '../errors.js';
import type { Config } from '../config/types.js';
import { LocalEvidenceStore } from './local-store.js';
import type { EvidenceStore } from './store.js';

/** The store a config names: a local folder, or (s3://bucket/prefix) an S3 bucket. */
export function openStore(config: Pick<Config, 'store' | 'configPath'>): EvidenceStore {
  if (config.store.startsWith('s3://')) {
    throw new ConfigError([{ file: config.configPath || 'config', path: 'store', message: 's3:// stores are not available in this build; use a folder' }]);
  }
  return new LocalEvidenceStore(config.store);
}

import type { AccountTarget, AwsClientFactory } from '../aws/client-factory.js';
import type { Config } from '../config/types.js';
import { ConfigError } from '../errors.js';
import type { Gap } from '../evidence/types.js';

export interface ResolvedAccounts {
  accounts: AccountTarget[];
  /** Accounts that exist but are not collected (suspended, excluded by a failure), as gaps. */
  gaps: Gap[];
  notes: string[];
}

/**
 * The accounts a run collects: the config's list, or (organization mode) the organization's
 * active accounts; then the shard's stable slice of them, if sharding.
 */
export async function resolveAccounts(
  config: Config,
  _factory: AwsClientFactory,
  options: { shard?: { index: number; count: number } } = {},
): Promise<ResolvedAccounts> {
  if (!Array.isArray(config.accounts)) {
    throw new ConfigError([
      { file: config.configPath || 'config', path: 'accounts', message: 'organization mode is not available in this build; list the accounts' },
    ]);
  }
  const accounts = config.accounts.map((a) => ({ id: a.id, name: a.name, ...(a.roleArn ? { roleArn: a.roleArn } : {}) }));
  return { accounts: shardAccounts(accounts, options.shard), gaps: [], notes: [] };
}

/** A stable slice of the accounts: sorted by id, every n-th starting at i (1-based). */
export function shardAccounts<T extends { id: string }>(accounts: readonly T[], shard?: { index: number; count: number }): T[] {
  if (!shard) return [...accounts];
  return [...accounts].sort((a, b) => a.id.localeCompare(b.id)).filter((_, i) => i % shard.count === shard.index - 1);
}

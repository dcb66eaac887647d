import { paginateListAccounts, type Account as OrganizationAccount } from '@aws-sdk/client-organizations';
import type { AccountTarget, AwsClientFactory } from '../aws/client-factory.js';
import { classifyAwsError } from '../aws/errors.js';
import type { Config, OrganizationAccounts } from '../config/types.js';
import { CollectorError } from '../errors.js';
import type { Gap } from '../evidence/types.js';

export interface ResolvedAccounts {
  accounts: AccountTarget[];
  /** Accounts that exist but are not collected (suspended, closed), as gaps. */
  gaps: Gap[];
  /** What a person should know about the account list (accounts skipped, patterns that matched nothing). */
  notes: string[];
  /** Accounts worked on at once (organization mode, `accounts.concurrency`); undefined: no limit beyond the task lanes. */
  accountConcurrency?: number;
  /** Accounts in scope that other shards collect (an organization-wide listing may be made with one of their roles). */
  otherShards: AccountTarget[];
}

/** Accounts collected at once in organization mode when the config does not say. */
export const DEFAULT_ACCOUNT_CONCURRENCY = 4;

/** The credentials a run starts with: the management or delegated-admin account, no role. */
const ORGANIZATION_CALLER: AccountTarget = { id: 'organization', name: 'organization management' };

/**
 * The accounts a run collects: the config's list, or (organization mode) the organization's
 * active accounts; then the shard's stable slice of them, if sharding.
 */
export async function resolveAccounts(
  config: Config,
  factory: AwsClientFactory,
  options: { shard?: { index: number; count: number }; now?: () => Date } = {},
): Promise<ResolvedAccounts> {
  if (!Array.isArray(config.accounts)) {
    const listed = await listOrganizationAccounts(factory, config.regions[0]);
    const resolved = selectOrganizationAccounts(listed, config.accounts, (options.now ?? (() => new Date()))().toISOString());
    // Skipped accounts are sharded like active ones, so each shard reports only its own.
    const inShard = new Set(shardAccounts([...resolved.accounts, ...resolved.skipped], options.shard).map((a) => a.id));
    return {
      accounts: resolved.accounts.filter((a) => inShard.has(a.id)),
      otherShards: resolved.accounts.filter((a) => !inShard.has(a.id)),
      gaps: resolved.gaps.filter((g) => inShard.has(g.account)),
      notes: resolved.notes,
      accountConcurrency: config.accounts.concurrency ?? DEFAULT_ACCOUNT_CONCURRENCY,
    };
  }
  const accounts = config.accounts.map((a) => ({ id: a.id, name: a.name, ...(a.roleArn ? { roleArn: a.roleArn } : {}) }));
  const inShard = shardAccounts(accounts, options.shard);
  return { accounts: inShard, otherShards: accounts.filter((a) => !inShard.includes(a)), gaps: [], notes: [] };
}

/**
 * Every account of the organization (Organizations ListAccounts, paginated), called with the
 * credentials the run starts with: the management account or a delegated administrator.
 */
export async function listOrganizationAccounts(factory: AwsClientFactory, region: string): Promise<OrganizationAccount[]> {
  const client = factory.forRegion(ORGANIZATION_CALLER, region).organizations;
  const out: OrganizationAccount[] = [];
  try {
    for await (const page of paginateListAccounts({ client }, {})) out.push(...(page.Accounts ?? []));
  } catch (error) {
    const info = classifyAwsError(error);
    const hint =
      info.kind === 'denied'
        ? ' — organization mode runs with the management account or a delegated administrator, with organizations:ListAccounts'
        : '';
    throw new CollectorError(`organizations:ListAccounts failed (${info.code}: ${info.message})${hint}`, 'organizations.accounts', { cause: error });
  }
  return out;
}

/**
 * Chooses the accounts to collect from an organization's listing (pure):
 * - `include` / `exclude` patterns match an account's id or its name (names case-insensitively);
 *   `*` stands for any run of characters and `?` for one. No `include`: every account. `exclude`
 *   wins over `include`. An excluded account is out of scope by decision: a note, not a gap.
 * - Accounts that are not ACTIVE (suspended, pending closure, closed, pending activation) cannot
 *   be collected: each is a note and a gap of kind `account`, so coverage shows it.
 * - Each active account is reached through `arn:<partition>:iam::<id>:role/<roleName>`.
 * Accounts are returned sorted by id (the order shards slice them in).
 */
export function selectOrganizationAccounts(
  listed: readonly OrganizationAccount[],
  query: OrganizationAccounts,
  at: string,
): { accounts: AccountTarget[]; skipped: AccountTarget[]; gaps: Gap[]; notes: string[] } {
  const include = (query.include ?? []).map(compilePattern);
  const exclude = (query.exclude ?? []).map(compilePattern);
  const notes: string[] = [];
  const accounts: AccountTarget[] = [];
  const skipped: AccountTarget[] = [];
  const gaps: Gap[] = [];
  const used = { include: new Set<number>(), exclude: new Set<number>() };
  const sorted = [...listed].filter((a) => a.Id).sort((a, b) => a.Id!.localeCompare(b.Id!));
  for (const account of sorted) {
    const id = account.Id!;
    const name = account.Name ?? id;
    const matches = (p: (v: string) => boolean) => p(id) || p(name);
    const included = include.length === 0 || include.some((p, i) => matches(p) && used.include.add(i));
    const excluded = exclude.some((p, i) => matches(p) && used.exclude.add(i));
    if (!included || excluded) {
      notes.push(`account ${name} (${id}) is ${excluded ? 'excluded' : 'not included'} by accounts.${excluded ? 'exclude' : 'include'}`);
      continue;
    }
    const state = account.State ?? account.Status ?? 'ACTIVE';
    if (state !== 'ACTIVE') {
      const target = { id, name };
      skipped.push(target);
      notes.push(`account ${name} (${id}) is ${state.toLowerCase().replace(/_/g, ' ')} and is not collected`);
      gaps.push({
        collector: '*',
        account: id,
        region: '*',
        kind: 'account',
        operation: 'organizations:ListAccounts',
        errorCode: state,
        message: `account ${name} (${id}) is ${state} in the organization and cannot be collected`,
        at,
      });
      continue;
    }
    accounts.push({ id, name, roleArn: `arn:${partitionOf(account.Arn)}:iam::${id}:role/${query.roleName.replace(/^\/+/, '')}` });
  }
  include.forEach((_, i) => {
    if (!used.include.has(i)) notes.push(`accounts.include[${i}] "${query.include![i]}" matched no account of the organization`);
  });
  exclude.forEach((_, i) => {
    if (!used.exclude.has(i)) notes.push(`accounts.exclude[${i}] "${query.exclude![i]}" matched no account of the organization`);
  });
  return { accounts, skipped, gaps, notes };
}

/** A stable slice of the accounts: sorted by id, every n-th starting at i (1-based). */
export function shardAccounts<T extends { id: string }>(accounts: readonly T[], shard?: { index: number; count: number }): T[] {
  if (!shard) return [...accounts];
  return [...accounts].sort((a, b) => a.id.localeCompare(b.id)).filter((_, i) => i % shard.count === shard.index - 1);
}

/** `*` any run of characters, `?` one; names compare case-insensitively (ids are digits). */
function compilePattern(pattern: string): (value: string) => boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${source}$`, 'i');
  return (value) => re.test(value);
}

/** `arn:aws-us-gov:organizations::…` → `aws-us-gov`; default `aws`. */
function partitionOf(arn: string | undefined): string {
  return /^arn:(aws[a-z-]*):/.exec(arn ?? '')?.[1] ?? 'aws';
}

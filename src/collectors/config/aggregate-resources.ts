import {
  paginateGetAggregateDiscoveredResourceCounts,
  paginateListAggregateDiscoveredResources,
  type AggregateResourceIdentifier,
  type ConfigServiceClient,
  type GroupedResourceCount,
  type ResourceType,
} from '@aws-sdk/client-config-service';
import type { Config } from '../../config/types.js';
import { mapWithConcurrency } from '../../util/limiter.js';
import { attemptPerItem } from '../attempt-per-item.js';
import type { Collector } from '../types.js';
import { DISCOVERED_PAGE_SIZE } from './discovered.js';
import { TRACKED_TYPE_NAMES } from './resource-types.js';

export interface AggregateDiscoveredType {
  resourceType: string;
  /**
   * ListAggregateDiscoveredResources identifiers (SourceAccountId, SourceRegion, ResourceId,
   * ResourceName), all pages, every source account and region; absent when the listing failed.
   */
  resources?: AggregateResourceIdentifier[];
}

export interface AggregateCounts {
  TotalDiscoveredResources: number;
  GroupByKey: 'RESOURCE_TYPE';
  GroupedResourceCounts: GroupedResourceCount[];
}

export interface ConfigAggregateResources {
  /** The aggregator read, and the account whose credentials read it. */
  aggregator: { name: string; region: string; account: string };
  /** One entry per tracked type (src/collectors/config/resource-types.ts), in that order. */
  types: AggregateDiscoveredType[];
  /** GetAggregateDiscoveredResourceCounts grouped by resource type, all pages; absent when the call failed. */
  counts?: AggregateCounts;
}

/**
 * The account that reads the aggregator: `aggregator.account`, else the first configured account.
 * Undefined without an aggregator (or in organization mode without `aggregator.account`).
 */
export function aggregatorAccountId(config: Config): string | undefined {
  if (!config.aggregator) return undefined;
  if (config.aggregator.account) return config.aggregator.account;
  return Array.isArray(config.accounts) ? config.accounts[0]?.id : undefined;
}

const LIST_CONCURRENCY = 4;

/**
 * Organization setups: the inventory of every source account and region at once, from the AWS
 * Config aggregator the config names (`aggregator: { name, region, account? }`). Runs once per
 * collection, in the aggregator's account, with clients in the aggregator's region; per-account
 * `config.resources` is skipped then. Configuration history has no aggregate API, so
 * `config.history` still runs per account × region.
 */
export const configAggregateResources: Collector<ConfigAggregateResources> = {
  id: 'config.aggregate-resources',
  schema: 'config.aggregate-resources.v1',
  title: 'AWS Config aggregator inventory: the resources of the tracked types in every source account and region',
  scope: 'account',
  group: 'state',
  operations: ['config:ListAggregateDiscoveredResources', 'config:GetAggregateDiscoveredResourceCounts'],
  appliesTo: (config, account) => Boolean(config.aggregator) && account.id === aggregatorAccountId(config),
  async collect(ctx) {
    const { name, region } = ctx.config.aggregator!;
    const client = ctx.clientsIn(region).config;
    const [first, ...rest] = TRACKED_TYPE_NAMES;
    // The first listing decides whether the aggregator can be read at all (denied, no such aggregator): one gap.
    const firstType: AggregateDiscoveredType = { resourceType: first, resources: await listAggregate(client, name, first) };
    const others = await mapWithConcurrency(rest, LIST_CONCURRENCY, async (resourceType): Promise<AggregateDiscoveredType> => {
      const resources = await attemptPerItem(ctx, 'config:ListAggregateDiscoveredResources', listAggregate(client, name, resourceType), resourceType);
      return resources ? { resourceType, resources } : { resourceType };
    });
    const types = [firstType, ...others];
    const counts = await ctx.attempt('config:GetAggregateDiscoveredResourceCounts', countAggregate(client, name));
    return {
      data: { aggregator: { name, region, account: ctx.account.id }, types, ...(counts ? { counts } : {}) },
      recordCount: types.reduce((n, t) => n + (t.resources?.length ?? 0), 0),
    };
  },
};

async function listAggregate(client: ConfigServiceClient, aggregator: string, resourceType: string): Promise<AggregateResourceIdentifier[]> {
  const found: AggregateResourceIdentifier[] = [];
  const input = { ConfigurationAggregatorName: aggregator, ResourceType: resourceType as ResourceType, Limit: DISCOVERED_PAGE_SIZE };
  for await (const page of paginateListAggregateDiscoveredResources({ client }, input)) found.push(...(page.ResourceIdentifiers ?? []));
  return found;
}

async function countAggregate(client: ConfigServiceClient, aggregator: string): Promise<AggregateCounts> {
  const counts: AggregateCounts = { TotalDiscoveredResources: 0, GroupByKey: 'RESOURCE_TYPE', GroupedResourceCounts: [] };
  const input = { ConfigurationAggregatorName: aggregator, GroupByKey: 'RESOURCE_TYPE' as const, Limit: 1000 };
  for await (const page of paginateGetAggregateDiscoveredResourceCounts({ client }, input)) {
    counts.TotalDiscoveredResources = page.TotalDiscoveredResources ?? counts.TotalDiscoveredResources;
    counts.GroupedResourceCounts.push(...(page.GroupedResourceCounts ?? []));
  }
  return counts;
}

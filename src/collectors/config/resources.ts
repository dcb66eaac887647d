import { paginateGetDiscoveredResourceCounts, type ResourceCount, type ResourceIdentifier } from '@aws-sdk/client-config-service';
import { mapWithConcurrency } from '../../util/limiter.js';
import { attemptPerItem } from '../attempt-per-item.js';
import type { Collector } from '../types.js';
import { listDiscoveredResources } from './discovered.js';
import { TRACKED_TYPE_NAMES } from './resource-types.js';

export interface DiscoveredType {
  resourceType: string;
  /** ListDiscoveredResources identifiers (resourceId, resourceName), all pages; absent when the listing failed (see gaps). */
  resources?: ResourceIdentifier[];
}

export interface DiscoveredCounts {
  totalDiscoveredResources: number;
  resourceCounts: ResourceCount[];
}

export interface ConfigResources {
  /** One entry per tracked type (src/collectors/config/resource-types.ts), in that order. */
  types: DiscoveredType[];
  /**
   * GetDiscoveredResourceCounts, all pages: every type Config recorded here, not only the tracked
   * ones. Absent when the call failed (see gaps).
   */
  counts?: DiscoveredCounts;
}

/** Listings of one region run at once; the config rate limit (src/aws/rate-limits.ts) spaces them. */
const LIST_CONCURRENCY = 4;

/**
 * AWS Config's inventory of one account × region: the resources of every tracked type, and
 * resource counts per type. Skipped when the config names an aggregator: then
 * `config.aggregate-resources` reads the same inventory for every account and region at once.
 */
export const configResources: Collector<ConfigResources> = {
  id: 'config.resources',
  schema: 'config.resources.v1',
  title: 'AWS Config discovered resources: the resources of the tracked types and counts per type',
  scope: 'region',
  group: 'state',
  operations: ['config:ListDiscoveredResources', 'config:GetDiscoveredResourceCounts'],
  appliesTo: (config) => !config.aggregator,
  async collect(ctx) {
    const [first, ...rest] = TRACKED_TYPE_NAMES;
    // The first listing decides whether the source can be read at all: a denial here is one gap for the envelope.
    const firstType: DiscoveredType = { resourceType: first, resources: await listDiscoveredResources(ctx, first) };
    const others = await mapWithConcurrency(rest, LIST_CONCURRENCY, async (resourceType): Promise<DiscoveredType> => {
      const resources = await attemptPerItem(ctx, 'config:ListDiscoveredResources', listDiscoveredResources(ctx, resourceType), resourceType);
      return resources ? { resourceType, resources } : { resourceType };
    });
    const types = [firstType, ...others];
    const counts = await ctx.attempt('config:GetDiscoveredResourceCounts', countDiscoveredResources(ctx.clients.config));
    const recordCount = types.reduce((n, t) => n + (t.resources?.length ?? 0), 0);
    return { data: { types, ...(counts ? { counts } : {}) }, recordCount };
  },
};

async function countDiscoveredResources(client: Parameters<typeof paginateGetDiscoveredResourceCounts>[0]['client']): Promise<DiscoveredCounts> {
  const counts: DiscoveredCounts = { totalDiscoveredResources: 0, resourceCounts: [] };
  for await (const page of paginateGetDiscoveredResourceCounts({ client }, { limit: 100 })) {
    counts.totalDiscoveredResources = page.totalDiscoveredResources ?? counts.totalDiscoveredResources;
    counts.resourceCounts.push(...(page.resourceCounts ?? []));
  }
  return counts;
}

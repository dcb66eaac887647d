import {
  BatchGetResourceConfigCommand,
  paginateGetResourceConfigHistory,
  type BaseConfigurationItem,
  type ConfigurationItem,
  type ResourceIdentifier,
  type ResourceKey,
  type ResourceType,
} from '@aws-sdk/client-config-service';
import { mapWithConcurrency } from '../../util/limiter.js';
import { attemptPerItem } from '../attempt-per-item.js';
import type { Collector, CollectorContext } from '../types.js';
import { parseConfigurationItem, type ParsedConfigurationItem } from './configuration-items.js';
import { listDiscoveredResources } from './discovered.js';
import { HISTORY_TYPE_NAMES } from './resource-types.js';

/** A configuration item as evidence: as AWS returned it (dates as ISO 8601), plus decoded copies. */
export type HistoryItem = ParsedConfigurationItem<ConfigurationItem | BaseConfigurationItem>;

/**
 * How the configuration in effect at the window's start is known:
 * - `unchanged`: the resource's current item (BatchGetResourceConfig) was captured before the
 *   window, so nothing changed during it — `items` is that one item and no history was read;
 * - `baseline`: `items[0]` is the last item captured before the window (GetResourceConfigHistory,
 *   newest first, ending at the window's start), followed by the window's items;
 * - `created`: the resource was first recorded during the window (`items[0]` is ResourceDiscovered);
 * - `unknown`: no item before the window was found within HISTORY_BASELINE_MAX_PAGES pages, or
 *   that lookup failed (see gaps); the window's items are complete all the same.
 */
export type StartState = 'unchanged' | 'baseline' | 'created' | 'unknown';

export interface ResourceHistory {
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  /** When Config saw the resource deleted (ListDiscoveredResources with includeDeletedResources). */
  resourceDeletionTime?: string;
  startState?: StartState;
  /**
   * Configuration items, oldest first: the one in effect at the window's start (when known), then
   * every item captured in the window. null: Config has no history for the resource
   * (ResourceNotDiscoveredException). Absent: the history could not be read (see gaps).
   */
  items?: HistoryItem[] | null;
}

export interface ConfigHistory {
  /** The types whose history was read (HISTORY_TYPE_NAMES), in that order. */
  resourceTypes: string[];
  /** Types whose resources could not be listed (see gaps): their history is missing from `resources`. */
  unlistedTypes: string[];
  /** Every resource of those types that existed during the window, with its history. */
  resources: ResourceHistory[];
}

/** Largest page GetResourceConfigHistory serves (`limit`, API reference: maximum 100). */
export const HISTORY_PAGE_SIZE = 100;
/** BatchGetResourceConfig takes at most 100 resource keys per call (API reference). */
export const BATCH_GET_SIZE = 100;
/**
 * Pages read back from the window's start looking for the item in effect then. Each page spans at
 * most seven days (API reference: "each call to the API is limited to span a duration of seven
 * days"), so 53 pages look back about a year.
 */
export const HISTORY_BASELINE_MAX_PAGES = 53;
/** Resources whose history is read at once; the config rate limit spaces the calls. */
const RESOURCE_CONCURRENCY = 4;
/** BatchGetResourceConfig answers part of a batch under load (unprocessedResourceKeys): ask again this often. */
const UNPROCESSED_RETRIES = 3;

/**
 * AWS Config configuration history of every resource of the history types in a region, over the
 * collection window, so controls can tell "on throughout the period" from "on today" and list the
 * changes of the period. Calls: one listing per type; one BatchGetResourceConfig per 100
 * resources, which shows most resources unchanged since before the window (no history calls);
 * then for each changed resource GetResourceConfigHistory over the window (one page per seven
 * days at least) and back from the window's start to the item in effect then.
 */
export const configHistory: Collector<ConfigHistory> = {
  id: 'config.history',
  schema: 'config.history.v1',
  title: 'AWS Config configuration history of the tracked resources over the window',
  scope: 'region',
  group: 'history',
  // AWS Config keeps configuration items for up to seven years (2557 days) when retention is set to the maximum.
  retentionDays: 2557,
  operations: ['config:ListDiscoveredResources', 'config:BatchGetResourceConfig', 'config:GetResourceConfigHistory'],
  async collect(ctx) {
    const start = ctx.window.start;
    const [first, ...rest] = HISTORY_TYPE_NAMES;
    // The first listing decides whether the source can be read at all: a denial here is one gap for the envelope.
    const listings: Array<{ type: string; resources?: ResourceIdentifier[] }> = [
      { type: first, resources: await listDiscoveredResources(ctx, first, { includeDeletedResources: true }) },
    ];
    for (const type of rest) {
      const resources = await attemptPerItem(
        ctx,
        'config:ListDiscoveredResources',
        listDiscoveredResources(ctx, type, { includeDeletedResources: true }),
        type,
      );
      listings.push({ type, ...(resources ? { resources } : {}) });
    }
    const unlistedTypes = listings.filter((l) => !l.resources).map((l) => l.type);
    const identifiers = listings
      .flatMap((l) => l.resources ?? [])
      .filter((r) => r.resourceId && !(r.resourceDeletionTime && r.resourceDeletionTime < start));

    ctx.progress(`${identifiers.length} resources`);
    const current = await currentItems(ctx, identifiers.filter((r) => !r.resourceDeletionTime));
    let done = 0;
    const resources = await mapWithConcurrency(identifiers, RESOURCE_CONCURRENCY, async (identifier) => {
      const history = await readHistory(ctx, identifier, current.get(keyOf(identifier)));
      done += 1;
      if (done % 25 === 0) ctx.progress(`${done}/${identifiers.length} resources`);
      return history;
    });
    return {
      data: { resourceTypes: [...HISTORY_TYPE_NAMES], unlistedTypes, resources },
      recordCount: resources.reduce((n, r) => n + (r.items?.length ?? 0), 0),
    };
  },
};

function keyOf(r: { resourceType?: string; resourceId?: string }): string {
  return `${r.resourceType}|${r.resourceId}`;
}

/**
 * The current configuration item of each resource (BatchGetResourceConfig, 100 per call). A batch
 * that fails is a gap; its resources simply get their full history read instead.
 */
async function currentItems(ctx: CollectorContext, identifiers: readonly ResourceIdentifier[]): Promise<Map<string, BaseConfigurationItem>> {
  const found = new Map<string, BaseConfigurationItem>();
  for (let i = 0; i < identifiers.length; i += BATCH_GET_SIZE) {
    let keys: ResourceKey[] = identifiers
      .slice(i, i + BATCH_GET_SIZE)
      .map((r) => ({ resourceType: r.resourceType as ResourceType, resourceId: r.resourceId! }));
    for (let round = 0; keys.length > 0 && round <= UNPROCESSED_RETRIES; round += 1) {
      const out = await attemptPerItem(
        ctx,
        'config:BatchGetResourceConfig',
        ctx.clients.config.send(new BatchGetResourceConfigCommand({ resourceKeys: keys })),
      );
      if (!out) break;
      for (const item of out.baseConfigurationItems ?? []) found.set(keyOf(item), item);
      keys = out.unprocessedResourceKeys ?? [];
    }
  }
  return found;
}

async function readHistory(
  ctx: CollectorContext,
  identifier: ResourceIdentifier,
  current: BaseConfigurationItem | undefined,
): Promise<ResourceHistory> {
  const { start, end } = ctx.window;
  const evidence: ResourceHistory = {
    resourceType: identifier.resourceType!,
    resourceId: identifier.resourceId!,
    ...(identifier.resourceName ? { resourceName: identifier.resourceName } : {}),
    ...(identifier.resourceDeletionTime ? { resourceDeletionTime: identifier.resourceDeletionTime.toISOString() } : {}),
  };
  const label = `${identifier.resourceType} ${identifier.resourceId}`;

  // Unchanged since before the window: the current item is the whole story of the window.
  if (current?.configurationItemCaptureTime && current.configurationItemCaptureTime <= start) {
    return { ...evidence, startState: 'unchanged', items: [parseConfigurationItem(current)] };
  }

  const windowItems = await attemptPerItem(
    ctx,
    'config:GetResourceConfigHistory',
    readItems(ctx, identifier, { earlierTime: start, laterTime: end, chronologicalOrder: 'Forward', limit: HISTORY_PAGE_SIZE }),
    label,
  );
  if (windowItems === undefined) return evidence;
  if (windowItems === null) return { ...evidence, items: null };
  if (windowItems[0]?.configurationItemStatus === 'ResourceDiscovered') {
    return { ...evidence, startState: 'created', items: windowItems.map(parseConfigurationItem) };
  }

  const before = await attemptPerItem(
    ctx,
    'config:GetResourceConfigHistory',
    readItems(ctx, identifier, { laterTime: start, chronologicalOrder: 'Reverse', limit: 1 }, { stopAtFirst: true, maxPages: HISTORY_BASELINE_MAX_PAGES }),
    label,
  );
  const baseline = before?.[0];
  // The window's start is inclusive in both queries: an item captured exactly then comes back twice.
  const items = baseline ? [baseline, ...windowItems.filter((i) => i.configurationStateId !== baseline.configurationStateId)] : windowItems;
  return { ...evidence, startState: baseline ? 'baseline' : 'unknown', items: items.map(parseConfigurationItem) };
}

/** GetResourceConfigHistory pages for one resource (a page may be empty and still have a next one). */
async function readItems(
  ctx: CollectorContext,
  identifier: ResourceIdentifier,
  range: { earlierTime?: Date; laterTime: Date; chronologicalOrder: 'Forward' | 'Reverse'; limit: number },
  options: { stopAtFirst?: boolean; maxPages?: number } = {},
): Promise<ConfigurationItem[]> {
  const items: ConfigurationItem[] = [];
  let pages = 0;
  const input = { resourceType: identifier.resourceType as ResourceType, resourceId: identifier.resourceId!, ...range };
  for await (const page of paginateGetResourceConfigHistory({ client: ctx.clients.config }, input)) {
    pages += 1;
    items.push(...(page.configurationItems ?? []));
    if (options.stopAtFirst && items.length > 0) break;
    if (options.maxPages !== undefined && pages >= options.maxPages) break;
  }
  return items;
}

import { paginateListDiscoveredResources, type ResourceIdentifier, type ResourceType } from '@aws-sdk/client-config-service';
import type { CollectorContext } from '../types.js';

/** Largest page ListDiscoveredResources serves (`limit`, API reference: maximum 100). */
export const DISCOVERED_PAGE_SIZE = 100;

/** Every resource of one type that Config has discovered in the context's region, all pages. */
export async function listDiscoveredResources(
  ctx: CollectorContext,
  resourceType: string,
  options: { includeDeletedResources?: boolean } = {},
): Promise<ResourceIdentifier[]> {
  const found: ResourceIdentifier[] = [];
  const input = {
    resourceType: resourceType as ResourceType,
    limit: DISCOVERED_PAGE_SIZE,
    ...(options.includeDeletedResources ? { includeDeletedResources: true } : {}),
  };
  for await (const page of paginateListDiscoveredResources({ client: ctx.clients.config }, input)) {
    found.push(...(page.resourceIdentifiers ?? []));
  }
  return found;
}

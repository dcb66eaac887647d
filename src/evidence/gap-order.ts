import type { Gap } from './types.js';

/**
 * The order of gaps in a snapshot's gaps.json: by collector, account, region, operation, resource,
 * kind and message. Shared by the runner and the shard merge, so a merged run lists its gaps
 * exactly as one unsharded run would.
 */
export function sortGaps(gaps: readonly Gap[]): Gap[] {
  const key = (g: Gap) => [g.collector, g.account, g.region, g.operation ?? '', g.resource ?? '', g.kind, g.message].join('\u0000');
  return [...gaps].sort((a, b) => key(a).localeCompare(key(b)));
}

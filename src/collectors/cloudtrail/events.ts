import { paginateLookupEvents, type Event } from '@aws-sdk/client-cloudtrail';
import { attemptPerItem } from '../attempt-per-item.js';
import { lakeEvents } from './lake-events.js';
import type { Collector, CollectorContext } from '../types.js';
import { RECOVERY_EVENTS, type RecoveryEvent, type RecoveryEventCategory } from './recovery-events.js';

/** A CloudTrail event as LookupEvents returned it (dates as ISO 8601), with its category and decoded record. */
export type RecoveryEventEvidence = Event & {
  /** The category of its event name in RECOVERY_EVENTS. */
  category: RecoveryEventCategory;
  /** `CloudTrailEvent` (a JSON string on the wire) decoded; null when absent or not JSON. */
  cloudTrailEventParsed: Record<string, unknown> | null;
};

export interface EventQuery {
  eventName: string;
  category: RecoveryEventCategory;
  /** Events found; absent when the lookup failed (see gaps): that name is not covered for the window. */
  count?: number;
}

export interface CloudTrailEvents {
  /** One lookup per entry of RECOVERY_EVENTS, in that order. */
  queries: EventQuery[];
  /** Every event found, oldest first (EventTime, then EventId). */
  events: RecoveryEventEvidence[];
}

/** LookupEvents' largest page (`MaxResults`, API reference: maximum 50). */
export const LOOKUP_PAGE_SIZE = 50;

/**
 * CloudTrail event history (LookupEvents) of one account × region over the window: failovers,
 * restores and protection changes (src/collectors/cloudtrail/recovery-events.ts). Event history
 * keeps 90 days, so the runner records older parts of the period as `window` gaps: schedule
 * `collect --only events` at least every 90 days. Lookups run one at a time: LookupEvents is
 * limited to 2 requests per second per account and region (src/aws/rate-limits.ts spaces the
 * requests); more in flight would only queue behind the limiter.
 *
 * With the config's `eventDataStore` (an organization's CloudTrail Lake event data store), the
 * events of every account and region come from one SQL query per run instead (lake-events.ts).
 */
export const cloudtrailEvents: Collector<CloudTrailEvents> = {
  id: 'cloudtrail.events',
  schema: 'cloudtrail.events.v1',
  title: 'CloudTrail events: failovers, restores and protection changes in the window',
  scope: 'region',
  group: 'events',
  // CloudTrail event history: "the last 90 days of management events" (CloudTrail User Guide).
  retentionDays: 90,
  // An organization's CloudTrail Lake event data store keeps events as long as it is set to.
  retentionFor: (config) => (config.eventDataStore ? (config.eventDataStore.retentionDays ?? 90) : undefined),
  operations: ['cloudtrail:LookupEvents', 'cloudtrail:StartQuery', 'cloudtrail:GetQueryResults'],
  async collect(ctx) {
    if (ctx.config.eventDataStore) {
      const data = await lakeEvents(ctx, ctx.config.eventDataStore);
      return { data, recordCount: data.events.length };
    }
    const queries: EventQuery[] = [];
    const byId = new Map<string, RecoveryEventEvidence>();
    for (const [i, spec] of RECOVERY_EVENTS.entries()) {
      ctx.progress(`${spec.eventName} (${i + 1}/${RECOVERY_EVENTS.length})`);
      const found = await attemptPerItem(ctx, 'cloudtrail:LookupEvents', lookupEvents(ctx, spec), spec.eventName);
      if (!found) {
        queries.push({ eventName: spec.eventName, category: spec.category });
        continue;
      }
      queries.push({ eventName: spec.eventName, category: spec.category, count: found.length });
      for (const event of found) byId.set(event.EventId ?? `${spec.eventName}|${byId.size}`, event);
    }
    const events = [...byId.values()].sort(
      (a, b) => (a.EventTime?.getTime() ?? 0) - (b.EventTime?.getTime() ?? 0) || (a.EventId ?? '').localeCompare(b.EventId ?? ''),
    );
    return { data: { queries, events }, recordCount: events.length };
  },
};

async function lookupEvents(ctx: CollectorContext, spec: RecoveryEvent): Promise<RecoveryEventEvidence[]> {
  const found: RecoveryEventEvidence[] = [];
  const input = {
    LookupAttributes: [{ AttributeKey: 'EventName' as const, AttributeValue: spec.eventName }],
    StartTime: ctx.window.start,
    EndTime: ctx.window.end,
    MaxResults: LOOKUP_PAGE_SIZE,
  };
  for await (const page of paginateLookupEvents({ client: ctx.clients.cloudtrail }, input)) {
    for (const event of page.Events ?? []) found.push({ ...event, category: spec.category, cloudTrailEventParsed: parseRecord(event.CloudTrailEvent) });
  }
  return found;
}

function parseRecord(text: string | undefined): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

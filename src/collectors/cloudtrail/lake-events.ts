import { GetQueryResultsCommand, StartQueryCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { eventDataStoreAccount, eventDataStoreRegion } from '../../config/load-config.js';
import { groupBy } from '../../util/group-by.js';
import type { CollectorContext } from '../types.js';
import { RECOVERY_EVENTS, type RecoveryEventCategory } from './recovery-events.js';
import type { CloudTrailEvents, RecoveryEventEvidence } from './events.js';

/** GetQueryResults' largest page (`MaxQueryResults`, API reference: 1 to 1,000). */
export const LAKE_PAGE_SIZE = 1000;

/** How long a query may run before the run gives up on it (a gap, not a hang). */
export const LAKE_QUERY_TIMEOUT_MS = 15 * 60_000;

/** The columns the query selects: CloudTrail's own field names; maps and structs as JSON text. */
const COLUMNS = [
  'eventID',
  'eventName',
  'eventTime',
  'eventSource',
  'awsRegion',
  'recipientAccountId',
  'errorCode',
  'errorMessage',
  'userIdentity.arn AS userArn',
  'json_format(CAST(requestParameters AS JSON)) AS requestParameters',
  'json_format(CAST(responseElements AS JSON)) AS responseElements',
];

const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** `2026-03-01 00:00:00`: CloudTrail Lake's timestamp literal (UTC), to the second. */
function lakeTime(at: Date, round: 'down' | 'up'): string {
  const ms = round === 'down' ? Math.floor(at.getTime() / 1000) * 1000 : Math.ceil(at.getTime() / 1000) * 1000;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The SQL for one run: every event named in RECOVERY_EVENTS in the window, every account and
 * region the event data store holds (each task keeps its own), oldest first. Lake accepts only
 * SELECT statements; no results are delivered to S3.
 */
export function buildLakeQuery(eventDataStoreArn: string, window: { start: Date; end: Date }): string {
  const id = eventDataStoreArn.split('/').pop()!;
  const names = RECOVERY_EVENTS.map((e) => sqlString(e.eventName)).join(', ');
  return [
    `SELECT ${COLUMNS.join(', ')}`,
    `FROM ${id}`,
    `WHERE eventName IN (${names})`,
    `AND eventTime >= ${sqlString(lakeTime(window.start, 'down'))} AND eventTime <= ${sqlString(lakeTime(window.end, 'up'))}`,
    'ORDER BY eventTime, eventID',
  ].join(' ');
}

/** A row of GetQueryResults (a list of one-column maps) as one record. */
export type LakeRow = Record<string, string>;

/**
 * Runs `statement` to the end: StartQuery, then GetQueryResults until the query has FINISHED
 * and every page is read, waiting a little longer between polls (0.25 s doubling to 5 s).
 * A query that FAILED, was CANCELLED or TIMED_OUT, or outlasts LAKE_QUERY_TIMEOUT_MS, throws.
 */
export async function runLakeQuery(
  client: CloudTrailClient,
  statement: string,
  options: { ownerAccountId?: string; sleep?: (ms: number) => Promise<void>; now?: () => number } = {},
): Promise<LakeRow[]> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const owner = options.ownerAccountId ? { EventDataStoreOwnerAccountId: options.ownerAccountId } : {};
  const started = await client.send(new StartQueryCommand({ QueryStatement: statement, ...owner }));
  const queryId = started.QueryId;
  if (!queryId) throw new LakeQueryError('CloudTrail Lake StartQuery returned no QueryId');
  const deadline = now() + LAKE_QUERY_TIMEOUT_MS;
  const rows: LakeRow[] = [];
  let delay = 250;
  let nextToken: string | undefined;
  for (;;) {
    const page = await client.send(new GetQueryResultsCommand({ QueryId: queryId, MaxQueryResults: LAKE_PAGE_SIZE, ...owner, ...(nextToken ? { NextToken: nextToken } : {}) }));
    const status = page.QueryStatus;
    if (status === 'FAILED' || status === 'CANCELLED' || status === 'TIMED_OUT') {
      throw new LakeQueryError(`CloudTrail Lake query ${queryId} ${status}${page.ErrorMessage ? `: ${page.ErrorMessage}` : ''}`);
    }
    if (status !== 'FINISHED') {
      if (now() > deadline) throw new LakeQueryError(`CloudTrail Lake query ${queryId} still ${status ?? 'not finished'} after ${LAKE_QUERY_TIMEOUT_MS / 60_000} minutes`);
      await sleep(delay);
      delay = Math.min(delay * 2, 5000);
      continue;
    }
    for (const row of page.QueryResultRows ?? []) rows.push(Object.assign({}, ...row) as LakeRow);
    nextToken = page.NextToken;
    if (!nextToken) return rows;
  }
}

/** A CloudTrail Lake query that did not finish: a gap for every account × region that needed it. */
export class LakeQueryError extends Error {
  override name = 'LakeQueryFailed';
}

/** `2026-03-05 05:00:00.000` (Lake, UTC) → `2026-03-05T05:00:00.000Z`. */
function isoTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  const parsed = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

function jsonOrNull(text: string | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const CATEGORY = new Map<string, RecoveryEventCategory>(RECOVERY_EVENTS.map((e) => [e.eventName, e.category]));

/**
 * A Lake row in the shape LookupEvents evidence has: EventId, EventName, EventTime, EventSource,
 * Username, and the CloudTrail record (what the query selected, under CloudTrail's field names)
 * as `CloudTrailEvent` (JSON text) and `cloudTrailEventParsed`.
 */
export function lakeRowToEvidence(row: LakeRow): RecoveryEventEvidence | undefined {
  const time = isoTime(row.eventTime);
  const category = CATEGORY.get(row.eventName);
  if (!row.eventID || !row.eventName || !time || !category) return undefined;
  const record: Record<string, unknown> = {
    eventID: row.eventID,
    eventName: row.eventName,
    eventTime: time,
    eventSource: row.eventSource,
    awsRegion: row.awsRegion,
    recipientAccountId: row.recipientAccountId,
    ...(row.userArn ? { userIdentity: { arn: row.userArn } } : {}),
    requestParameters: jsonOrNull(row.requestParameters),
    responseElements: jsonOrNull(row.responseElements),
    ...(row.errorCode ? { errorCode: row.errorCode } : {}),
    ...(row.errorMessage ? { errorMessage: row.errorMessage } : {}),
  };
  const username = row.userArn?.split('/').pop();
  return {
    EventId: row.eventID,
    EventName: row.eventName,
    EventTime: new Date(time),
    ...(row.eventSource ? { EventSource: row.eventSource } : {}),
    ...(username ? { Username: username } : {}),
    CloudTrailEvent: JSON.stringify(record),
    category,
    cloudTrailEventParsed: record,
  };
}

/**
 * This account × region's events from the organization's CloudTrail Lake event data store
 * (config `eventDataStore`): one query per run over the windows planned for the region, made
 * with the querying account's role in the store's region, then kept to this account and region.
 */
export async function lakeEvents(ctx: CollectorContext, store: { arn: string; account?: string }): Promise<CloudTrailEvents> {
  const queryAccount = eventDataStoreAccount(store)!;
  const region = eventDataStoreRegion(store)!;
  const windows = ctx.regionWindows.length > 0 ? ctx.regionWindows : [ctx.window];
  const union = {
    start: new Date(Math.min(...windows.map((w) => w.start.getTime()))),
    end: new Date(Math.max(...windows.map((w) => w.end.getTime()))),
  };
  const statement = buildLakeQuery(store.arn, union);
  const owner = eventDataStoreOwner(store.arn, queryAccount);
  // Grouped by account and region once, in the shared query, so each task reads only its own rows.
  const rowsByCell = await ctx.viaAccount(
    queryAccount,
    {
      key: `cloudtrail.lake|${statement}`,
      region,
      view: `CloudTrail Lake query of event data store ${store.arn} from account ${queryAccount} (eventDataStore), kept to recipientAccountId ${ctx.account.id} and awsRegion ${ctx.region}`,
    },
    async (clients) =>
      groupBy(await runLakeQuery(clients.cloudtrail, statement, owner ? { ownerAccountId: owner } : {}), (r) => `${r.recipientAccountId}|${r.awsRegion}`),
  );
  const from = ctx.window.start.getTime();
  const to = ctx.window.end.getTime();
  const events = (rowsByCell.get(`${ctx.account.id}|${ctx.region}`) ?? [])
    .map(lakeRowToEvidence)
    .filter((e): e is RecoveryEventEvidence => e !== undefined && e.EventTime!.getTime() >= from && e.EventTime!.getTime() <= to);
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.EventName!, (counts.get(e.EventName!) ?? 0) + 1);
  ctx.progress(`${events.length} events from CloudTrail Lake`);
  return {
    queries: RECOVERY_EVENTS.map((spec) => ({ eventName: spec.eventName, category: spec.category, count: counts.get(spec.eventName) ?? 0 })),
    events,
  };
}

/** EventDataStoreOwnerAccountId: sent when the querying account is not the store's owner (a delegated administrator). */
function eventDataStoreOwner(arn: string, queryAccount: string): string | undefined {
  const owner = /^arn:[^:]+:cloudtrail:[^:]+:(\d{12}):/.exec(arn)?.[1];
  return owner && owner !== queryAccount ? owner : undefined;
}

import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallOutcome, CallRecord } from '../evidence/types.js';
import { canonicalJson } from '../util/canonical-json.js';
import { isAbsentError, classifyAwsError } from './errors.js';

/** One HTTP request-response as the SDK middleware saw it. */
export interface RawCall {
  operation: string;
  region: string;
  parameters: Record<string, unknown>;
  outcome: CallOutcome;
  records: number;
  requestId?: string;
  errorCode?: string;
}

// ExclusiveStartTableName: DynamoDB ListTables pages by the last table name of the previous page.
const PAGINATION_KEYS = new Set(['NextToken', 'nextToken', 'Marker', 'ContinuationToken', 'PaginationToken', 'StartingToken', 'NextMarker', 'ExclusiveStartTableName']);

/**
 * Collects the calls one collector run makes. The SDK middleware finds the current recorder
 * through AsyncLocalStorage, so concurrent collectors sharing clients keep separate records.
 */
export class CallRecorder {
  private readonly calls: RawCall[] = [];
  private readonly adopted: RawCall[] = [];

  record(call: RawCall): void {
    this.calls.push(call);
  }

  /** The requests this recorder saw itself (not adopted ones). */
  get count(): number {
    return this.calls.length;
  }

  /** The requests this recorder saw itself, in order. */
  raw(): readonly RawCall[] {
    return this.calls;
  }

  /**
   * Calls another recorder saw that this evidence was derived from (an organization-wide listing
   * shared by several envelopes): in the summary, not in `count`, so requests are counted once.
   */
  adopt(calls: readonly RawCall[]): void {
    this.adopted.push(...calls);
  }

  /** Calls grouped by operation, region and parameters: a paginated listing is one record with N pages. */
  summarize(): CallRecord[] {
    const groups = new Map<string, CallRecord>();
    for (const call of [...this.adopted, ...this.calls]) {
      const key = `${call.operation}|${call.region}|${canonicalJson(call.parameters, 0)}`;
      let group = groups.get(key);
      if (!group) {
        group = { operation: call.operation, parameters: call.parameters, region: call.region, pages: 0, records: 0, requestIds: [], outcome: 'ok' };
        groups.set(key, group);
      }
      group.pages += 1;
      group.records += call.records;
      if (call.requestId) group.requestIds!.push(call.requestId);
      if (call.outcome === 'error' || (call.outcome === 'absent' && group.outcome === 'ok')) {
        group.outcome = call.outcome;
        if (call.errorCode) group.errorCode = call.errorCode;
      }
    }
    for (const group of groups.values()) if (group.requestIds!.length === 0) delete group.requestIds;
    return [...groups.values()];
  }
}

export const callRecorderStorage = new AsyncLocalStorage<CallRecorder>();

/** Runs `task` with `recorder` receiving every AWS call made inside it. */
export function withCallRecorder<T>(recorder: CallRecorder, task: () => Promise<T>): Promise<T> {
  return callRecorderStorage.run(recorder, task);
}

/** Request parameters as provenance: dates as ISO strings, pagination tokens dropped. */
export function provenanceParameters(input: unknown): Record<string, unknown> {
  if (!input || typeof input !== 'object') return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (PAGINATION_KEYS.has(key) || value === undefined) continue;
    out[key] = plain(value);
  }
  return out;
}

function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** Records returned by a response: the summed length of its top-level lists, or 1 for a single object. */
export function countRecords(output: unknown): number {
  if (!output || typeof output !== 'object') return 0;
  let lists = 0;
  let total = 0;
  for (const [key, value] of Object.entries(output)) {
    if (key === '$metadata' || !Array.isArray(value)) continue;
    lists += 1;
    total += value.length;
  }
  return lists > 0 ? total : 1;
}

export function recordFailure(operation: string, region: string, input: unknown, error: unknown): RawCall {
  const info = classifyAwsError(error);
  return {
    operation,
    region,
    parameters: provenanceParameters(input),
    outcome: isAbsentError(operation, error) ? 'absent' : 'error',
    records: 0,
    requestId: info.requestId,
    errorCode: info.code,
  };
}

/**
 * AWS Config configuration items as evidence, and how to read them over time. Pure functions
 * with no SDK or file access, so controls may import them.
 *
 * On the wire a configuration item carries `configuration` and each `supplementaryConfiguration`
 * value as JSON-encoded strings. Evidence keeps those strings exactly as AWS returned them (they
 * are what was recorded) and adds decoded copies, `configurationParsed` and
 * `supplementaryConfigurationParsed`, so a control can read e.g. a bucket's
 * `supplementaryConfiguration.BucketVersioningConfiguration.status` at each point in time.
 */

/** The fields of a configuration item that reading it over time needs (dates as ISO strings or Dates). */
export interface ConfigurationItemLike {
  configurationItemCaptureTime?: string | Date;
  configurationItemStatus?: string;
  configurationStateId?: string;
  configuration?: string | null;
  supplementaryConfiguration?: Record<string, string>;
}

/** A configuration item with decoded copies of its JSON-encoded fields. */
export type ParsedConfigurationItem<T extends ConfigurationItemLike = ConfigurationItemLike> = T & {
  /** `configuration` decoded; null when AWS sent none (e.g. a deleted resource) or it was not JSON (see parseErrors). */
  configurationParsed: unknown;
  /** Each `supplementaryConfiguration` value decoded (a value that is not JSON is kept as the string). */
  supplementaryConfigurationParsed: Record<string, unknown>;
  /** Present only when a field could not be decoded: which, and why. */
  parseErrors?: string[];
};

/** Configuration item statuses meaning the resource no longer exists (its settings no longer apply). */
export const DELETED_STATUSES: ReadonlySet<string> = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded']);

/** Adds the decoded copies of `configuration` and `supplementaryConfiguration` to an item. */
export function parseConfigurationItem<T extends ConfigurationItemLike>(item: T): ParsedConfigurationItem<T> {
  const parseErrors: string[] = [];
  let configurationParsed: unknown = null;
  if (typeof item.configuration === 'string' && item.configuration !== '') {
    try {
      configurationParsed = JSON.parse(item.configuration) as unknown;
    } catch (error) {
      parseErrors.push(`configuration: not JSON (${(error as Error).message})`);
    }
  }
  const supplementaryConfigurationParsed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item.supplementaryConfiguration ?? {})) {
    try {
      supplementaryConfigurationParsed[key] = JSON.parse(value) as unknown;
    } catch {
      // Some supplementary values are plain strings on the wire; keep them as they are.
      supplementaryConfigurationParsed[key] = value;
    }
  }
  return { ...item, configurationParsed, supplementaryConfigurationParsed, ...(parseErrors.length > 0 ? { parseErrors } : {}) };
}

/** A span of time during which a setting held: from `start` to `end` (null: still holding at the last item). */
export interface SettingInterval {
  /** ISO 8601: capture time of the item from which the setting held. */
  start: string;
  /** ISO 8601: capture time of the item from which it no longer held; null when it held at the last item. */
  end: string | null;
}

function captureMs(item: ConfigurationItemLike): number {
  const t = item.configurationItemCaptureTime;
  const ms = t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : Number.NaN;
  if (Number.isNaN(ms)) throw new TypeError(`configuration item ${item.configurationStateId ?? ''} has no valid configurationItemCaptureTime`);
  return ms;
}

/**
 * The intervals during which `predicate` held, from a resource's configuration items: each item's
 * configuration holds from its capture time until the next item's. Items are sorted by capture
 * time first (Config returns them newest first by default). A deleted resource's item ends any
 * interval and never starts one (the predicate is not asked about a resource that does not
 * exist). Adjacent items where the predicate holds merge into one interval, so "replication was
 * off from March 3 to March 9" is one interval of `x => !replicating(x)`.
 *
 * The result says nothing about time before the first item: callers clip the intervals to the
 * period and treat the uncovered part as unknown.
 */
export function settingIntervals<T extends ConfigurationItemLike>(
  items: readonly T[],
  predicate: (item: T) => boolean,
): SettingInterval[] {
  const sorted = items.map((item, i) => ({ item, i, ms: captureMs(item) })).sort((a, b) => a.ms - b.ms || a.i - b.i);
  const intervals: SettingInterval[] = [];
  let open: { start: number } | undefined;
  for (const { item, ms } of sorted) {
    const holds = !DELETED_STATUSES.has(item.configurationItemStatus ?? '') && predicate(item);
    if (holds && !open) open = { start: ms };
    if (!holds && open) {
      if (ms > open.start) intervals.push({ start: new Date(open.start).toISOString(), end: new Date(ms).toISOString() });
      open = undefined;
    }
  }
  if (open) intervals.push({ start: new Date(open.start).toISOString(), end: null });
  return intervals;
}

/**
 * Tags as one shape. AWS writes them as `[{ Key, Value }]` (S3, RDS, DynamoDB), `[{ TagKey,
 * TagValue }]` (KMS) or a map (Config items). null = the resource has no tags; undefined = the
 * tags could not be read.
 */
import { isObject } from './records.js';

export type Tags = Record<string, string>;

export function normalizeTags(value: unknown): Tags | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (Array.isArray(value)) {
    const out: Tags = {};
    for (const t of value) {
      if (!isObject(t)) continue;
      const key = t.Key ?? t.TagKey ?? t.key;
      const val = t.Value ?? t.TagValue ?? t.value;
      if (typeof key === 'string') out[key] = typeof val === 'string' ? val : '';
    }
    return out;
  }
  if (isObject(value)) {
    const out: Tags = {};
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
    return out;
  }
  return undefined;
}

/** True when `tags` carries every key/value of `wanted` (an empty `wanted` matches everything). */
export function hasAllTags(tags: Tags | null | undefined, wanted: Tags): boolean {
  const entries = Object.entries(wanted);
  if (entries.length === 0) return true;
  if (!tags) return false;
  return entries.every(([k, v]) => tags[k] === v);
}

/**
 * Whether a resource is in scope (`scope.tags`: it carries every one of them; none configured:
 * everything is). `unknown` when scope needs tags and they could not be read.
 */
export function scopeOf(tags: Tags | null | undefined, scopeTags: Tags | undefined): 'in' | 'out' | 'unknown' {
  if (!scopeTags || Object.keys(scopeTags).length === 0) return 'in';
  if (tags === undefined) return 'unknown';
  return hasAllTags(tags, scopeTags) ? 'in' : 'out';
}

export function describeTags(tags: Tags): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

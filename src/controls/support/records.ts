/**
 * Reading AWS payloads in evidence without trusting their casing: AWS APIs use PascalCase
 * (`BackupVaultName`), AWS Config items camelCase (`configuration.isMultiRegionTrail`), and the
 * same setting appears in both. `field(obj, 'name')` finds a property whatever its case.
 * Evidence convention: `undefined` (missing) = could not be read; `null` = AWS says not configured.
 */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The first of `names` present on `obj` (exact name first, then ignoring case). Missing → undefined. */
export function field(obj: unknown, ...names: string[]): unknown {
  if (!isObject(obj)) return undefined;
  for (const name of names) if (name in obj) return obj[name];
  const lower = new Map(Object.keys(obj).map((k) => [k.toLowerCase(), k]));
  for (const name of names) {
    const key = lower.get(name.toLowerCase());
    if (key !== undefined) return obj[key];
  }
  return undefined;
}

/** Whether any of `names` is present (even as null). */
export function hasField(obj: unknown, ...names: string[]): boolean {
  if (!isObject(obj)) return false;
  const keys = new Set(Object.keys(obj).map((k) => k.toLowerCase()));
  return names.some((n) => keys.has(n.toLowerCase()));
}

/** A property that is a list; undefined when missing, [] when null. */
export function listOf(obj: unknown, ...names: string[]): Json[] | undefined {
  const value = field(obj, ...names);
  if (value === undefined) return undefined;
  if (value === null) return [];
  if (Array.isArray(value)) return value as Json[];
  // AWS Config sometimes renders lists as maps keyed by id (S3 replication rules).
  if (isObject(value)) return Object.values(value).filter(isObject);
  return undefined;
}

export function text(obj: unknown, ...names: string[]): string | undefined {
  const value = field(obj, ...names);
  return typeof value === 'string' ? value : undefined;
}

export function num(obj: unknown, ...names: string[]): number | undefined {
  const value = field(obj, ...names);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function bool(obj: unknown, ...names: string[]): boolean | undefined {
  const value = field(obj, ...names);
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** An ISO 8601 instant from a date string, epoch seconds or milliseconds; undefined otherwise. */
export function isoTime(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value < 1e11 ? value * 1000 : value).toISOString();
  if (typeof value === 'string' && value) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  return undefined;
}

export function timeOf(obj: unknown, ...names: string[]): string | undefined {
  return isoTime(field(obj, ...names));
}

/** Parses a JSON string; returns the value itself when it is not a string, undefined when unparsable. */
export function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

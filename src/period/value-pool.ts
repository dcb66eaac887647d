/**
 * Evidence repeats itself: every backup job names its vault, plan, IAM role, KMS key and resource
 * by ARN and carries the same `CreatedBy` and lifecycle objects as the plan's other jobs, and
 * `JSON.parse` gives each occurrence its own copy. On an estate of a thousand resources over six
 * months the period view holds about a million such records, and the copies were most of its
 * memory. The pool keeps one instance of each repeated string, and of each repeated small object
 * nested in a record (one whose values are all strings, numbers, booleans or null), so the view's
 * memory follows the distinct values instead.
 *
 * Values stay the same: strings are immutable, and pooled objects are frozen, so a consumer that
 * tried to change evidence would fail loudly instead of changing another record. Only objects
 * held by a field are pooled, never a record or a list item, so records keep their identity.
 * Fields whose values hardly ever repeat (job ids, recovery point ARNs, timestamps) are noticed
 * after a sample and no longer pooled, so the pool does not grow with the unique values.
 */

/** How many values of a field are pooled before deciding whether the field repeats. */
const SAMPLE_SIZE = 256;
/** A field keeps being pooled when at least this share of its sampled values were already in the pool. */
const MIN_REPEAT_SHARE = 0.25;

/** One field's pool (small tables per field look up faster than one large table) and its sample. */
interface FieldPool<T> {
  values: Map<string, T>;
  seen: number;
  repeated: number;
  pooled: boolean;
}

export class ValuePool {
  private readonly stringFields = new Map<string, FieldPool<string>>();
  private readonly objectFields = new Map<string, FieldPool<object>>();

  /** Shares, in place, the repeated strings and small objects inside a freshly parsed JSON value; returns the value. */
  share<T>(value: T): T {
    if (value !== null && typeof value === 'object') this.visit(value as object);
    return value;
  }

  /** Pools the members of an array or object; returns whether every member is a primitive. */
  private visit(value: object, field = ''): boolean {
    let flat = true;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'string') value[i] = this.pooledString(field, item);
        else if (item !== null && typeof item === 'object') {
          this.visit(item, field); // a list item is a record: it keeps its identity
          flat = false;
        }
      }
      return flat;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item === 'string') record[key] = this.pooledString(key, item); // equal either way: always store the pooled instance
      else if (item !== null && typeof item === 'object') {
        const pooled = this.pooledMember(item, key);
        if (pooled !== item) record[key] = pooled;
        flat = false;
      } else if (Object.is(item, -0)) flat = false; // -0 and 0 print alike: never merge them
    }
    return flat;
  }

  /** The value of an object's field with its members pooled; a small flat object is itself pooled. */
  private pooledMember(value: object, field: string): object {
    const flat = this.visit(value, field);
    if (!flat || Array.isArray(value)) return value;
    const pool = poolOf(this.objectFields, field);
    if (!pool.pooled) return value;
    const key = JSON.stringify(value);
    const existing = pool.values.get(key);
    count(pool, existing !== undefined);
    if (existing !== undefined) return existing;
    pool.values.set(key, Object.freeze(value));
    return value;
  }

  private pooledString(field: string, value: string): string {
    const pool = poolOf(this.stringFields, field);
    if (!pool.pooled) return value;
    const existing = pool.values.get(value);
    count(pool, existing !== undefined);
    if (existing !== undefined) return existing;
    pool.values.set(value, value);
    return value;
  }
}

function poolOf<T>(fields: Map<string, FieldPool<T>>, field: string): FieldPool<T> {
  let pool = fields.get(field);
  if (!pool) fields.set(field, (pool = { values: new Map(), seen: 0, repeated: 0, pooled: true }));
  return pool;
}

/** Counts one sampled value; at the end of the sample, stops pooling a field whose values seldom repeat. */
function count(pool: FieldPool<unknown>, repeated: boolean): void {
  if (pool.seen >= SAMPLE_SIZE) return;
  pool.seen += 1;
  if (repeated) pool.repeated += 1;
  if (pool.seen === SAMPLE_SIZE && pool.repeated < SAMPLE_SIZE * MIN_REPEAT_SHARE) {
    pool.pooled = false;
    pool.values.clear();
  }
}

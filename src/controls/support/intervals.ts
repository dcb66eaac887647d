/** Half-open time intervals [from, to) as ISO 8601 strings; arithmetic in epoch milliseconds. */
export interface Interval {
  from: string;
  to: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Sorted, merged union. */
export function unionIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals
    .map((i) => [Date.parse(i.from), Date.parse(i.to)] as [number, number])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out.map(([a, b]) => ({ from: iso(a), to: iso(b) }));
}

/** The parts of `range` not covered by `intervals`. */
export function complementIntervals(intervals: readonly Interval[], range: Interval): Interval[] {
  const out: Interval[] = [];
  let cursor = Date.parse(range.from);
  const end = Date.parse(range.to);
  for (const i of unionIntervals(intervals)) {
    const a = Math.max(Date.parse(i.from), cursor);
    const b = Math.min(Date.parse(i.to), end);
    if (b <= cursor) continue;
    if (a > cursor) out.push({ from: iso(cursor), to: iso(Math.min(a, end)) });
    cursor = Math.max(cursor, b);
    if (cursor >= end) break;
  }
  if (cursor < end) out.push({ from: iso(cursor), to: iso(end) });
  return out;
}

/** The parts covered by both lists. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const x = unionIntervals(a);
  const y = unionIntervals(b);
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const from = Math.max(Date.parse(x[i].from), Date.parse(y[j].from));
    const to = Math.min(Date.parse(x[i].to), Date.parse(y[j].to));
    if (to > from) out.push({ from: iso(from), to: iso(to) });
    if (Date.parse(x[i].to) < Date.parse(y[j].to)) i += 1;
    else j += 1;
  }
  return out;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return Date.parse(a.from) < Date.parse(b.to) && Date.parse(b.from) < Date.parse(a.to);
}

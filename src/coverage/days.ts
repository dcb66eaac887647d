/** UTC day arithmetic for the ledger: days are `YYYY-MM-DD`, instants ISO 8601 or epoch milliseconds. */

export const DAY_MS = 86_400_000;

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Every day from `start` to `end`, inclusive. */
export function daysBetween(start: string, end: string): string[] {
  const out: string[] = [];
  for (let t = dayStartMs(start); t <= dayStartMs(end); t += DAY_MS) out.push(dayOf(t));
  return out;
}

/** Index of the day containing `ms` among days starting at `firstDayMs` (may be out of range). */
export function dayIndex(ms: number, firstDayMs: number): number {
  return Math.floor((ms - firstDayMs) / DAY_MS);
}

/** Whole days between two instants, rounded to one decimal. */
export function daysApart(fromMs: number, toMs: number): number {
  return Math.round(((toMs - fromMs) / DAY_MS) * 10) / 10;
}

/** Merges [start, end) intervals (epoch ms) that overlap or touch. Input need not be sorted. */
export function mergeIntervals(intervals: Array<[number, number]>): Array<[number, number]> {
  const sorted = intervals.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = out.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

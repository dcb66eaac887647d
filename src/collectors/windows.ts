import { GLOBAL_REGION } from '../evidence/envelope.js';
import { INDEX_FILE, type SnapshotIndex } from '../evidence/snapshot-index.js';
import type { EvidenceStore } from '../evidence/store.js';
import type { Gap } from '../evidence/types.js';
import type { AccountTarget } from '../aws/client-factory.js';
import type { Config } from '../config/types.js';
import { retentionDaysOf, type Collector } from './types.js';

const DAY_MS = 86_400_000;

/** The window a time-windowed source is collected for in this run, and any time it can no longer reach. */
export interface PlannedWindow {
  collector: string;
  account: string;
  region: string;
  start: string;
  end: string;
  /** `window` gaps: time since the previous capture that the source no longer keeps. */
  gaps: Gap[];
}

/** Where each source × account × region was last collected to, from the newest complete envelopes. */
export async function lastCoveredEnds(store: EvidenceStore, collectorIds: ReadonlySet<string>): Promise<Map<string, string>> {
  const ends = new Map<string, string>();
  for (const id of await store.listSnapshotIds()) {
    let index: SnapshotIndex;
    try {
      index = JSON.parse((await store.readSnapshotFile(id, INDEX_FILE)).toString('utf8')) as SnapshotIndex;
    } catch {
      continue; // an unreadable index is reported by `coverage`; here it only means no head start
    }
    for (const entry of index.envelopes) {
      if (!entry.complete || !collectorIds.has(entry.collector)) continue;
      const key = `${entry.collector}|${entry.account}|${entry.region}`;
      const prev = ends.get(key);
      if (!prev || entry.window.end > prev) ends.set(key, entry.window.end);
    }
  }
  return ends;
}

/**
 * Chooses the window of every time-windowed source: from where the previous complete capture
 * ended (or the period's start), to now — but never further back than the source keeps data.
 * Time that is lost that way, inside the period, is returned as a `window` gap, not hidden.
 */
export async function planWindows(
  store: EvidenceStore,
  config: Config,
  collectors: readonly Collector[],
  accounts: readonly AccountTarget[],
  now: Date,
): Promise<PlannedWindow[]> {
  const windowed = collectors.filter((c) => retentionDaysOf(c, config) !== undefined && c.scope !== 'local');
  if (windowed.length === 0) return [];
  const ends = await lastCoveredEnds(store, new Set(windowed.map((c) => c.id)));
  const periodStart = new Date(`${config.period.start}T00:00:00Z`);
  const periodEndExclusive = new Date(new Date(`${config.period.end}T00:00:00Z`).getTime() + DAY_MS);
  const plans: PlannedWindow[] = [];
  for (const collector of windowed) {
    const retentionDays = retentionDaysOf(collector, config)!;
    const earliest = new Date(now.getTime() - retentionDays * DAY_MS);
    for (const account of accounts) {
      for (const region of collector.scope === 'account' ? [GLOBAL_REGION] : config.regions) {
        if (collector.appliesTo && !collector.appliesTo(config, account, region)) continue;
        const previousEnd = ends.get(`${collector.id}|${account.id}|${region}`);
        const wanted = previousEnd ? new Date(previousEnd) : periodStart;
        const start = wanted < earliest ? earliest : wanted;
        const gaps: Gap[] = [];
        const lostEnd = earliest < periodEndExclusive ? earliest : periodEndExclusive;
        const lostStart = wanted > periodStart ? wanted : periodStart;
        if (wanted < earliest && lostStart < lostEnd) {
          gaps.push({
            collector: collector.id,
            account: account.id,
            region,
            kind: 'window',
            message: previousEnd
              ? `the source keeps ${retentionDays} days; the previous capture ended ${previousEnd}, so ${lostStart.toISOString()} to ${lostEnd.toISOString()} can no longer be collected`
              : `the source keeps ${retentionDays} days and no earlier capture exists, so ${lostStart.toISOString()} to ${lostEnd.toISOString()} can no longer be collected`,
            window: { start: lostStart.toISOString(), end: lostEnd.toISOString() },
            at: now.toISOString(),
          });
        }
        plans.push({
          collector: collector.id,
          account: account.id,
          region,
          start: (start > now ? now : start).toISOString(),
          end: now.toISOString(),
          gaps,
        });
      }
    }
  }
  return plans;
}

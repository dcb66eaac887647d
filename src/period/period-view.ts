import type {
  Capture,
  EnvelopeSummary,
  ObservedRecord,
  PeriodProblem,
  PeriodRange,
  PeriodView,
  SnapshotGap,
  SnapshotSummary,
  SourceInfo,
} from './types.js';
import { ValuePool } from './value-pool.js';

const DAY_MS = 86_400_000;

/** The period of a config as days and the instant range they span. */
export function periodRange(period: { start: string; end: string }): PeriodRange {
  const from = `${period.start}T00:00:00.000Z`;
  const to = new Date(Date.parse(`${period.end}T00:00:00.000Z`) + DAY_MS).toISOString();
  return { start: period.start, end: period.end, from, to };
}

/**
 * Accumulates what the loader reads, in any order, with memory bounded by what the controls need:
 * point-in-time captures are kept at most one per source × account × region × UTC day (the
 * latest complete one), windowed records one per id (the latest observation). Envelope data of
 * windowed sources is not kept after merging. What is kept shares its repeated strings and small
 * objects ({@link ValuePool}); the pool is dropped with the builder.
 */
export class PeriodViewBuilder {
  private readonly pool = new ValuePool();
  private readonly captures = new Map<string, Capture>();
  private readonly records = new Map<string, Map<string, ObservedRecord>>();
  readonly envelopes: EnvelopeSummary[] = [];
  readonly gaps: SnapshotGap[] = [];
  readonly problems: PeriodProblem[] = [];
  readonly snapshots: SnapshotSummary[] = [];

  constructor(
    readonly period: PeriodRange,
    readonly sources: readonly SourceInfo[],
    readonly configAccounts: readonly string[],
  ) {}

  addCapture(capture: Capture): void {
    const key = `${capture.collector}|${capture.account}|${capture.region}|${capture.at.slice(0, 10)}`;
    const existing = this.captures.get(key);
    if (!existing || isBetterCapture(capture, existing)) this.captures.set(key, { ...capture, data: this.pool.share(capture.data) });
  }

  /** Merges one observation of a windowed record; keeps the latest observation per key. */
  addRecord(collector: string, observed: Omit<ObservedRecord, 'observations'>): void {
    let byKey = this.records.get(collector);
    if (!byKey) {
      byKey = new Map();
      this.records.set(collector, byKey);
    }
    const existing = byKey.get(observed.key);
    if (!existing) {
      byKey.set(observed.key, { ...observed, record: this.pool.share(observed.record), observations: 1 });
      return;
    }
    const newer =
      observed.observedAt > existing.observedAt || (observed.observedAt === existing.observedAt && observed.snapshotId > existing.snapshotId);
    if (newer) byKey.set(observed.key, { ...observed, record: this.pool.share(observed.record), observations: existing.observations + 1 });
    else existing.observations += 1;
  }

  build(): PeriodView {
    const series = new Map<string, Capture[]>();
    for (const capture of this.captures.values()) {
      const list = series.get(capture.collector) ?? [];
      list.push(capture);
      series.set(capture.collector, list);
    }
    for (const list of series.values()) list.sort(compareCaptures);
    const records = new Map<string, ObservedRecord[]>();
    for (const [collector, byKey] of this.records) {
      records.set(
        collector,
        [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      );
    }
    const accounts = new Set(this.configAccounts);
    for (const s of this.snapshots) for (const a of s.accounts) accounts.add(a);
    return new InMemoryPeriodView({
      period: this.period,
      snapshots: [...this.snapshots].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)),
      sources: this.sources,
      envelopes: [...this.envelopes].sort((a, b) => a.capturedAt.localeCompare(b.capturedAt) || a.id.localeCompare(b.id)),
      gaps: this.gaps,
      problems: this.problems,
      accounts: [...accounts].sort(),
      series,
      records,
    });
  }
}

function isBetterCapture(candidate: Capture, existing: Capture): boolean {
  if (candidate.complete !== existing.complete) return candidate.complete;
  return candidate.at > existing.at || (candidate.at === existing.at && candidate.snapshotId > existing.snapshotId);
}

function compareCaptures(a: Capture, b: Capture): number {
  return a.at.localeCompare(b.at) || a.account.localeCompare(b.account) || a.region.localeCompare(b.region) || a.snapshotId.localeCompare(b.snapshotId);
}

interface ViewParts {
  period: PeriodRange;
  snapshots: SnapshotSummary[];
  sources: readonly SourceInfo[];
  envelopes: EnvelopeSummary[];
  gaps: SnapshotGap[];
  problems: PeriodProblem[];
  accounts: string[];
  series: Map<string, Capture[]>;
  records: Map<string, ObservedRecord[]>;
}

class InMemoryPeriodView implements PeriodView {
  readonly period: PeriodRange;
  readonly snapshots: readonly SnapshotSummary[];
  readonly sources: readonly SourceInfo[];
  readonly envelopes: readonly EnvelopeSummary[];
  readonly gaps: readonly SnapshotGap[];
  readonly problems: readonly PeriodProblem[];
  readonly accounts: readonly string[];
  private readonly seriesBySource: Map<string, Capture[]>;
  private readonly recordsBySource: Map<string, ObservedRecord[]>;
  private readonly sourceById: Map<string, SourceInfo>;
  private readonly trustedSources: Set<string>;

  constructor(parts: ViewParts) {
    this.period = parts.period;
    this.snapshots = parts.snapshots;
    this.sources = parts.sources;
    this.envelopes = parts.envelopes;
    this.gaps = parts.gaps;
    this.problems = parts.problems;
    this.accounts = parts.accounts;
    this.seriesBySource = parts.series;
    this.recordsBySource = parts.records;
    this.sourceById = new Map(parts.sources.map((s) => [s.id, s]));
    this.trustedSources = new Set(parts.envelopes.filter((e) => e.trusted).map((e) => e.collector));
  }

  source(id: string): SourceInfo | undefined {
    return this.sourceById.get(id);
  }

  has(collector: string): boolean {
    return this.trustedSources.has(collector);
  }

  series<T>(collector: string, filter: { account?: string; region?: string } = {}): readonly Capture<T>[] {
    const all = (this.seriesBySource.get(collector) ?? []) as Capture<T>[];
    if (!filter.account && !filter.region) return all;
    return all.filter((c) => (!filter.account || c.account === filter.account) && (!filter.region || c.region === filter.region));
  }

  latest<T>(collector: string): readonly Capture<T>[] {
    const chosen = new Map<string, Capture<T>>();
    for (const capture of this.series<T>(collector)) {
      const key = `${capture.account}|${capture.region}`;
      const current = chosen.get(key);
      const inPeriod = capture.at < this.period.to;
      if (!current) chosen.set(key, capture);
      else if (inPeriod) chosen.set(key, capture); // series is oldest first: a later capture in the period wins
    }
    return [...chosen.values()].sort(compareCaptures);
  }

  records<T>(collector: string): readonly ObservedRecord<T>[] {
    return (this.recordsBySource.get(collector) ?? []) as ObservedRecord<T>[];
  }
}

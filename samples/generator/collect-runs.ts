/**
 * The collect runs of the sample estate, replayed: for each scheduled run (monthly state + history
 * + records, and the frequent jobs + events captures), the real collectors run against the
 * simulated AWS at that moment, and their output is written through LocalEvidenceStore exactly as
 * `proofpack collect` writes it — run.json with the windows planWindows chose, one validated
 * envelope per source × account × region, index.json, gaps.json, the chained manifest (with the
 * run's end as createdAt) and a line in the run log.
 */
import type { Config } from '../../src/config/types.js';
import type { AccountTarget } from '../../src/aws/client-factory.js';
import { collectors as registry, selectCollectors } from '../../src/collectors/index.js';
import type { DrRecords } from '../../src/collectors/dr/records.js';
import { runCollectorTask, type CollectorTask } from '../../src/collectors/run-collection.js';
import type { CollectorOutput } from '../../src/collectors/types.js';
import { planWindows } from '../../src/collectors/windows.js';
import { GLOBAL_REGION, LOCAL_ACCOUNT } from '../../src/evidence/envelope.js';
import type { LocalEvidenceStore } from '../../src/evidence/local-store.js';
import { assertValid } from '../../src/evidence/schemas.js';
import { GAPS_FILE, INDEX_FILE, RUN_FILE, buildSnapshotListings, type SnapshotIndexEntry, type SnapshotRun } from '../../src/evidence/snapshot-index.js';
import { newSnapshotId } from '../../src/evidence/snapshot-id.js';
import type { Gap, SnapshotMetadata } from '../../src/evidence/types.js';
import { canonicalJson } from '../../src/util/canonical-json.js';
import type { DrGameDay } from './activity.js';
import { callerIdentity, SimulatedAws, TaskClock } from './aws-sim.js';
import { DAY_MS, HOUR_MS, type Estate } from './estate.js';
import { Random, stableHex, stableUuid } from './random.js';

/** The proofpack version that "recorded" the sample: pinned, so a version bump does not rewrite the estate. */
export const SAMPLE_TOOL_VERSION = '0.1.0';

/** The 40-day stretch without job captures (a deliberate coverage gap): the last capture before it, and the catch-up run. */
export const CAPTURE_HOLE = { from: Date.UTC(2026, 3, 22, 3, 0, 0), days: 40 };

export interface PlannedRun {
  kind: 'monthly' | 'jobs';
  startedAt: number;
  snapshotId: string;
  runId: string;
  /** `collect --only` words. */
  only: string[];
}

/** Every collect run of the estate, oldest first. */
export function planRuns(estate: Estate): PlannedRun[] {
  const seed = estate.options.seed;
  const runs: PlannedRun[] = [];
  const at = (t: number, kind: PlannedRun['kind'], only: string[]) => {
    const jitter = new Random(`run:${seed}:${kind}:${t}`).int(2, 29) * 1000 + new Random(`ms:${seed}:${t}`).int(0, 999);
    const startedAt = t + jitter;
    runs.push({
      kind,
      startedAt,
      snapshotId: newSnapshotId(new Date(startedAt), stableHex(6, seed, 'snapshot', kind, startedAt)),
      runId: stableUuid(seed, 'run', kind, startedAt),
      only,
    });
  };
  // Monthly: the state at the start of each month and the month's Config history, on the 1st at 02:00 UTC.
  for (let m = 0; m <= estate.options.months; m += 1) at(Date.UTC(2026, m, 1, 2, 0, 0), 'monthly', ['state', 'history', 'records']);
  // Jobs and events: daily or weekly at 03:00 UTC, counted back from the day after the period.
  const step = estate.options.jobCaptures === 'daily' ? DAY_MS : 7 * DAY_MS;
  const times: number[] = [];
  for (let t = estate.to + 3 * HOUR_MS; t >= estate.from + 3 * HOUR_MS; t -= step) times.push(t);
  let captures = times.reverse();
  if (estate.options.findings) {
    const holeEnd = CAPTURE_HOLE.from + CAPTURE_HOLE.days * DAY_MS;
    if (CAPTURE_HOLE.from > estate.from && holeEnd < estate.to) {
      captures = captures.filter((t) => t <= CAPTURE_HOLE.from || t >= holeEnd);
      if (!captures.includes(CAPTURE_HOLE.from)) captures.push(CAPTURE_HOLE.from);
      captures.push(holeEnd);
      captures = [...new Set(captures)].sort((a, b) => a - b);
    }
  }
  // Backup jobs (kept 30 days) at every capture; CloudTrail events (kept 90 days) weekly, and at
  // the catch-up run after the hole.
  const weekly = new Set<number>();
  for (let t = estate.to + 3 * HOUR_MS; t >= estate.from + 3 * HOUR_MS; t -= 7 * DAY_MS) weekly.add(t);
  for (const t of captures) {
    const events = estate.options.jobCaptures === 'weekly' || weekly.has(t) || t === captures.at(-1) || !captures.includes(t - DAY_MS);
    at(t, 'jobs', events ? ['jobs', 'events'] : ['jobs']);
  }
  return runs.sort((a, b) => a.startedAt - b.startedAt);
}

export interface RunOutcome {
  snapshotId: string;
  kind: PlannedRun['kind'];
  envelopes: number;
  records: number;
  calls: number;
  gaps: number;
}

/** Replays one run into the store. */
export async function replayRun(
  run: PlannedRun,
  context: { estate: Estate; config: Config; sim: SimulatedAws; store: LocalEvidenceStore; gameDays: readonly DrGameDay[]; drRecords: DrRecords },
): Promise<RunOutcome> {
  const { estate, config, sim, store } = context;
  const seed = estate.options.seed;
  const selected = selectCollectors(registry, run.only);
  const accounts: AccountTarget[] = estate.accounts.map((a) => ({ id: a.id, name: a.name, roleArn: `arn:aws:iam::${a.id}:role/proofpack-read` }));
  const startedAt = new Date(run.startedAt);
  const windows = await planWindows(store, config, selected, accounts, startedAt);
  const runDoc: SnapshotRun = {
    run: 'proofpack.snapshot-run/v1',
    snapshotId: run.snapshotId,
    runId: run.runId,
    startedAt: startedAt.toISOString(),
    toolVersion: SAMPLE_TOOL_VERSION,
    period: config.period,
    sources: selected.map((c) => c.id),
    accounts: accounts.map((a) => ({ id: a.id, name: a.name, roleArn: a.roleArn! })),
    regions: [...config.regions],
    windows: windows.map((w) => ({ collector: w.collector, account: w.account, region: w.region, start: w.start, end: w.end, ...(w.gaps.length > 0 ? { gaps: w.gaps } : {}) })),
  };
  assertValid('snapshot-run.v1', runDoc, 'run.json');
  const writer = await store.beginSnapshot(run.snapshotId);
  await writer.writeFile(RUN_FILE, canonicalJson(runDoc));

  const windowOf = new Map(windows.map((w) => [`${w.collector}|${w.account}|${w.region}`, w]));
  const entries: SnapshotIndexEntry[] = [];
  const gaps: Gap[] = [];
  let cursor = run.startedAt + 1_200 + new Random(`sts:${seed}:${run.snapshotId}`).int(100, 900);
  let calls = 0;
  let records = 0;
  const tasks: CollectorTask[] = [];
  for (const collector of selected) {
    if (collector.scope === 'local') {
      tasks.push({ collector, account: { id: LOCAL_ACCOUNT, name: 'local' }, region: GLOBAL_REGION });
      continue;
    }
    for (const account of accounts) {
      for (const region of collector.scope === 'account' ? [GLOBAL_REGION] : config.regions) {
        if (collector.appliesTo && !collector.appliesTo(config, account, region)) continue;
        tasks.push({ collector, account, region });
      }
    }
  }

  for (const task of tasks) {
    const { collector, account, region } = task;
    const clock = new TaskClock(cursor, `${seed}:${run.snapshotId}:${collector.id}:${account.id}:${region}`);
    const outcome = await runCollectorTask(
      { ...task, window: windowOf.get(`${collector.id}|${account.id}|${region}`) },
      {
        config,
        writer,
        snapshotId: run.snapshotId,
        toolVersion: SAMPLE_TOOL_VERSION,
        identity: callerIdentity(seed, account.id),
        clients: (a, r) => sim.clients(a, r, clock, run.snapshotId),
        now: () => new Date(clock.now),
        collect: async (c, ctx) => {
          let output: CollectorOutput<unknown>;
          if (c.id === 'dr.records') {
            // People's files as they stood at the run: the game days filed (approved) by then.
            const filed = new Set(context.gameDays.filter((g) => g.filed <= run.startedAt).map((g) => g.file));
            const data = { ...context.drRecords, records: context.drRecords.records.filter((r) => filed.has(r.file)) };
            clock.now += 35;
            output = { data, recordCount: data.records.length, ...(data.folder !== null ? { source: data.folder } : {}) };
          } else {
            output = await c.collect(ctx);
          }
          clock.now += 3; // the runner's own work after the collector returns, until the envelope's end
          return output;
        },
      },
    );
    if (!outcome.entry) throw new Error(`${run.snapshotId}: ${collector.id} ${account.id} ${region} wrote no envelope: ${outcome.gaps.map((g) => g.message).join('; ')}`);
    entries.push(outcome.entry);
    gaps.push(...outcome.gaps);
    calls += outcome.calls;
    records += outcome.entry.recordCount;
    // Tasks run one after another here; the pause stands for the runner's scheduling.
    cursor = clock.now + new Random(`gap:${clock.label}`).int(5, 60);
  }

  const listings = buildSnapshotListings(run.snapshotId, entries, gaps);
  const sortedGaps = listings.gaps.items;
  await writer.writeFile(INDEX_FILE, canonicalJson(listings.index));
  await writer.writeFile(GAPS_FILE, canonicalJson(listings.gaps));
  const metadata: SnapshotMetadata = {
    snapshotId: run.snapshotId,
    runId: run.runId,
    startedAt: startedAt.toISOString(),
    toolVersion: SAMPLE_TOOL_VERSION,
    organization: config.organization,
    system: config.system,
    sources: runDoc.sources,
    accounts: accounts.map((a) => ({ id: a.id, name: a.name, callerIdentity: callerIdentity(seed, a.id) })),
    regions: runDoc.regions,
  };
  const endedAt = new Date(cursor + 250);
  await writer.commit(metadata, { createdAt: endedAt });
  await store.appendRunLog({
    runId: run.runId,
    command: 'collect',
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    snapshotId: run.snapshotId,
    sources: runDoc.sources,
    gaps: sortedGaps.length,
    exitCode: 0,
  });
  return { snapshotId: run.snapshotId, kind: run.kind, envelopes: entries.length, records, calls, gaps: sortedGaps.length };
}

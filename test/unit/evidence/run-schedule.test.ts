import { findMissedRuns, schedulesFromConfig, type RunSchedule } from '../../../src/evidence/run-schedule.js';
import type { RunLogEntry } from '../../../src/evidence/store.js';

const JOBS = ['backup.backup-jobs', 'backup.copy-jobs', 'cloudtrail.events'];
const daily: RunSchedule = { name: 'daily-jobs', cadence: 'daily', sources: JOBS };
const period = { start: '2026-03-01', end: '2026-03-31' };

function run(startedAt: string, extra: Partial<RunLogEntry> = {}): RunLogEntry {
  return {
    runId: `run-${startedAt}`,
    command: 'collect',
    startedAt,
    endedAt: startedAt,
    snapshotId: `snap-${startedAt}`,
    sources: JOBS,
    gaps: 0,
    exitCode: 0,
    ...extra,
  };
}

test('a daily schedule with a run every day has no missed run', () => {
  const runs = Array.from({ length: 5 }, (_, i) => run(`2026-03-0${i + 1}T02:00:00.000Z`));
  expect(findMissedRuns(runs, daily, period, new Date('2026-03-06T00:00:00Z'))).toEqual([]);
});

test('a day without a run is missed; today (and the grace after a day) is not due yet', () => {
  const runs = [run('2026-03-01T02:00:00.000Z'), run('2026-03-03T02:00:00.000Z'), run('2026-03-04T23:59:00.000Z')];

  const missed = findMissedRuns(runs, daily, period, new Date('2026-03-05T11:00:00Z'));

  // 03-02 is missed; 03-04 is served by its late run; 03-05 has not ended.
  expect(missed).toEqual([
    { schedule: 'daily-jobs', cadence: 'daily', window: { start: '2026-03-02T00:00:00.000Z', end: '2026-03-03T00:00:00.000Z' }, reason: 'no run was logged', runs: [] },
  ]);
  // With no run on 03-04 it would become missed only once the 12-hour grace has passed.
  const withoutFourth = runs.slice(0, 2);
  expect(findMissedRuns(withoutFourth, daily, period, new Date('2026-03-05T11:59:00Z')).map((m) => m.window.start)).toEqual(['2026-03-02T00:00:00.000Z']);
  expect(findMissedRuns(withoutFourth, daily, period, new Date('2026-03-05T12:00:00Z')).map((m) => m.window.start)).toEqual([
    '2026-03-02T00:00:00.000Z',
    '2026-03-04T00:00:00.000Z',
  ]);
  expect(findMissedRuns(withoutFourth, { ...daily, graceHours: 0 }, period, new Date('2026-03-05T00:00:00Z')).map((m) => m.window.start)).toContain(
    '2026-03-04T00:00:00.000Z',
  );
});

test('failed runs and runs of other sources do not count, and the reason says so', () => {
  const runs = [
    run('2026-03-01T02:00:00.000Z', { runId: 'crashed', exitCode: 1, snapshotId: null, message: 'interrupted' }),
    run('2026-03-01T03:00:00.000Z', { runId: 'state-only', sources: ['backup.vaults'] }),
    run('2026-03-02T02:00:00.000Z', { runId: 'strict', exitCode: 3 }),
  ];

  const missed = findMissedRuns(runs, daily, { start: '2026-03-01', end: '2026-03-02' }, new Date('2026-04-01T00:00:00Z'));

  expect(missed).toEqual([
    {
      schedule: 'daily-jobs',
      cadence: 'daily',
      window: { start: '2026-03-01T00:00:00.000Z', end: '2026-03-02T00:00:00.000Z' },
      reason: 'run crashed failed (exit 1: interrupted); run state-only did not collect backup.backup-jobs, backup.copy-jobs, cloudtrail.events',
      runs: ['crashed', 'state-only'],
    },
  ]);
});

test('a sharded run counts once merged; an unmerged or incomplete one is explained', () => {
  const shard = (runId: string, s: string, at: string, exitCode = 0) => run(at, { runId, shard: s, exitCode });
  const runs = [
    // 03-01: both shards and the merge.
    shard('r1', '1/2', '2026-03-01T02:00:00.000Z'),
    shard('r1', '2/2', '2026-03-01T02:00:05.000Z'),
    run('2026-03-01T02:00:00.000Z', { runId: 'r1', command: 'merge' }),
    // 03-02: shard 2 failed.
    shard('r2', '1/2', '2026-03-02T02:00:00.000Z'),
    shard('r2', '2/2', '2026-03-02T02:00:05.000Z', 1),
    // 03-03: both shards, never merged.
    shard('r3', '1/2', '2026-03-03T02:00:00.000Z'),
    shard('r3', '2/2', '2026-03-03T02:00:05.000Z'),
  ];

  const missed = findMissedRuns(runs, daily, { start: '2026-03-01', end: '2026-03-03' }, new Date('2026-04-01T00:00:00Z'));

  expect(missed.map((m) => [m.window.start.slice(0, 10), m.reason])).toEqual([
    ['2026-03-02', 'sharded run r2 is incomplete: shard 2/2 did not finish'],
    ['2026-03-03', 'sharded run r3 finished every shard but was never merged (proofpack merge --run-id r3)'],
  ]);
});

test('weekly slots are ISO weeks and monthly slots calendar months, clipped to the period; a full run serves the daily schedule', () => {
  const weekly: RunSchedule = { name: 'weekly', cadence: 'weekly', sources: JOBS };
  const monthly: RunSchedule = { name: 'monthly-full', cadence: 'monthly', sources: [...JOBS, 'backup.vaults'] };
  const full = run('2026-03-10T02:00:00.000Z', { sources: [...JOBS, 'backup.vaults'] });
  const q = { start: '2026-03-01', end: '2026-04-15' };

  // 2026-03-01 is a Sunday: the first weekly slot is that one day.
  const weeks = findMissedRuns([full], weekly, q, new Date('2026-05-01T00:00:00Z')).map((m) => [m.window.start.slice(0, 10), m.window.end.slice(0, 10)]);
  expect(weeks[0]).toEqual(['2026-03-01', '2026-03-02']);
  expect(weeks).not.toContainEqual(['2026-03-09', '2026-03-16']);
  expect(weeks.at(-1)).toEqual(['2026-04-13', '2026-04-16']);

  // A partly covered month is judged once the whole calendar month (and the grace time) is over.
  expect(findMissedRuns([full], monthly, q, new Date('2026-05-01T00:00:00Z'))).toEqual([]);
  const months = findMissedRuns([full], monthly, q, new Date('2026-05-02T00:00:00Z'));
  expect(months.map((m) => m.window)).toEqual([{ start: '2026-04-01T00:00:00.000Z', end: '2026-04-16T00:00:00.000Z' }]);
  expect(findMissedRuns([full], daily, { start: '2026-03-10', end: '2026-03-10' }, new Date('2026-05-01T00:00:00Z'))).toEqual([]);
});

test('the partial first and last weeks of a period are served by a run in the same ISO week outside the period', () => {
  const weekly: RunSchedule = { name: 'weekly', cadence: 'weekly', sources: JOBS };
  const q = { start: '2026-03-04', end: '2026-03-18' }; // Wednesday to Wednesday
  const runs = [
    run('2026-03-02T03:00:00.000Z'), // Monday before the period: the week of 2026-03-04
    run('2026-03-09T03:00:00.000Z'),
    run('2026-03-21T03:00:00.000Z'), // Saturday after the period: the week of 2026-03-18
  ];
  expect(findMissedRuns(runs, weekly, q, new Date('2026-04-01T00:00:00Z'))).toEqual([]);
  expect(findMissedRuns(runs.slice(0, 2), weekly, q, new Date('2026-04-01T00:00:00Z')).map((m) => m.window)).toEqual([
    { start: '2026-03-16T00:00:00.000Z', end: '2026-03-19T00:00:00.000Z' },
  ]);
});

test('schedulesFromConfig resolves `only` words as collect --only does', () => {
  const collectors = [
    { id: 'backup.vaults', group: 'state' },
    { id: 'backup.backup-jobs', group: 'jobs' },
    { id: 'cloudtrail.events', group: 'events' },
    { id: 's3.buckets', group: 'state' },
  ];
  const schedules = schedulesFromConfig(
    {
      schedules: [
        { name: 'daily', cadence: 'daily', only: ['jobs', 'events'], graceHours: 4 },
        { name: 'monthly', cadence: 'monthly' },
        { name: 's3', cadence: 'weekly', only: ['s3'] },
      ],
    },
    collectors,
  );
  expect(schedules).toEqual([
    { name: 'daily', cadence: 'daily', sources: ['backup.backup-jobs', 'cloudtrail.events'], graceHours: 4 },
    { name: 'monthly', cadence: 'monthly', sources: ['backup.vaults', 'backup.backup-jobs', 'cloudtrail.events', 's3.buckets'] },
    { name: 's3', cadence: 'weekly', sources: ['s3.buckets'] },
  ]);
});

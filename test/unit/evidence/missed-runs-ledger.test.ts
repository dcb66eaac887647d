import { collectors } from '../../../src/collectors/index.js';
import { missedRunEvidence } from '../../../src/coverage/missed-runs.js';
import { schedulesFromConfig } from '../../../src/evidence/run-schedule.js';
import type { RunLogEntry } from '../../../src/evidence/store.js';
import { buildLedgerFor } from '../../../src/period/evaluate-period.js';
import { loadPeriod } from '../../../src/period/load-period.js';
import { testConfig } from '../../support/config.js';
import { createFixtureStore } from '../../support/evidence-fixtures.js';

const catalogue = [
  { id: 'backup.vaults', group: 'state' },
  { id: 'backup.backup-jobs', group: 'jobs' },
  { id: 'backup.copy-jobs', group: 'jobs' },
  { id: 'cloudtrail.events', group: 'events' },
];
const jobIds = ['backup.backup-jobs', 'backup.copy-jobs'];
const eventIds = collectors.filter((c) => c.group === 'events').map((c) => c.id);

function logged(startedAt: string, sources: string[]): RunLogEntry {
  return { runId: `run-${startedAt.slice(0, 10)}`, command: 'collect', startedAt, endedAt: startedAt, snapshotId: `s-${startedAt}`, sources, gaps: 0, exitCode: 0 };
}

test('a missed daily run becomes a notice and a missed-run gap for each of the schedule\'s sources', () => {
  const schedules = schedulesFromConfig({ schedules: [{ name: 'daily-jobs', cadence: 'daily', only: ['jobs'] }] }, catalogue);
  expect(schedules[0].sources).toEqual(jobIds);
  const runs = [logged('2026-03-01T02:00:00.000Z', jobIds), logged('2026-03-03T02:00:00.000Z', jobIds)];

  const { gaps, notices } = missedRunEvidence(runs, { start: '2026-03-01', end: '2026-03-03' }, { schedules, now: new Date('2026-04-01T00:00:00Z') });

  const message = 'scheduled run "daily-jobs" (daily) missed 2026-03-02: no run was logged';
  expect(notices).toEqual([{ kind: 'missed-run', message, at: '2026-03-02T00:00:00.000Z' }]);
  expect(gaps).toEqual(jobIds.map((source) => ({ reason: 'missed-run', from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z', message, source })));
  expect(missedRunEvidence(runs, { start: '2026-03-01', end: '2026-03-03' })).toEqual({ gaps: [], notices: [] });
});

test('the coverage ledger built from a store shows the missed runs of its run log', async () => {
  const fixture = await createFixtureStore();
  try {
    expect(eventIds.length).toBeGreaterThan(0);
    await fixture.store.appendRunLog(logged('2026-03-01T02:00:00.000Z', eventIds));
    const config = testConfig({
      store: fixture.dir,
      period: { start: '2026-03-01', end: '2026-03-02' },
      schedules: [{ name: 'daily-events', cadence: 'daily', only: ['events'] }],
    });
    const view = await loadPeriod(fixture.store, config);

    const ledger = await buildLedgerFor(view, config, fixture.store, new Date('2026-04-01T00:00:00Z'));

    expect(ledger.notices.map((n) => n.message)).toEqual([
      'scheduled run "daily-events" (daily) missed 2026-03-02: no run was logged',
    ]);
  } finally {
    await fixture.cleanup();
  }
});

test('consecutive missed slots are one range, with each distinct reason once', () => {
  const schedules = schedulesFromConfig({ schedules: [{ name: 'daily-jobs', cadence: 'daily', only: ['jobs'] }] }, catalogue);
  const runs = [
    logged('2026-03-01T02:00:00.000Z', jobIds),
    logged('2026-03-04T02:00:00.000Z', ['backup.vaults']), // a run that did not collect the jobs
    logged('2026-03-07T02:00:00.000Z', jobIds),
    logged('2026-03-09T02:00:00.000Z', jobIds),
  ];

  const { notices, gaps } = missedRunEvidence(runs, { start: '2026-03-01', end: '2026-03-09' }, { schedules, now: new Date('2026-04-01T00:00:00Z') });

  expect(notices.map((n) => n.message)).toEqual([
    'scheduled run "daily-jobs" (daily) missed 2026-03-02 to 2026-03-06 (5 days): no run was logged; run run-2026-03-04 did not collect backup.backup-jobs, backup.copy-jobs',
    'scheduled run "daily-jobs" (daily) missed 2026-03-08: no run was logged',
  ]);
  expect(gaps.filter((g) => g.source === 'backup.backup-jobs').map((g) => [g.from, g.to])).toEqual([
    ['2026-03-02T00:00:00.000Z', '2026-03-07T00:00:00.000Z'],
    ['2026-03-08T00:00:00.000Z', '2026-03-09T00:00:00.000Z'],
  ]);
});

/**
 * The AWS Backup job collectors (backup, copy, restore jobs): recorded pages replayed with
 * aws-sdk-client-mock, the query window with its 7-day lookback, window edges across snapshots
 * (where the previous capture ended; a capture older than the 30 days AWS keeps), and the
 * organization-view hook (ByAccountId).
 */
import { BackupClient, ListBackupJobsCommand, ListCopyJobsCommand, ListRestoreJobsCommand, type BackupJob } from '@aws-sdk/client-backup';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { backupJobs, createBackupJobsCollector } from '../../../src/collectors/backup/backup-jobs.js';
import { backupCopyJobs, createCopyJobsCollector } from '../../../src/collectors/backup/copy-jobs.js';
import { JOB_LOOKBACK_DAYS, JOB_RETENTION_DAYS, ORGANIZATION_WIDE, planJobQuery } from '../../../src/collectors/backup/job-window.js';
import { backupRestoreJobs, createRestoreJobsCollector } from '../../../src/collectors/backup/restore-jobs.js';
import { collectors, selectCollectors } from '../../../src/collectors/index.js';
import type { Collector } from '../../../src/collectors/types.js';
import * as rec from '../../support/backup-recorded.js';
import { accessDeniedError, collectOnce, replayCallerIdentity, replayRecordedBackup } from '../../support/backup-mocks.js';

const backup = mockClient(BackupClient);
const sts = mockClient(STSClient);
const DAY = 86_400_000;
const at = (iso: string) => () => new Date(iso);

beforeEach(() => {
  backup.reset();
  sts.reset();
  replayCallerIdentity(sts);
  replayRecordedBackup(backup);
});
afterAll(() => {
  backup.restore();
  sts.restore();
});

test('`collect --only jobs` selects the three job sources, each kept 30 days by AWS', () => {
  const jobs = selectCollectors(collectors, ['jobs']);
  expect(jobs.map((c) => c.id)).toEqual(expect.arrayContaining(['backup.backup-jobs', 'backup.copy-jobs', 'backup.restore-jobs']));
  for (const id of ['backup.backup-jobs', 'backup.copy-jobs', 'backup.restore-jobs']) {
    expect(jobs.find((c) => c.id === id)).toMatchObject({ group: 'jobs', scope: 'region', retentionDays: 30 });
  }
});

describe('planJobQuery', () => {
  test('reaches back 7 days (the default completion window) before the window start', () => {
    const q = planJobQuery({ start: new Date('2026-03-10T06:00:00Z'), end: new Date('2026-03-11T06:00:00Z') });
    expect(q).toEqual({ ByCreatedAfter: new Date('2026-03-03T06:00:00Z'), ByCreatedBefore: new Date('2026-03-11T06:00:00Z') });
  });

  test('never before the 30 days AWS keeps, counted back from the window end (the run start)', () => {
    const end = new Date('2026-04-24T06:00:00Z');
    const q = planJobQuery({ start: new Date(end.getTime() - 29 * DAY), end });
    expect(q.ByCreatedAfter).toEqual(new Date(end.getTime() - JOB_RETENTION_DAYS * DAY));
    expect(JOB_LOOKBACK_DAYS).toBe(7);
  });
});

const finishedQueries = [
  { ByCreatedAfter: '2026-03-01T00:00:00.000Z', ByCreatedBefore: '2026-03-10T06:00:00.000Z' },
  { ByCreatedAfter: '2026-02-22T00:00:00.000Z', ByCreatedBefore: '2026-03-01T00:00:00.000Z', ByCompleteAfter: '2026-03-01T00:00:00.000Z', ByCompleteBefore: '2026-03-10T06:00:00.000Z' },
];
const lookbackQuery = [{ ByCreatedAfter: '2026-02-22T00:00:00.000Z', ByCreatedBefore: '2026-03-10T06:00:00.000Z' }];

describe.each([
  { collector: backupJobs, command: ListBackupJobsCommand, action: 'ListBackupJobs', idKey: 'BackupJobId', stateKey: 'State', records: rec.backupJobs, pages: 2, queries: finishedQueries },
  { collector: backupCopyJobs, command: ListCopyJobsCommand, action: 'ListCopyJobs', idKey: 'CopyJobId', stateKey: 'State', records: rec.copyJobs, pages: 2, queries: finishedQueries },
  { collector: backupRestoreJobs, command: ListRestoreJobsCommand, action: 'ListRestoreJobs', idKey: 'RestoreJobId', stateKey: 'Status', records: rec.restoreJobs, pages: 2, queries: lookbackQuery },
])('$collector.id', ({ collector, command, action, idKey, stateKey, records, pages, queries }) => {
  const period = { start: '2026-03-01', end: '2026-06-30' };

  test('keeps every job of every page as AWS returned it, and records the real query in provenance', async () => {
    const { result, envelope } = await collectOnce(collector as Collector, { now: at('2026-03-10T06:00:00Z'), period });

    expect(result.gaps).toEqual([]);
    // The window is what the runner planned (coverage): from the period start to now.
    expect(envelope!.window).toEqual({ start: '2026-03-01T00:00:00.000Z', end: '2026-03-10T06:00:00.000Z' });
    const jobs = (envelope!.data as { jobs: Array<Record<string, unknown>> }).jobs;
    expect(jobs.map((j) => j[idKey])).toEqual(records.map((j) => (j as Record<string, unknown>)[idKey]));
    expect(jobs.map((j) => j[stateKey])).toEqual(records.map((j) => (j as Record<string, unknown>)[stateKey]));
    // Every AWS field is kept under AWS's name; timestamps become ISO strings.
    expect(jobs).toEqual(JSON.parse(JSON.stringify(rec.toSdkShape(records))));
    expect(envelope!.recordCount).toBe(records.length);
    // The real queries: backup and copy jobs list the window's jobs, then the jobs created in the
    // 7 days before it that finished during it; restore jobs reach back 7 days in one listing
    // (validation results arrive after a restore completes). This fake AWS ignores the filters.
    expect(envelope!.provenance.calls).toEqual(
      queries.map((parameters) => expect.objectContaining({ operation: `backup:${action}`, parameters: { ...parameters, MaxResults: 1000 }, pages, records: records.length, outcome: 'ok' })),
    );
  });

  test('AccessDenied is a denied gap naming the operation and the window, and no envelope', async () => {
    backup.on(command as typeof ListBackupJobsCommand).rejects(accessDeniedError(action));

    const { result, envelope } = await collectOnce(collector as Collector, { now: at('2026-03-10T06:00:00Z'), period });

    expect(envelope).toBeUndefined();
    expect(result.gaps).toEqual([
      expect.objectContaining({
        collector: collector.id,
        kind: 'denied',
        operation: `backup:${action}`,
        errorCode: 'AccessDeniedException',
        window: { start: '2026-03-01T00:00:00.000Z', end: '2026-03-10T06:00:00.000Z' },
      }),
    ]);
  });
});

test('restore jobs keep the restore-test fields: CreatedBy.RestoreTestingPlanArn, validation and deletion status', async () => {
  const { envelope } = await collectOnce(backupRestoreJobs as Collector, { now: at('2026-03-10T06:00:00Z') });

  const [test1, manual] = (envelope!.data as { jobs: Array<Record<string, unknown>> }).jobs;
  expect(test1).toMatchObject({
    CreatedBy: { RestoreTestingPlanArn: expect.stringContaining(':restore-testing-plan:weekly_restore_test-') },
    RecoveryPointCreationDate: '2026-03-07T05:01:38.220Z',
    CreationDate: '2026-03-08T02:00:03.118Z',
    CompletionDate: '2026-03-08T02:10:44.002Z',
    ValidationStatus: 'SUCCESSFUL',
    DeletionStatus: 'SUCCESSFUL',
    CreatedResourceArn: 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0d9c8b7a6f5e4d3c2',
  });
  // A restore still running has no CompletionDate (missing, not null) and was not started by a test plan.
  expect(manual).toMatchObject({ Status: 'RUNNING' });
  expect(manual).not.toHaveProperty('CompletionDate');
  expect(manual).not.toHaveProperty('CreatedBy');
});

describe('windows across snapshots', () => {
  /**
   * A fake ListBackupJobs over one job that is created at 05:00 on 2026-03-10 and completes at
   * 08:00: it answers with the job as it is at `clock`, when its creation date is in the query.
   */
  function serveOneJob(clock: { now: Date }): void {
    const created = new Date('2026-03-10T05:00:00Z');
    const completed = new Date('2026-03-10T08:00:00Z');
    backup.on(ListBackupJobsCommand).callsFake((input: { ByCreatedAfter: Date; ByCreatedBefore: Date; ByCompleteAfter?: Date; ByCompleteBefore?: Date }) => {
      // AWS's filters: creation date within the range; with ByComplete*, only jobs completed within it.
      if (created < input.ByCreatedAfter || created > input.ByCreatedBefore) return { BackupJobs: [] };
      const done = clock.now >= completed;
      if (input.ByCompleteAfter && (!done || completed < input.ByCompleteAfter || completed > input.ByCompleteBefore!)) return { BackupJobs: [] };
      const job: BackupJob = {
        BackupJobId: '0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0',
        BackupVaultName: 'primary',
        ResourceArn: 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0c1d2e3f4a5b6c7d8',
        ResourceType: 'EFS',
        CreationDate: created,
        State: done ? 'COMPLETED' : 'RUNNING',
        ...(done ? { CompletionDate: completed } : {}),
      };
      return { BackupJobs: [job] };
    });
  }

  test('the second window starts where the first ended, and the lookback sees a running job again in its final state', async () => {
    const clock = { now: new Date('2026-03-10T06:00:00Z') };
    serveOneJob(clock);
    const period = { start: '2026-03-01', end: '2026-06-30' };

    const first = await collectOnce(backupJobs as Collector, { now: () => clock.now, period });
    clock.now = new Date('2026-03-11T06:00:00Z');
    const second = await collectOnce(backupJobs as Collector, { now: () => clock.now, period, dir: first.dir });

    expect(first.envelope!.window).toEqual({ start: '2026-03-01T00:00:00.000Z', end: '2026-03-10T06:00:00.000Z' });
    expect(second.envelope!.window).toEqual({ start: first.envelope!.window.end, end: '2026-03-11T06:00:00.000Z' });
    expect([...first.result.gaps, ...second.result.gaps]).toEqual([]);
    // The job was created before the second window starts: the second listing asks for jobs created
    // in the 7 days before it that finished during it, and finds it in its final state.
    expect(second.envelope!.provenance.calls.map((c) => c.parameters)).toEqual([
      { ByCreatedAfter: '2026-03-10T06:00:00.000Z', ByCreatedBefore: '2026-03-11T06:00:00.000Z', MaxResults: 1000 },
      {
        ByCreatedAfter: '2026-03-03T06:00:00.000Z',
        ByCreatedBefore: '2026-03-10T06:00:00.000Z',
        ByCompleteAfter: '2026-03-10T06:00:00.000Z',
        ByCompleteBefore: '2026-03-11T06:00:00.000Z',
        MaxResults: 1000,
      },
    ]);
    expect(second.envelope!.provenance.calls.map((c) => c.records)).toEqual([0, 1]);
    const state = (e: typeof first) => (e.envelope!.data as { jobs: Array<{ State: string }> }).jobs.map((j) => j.State);
    expect(state(first)).toEqual(['RUNNING']);
    expect(state(second)).toEqual(['COMPLETED']);
  });

  test('a previous capture older than 30 days yields a window gap with the lost dates, and the query starts at now − 30 days', async () => {
    const clock = { now: new Date('2026-03-10T06:00:00Z') };
    serveOneJob(clock);
    const period = { start: '2026-03-01', end: '2026-06-30' };
    const first = await collectOnce(backupJobs as Collector, { now: () => clock.now, period });

    clock.now = new Date('2026-04-24T06:00:00Z'); // 45 days later
    const late = await collectOnce(backupJobs as Collector, { now: () => clock.now, period, dir: first.dir });

    const lostEnd = '2026-03-25T06:00:00.000Z'; // now − 30 days
    expect(late.result.gaps).toEqual([
      expect.objectContaining({
        collector: 'backup.backup-jobs',
        account: rec.ACCOUNT,
        region: rec.REGION,
        kind: 'window',
        window: { start: '2026-03-10T06:00:00.000Z', end: lostEnd },
      }),
    ]);
    // The envelope covers only what AWS still keeps; a window gap does not make it incomplete.
    expect(late.envelope!.window).toEqual({ start: lostEnd, end: '2026-04-24T06:00:00.000Z' });
    expect(late.envelope!.complete).toBe(true);
    expect(late.envelope!.provenance.calls[0].parameters).toMatchObject({ ByCreatedAfter: lostEnd, ByCreatedBefore: '2026-04-24T06:00:00.000Z' });
  });
});

describe('organization view (ByAccountId hook for issue 8)', () => {
  test('"*" lists backup jobs organization-wide and shows in provenance', async () => {
    const collector = createBackupJobsCollector({ byAccountId: ORGANIZATION_WIDE });

    const { envelope } = await collectOnce(collector as Collector, { now: at('2026-03-10T06:00:00Z') });

    expect(backup.commandCalls(ListBackupJobsCommand).map((c) => c.args[0].input.ByAccountId)).toEqual(['*', '*']);
    expect(envelope!.provenance.calls[0].parameters).toMatchObject({ ByAccountId: '*' });
  });

  test('copy and restore jobs take a 12-digit account id but refuse "*", which AWS documents for ListBackupJobs only', async () => {
    expect(() => createCopyJobsCollector({ byAccountId: '*' })).toThrow('ListCopyJobs: byAccountId must be a 12-digit account id, got "*"');
    expect(() => createRestoreJobsCollector({ byAccountId: '*' })).toThrow('ListRestoreJobs: byAccountId must be a 12-digit account id, got "*"');
    expect(() => createBackupJobsCollector({ byAccountId: 'all' })).toThrow('ListBackupJobs: byAccountId must be a 12-digit account id or "*", got "all"');

    await collectOnce(createRestoreJobsCollector({ byAccountId: '210987654321' }) as Collector, { now: at('2026-03-10T06:00:00Z') });
    expect(backup.commandCalls(ListRestoreJobsCommand).map((c) => c.args[0].input.ByAccountId)).toEqual(['210987654321', '210987654321']);
  });

  test('without the option no ByAccountId is sent (the caller’s own account)', async () => {
    await collectOnce(backupCopyJobs as Collector, { now: at('2026-03-10T06:00:00Z') });
    expect(backup.commandCalls(ListCopyJobsCommand).every((c) => !('ByAccountId' in c.args[0].input))).toBe(true);
  });
});

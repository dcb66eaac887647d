import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { ACCOUNT, at, createFixtureStore, plusDays, type FixtureStore } from '../../support/evidence-fixtures.js';
import { backupJob, s3Bucket, s3Replica } from '../../support/evidence-data.js';
import { runProofpack } from '../../support/cli.js';

let fx: FixtureStore;
let configFile: string;

async function writeConfig(extra: Record<string, unknown> = {}) {
  configFile = path.join(fx.dir, 'proofpack.yaml');
  await writeFile(
    configFile,
    stringify({
      organization: 'Larkspur Health, Inc.',
      system: 'Larkspur Care Platform',
      period: { start: '2026-01-01', end: '2026-03-31' },
      accounts: [{ id: ACCOUNT, name: 'prod' }],
      regions: ['us-east-1'],
      store: '.',
      ...extra,
    }),
  );
}

beforeEach(async () => {
  fx = await createFixtureStore();
  await writeConfig();
  // Two captures of backup jobs 40 days apart: the runner could reach back only 30 days.
  const first = at('2026-02-01', 2);
  const second = at('2026-03-13', 2);
  const jobs = (start: string, end: string) => ({ collector: 'backup.backup-jobs', window: { start, end }, data: { jobs: [backupJob(`j-${end}`, 'arn:aws:s3:::records', 'COMPLETED', plusDays(end, -1))] } });
  const buckets = { collector: 's3.buckets', region: 'global', data: { buckets: [s3Bucket('records', { versioning: { Status: 'Suspended' } }), s3Replica('records', { region: 'us-east-1' })] } };
  await fx.write({ at: first, envelopes: [jobs('2026-01-01T00:00:00.000Z', first), buckets] });
  await fx.write({
    at: second,
    envelopes: [jobs(plusDays(second, -30), second), buckets],
    gaps: [
      {
        collector: 'backup.backup-jobs',
        account: ACCOUNT,
        region: 'us-east-1',
        kind: 'window',
        message: `the source keeps 30 days; the previous capture ended ${first}, so ${first} to ${plusDays(second, -30)} can no longer be collected`,
        window: { start: first, end: plusDays(second, -30) },
        at: second,
      },
    ],
  });
});
afterEach(async () => {
  await fx.cleanup();
});

describe('proofpack coverage', () => {
  test('on snapshots 40 days apart reports the backup-jobs gap between them, with the reason', async () => {
    const run = await runProofpack(['coverage', '-c', configFile]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/backup\.backup-jobs\s+111111111111\s+us-east-1\s+2026-02-01 … 2026-02-11 \(11 days\)\s+retention: .*the source keeps 30 days; the previous capture ended 2026-02-01T02:00:00.000Z/);
    expect(run.stdout).toMatch(/^Coverage 2026-01-01 to 2026-03-31 \(90 days\), 2 snapshots/);
  });

  test('--strict exits 3 when there is a gap; --json prints the ledger', async () => {
    expect((await runProofpack(['coverage', '-c', configFile, '--strict'])).code).toBe(3);
    const run = await runProofpack(['coverage', '-c', configFile, '--json']);
    expect(run.code).toBe(0);
    const ledger = JSON.parse(run.stdout);
    const cell = ledger.cells.find((c: { source: string; region: string }) => c.source === 'backup.backup-jobs' && c.region === 'us-east-1');
    expect(cell.gaps[0]).toMatchObject({ from: '2026-02-01', to: '2026-02-11', reason: 'retention' });
    expect(ledger.summary.complete).toBe(false);
  });
});

describe('proofpack evaluate', () => {
  test('--json: the documented shape, with every control of the catalogue', async () => {
    const run = await runProofpack(['evaluate', '-c', configFile, '--json']);
    expect(run.code).toBe(0);
    const evaluation = JSON.parse(run.stdout);
    expect(evaluation.period).toEqual({ start: '2026-01-01', end: '2026-03-31' });
    expect(evaluation.controls).toHaveLength(17);
    for (const c of evaluation.controls) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'title', 'criteria', 'status', 'summary', 'exceptions']));
      expect(['pass', 'fail', 'not_applicable', 'error', 'waived']).toContain(c.status);
    }
    const s3 = evaluation.controls.find((c: { id: string }) => c.id === 'replication.s3');
    expect(s3.status).toBe('fail');
    expect(Object.keys(s3.exceptions[0])).toEqual(expect.arrayContaining(['resource', 'account', 'region', 'from', 'to', 'message', 'evidence']));
    expect(s3.exceptions[0].evidence[0]).toMatch(/_111111111111_global_s3.buckets$/);
    expect(evaluation.coverage.cells.length).toBeGreaterThan(0);
    const coverage = evaluation.controls.find((c: { id: string }) => c.id === 'evidence.period-coverage');
    expect(coverage.status).toBe('fail');
  });

  test('human output: one line per control with its counts; --strict exits 3 on failures', async () => {
    const run = await runProofpack(['evaluate', '-c', configFile]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/STATUS\s+CONTROL\s+FAIL\s+DEV\s+ERR\s+WAIVED\s+SUMMARY/);
    expect(run.stdout).toMatch(/✗ fail\s+replication\.s3\s+1\s+0\s+0\s+0\s+/);
    expect(run.stdout.split('\n').filter((l) => /^ {2}(✓|✗|!|~|-) /.test(l))).toHaveLength(17);
    expect(run.stdout).toMatch(/17 controls: \d+ pass, \d+ fail/);
    expect((await runProofpack(['evaluate', '-c', configFile, '--strict'])).code).toBe(3);
  });

  test('a waiver naming an unknown control is rejected when the config loads (exit 2)', async () => {
    await writeConfig({ waivers: [{ control: 'replication.s33', resource: 'records', reason: 'migrating this quarter', approver: 'CTO', expires: '2026-12-31' }] });
    const run = await runProofpack(['evaluate', '-c', configFile]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/waivers\[0\]\.control: "replication.s33" is not a control id \(did you mean "replication.s3"\?\)/);
  });

  test('a waiver turns the replication failure into waived, shown with its approver', async () => {
    await writeConfig({ waivers: [{ control: 'replication.s3', resource: 'records*', reason: 'replica being rebuilt in us-west-2', approver: 'Priya Raman (CTO)', expires: '2026-12-31' }] });
    const run = await runProofpack(['evaluate', '-c', configFile]);
    expect(run.stdout).toMatch(/~ waived\s+replication\.s3/);
    expect(run.stdout).toMatch(/\[waived\] records .*approved by Priya Raman \(CTO\) until 2026-12-31: replica being rebuilt/);
  });
});

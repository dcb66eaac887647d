import path from 'node:path';
import type { ControlException, Evaluation } from '../../../src/controls/types.js';
import { packageRoot } from '../../../src/util/paths.js';
import { runProofpack } from '../../support/cli.js';

/**
 * `proofpack evaluate` on the checked-in sample estate finds exactly its deliberate findings —
 * and nothing else fails: every other control passes, and every exception and gap is one of them.
 */
const CONFIG = path.join(packageRoot, 'samples', 'larkspur', 'proofpack.yaml');
const PROD = '111111111111';
const SHARED = '222222222222';
const CLAIMS_DB = `arn:aws:rds:us-east-1:${PROD}:db:larkspur-claims-db`;

const brief = (e: ControlException) => ({ kind: e.kind, resource: e.resource, account: e.account, region: e.region, from: e.from, to: e.to });

describe('the Larkspur sample estate', () => {
  let evaluation: Evaluation;
  let human: string;
  beforeAll(async () => {
    const json = await runProofpack(['evaluate', '-c', CONFIG, '--json']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    evaluation = JSON.parse(json.stdout) as Evaluation;
    const text = await runProofpack(['evaluate', '-c', CONFIG]);
    expect(text.code).toBe(0);
    human = text.stdout;
  }, 120_000);

  const control = (id: string) => evaluation.controls.find((c) => c.id === id)!;

  it('evaluates directly from samples/larkspur/proofpack.yaml over the whole period', () => {
    expect(evaluation.period).toEqual({ start: '2026-01-01', end: '2026-06-30' });
    expect(evaluation.snapshots.length).toBeGreaterThanOrEqual(29);
    expect(human).toContain('17 controls: 11 pass, 5 fail, 0 error, 1 waived, 0 not applicable');
  });

  it('fails or waives only the controls of the deliberate findings; every other control passes with no exception at all', () => {
    const statuses = Object.fromEntries(evaluation.controls.map((c) => [c.id, c.status]));
    expect(statuses).toEqual({
      'backup.plan-coverage': 'pass',
      'backup.job-success': 'fail',
      'backup.cross-region-copy': 'waived',
      'backup.vault-immutable': 'pass',
      'backup.encrypted': 'pass',
      'replication.s3': 'fail',
      'replication.rds': 'pass',
      'replication.dynamodb': 'pass',
      'residency.boundary': 'fail',
      'dr.test-frequency': 'pass',
      'dr.rto-rpo': 'fail',
      'monitoring.cloudtrail': 'pass',
      'monitoring.config-recording': 'pass',
      'monitoring.alarms': 'pass',
      'inventory.region-parity': 'pass',
      'inventory.approved-regions': 'pass',
      'evidence.period-coverage': 'fail',
    });
    for (const c of evaluation.controls.filter((x) => x.status === 'pass')) expect([c.id, c.exceptions]).toEqual([c.id, []]);
  });

  it('backup.job-success: a week of failed backups of the claims database in March, each job named, its rate below target (overall still met)', () => {
    const c = control('backup.job-success');
    const failures = c.exceptions.filter((e) => e.kind === 'failure');
    expect(failures.map(brief)).toEqual([{ kind: 'failure', resource: CLAIMS_DB, account: PROD, region: 'us-east-1', from: '2026-01-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' }]);
    expect(failures[0].message).toMatch(/^success rate 95\.\d\d% \(164 of 171 jobs\) is below the target 99\.00%$/);
    const failedJobs = c.exceptions.filter((e) => e.kind === 'deviation');
    expect(failedJobs.map((e) => [e.resource, e.from.slice(0, 10)])).toEqual(
      ['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13', '2026-03-14', '2026-03-15'].map((d) => [CLAIMS_DB, d]),
    );
    for (const e of failedJobs) expect(e.message).toMatch(/^backup job [0-9A-F-]{36} FAILED: The DB instance larkspur-claims-db is in the storage-optimization state/);
    expect(c.measurements.find((m) => m.subject === 'overall')?.met).toBe(true);
    // The capture hole leaves the job population incomplete: named, never a pass (the coverage finding below).
    const unevaluated = c.exceptions.filter((e) => e.kind === 'unevaluated');
    expect(unevaluated.map((e) => `${e.account}/${e.region} ${e.from.slice(0, 10)}..${e.to.slice(0, 10)}`).sort()).toEqual(
      [PROD, SHARED].flatMap((a) => ['eu-central-1', 'us-east-1', 'us-west-2'].map((r) => `${a}/${r} 2026-04-22..2026-05-03`)).sort(),
    );
  });

  it('replication.s3: one bucket not replicating for nine days in March, from Config history', () => {
    const c = control('replication.s3');
    expect(c.exceptions.map(brief)).toEqual([
      { kind: 'failure', resource: 'larkspur-clinical-documents', account: PROD, region: 'us-east-1', from: '2026-03-10T02:15:02.000Z', to: '2026-03-19T02:41:34.000Z' },
    ]);
    expect(c.exceptions[0].message).toContain('(9 days): no replication configuration (Config history');
    expect(c.exceptions[0].evidence.some((id) => id.endsWith(`_${PROD}_us-east-1_config.history`))).toBe(true);
  });

  it('dr.rto-rpo: one game day whose measured RTO exceeds the target', () => {
    const c = control('dr.rto-rpo');
    expect(c.exceptions.filter((e) => e.kind === 'failure').map((e) => [e.resource, e.message])).toEqual([
      ['DR-2026-05-REGION', 'Full regional failover of the care platform to us-west-2: RTO 312 minutes exceeds the target 240'],
    ]);
    // The team recorded the outcome as partial: listed, within tolerance on its own.
    expect(c.exceptions.filter((e) => e.kind === 'deviation').map((e) => e.resource)).toEqual(['DR-2026-05-REGION']);
    const rto = c.measurements.filter((m) => m.name === 'RTO minutes');
    expect(rto.filter((m) => m.met === false).map((m) => m.subject)).toEqual(['DR-2026-05-REGION']);
    expect(rto.length).toBeGreaterThanOrEqual(30); // the other game days and every restore test met the target
  });

  it('residency.boundary: the EU bucket replicating to us-east-1', () => {
    const c = control('residency.boundary');
    expect(c.exceptions.map((e) => [e.kind, e.resource, e.region])).toEqual([['failure', 'arn:aws:s3:::larkspur-eu-patient-exports', 'us-east-1']]);
    expect(c.exceptions[0].message).toContain('replica bucket larkspur-eu-patient-exports-use1 is in us-east-1; data tagged data-origin=eu may only be in eu-central-1, eu-west-1');
  });

  it('backup.cross-region-copy: one failed copy, waived with its approver; the waiver shows as applied', () => {
    const c = control('backup.cross-region-copy');
    expect(c.exceptions).toHaveLength(1);
    const [e] = c.exceptions;
    expect(e.kind).toBe('failure');
    expect(e.resource).toMatch(new RegExp(`^arn:aws:elasticfilesystem:us-east-1:${PROD}:file-system/fs-[0-9a-f]{17}$`));
    expect(e.from.slice(0, 10)).toBe('2026-04-01');
    expect(e.message).toMatch(/copy job [0-9A-F-]{36} to us-west-2 FAILED: .*not authorized to use the KMS key/);
    expect(e.waived).toMatchObject({ approver: 'Priya Raman (CTO)', expires: '2026-12-31', pattern: e.resource });
    expect(evaluation.waivers).toEqual([expect.objectContaining({ control: 'backup.cross-region-copy', state: 'applied', exceptions: 1, approver: 'Priya Raman (CTO)' })]);
  });

  it('evidence.period-coverage: the 40 days without job captures lose 10 days of every job source (retention), and nothing else is missing', () => {
    const cov = evaluation.coverage;
    expect(cov.summary).toMatchObject({ cells: 123, completeCells: 105, gapRanges: 18, problems: 0 });
    const gaps = cov.cells.flatMap((cell) => cell.gaps.map((g) => `${cell.source} ${cell.account}/${cell.region} ${g.from}..${g.to} ${g.reason}`));
    const expected = ['backup.backup-jobs', 'backup.copy-jobs', 'backup.restore-jobs'].flatMap((source) =>
      [PROD, SHARED].flatMap((a) => ['eu-central-1', 'us-east-1', 'us-west-2'].map((r) => `${source} ${a}/${r} 2026-04-22..2026-05-02 retention`)),
    );
    expect(gaps.sort()).toEqual(expected.sort());
    for (const cell of cov.cells.filter((x) => x.gaps.length > 0)) {
      expect(cell.gaps[0].message).toMatch(/the source keeps 30 days; the previous capture ended 2026-04-22T03:00:\d\d\.\d{3}Z/);
    }
    // CloudTrail keeps 90 days: the same 40 days were collected afterwards.
    expect(cov.cells.filter((x) => x.source === 'cloudtrail.events').every((x) => x.gaps.length === 0)).toBe(true);
    expect(control('evidence.period-coverage').exceptions.filter((e) => e.kind === 'failure')).toHaveLength(18);
  });
});

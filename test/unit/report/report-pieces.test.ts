/**
 * The report stage without Chromium: names and ids from the evidence, the snapshot chain and the
 * evidence read from the store, where each envelope goes in the bundle, the populations, the
 * tables and the README — on a small real evidence store (test/support/report-estate.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCsv, parseCsvHeaderBlock } from '../../../src/bundle/csv.js';
import type { PopulationFiles, PopulationProvenance } from '../../../src/bundle/population.js';
import { generateSigningKeyPair, publicKeyFingerprint } from '../../../src/bundle/signing.js';
import type { Config } from '../../../src/config/types.js';
import { evaluateControls } from '../../../src/controls/evaluate-controls.js';
import { CONTROLS } from '../../../src/controls/index.js';
import type { Evaluation } from '../../../src/controls/types.js';
import { StoreError, InputError } from '../../../src/errors.js';
import { buildLedgerFor } from '../../../src/period/evaluate-period.js';
import { loadPeriod } from '../../../src/period/load-period.js';
import type { PeriodView } from '../../../src/period/types.js';
import { buildEvidenceIndex, COVERAGE_CONTROL } from '../../../src/report/evidence-index.js';
import { buildReportPopulations, POPULATION_NAMES } from '../../../src/report/populations.js';
import { readBundledChain, readEvidenceFacts, type EvidenceFacts } from '../../../src/report/report-evidence.js';
import { reportBundleId, reportBundleName, reportGeneratedAt, slugifyOrganization } from '../../../src/report/report-identity.js';
import { renderReportReadme } from '../../../src/report/report-readme.js';
import { formatControlResultsJson, formatCoverageCsv, formatExceptionsCsv } from '../../../src/report/report-tables.js';
import type { EvidenceIndexRow } from '../../../src/report/types.js';
import { ACCOUNT, type FixtureStore } from '../../support/evidence-fixtures.js';
import { CLAIMS_DB, createReportEstate, JOB_CAPTURES, MONTHLY, reportConfig, SLOW_RESTORE } from '../../support/report-estate.js';

let fx: FixtureStore;
let config: Config;
let view: PeriodView;
let evaluation: Evaluation;
let facts: Map<string, EvidenceFacts>;
let index: EvidenceIndexRow[];
let populations: Map<string, PopulationFiles>;
const GENERATED_AT = '2026-04-01T03:01:00.000Z';
const meta = { organization: 'Larkspur Health, Inc.', system: 'Larkspur Care Platform', bundleId: 'b-1', bundleName: 'x.zip', generatedAt: GENERATED_AT };

beforeAll(async () => {
  fx = await createReportEstate();
  config = reportConfig(fx.dir);
  view = await loadPeriod(fx.store, config);
  const coverage = await buildLedgerFor(view, config, fx.store, new Date('2026-07-01T00:00:00Z'));
  evaluation = evaluateControls(view, coverage, config, CONTROLS);
  facts = await readEvidenceFacts(fx.store, view, await readBundledChain(fx.store, view));
  index = buildEvidenceIndex(facts, evaluation, CONTROLS, config);
  const files = buildReportPopulations({ view, config, facts, bundlePaths: new Map(index.map((r) => [r.id, r.bundlePath])), generatedAt: GENERATED_AT });
  populations = new Map(files.map((f) => [f.csvPath.slice('populations/'.length, -'.csv'.length), f]));
});

afterAll(async () => {
  await fx.cleanup();
});

const rowsOf = (name: string) => {
  const { records } = parseCsv(populations.get(name)!.csv.toString('utf8'));
  const [columns, ...rows] = records;
  return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
};
type SidecarSource = Record<string, unknown> & { operations: Array<Record<string, unknown> & { parameters: Record<string, unknown> }> };
const sidecarOf = (name: string) => JSON.parse(populations.get(name)!.provenance.toString('utf8')) as Omit<PopulationProvenance, 'sources'> & { sources: SidecarSource[] };

describe('names and ids come from the evidence, not the clock', () => {
  test('bundle name: organization slug, SOC2-T2, period', () => {
    expect(slugifyOrganization('Larkspur Health, Inc.')).toBe('larkspur-health-inc');
    expect(slugifyOrganization('Zürich Ärzte AG / Ünit 7')).toBe('zurich-arzte-ag-unit-7');
    expect(slugifyOrganization('***')).toBe('organization');
    expect(reportBundleName('Larkspur Health, Inc.', { start: '2026-01-01', end: '2026-06-30' })).toBe('larkspur-health-inc_SOC2-T2_2026-01-01_2026-06-30.zip');
  });

  test('bundle id: stable for the same chain head, different for another', () => {
    const base = { organization: 'O', system: 'S', period: { start: '2026-01-01', end: '2026-03-31' }, chainHeadSha256: 'a'.repeat(64) };
    expect(reportBundleId(base)).toBe(reportBundleId({ ...base }));
    expect(reportBundleId(base)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(reportBundleId({ ...base, chainHeadSha256: 'b'.repeat(64) })).not.toBe(reportBundleId(base));
  });

  test('generatedAt is the commit time of the newest trusted snapshot; none is bad input', () => {
    // The fixture commits each snapshot a minute after it starts; the newest is the job capture of 1 April 03:00.
    expect(reportGeneratedAt(view, fx.dir)).toBe('2026-04-01T03:01:00.000Z');
    expect(() => reportGeneratedAt({ ...view, snapshots: view.snapshots.map((s) => ({ ...s, trusted: false })) }, fx.dir)).toThrow(InputError);
  });
});

describe('the snapshot chain and the evidence read from the store', () => {
  test('every loaded snapshot is in the chain, in commit order, ending at the head', async () => {
    const chain = await readBundledChain(fx.store, view);
    expect(chain.manifests.map((m) => m.manifest.snapshotId)).toEqual(view.snapshots.map((s) => s.id));
    expect(chain.manifests).toHaveLength(MONTHLY.length + JOB_CAPTURES.length);
    expect(chain.altered).toEqual([]);
    expect(chain.headSha256).toBe(chain.manifests.at(-1)!.sha256);
  });

  test('every trusted envelope is read once, with its provenance and the SHA-256 its snapshot recorded', () => {
    expect(facts.size).toBe(view.envelopes.filter((e) => e.trusted).length);
    const jobs = [...facts.values()].find((f) => f.summary.collector === 'backup.backup-jobs' && f.summary.region === 'us-east-1')!;
    expect(jobs.provenance.calls.map((c) => c.operation)).toEqual(['backup:ListBackupJobs']);
    expect(jobs.file).toBe(path.join(fx.dir, 'snapshots', jobs.summary.snapshotId, 'evidence', ACCOUNT, 'us-east-1', 'backup.backup-jobs.json'));
  });

  test('bytes altered after the evaluation are never read as evidence: StoreError naming the file', async () => {
    const other = await createReportEstate();
    try {
      const otherView = await loadPeriod(other.store, reportConfig(other.dir));
      const chain = await readBundledChain(other.store, otherView);
      const target = otherView.envelopes.find((e) => e.collector === 's3.buckets')!;
      const file = path.join(other.dir, 'snapshots', target.snapshotId, target.path);
      await writeFile(file, (await readFile(file, 'utf8')).replace('"records"', '"recordz"'));
      await expect(readEvidenceFacts(other.store, otherView, chain)).rejects.toThrow(StoreError);
      await expect(readEvidenceFacts(other.store, otherView, chain)).rejects.toThrow(`${target.path} changed while the report was being built`);
    } finally {
      await other.cleanup();
    }
  });

  test('a manifest altered after it was chained is left out of the bundled chain (and named)', async () => {
    const other = await createReportEstate();
    try {
      const ids = await other.store.listSnapshotIds();
      const victim = ids[3];
      const file = path.join(other.dir, 'snapshots', victim, 'manifest.json');
      await writeFile(file, (await readFile(file, 'utf8')).replace('"toolVersion": "test"', '"toolVersion": "tést"'));
      const otherView = await loadPeriod(other.store, reportConfig(other.dir));
      const chain = await readBundledChain(other.store, otherView);
      expect(chain.altered).toEqual([victim]);
      expect(chain.manifests.map((m) => m.manifest.snapshotId)).not.toContain(victim);
      expect(chain.manifests).toHaveLength(ids.length - 1);
      expect(otherView.problems.map((p) => `${p.kind}:${p.snapshotId}`)).toContain(`altered:${victim}`);
      // Its evidence is untrusted, so it is not read (and so never bundled).
      const otherFacts = await readEvidenceFacts(other.store, otherView, chain);
      expect([...otherFacts.values()].some((f) => f.summary.snapshotId === victim)).toBe(false);
    } finally {
      await other.cleanup();
    }
  });
});

describe('evidence placement: each envelope once, under the control that rests on it most', () => {
  test('one row per trusted envelope; paths are evidence/<criterion>/<control>/<evidence-id>.json and unique', () => {
    expect(index).toHaveLength(facts.size);
    expect(new Set(index.map((r) => r.bundlePath)).size).toBe(index.length);
    for (const r of index) expect(r.bundlePath).toMatch(new RegExp(`^evidence/[A-Z0-9.]+/[a-z0-9.-]+/${r.id.replace(/[.]/g, '\\.')}\\.json$`));
    expect([...index].map((r) => r.bundlePath)).toEqual([...index.map((r) => r.bundlePath)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });

  test('a source goes under a control that requires it; the row lists every control that reads it', () => {
    const buckets = index.filter((r) => r.collector === 's3.buckets');
    expect(buckets.every((r) => r.bundlePath.startsWith('evidence/A1.2/replication.s3/'))).toBe(true);
    expect(buckets[0].controls).toEqual(expect.arrayContaining(['replication.s3', 'backup.plan-coverage', 'backup.encrypted', 'inventory.approved-regions']));
    // residency.boundary does not apply to this config (no residency rules): it reads nothing.
    expect(buckets[0].controls).not.toContain('residency.boundary');
    expect(buckets[0].criteria).toEqual(expect.arrayContaining(['A1.2', 'CC6.1', 'CC9.1']));
    expect(buckets[0].operations).toEqual(['s3:GetBucketReplication', 's3:ListBuckets']);
  });

  test('evidence an exception cites goes under that control: the slow restore test under A1.3/dr.rto-rpo, other restores under dr.test-frequency', () => {
    const cited = evaluation.controls.find((c) => c.id === 'dr.rto-rpo')!.exceptions.find((e) => e.resource === SLOW_RESTORE)!.evidence;
    const restores = index.filter((r) => r.collector === 'backup.restore-jobs');
    for (const r of restores) {
      expect(r.bundlePath).toBe(cited.includes(r.id) ? `evidence/A1.3/dr.rto-rpo/${r.id}.json` : `evidence/A1.3/dr.test-frequency/${r.id}.json`);
    }
    expect(restores.some((r) => cited.includes(r.id))).toBe(true);
  });

  test('evidence no control reads goes under IPE/evidence.period-coverage; SHA-256 and collectedAt come from the store', () => {
    const sample = [...facts.values()].find((f) => f.summary.collector === 'backup.vaults')!;
    const unread: EvidenceFacts = { ...sample, summary: { ...sample.summary, id: `${sample.summary.snapshotId}_${ACCOUNT}_us-east-1_backup.report-plans`, collector: 'backup.report-plans' } };
    const rows = buildEvidenceIndex(new Map([[unread.summary.id, unread]]), evaluation, CONTROLS, config);
    expect(rows[0]).toMatchObject({ controls: [COVERAGE_CONTROL], criteria: ['IPE'], bundlePath: `evidence/IPE/${COVERAGE_CONTROL}/${unread.summary.id}.json`, sha256: sample.sha256, collectedAt: sample.provenance.endedAt });
  });
});

describe('populations: complete for the period, deduplicated, sorted, with how they were produced', () => {
  test('every population of the bundle, in order', () => {
    expect([...populations.keys()]).toEqual(POPULATION_NAMES);
    expect(POPULATION_NAMES).toEqual(['backup-jobs', 'copy-jobs', 'restore-jobs', 'dr-tests', 'config-changes', 'recovery-points', 'failover-events', 'recovery-events', 'protection-changes']);
  });

  test('backup-jobs: every job created in the period once (lookback overlaps deduplicated), sorted by creation', () => {
    const rows = rowsOf('backup-jobs');
    // Two resources, one job each a day, 90 days; the captures' windows overlap by two days.
    expect(rows).toHaveLength(180);
    expect(new Set(rows.map((r) => r.job_id)).size).toBe(180);
    expect(rows.some((r) => Number(r.observations) === 2)).toBe(true);
    expect(rows.map((r) => r.created_at)).toEqual([...rows.map((r) => r.created_at)].sort());
    expect(rows[0].created_at >= '2026-01-01' && rows.at(-1)!.created_at < '2026-04-01').toBe(true);
    const failed = rows.filter((r) => r.state === 'FAILED');
    expect(failed.map((r) => r.job_id)).toEqual(['2026-02-10', '2026-02-11', '2026-02-12', '2026-02-13', '2026-02-14', '2026-02-15', '2026-02-16'].map((d) => `job-claims-${d}`));
    expect(failed[0]).toMatchObject({ resource_arn: CLAIMS_DB, status_message: 'Access denied to the KMS key', account: ACCOUNT, region: 'us-east-1' });
  });

  test('backup-jobs: the header names the period rule and the sidecar the operations, parameters, caller, windows and snapshots', () => {
    const csv = populations.get('backup-jobs')!.csv.toString('utf8');
    expect(csv).toContain('Period rule: a job is in the period when its CreationDate falls in it (UTC).');
    expect(csv).toContain('# rows: 180\r\n');
    const header = parseCsvHeaderBlock(parseCsv(csv).comments);
    // Every record the calls returned, before the period filter and deduplication.
    const returned = index.filter((r) => r.collector === 'backup.backup-jobs').reduce((n, r) => n + r.recordCount, 0);
    expect(returned).toBeGreaterThan(180);
    expect(header.get('operations')).toBe(`backup:ListBackupJobs (13 calls, 13 pages, ${returned} records)`);
    expect(header.get('snapshot ids')!.split(' ')).toEqual([...view.snapshots.filter((s) => s.sources.includes('backup.backup-jobs')).map((s) => s.id)].sort());
    expect(header.get('accounts')).toBe(ACCOUNT);
    expect(header.get('regions')).toBe('us-east-1 us-west-2');
    expect(header.get('caller identities')).toBe(`arn:aws:iam::${ACCOUNT}:role/proofpack`);
    const sidecar = sidecarOf('backup-jobs');
    expect(sidecar.recordsBySource.reduce((n, s) => n + s.rows, 0)).toBe(180);
    // Every envelope of the source is listed, also the one that gave no rows (us-west-2 had no jobs).
    expect(sidecar.sources).toHaveLength(index.filter((r) => r.collector === 'backup.backup-jobs').length);
    const east = sidecar.sources.find((s) => s.region === 'us-east-1' && (s.rows as number) > 0)!;
    expect(east).toMatchObject({
      collector: 'backup.backup-jobs',
      account: ACCOUNT,
      callerIdentity: { account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:role/proofpack` },
      toolVersion: 'test',
      complete: true,
      evidencePath: expect.stringMatching(/^evidence\/A1\.2\/backup\.job-success\//),
    });
    expect(east.operations[0]).toMatchObject({ operation: 'backup:ListBackupJobs', parameters: { MaxResults: 1000 }, pages: 1, outcome: 'ok' });
    expect(sidecar.snapshotIds).toEqual([...new Set(sidecar.sources.map((s) => s.snapshotId as string))].sort());
    expect(sidecar.snapshotIds).toHaveLength(JOB_CAPTURES.length);
    expect(sidecar.csv.sha256).toBe(populations.get('backup-jobs')!.csvSha256);
  });

  test('restore-jobs: measured time to restore and recovery point age against the targets', () => {
    const slow = rowsOf('restore-jobs').find((r) => r.restore_job_id === SLOW_RESTORE)!;
    expect(slow).toMatchObject({ time_to_restore_minutes: '300', rto_target_minutes: '240', rto_met: 'false', recovery_point_age_minutes: '30', rpo_met: 'true' });
    expect(rowsOf('restore-jobs')).toHaveLength(3);
  });

  test('dr-tests: game day, restore tests and the failover, each with RTO/RPO vs targets', () => {
    const rows = rowsOf('dr-tests');
    expect(rows.map((r) => r.test_id)).toEqual([
      'restore-test:restore-2026-01-20',
      'game-day:DR-2026-Q1',
      `restore-test:${SLOW_RESTORE}`,
      expect.stringMatching(/^failover:ev-FailoverGlobalCluster-/),
      'restore-test:restore-2026-03-20',
    ]);
    expect(rows[1]).toMatchObject({ kind: 'game-day', rto_minutes: '38', rto_met: 'true', rpo_minutes: '1', outcome: 'pass' });
    expect(rows[3]).toMatchObject({ kind: 'failover', outcome: 'unmeasured', rto_met: '' });
    // Only the LookupEvents calls for failover events are this population's provenance.
    const trailSource = sidecarOf('dr-tests').sources.find((s) => s.collector === 'cloudtrail.events' && s.operations.length > 0)!;
    expect(trailSource.operations.map((o) => (o.parameters.LookupAttributes as Array<{ AttributeValue: string }>)[0].AttributeValue)).toEqual(['FailoverGlobalCluster']);
  });

  test('config-changes: items captured in the period, with what changed since the item before', () => {
    const rows = rowsOf('config-changes');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ resource_type: 'AWS::S3::Bucket', resource_id: 'records', change: 'changed', changed_fields: 'supplementaryConfiguration.BucketLoggingConfiguration', capture_time: '2026-02-10T08:00:00.000Z' });
    expect(populations.get('config-changes')!.csv.toString('utf8')).toContain('when its configurationItemCaptureTime falls in it');
  });

  test('recovery-points, and the three CloudTrail populations by category (a failed call listed with its error)', () => {
    expect(rowsOf('recovery-points').map((r) => r.created_at)).toEqual(['2026-01-29T02:00:00.000Z', '2026-02-26T02:00:00.000Z', '2026-03-29T02:00:00.000Z']);
    expect(rowsOf('failover-events').map((r) => r.event_name)).toEqual(['FailoverGlobalCluster']);
    expect(rowsOf('recovery-events').map((r) => r.event_name)).toEqual(['StartRestoreJob']);
    const changes = rowsOf('protection-changes');
    expect(changes.map((r) => `${r.event_name}:${r.error_code}:${r.target}`)).toEqual(['PutBucketReplication::records', 'DeleteBucketReplication:AccessDenied:records']);
  });

  test('the same inputs give the same bytes', () => {
    const again = buildReportPopulations({ view, config, facts, bundlePaths: new Map(index.map((r) => [r.id, r.bundlePath])), generatedAt: GENERATED_AT });
    expect(again.map((p) => p.csvSha256)).toEqual([...populations.values()].map((p) => p.csvSha256));
  });
});

describe('tables and README', () => {
  test('05_Exceptions.csv: every exception with its evidence paths and waiver', () => {
    const { comments, records } = parseCsv(formatExceptionsCsv(evaluation, index, meta));
    const total = evaluation.controls.reduce((n, c) => n + c.exceptions.length, 0);
    expect(records).toHaveLength(total + 1);
    expect(comments).toContain(`# rows: ${total}`);
    const [columns, ...rows] = records;
    const waived = rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]]))).find((r) => r.resource === SLOW_RESTORE)!;
    expect(waived).toMatchObject({ control_id: 'dr.rto-rpo', control_status: 'waived', waived: 'true', waiver_approver: 'Priya Raman (CTO)', waiver_expires: '2026-12-31' });
    expect(waived.evidence_paths).toMatch(/^evidence\/A1\.3\/dr\.rto-rpo\/.+\.json$/);
    expect(rows.filter((r) => r[1] === 'backup.job-success' && r[4] === 'failure').length).toBeGreaterThan(0);
  });

  test('06_Coverage.csv: covered ranges, the backup-jobs gap in us-west-2 with its reason', () => {
    const { records } = parseCsv(formatCoverageCsv(evaluation, meta));
    const gap = records.find((r) => r[0] === 'backup.backup-jobs' && r[3] === 'us-west-2' && r[4] === 'gap')!;
    expect(gap.slice(5, 9)).toEqual(['2026-01-31', '2026-02-13', '14', 'no-snapshot']);
    expect(records.filter((r) => r[0] === 'backup.backup-jobs' && r[3] === 'us-west-2' && r[4] === 'covered')).toHaveLength(2);
  });

  test('03_Control_Results.json: the evaluation plus where every evidence file is', () => {
    const json = JSON.parse(formatControlResultsJson(evaluation, index, meta)) as Evaluation & { evidencePaths: Record<string, string>; report: { bundleId: string } };
    expect(json.controls.map((c) => c.id)).toEqual(CONTROLS.map((c) => c.id));
    expect(json.report.bundleId).toBe('b-1');
    for (const c of json.controls) for (const e of c.exceptions) for (const id of e.evidence) expect(json.evidencePaths[id]).toBeDefined();
  });

  test('README: signer fingerprint, one-time key warning, the populations with their period rule', () => {
    const key = generateSigningKeyPair();
    const facts2 = { evaluation, populations: [{ name: 'backup-jobs', rows: 180, periodRule: 'a job is in the period when its CreationDate falls in it (UTC)' }], evidenceFiles: index.length, snapshots: { count: 11, first: 'a', last: 'b' }, problems: [], alteredSnapshots: [] };
    const input = {
      bundleId: 'b-1',
      organization: meta.organization,
      system: meta.system,
      period: config.period,
      generatedAt: GENERATED_AT,
      toolVersion: '0.1.0',
      signing: { algorithm: 'Ed25519' as const, key: 'one-time' as const, publicKeyFile: 'signing-key.pub' as const, publicKeySha256: publicKeyFingerprint(key.publicKey), signatureFile: 'SHA256SUMS.sig' as const, signedFile: 'SHA256SUMS' as const },
      entries: [],
    };
    const readme = renderReportReadme(input, facts2);
    expect(readme).toContain('ONE-TIME key');
    expect(readme).toContain(publicKeyFingerprint(key.publicKey));
    expect(readme).toContain('populations/backup-jobs.csv  (180 rows)');
    expect(readme).toContain('A job is in the period when its CreationDate falls in it (UTC).');
    expect(readme).toContain('sha256sum -c SHA256SUMS');
    expect(readme).not.toContain('Evidence store problems');
    const withProblems = renderReportReadme(input, { ...facts2, problems: [{ kind: 'altered', snapshotId: 's1', path: 'evidence/x.json', message: 'does not match' }], alteredSnapshots: ['s2'] });
    expect(withProblems).toContain('Evidence store problems');
    expect(withProblems).toContain('- altered: snapshot s1 evidence/x.json: does not match');
    expect(withProblems).toContain('The manifests of s2 were altered');
  });
});

/**
 * `proofpack report` end to end with real Chromium, on a small real evidence store
 * (test/support/report-estate.ts: failing backup jobs, a waived slow restore test, a coverage
 * gap). The report is built twice (once through the CLI with --json --strict, once with the
 * library into another folder, same key): both runs are shared by every assertion below.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCsv, parseCsvHeaderBlock } from '../../src/bundle/csv.js';
import { validateAssessmentResults } from '../../src/bundle/oscal-schema.js';
import type { PopulationProvenance } from '../../src/bundle/population.js';
import { loadPrivateKeyFile, writeSigningKeyPair, type WrittenKeyPair } from '../../src/bundle/signing.js';
import type { BundleManifest } from '../../src/bundle/types.js';
import { loadConfig } from '../../src/config/load-config.js';
import { formatReport } from '../../src/cli/commands/report.js';
import { buildReport, type BuiltReport } from '../../src/report/build-report.js';
import { POPULATION_NAMES } from '../../src/report/populations.js';
import { sha256Hex } from '../../src/util/hash.js';
import { verifyBundle, type BundleVerification } from '../../src/verify/verify-bundle.js';
import { readRawZip, type RawZipEntry } from '../support/bundle-fixtures.js';
import { runProofpack, type CliRun } from '../support/cli.js';
import type { FixtureStore } from '../support/evidence-fixtures.js';
import { CLAIMS_DB, createReportEstate, JOB_CAPTURES, MONTHLY, PERIOD, SLOW_RESTORE } from '../support/report-estate.js';

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect x="10" y="10" width="100" height="40" fill="#cde"/><text x="20" y="35">us-east-1</text></svg>\n';

let fx: FixtureStore;
let work: string;
let configFile: string;
let key: WrittenKeyPair;
let cli: CliRun;
let printed: { bundle: string; sha256: string; size: number; bundleId: string; generatedAt: string; signing: { key: string; publicKeySha256: string }; populations: Array<{ name: string; rows: number }> };
let second: BuiltReport;
let zip: RawZipEntry[];
let verification: BundleVerification;

const entry = (name: string) => zip.find((e) => e.name === name)!;
const text = (name: string) => entry(name).data.toString('utf8');

beforeAll(async () => {
  fx = await createReportEstate();
  work = await mkdtemp(path.join(os.tmpdir(), 'proofpack-report-'));
  await mkdir(path.join(work, 'diagrams'));
  await writeFile(path.join(work, 'diagrams', 'network.svg'), SVG);
  await writeFile(path.join(work, 'diagrams', 'network.yaml'), 'title: Network overview\nlastChanged: 2026-03-01\n');
  configFile = path.join(work, 'proofpack.yaml');
  await writeFile(
    configFile,
    JSON.stringify({
      organization: 'Larkspur Health, Inc.',
      system: 'Larkspur Care Platform',
      period: PERIOD,
      accounts: [{ id: '111111111111', name: 'prod' }],
      regions: ['us-east-1', 'us-west-2'],
      regionPairs: [{ primary: 'us-east-1', secondary: 'us-west-2' }],
      scope: { tags: { soc2: 'in-scope' } },
      targets: { rtoMinutes: 240, rpoMinutes: 60, drTestFrequency: 'quarterly' },
      store: fx.dir,
      diagrams: './diagrams',
      waivers: [{ control: 'dr.rto-rpo', resource: SLOW_RESTORE, reason: 'Restore test ran against a cold-storage recovery point', approver: 'Priya Raman (CTO)', expires: '2026-12-31' }],
    }),
  );
  key = await writeSigningKeyPair(path.join(work, 'keys'));

  // 1. The command line: --json prints { bundle, sha256, … }; --strict exits 3 (a control fails, the evidence has gaps).
  cli = await runProofpack(['report', '-c', configFile, '--out', 'out', '--signing-key', key.privateKeyFile, '--json', '--strict'], { cwd: work });
  printed = JSON.parse(cli.stdout) as typeof printed;
  zip = await readRawZip(printed.bundle);
  verification = await verifyBundle(printed.bundle, { publicKey: await readFile(key.publicKeyFile, 'utf8') });

  // 2. The library, same store, config and key, another folder.
  const { config } = await loadConfig(configFile);
  second = await buildReport(config, { store: fx.store, outDir: path.join(work, 'again'), signingKey: (await loadPrivateKeyFile(key.privateKeyFile)).privateKey });
}, 600_000);

afterAll(async () => {
  await fx?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

test('report --json --strict: the bundle, its SHA-256 and what is in it; exit 3 because a control failed and the evidence has gaps', async () => {
  expect(cli.stderr).toBe('');
  expect(cli.code).toBe(3);
  expect(printed.bundle).toBe(path.join(work, 'out', 'larkspur-health-inc_SOC2-T2_2026-01-01_2026-03-31.zip'));
  expect(printed.sha256).toBe(sha256Hex(await readFile(printed.bundle)));
  expect(printed.generatedAt).toBe('2026-04-01T03:01:00.000Z');
  expect(printed.signing).toEqual({ key: 'provided', publicKeySha256: key.fingerprint });
  expect(printed.populations.map((p) => p.name)).toEqual(POPULATION_NAMES);
});

test('the bundle verifies: every check passes, signed by the given key', () => {
  const failed = verification.checks.filter((c) => c.status === 'fail');
  expect(failed).toEqual([]);
  expect(verification.valid).toBe(true);
  expect(Object.fromEntries(verification.checks.map((c) => [c.name, c.status]))).toEqual({
    'zip.safety': 'pass',
    'entries.readable': 'pass',
    'sha256sums.hashes': 'pass',
    'sha256sums.complete': 'pass',
    'manifest.format': 'pass',
    'manifest.entries': 'pass',
    signature: 'pass',
    signer: 'pass',
    'snapshots.manifests': 'pass',
    'snapshots.chain': 'pass',
    'evidence.snapshot-match': 'pass',
    'evidence.schemas': 'pass',
    'oscal.schema': 'pass',
  });
});

test('the bundle holds exactly the layout of issue 6', () => {
  const names = zip.map((e) => e.name);
  const fixed = [
    '00_README.txt',
    '01_System_Description.pdf',
    '02_Diagrams_Index.pdf',
    '02_Diagrams/network.svg',
    '03_Control_Results.pdf',
    '03_Control_Results.json',
    '04_Evidence_Index.pdf',
    '04_Evidence_Index.csv',
    '05_Exceptions.csv',
    '06_Coverage.csv',
    'oscal/assessment-results.json',
    'manifest.json',
    'SHA256SUMS',
    'SHA256SUMS.sig',
    'signing-key.pub',
  ];
  const populations = POPULATION_NAMES.flatMap((n) => [`populations/${n}.csv`, `populations/${n}.provenance.json`]);
  const evidence = names.filter((n) => /^evidence\/[A-Z][A-Z0-9.]*\/[a-z]+\.[a-z0-9-]+\/\d{8}T\d{6}Z-[0-9a-f]+_(\d{12}|local)_[a-z0-9-]+_[a-z0-9.-]+\.json$/.test(n));
  const snapshots = names.filter((n) => /^snapshots\/\d{8}T\d{6}Z-[0-9a-f]+\/manifest\.json$/.test(n));
  expect([...names].sort()).toEqual([...fixed, ...populations, ...evidence, ...snapshots].sort());
  expect(names[0]).toBe('00_README.txt');
  expect(names.slice(-4)).toEqual(['manifest.json', 'SHA256SUMS', 'SHA256SUMS.sig', 'signing-key.pub']);
  expect(snapshots).toHaveLength(MONTHLY.length + JOB_CAPTURES.length);
  // Every evidence file is an envelope of its snapshot, once.
  const manifest = JSON.parse(text('manifest.json')) as BundleManifest;
  const copied = manifest.entries.filter((e) => e.role === 'evidence');
  expect(copied).toHaveLength(evidence.length);
  expect(new Set(copied.map((e) => `${e.snapshot!.id}/${e.snapshot!.path}`)).size).toBe(copied.length);
  expect(evidence.length).toBe(second.evidenceFiles);
  // The Evidence Index lists each with its path in the bundle.
  const { records } = parseCsv(text('04_Evidence_Index.csv'));
  const pathColumn = records[0].indexOf(records[0].find((c) => /path/i.test(c))!);
  expect(records.slice(1).map((r) => r[pathColumn]).sort()).toEqual([...evidence].sort());
});

test('populations are complete for the period, and their headers name the operations and snapshot ids they came from', () => {
  const jobs = text('populations/backup-jobs.csv');
  const parsed = parseCsv(jobs);
  const header = parseCsvHeaderBlock(parsed.comments);
  const [columns, ...rows] = parsed.records;
  expect(rows).toHaveLength(180);
  expect(header.get('rows')).toBe('180');
  expect(header.get('operations')).toMatch(/^backup:ListBackupJobs \(13 calls, 13 pages, \d+ records\)$/);
  const sidecar = JSON.parse(text('populations/backup-jobs.provenance.json')) as PopulationProvenance;
  expect(header.get('snapshot ids')!.split(' ')).toEqual(sidecar.snapshotIds);
  expect(sidecar.snapshotIds).toHaveLength(JOB_CAPTURES.length);
  for (const id of sidecar.snapshotIds) expect(zip.some((e) => e.name === `snapshots/${id}/manifest.json`)).toBe(true);
  expect(sidecar.csv.sha256).toBe(sha256Hex(entry('populations/backup-jobs.csv').data));
  // Every source names the bundled envelope it came from.
  for (const s of sidecar.sources) expect(zip.some((e) => e.name === s.evidencePath)).toBe(true);
  const state = columns.indexOf('state');
  expect(rows.filter((r) => r[state] === 'FAILED')).toHaveLength(7);
  expect(rows.filter((r) => r[columns.indexOf('resource_arn')] === CLAIMS_DB)).toHaveLength(90);
  // Every population: a header block naming its period rule, unique keys in the first column.
  for (const name of POPULATION_NAMES) {
    const p = parseCsv(text(`populations/${name}.csv`));
    expect(parseCsvHeaderBlock(p.comments).get('description')).toMatch(/Period rule: .+ falls in it \(UTC\)\./);
    const keys = p.records.slice(1).map((r) => r[0]);
    expect(new Set(keys).size).toBe(keys.length);
  }
  expect(parseCsv(text('populations/restore-jobs.csv')).records.slice(1).map((r) => r[0])).toContain(SLOW_RESTORE);
});

test('documents: the four PDFs render the period; the control results show the failure, the waiver and the gap', () => {
  for (const pdf of ['01_System_Description.pdf', '02_Diagrams_Index.pdf', '03_Control_Results.pdf', '04_Evidence_Index.pdf']) {
    expect(entry(pdf).data.subarray(0, 5).toString()).toBe('%PDF-');
  }
  const results = JSON.parse(text('03_Control_Results.json')) as { controls: Array<{ id: string; status: string }>; report: { bundleId: string }; evidencePaths: Record<string, string> };
  const status = Object.fromEntries(results.controls.map((c) => [c.id, c.status]));
  expect(status).toMatchObject({ 'backup.job-success': 'fail', 'dr.rto-rpo': 'waived', 'evidence.period-coverage': 'fail' });
  expect(results.report.bundleId).toBe(printed.bundleId);
  for (const p of Object.values(results.evidencePaths)) expect(zip.some((e) => e.name === p)).toBe(true);
  const exceptions = parseCsv(text('05_Exceptions.csv')).records;
  expect(exceptions.some((r) => r[1] === 'dr.rto-rpo' && r[5] === SLOW_RESTORE && r[13] === 'true')).toBe(true);
  const coverage = parseCsv(text('06_Coverage.csv')).records;
  expect(coverage.some((r) => r[0] === 'backup.backup-jobs' && r[3] === 'us-west-2' && r[4] === 'gap' && r[8] === 'no-snapshot')).toBe(true);
  const pdftotext = execFileSync('pdftotext', ['-layout', '-', '-'], { input: entry('03_Control_Results.pdf').data, maxBuffer: 64 * 2 ** 20 }).toString('utf8');
  expect(pdftotext).toContain('backup.job-success');
  expect(pdftotext).toContain(SLOW_RESTORE);
  expect(pdftotext).toContain(printed.bundleId);
});

test('OSCAL validates against NIST\'s schema and points at the bundled evidence', () => {
  const oscal = JSON.parse(text('oscal/assessment-results.json')) as { 'assessment-results': { 'back-matter': { resources: Array<{ rlinks?: Array<{ href: string; hashes: Array<{ value: string }> }> }> } } };
  expect(validateAssessmentResults(oscal)).toEqual([]);
  const links = oscal['assessment-results']['back-matter'].resources.flatMap((r) => r.rlinks ?? []);
  expect(links.length).toBe(second.evidenceFiles);
  for (const l of links.slice(0, 20)) {
    const target = path.posix.join('oscal', l.href);
    expect(sha256Hex(entry(target).data)).toBe(l.hashes[0].value);
  }
});

test('the same store, config and key give a byte-identical zip', async () => {
  expect(second.sha256).toBe(printed.sha256);
  expect(Buffer.compare(await readFile(second.bundle), await readFile(printed.bundle))).toBe(0);
  expect(second.bundleId).toBe(printed.bundleId);
  // The documents folder beside the zip is the bundle without the raw evidence.
  expect(await readFile(path.join(second.documentsDir, 'populations', 'backup-jobs.csv'))).toEqual(entry('populations/backup-jobs.csv').data);
  expect(await readFile(path.join(second.documentsDir, '00_README.txt'), 'utf8')).toBe(text('00_README.txt'));
  expect(formatReport(second)).toContain(`sha256   ${printed.sha256}`);
  expect(formatReport(second)).toContain('controls: 13 pass, 2 fail, 0 error, 1 waived, 1 not applicable');
});

test('the README says what is inside, who produced it, when, the signer fingerprint and how to verify', () => {
  const readme = text('00_README.txt');
  expect(readme).toContain('Organization:  Larkspur Health, Inc.');
  expect(readme).toContain('Generated at:  2026-04-01T03:01:00.000Z');
  expect(readme).toContain(key.fingerprint);
  expect(readme).not.toContain('ONE-TIME');
  expect(readme).toContain('proofpack verify THIS_BUNDLE.zip');
  expect(readme).toContain('openssl pkeyutl -verify -pubin -inkey signing-key.pub -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig');
  expect(readme).toContain('populations/backup-jobs.csv  (180 rows)');
  expect(readme).toContain(`${second.evidenceFiles} raw evidence envelopes`);
});

test('an auditor without proofpack: unzip, sha256sum -c SHA256SUMS, openssl pkeyutl -verify', async () => {
  const dir = path.join(work, 'auditor');
  await mkdir(dir);
  execFileSync('unzip', ['-q', printed.bundle, '-d', dir]);
  const sums = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
  expect(sums).toHaveLength(zip.length - 3);
  expect(sums.every((line) => line.endsWith(': OK'))).toBe(true);
  const verified = execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'signing-key.pub', '-rawin', '-in', 'SHA256SUMS', '-sigfile', 'SHA256SUMS.sig'], { cwd: dir, encoding: 'utf8' });
  expect(verified.trim()).toBe('Signature Verified Successfully');
  expect(await readFile(path.join(dir, 'signing-key.pub'), 'utf8')).toBe(await readFile(key.publicKeyFile, 'utf8'));
});

test('sample -c (from the store) draws the same rows, from the same population bytes, as sample --bundle', async () => {
  const args = ['sample', '--population', 'backup-jobs', '--size', '12', '--seed', 'FY2026-Q1 A1.2'];
  const fromStore = await runProofpack([...args, '-c', configFile], { cwd: work });
  const fromBundle = await runProofpack([...args, '--bundle', printed.bundle], { cwd: work });
  expect(fromStore.code).toBe(0);
  expect(fromBundle.code).toBe(0);
  const body = (csv: string) => csv.split('\r\n').filter((l) => !l.startsWith('#'));
  expect(body(fromStore.stdout)).toEqual(body(fromBundle.stdout));
  expect(body(fromStore.stdout)).toHaveLength(12 + 2);
  const sha = (csv: string) => parseCsvHeaderBlock(parseCsv(csv).comments).get('population sha256')!.split(' ')[0];
  expect(sha(fromStore.stdout)).toBe(sha256Hex(entry('populations/backup-jobs.csv').data));
  expect(sha(fromBundle.stdout)).toBe(sha(fromStore.stdout));
});

/**
 * `proofpack demo` end to end, as a newcomer runs it: the whole pipeline on the checked-in sample
 * estate with real Chromium (evaluate, render, bundle, sign with a demo key, verify), then the
 * bundle checked again with `proofpack verify`, and every deliberate finding looked up in the
 * Control Results PDF. Slow (four real PDFs of about 150 pages): the only test of its kind.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { runProofpack, type CliRun } from '../support/cli.js';
import { readPdfInfo, readPdfPages } from '../support/pdf-tools.js';

let out: string;
let demo: CliRun;
let bundle: string;
let documentsDir: string;

beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'proofpack-demo-test-'));
  demo = await runProofpack(['demo', '--out', out]);
  bundle = path.join(out, 'larkspur-health-inc_SOC2-T2_2026-01-01_2026-06-30.zip');
  documentsDir = bundle.replace(/\.zip$/, '');
}, 600_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('proofpack demo', () => {
  it('exits 0 and prints the summary: controls, exceptions, gaps, the bundle with its SHA-256, where the PDFs are', () => {
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('controls    11 passed, 5 failed, 1 waived, 0 could not be evaluated, 0 not applicable');
    expect(demo.stdout).toMatch(/exceptions {2}22 failures, 1 waived exception, 8 deviations, 6 could not be evaluated/);
    expect(demo.stdout).toMatch(/gaps {8}18 gap ranges \(198 source × account × region days\) in 18 cells of 123; 0 verification problems/);
    expect(demo.stdout).toContain(`bundle      ${bundle}`);
    const sha = /sha256 {6}([0-9a-f]{64})/.exec(demo.stdout)?.[1];
    expect(sha).toBeDefined();
    expect(demo.stdout).toMatch(/verified {4}yes: 13 checks passed/);
    expect(demo.stdout).toContain(`PDFs        ${documentsDir}/`);
    for (const pdf of ['01_System_Description.pdf', '02_Diagrams_Index.pdf', '03_Control_Results.pdf', '04_Evidence_Index.pdf']) {
      expect(demo.stdout).toContain(pdf);
      expect(readPdfInfo(path.join(documentsDir, pdf)).Pages).toMatch(/^\d+$/);
    }
  });

  it('leaves a demo key that says it is one, and a bundle that `proofpack verify` accepts with it', async () => {
    expect(statSync(path.join(out, 'demo-signing-key.pem')).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(out, 'demo-signing-key.README.txt'), 'utf8')).toContain('DEMO KEY — NOT FOR REAL EVIDENCE');
    const verify = await runProofpack(['verify', bundle, '--public-key', path.join(out, 'demo-signing-key.pub')]);
    expect(verify.code).toBe(0);
  }, 300_000);

  it('shows every deliberate finding in the Control Results, and only those fail', () => {
    const file = path.join(documentsDir, '03_Control_Results.pdf');
    const text = readPdfPages(file).join('\n').replace(/\s+/g, ' ');
    // Table cells wrap long names (at hyphens): read the text in cell order and compare without whitespace and hyphens.
    const compact = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).replace(/[\s-]+/g, '');
    for (const finding of [
      'larkspur-claims-db', // a week of failed backup jobs in March
      'larkspur-clinical-documents', // replication off for nine days
      'DR-2026-05-REGION', // RTO above the target
      'larkspur-eu-patient-exports', // EU data replicated to us-east-1
      'Priya Raman (CTO)', // the waived copy job and its approver
      '2026-04-22', // the hole in the job captures
    ]) {
      expect(compact).toContain(finding.replace(/[\s-]+/g, ''));
    }
    expect(text).toMatch(/Fail 5 Could not be evaluated 0 Waived 1 Pass 11 Not applicable 0/);
  });

  it('never touches the checked-in sample estate', () => {
    const sample = path.join(packageRoot, 'samples', 'larkspur');
    expect(existsSync(path.join(sample, 'evidence', 'runs.jsonl'))).toBe(true);
    expect(existsSync(path.join(sample, 'evidence', '.lock'))).toBe(false);
    expect(existsSync(path.join(out, 'larkspur'))).toBe(false);
  });
});

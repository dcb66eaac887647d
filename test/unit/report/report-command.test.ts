/**
 * What `proofpack report` does with a store that does not fully verify, and with bad input — none
 * of it needs a browser: the bundle stage (packReport) is exercised without documents, and bad
 * input is refused before anything is rendered.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCsv } from '../../../src/bundle/csv.js';
import type { EvidenceStore } from '../../../src/evidence/store.js';
import { prepareReport, packReport } from '../../../src/report/build-report.js';
import { verifyBundle } from '../../../src/verify/verify-bundle.js';
import { readRawZip } from '../../support/bundle-fixtures.js';
import { runProofpack } from '../../support/cli.js';
import { createFixtureStore, type FixtureStore } from '../../support/evidence-fixtures.js';
import { createReportEstate, PERIOD, reportConfig } from '../../support/report-estate.js';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'proofpack-report-cmd-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function writeConfig(storeDir: string, extra: Record<string, unknown> = {}): Promise<string> {
  const file = path.join(work, 'proofpack.yaml');
  await writeFile(
    file,
    JSON.stringify({ organization: 'Larkspur Health, Inc.', system: 'Care', period: PERIOD, accounts: [{ id: '111111111111', name: 'prod' }], regions: ['us-east-1', 'us-west-2'], store: storeDir, ...extra }),
  );
  return file;
}

describe('a store with verification problems still gets a report that shows them; altered bytes are never bundled', () => {
  let fx: FixtureStore;
  beforeEach(async () => {
    fx = await createReportEstate();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  test('an altered evidence file: left out, named in the README and 06_Coverage.csv; the bundle verifies', async () => {
    const config = reportConfig(fx.dir);
    const ids = await fx.store.listSnapshotIds();
    const altered = `evidence/111111111111/global/s3.buckets.json`;
    const file = path.join(fx.dir, 'snapshots', ids[0], altered);
    await writeFile(file, (await readFile(file, 'utf8')).replace('"records"', '"recordz"'));

    const prepared = await prepareReport(config, { store: fx.store, now: new Date('2026-07-01T00:00:00Z') });
    expect(prepared.view.problems).toEqual([expect.objectContaining({ kind: 'altered', snapshotId: ids[0], path: altered })]);
    const packed = await packReport(prepared, { outFile: path.join(work, 'out.zip'), workDir: path.join(work, 'docs'), documents: [] });

    const names = (await readRawZip(packed.file)).map((e) => e.name);
    expect(names.some((n) => n.includes(`${ids[0]}_111111111111_global_s3.buckets`))).toBe(false);
    expect(names.filter((n) => n.endsWith('_s3.buckets.json'))).toHaveLength(3);
    // The snapshot's manifest is intact, so the chain in the bundle is whole.
    expect(names).toContain(`snapshots/${ids[0]}/manifest.json`);
    const verification = await verifyBundle(packed.file);
    expect(verification.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(packed.readme).toContain('Evidence store problems');
    expect(packed.readme).toContain(`- altered: snapshot ${ids[0]} ${altered}`);
    const coverage = parseCsv(await readFile(path.join(work, 'docs', '06_Coverage.csv'), 'utf8')).records;
    expect(coverage.find((r) => r[4] === 'problem')).toEqual([altered, '', '', '', 'problem', '', '', '', 'altered', expect.stringContaining('does not match the manifest'), ids[0]]);
    const results = JSON.parse(await readFile(path.join(work, 'docs', '03_Control_Results.json'), 'utf8')) as { controls: Array<{ id: string; status: string }> };
    expect(results.controls.find((c) => c.id === 'evidence.period-coverage')!.status).toBe('fail');
  });

  test('a manifest altered after it was chained: its snapshot is left out, and verify names the hole in the chain', async () => {
    const config = reportConfig(fx.dir);
    const ids = await fx.store.listSnapshotIds();
    const manifest = path.join(fx.dir, 'snapshots', ids[2], 'manifest.json');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('"toolVersion": "test"', '"toolVersion": "tést"'));

    const prepared = await prepareReport(config, { store: fx.store, now: new Date('2026-07-01T00:00:00Z') });
    const packed = await packReport(prepared, { outFile: path.join(work, 'out.zip'), workDir: path.join(work, 'docs'), documents: [] });
    const names = (await readRawZip(packed.file)).map((e) => e.name);
    expect(names.some((n) => n.includes(ids[2]))).toBe(false);
    expect(packed.readme).toContain(`The manifests of ${ids[2]} were altered`);
    const verification = await verifyBundle(packed.file);
    expect(verification.valid).toBe(false);
    expect(verification.checks.filter((c) => c.status === 'fail').map((c) => c.name)).toEqual(['snapshots.chain']);
    expect(verification.checks.find((c) => c.name === 'snapshots.chain')!.failures.join('\n')).toContain(`names previous snapshot ${ids[2]}, which is missing`);
  });
});

test('a store that is not a local folder (an S3 store): envelopes are staged once and bundled from the staged copies', async () => {
  const fx = await createReportEstate();
  try {
    const local = fx.store;
    // Everything an EvidenceStore does, through the interface only (as S3EvidenceStore serves it).
    const remote: EvidenceStore = {
      location: 's3://evidence-bucket/larkspur',
      listSnapshotIds: () => local.listSnapshotIds(),
      readManifest: (id) => local.readManifest(id),
      readSnapshotFile: (id, rel) => local.readSnapshotFile(id, rel),
      listSnapshotFiles: (id) => local.listSnapshotFiles(id),
      beginSnapshot: (id, o) => local.beginSnapshot(id, o),
      listPartialSnapshotIds: () => local.listPartialSnapshotIds(),
      appendRunLog: (e) => local.appendRunLog(e),
      readRunLog: () => local.readRunLog(),
      readStoreFile: (rel) => local.readStoreFile(rel),
      writeStoreFile: (rel, data, o) => local.writeStoreFile(rel, data, o),
      listStoreFiles: (prefix) => local.listStoreFiles(prefix),
    };
    const stageDir = path.join(work, 'stage');
    const prepared = await prepareReport(reportConfig(fx.dir), { store: remote, now: new Date('2026-07-01T00:00:00Z'), stageDir });
    const staged = [...prepared.facts.values()].map((f) => f.file!);
    expect(staged.every((f) => f.startsWith(stageDir + path.sep))).toBe(true);
    const packed = await packReport(prepared, { outFile: path.join(work, 'out.zip'), workDir: path.join(work, 'docs'), documents: [] });
    expect((await verifyBundle(packed.file)).valid).toBe(true);
    expect((await readRawZip(packed.file)).filter((e) => e.name.startsWith('evidence/'))).toHaveLength(staged.length);
  } finally {
    await fx.cleanup();
  }
});

describe('bad input exits 2 before anything is rendered; no Chromium exits 1 with a clear message', () => {
  let fx: FixtureStore;
  beforeAll(async () => {
    fx = await createReportEstate();
  });
  afterAll(async () => {
    await fx.cleanup();
  });

  const noOutput = async () => expect(await readdir(path.join(work, 'out')).catch(() => [])).toEqual([]);

  test('a signing key that is not a key, or is missing', async () => {
    const config = await writeConfig(fx.dir);
    await writeFile(path.join(work, 'bad.pem'), 'not a key\n');
    const bad = await runProofpack(['report', '-c', config, '--out', 'out', '--signing-key', 'bad.pem'], { cwd: work });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${path.join(work, 'bad.pem')}: not a PEM private key`);
    const missing = await runProofpack(['report', '-c', config, '--out', 'out', '--signing-key', 'nope.pem'], { cwd: work });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.pem: cannot read (ENOENT)');
    await noOutput();
  });

  test('a config that is not there; a narrative or diagrams folder that is not there', async () => {
    const none = await runProofpack(['report', '-c', 'missing.yaml', '--out', 'out'], { cwd: work });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing.yaml: no such file');
    const narrative = await runProofpack(['report', '-c', await writeConfig(fx.dir, { narrative: 'narrative.yaml' }), '--out', 'out'], { cwd: work });
    expect(narrative.code).toBe(2);
    expect(narrative.stderr).toContain('proofpack.yaml: narrative: file "narrative.yaml" does not exist');
    const diagrams = await runProofpack(['report', '-c', await writeConfig(fx.dir, { diagrams: 'diagrams' }), '--out', 'out'], { cwd: work });
    expect(diagrams.code).toBe(2);
    expect(diagrams.stderr).toContain('proofpack.yaml: diagrams: folder "diagrams" does not exist');
    await noOutput();
  });

  test('a store with no snapshot for the period', async () => {
    const empty = await createFixtureStore();
    try {
      const run = await runProofpack(['report', '-c', await writeConfig(empty.dir), '--out', 'out'], { cwd: work });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('no usable evidence snapshot for the period 2026-01-01 to 2026-03-31');
      await noOutput();
    } finally {
      await empty.cleanup();
    }
  });

  test('no Chromium: exit 1 saying how to get one, not "please report"; nothing is left behind', async () => {
    const before = process.env.PUPPETEER_EXECUTABLE_PATH;
    process.env.PUPPETEER_EXECUTABLE_PATH = path.join(work, 'no-chromium-here');
    try {
      await mkdir(path.join(work, 'out'));
      const run = await runProofpack(['report', '-c', await writeConfig(fx.dir), '--out', 'out'], { cwd: work });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('proofpack: cannot render the report: PUPPETEER_EXECUTABLE_PATH is');
      expect(run.stderr).not.toContain('please report');
      await noOutput();
    } finally {
      if (before === undefined) delete process.env.PUPPETEER_EXECUTABLE_PATH;
      else process.env.PUPPETEER_EXECUTABLE_PATH = before;
    }
  });
});

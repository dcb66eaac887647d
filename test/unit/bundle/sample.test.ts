import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCsv, parseCsvHeaderBlock } from '../../../src/bundle/csv.js';
import { bundlePopulationSource, drawSample, filePopulationSource, formatSampleCsv, sampleRank } from '../../../src/bundle/sample.js';
import { generateSigningKeyPair } from '../../../src/bundle/signing.js';
import { writeBundle } from '../../../src/bundle/write-bundle.js';
import { sha256Hex } from '../../../src/util/hash.js';
import { buildRawZip, buildStore, bundleEntries, makeTempDir, METADATA, readRawZip, runCliCaptured } from '../../support/bundle-fixtures.js';

let tmp: { dir: string; remove: () => Promise<void> };
let bundle: string;
let populationFile: string;
let populationBytes: Buffer;

beforeAll(async () => {
  tmp = await makeTempDir('proofpack-sample-');
  const root = path.join(tmp.dir, 'store');
  const { snapshots } = await buildStore(root, 1);
  bundle = path.join(tmp.dir, 'bundle.zip');
  await writeBundle({ outFile: bundle, entries: bundleEntries(root, snapshots), metadata: METADATA, signingKey: generateSigningKeyPair() });
  populationBytes = (await readRawZip(bundle)).find((e) => e.name === 'populations/backup-jobs.csv')!.data;
  populationFile = path.join(tmp.dir, 'backup-jobs.csv');
  await writeFile(populationFile, populationBytes);
});

afterAll(async () => {
  await tmp.remove();
});

const request = { population: 'backup-jobs', size: 5, seed: 'FY2026-Q2 A1.2' };

test('same seed → same rows, from the bundle and from the unzipped file; the header names seed, algorithm, population hash and rows', async () => {
  const fromBundle = await drawSample(await bundlePopulationSource(bundle, 'backup-jobs'), request);
  const again = await drawSample(await bundlePopulationSource(bundle, 'backup-jobs'), request);
  const fromFile = await drawSample(filePopulationSource(populationFile), request);
  expect(again.rows).toEqual(fromBundle.rows);
  expect(fromFile.rows).toEqual(fromBundle.rows);
  expect(fromBundle.rows).toHaveLength(5);
  expect(fromBundle.populationRows).toBe(40);
  expect(fromBundle.keyColumn).toBe('job_id');
  expect(fromBundle.populationSha256).toBe(sha256Hex(populationBytes));
  expect(fromBundle.matchesSha256Sums).toBe(true);
  expect(fromFile.matchesSha256Sums).toBeNull();

  const csv = formatSampleCsv(fromBundle);
  expect(formatSampleCsv(again)).toBe(csv);
  const { comments, records } = parseCsv(csv);
  const header = parseCsvHeaderBlock(comments);
  expect(header.get('seed')).toBe('FY2026-Q2 A1.2');
  expect(header.get('population sha256')).toBe(`${sha256Hex(populationBytes)} (matches SHA256SUMS)`);
  expect(header.get('population rows')).toBe('40');
  expect(header.get('proofpack sample of population')).toBe('backup-jobs');
  expect(header.get('algorithm')).toMatch(/^sha256-rank-v1: rank = SHA-256 of the UTF-8 text "<seed>:<key>"/);
  expect(records[0]).toEqual(['sample_order', 'sample_rank', 'population_row', 'job_id', 'account', 'region', 'state', 'started']);
  expect(records).toHaveLength(6);
});

test('the sample is the rows with the smallest SHA-256("<seed>:<key>"), computed independently', async () => {
  const result = await drawSample(filePopulationSource(populationFile), request);
  const rows = parseCsv(populationBytes.toString('utf8')).records.slice(1);
  const expected = rows
    .map((row, i) => ({ rank: sha256Hex(`${request.seed}:${row[0]}`), rowNumber: i + 1, key: row[0] }))
    .sort((a, b) => (a.rank < b.rank ? -1 : 1))
    .slice(0, 5);
  expect(result.rows.map((r) => ({ rank: r.rank, rowNumber: r.rowNumber, key: r.key }))).toEqual(expected);
  expect(sampleRank('s', 'k')).toBe(sha256Hex('s:k'));
});

test('a different seed draws different rows', async () => {
  const a = await drawSample(filePopulationSource(populationFile), request);
  const b = await drawSample(filePopulationSource(populationFile), { ...request, seed: 'another seed' });
  expect(b.rows.map((r) => r.key)).not.toEqual(a.rows.map((r) => r.key));
});

test('size larger than the population: every row, in rank order, and the header says so', async () => {
  const { code, stdout, stderr } = await runCliCaptured(['sample', '--population', 'backup-jobs', '--size', '100', '--seed', 'x', '--bundle', bundle]);
  expect(code).toBe(0);
  const { comments, records } = parseCsv(stdout);
  expect(records).toHaveLength(41);
  expect(new Set(records.slice(1).map((r) => r[3])).size).toBe(40);
  const ranks = records.slice(1).map((r) => r[1]);
  expect(ranks).toEqual([...ranks].sort());
  expect(parseCsvHeaderBlock(comments).get('sample size')).toBe('40 (requested 100; the population has only 40 rows, so every row is included)');
  expect(stderr).toContain('warning: --size 100 is more than the population');
});

test('the recipes in docs/SAMPLING.md (coreutils and Python) draw exactly the rows proofpack draws', async () => {
  const doc = await readFile(path.join(process.cwd(), 'docs', 'SAMPLING.md'), 'utf8');
  const shell = /```sh\n([\s\S]*?)```/.exec(doc)![1];
  const python = /```python\n([\s\S]*?)```/.exec(doc)![1];
  const seed = 'FY2026-Q2 A1.2';
  const result = await drawSample(filePopulationSource(populationFile), { population: 'backup-jobs', size: 7, seed });

  const script = shell.replace("SEED='FY2026-Q2 A1.2'; SIZE=25; POPULATION=populations/backup-jobs.csv", `SEED='${seed}'; SIZE=7; POPULATION='${populationFile}'`);
  expect(script).not.toBe(shell);
  const fromShell = execFileSync('bash', ['-c', script], { encoding: 'utf8' }).trim().split('\n');
  expect(fromShell).toEqual(result.rows.map((r) => `${r.rank} ${r.key}`));

  const pyFile = path.join(tmp.dir, 'redo_sample.py');
  await writeFile(pyFile, python);
  const fromPython = execFileSync('python3', [pyFile, populationFile, seed, '7', 'job_id'], { encoding: 'utf8' }).trim().split('\n');
  expect(fromPython).toEqual(result.rows.map((r) => `${r.rank} ${r.rowNumber} ${r.key}`));
});

test('--out writes the CSV atomically and prints what was drawn', async () => {
  const out = path.join(tmp.dir, 'sample.csv');
  const { code, stdout } = await runCliCaptured(['sample', '--population', 'backup-jobs', '--size', '3', '--seed', '42', '--bundle', bundle, '--out', out]);
  expect(code).toBe(0);
  expect(stdout).toContain('sampled 3 of 40 rows of backup-jobs');
  expect(stdout).toContain('(matches SHA256SUMS)');
  expect(parseCsv(await readFile(out, 'utf8')).records).toHaveLength(4);
});

test('--suggest prints sizes by control frequency', async () => {
  const { code, stdout } = await runCliCaptured(['sample', '--suggest']);
  expect(code).toBe(0);
  for (const line of [/annual\s+1\s+1$/m, /quarterly\s+4\s+2$/m, /monthly\s+12\s+2–5$/m, /weekly\s+52\s+5–15$/m, /daily\s+365\s+20–40$/m, /many per day\s+over 365\s+25–60$/m]) {
    expect(stdout).toMatch(line);
  }
});

describe('bad arguments exit 2', () => {
  test.each([
    [['--size', '5', '--seed', 's', '--bundle', 'B'], '--population: expected a population name'],
    [['--population', 'backup-jobs', '--seed', 's', '--bundle', 'B'], '--size: expected a whole number'],
    [['--population', 'backup-jobs', '--size', '0', '--seed', 's', '--bundle', 'B'], '--size: expected a whole number from 1'],
    [['--population', 'backup-jobs', '--size', '2.5', '--seed', 's', '--bundle', 'B'], '--size: expected a whole number'],
    [['--population', 'backup-jobs', '--size', 'ten', '--seed', 's', '--bundle', 'B'], '--size: expected a whole number'],
    [['--population', 'backup-jobs', '--size', '5', '--bundle', 'B'], '--seed: expected a non-empty seed'],
    [['--population', 'backup-jobs', '--size', '5', '--seed', 's'], 'give exactly one of --bundle ZIP, --csv FILE or -c CONFIG'],
    [['--population', 'backup-jobs', '--size', '5', '--seed', 's', '--bundle', 'B', '--csv', 'C'], 'give exactly one of'],
    [['--population', 'backup-jobs', '--size', '5', '--seed', 's', '-c', 'no-such-proofpack.yaml'], 'no-such-proofpack.yaml: no such file'],
  ])('%j', async (args, message) => {
    const { code, stderr } = await runCliCaptured(['sample', ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  test('a population the bundle does not have, listing those it has', async () => {
    const { code, stderr } = await runCliCaptured(['sample', '--population', 'restore-jobs', '--size', '5', '--seed', 's', '--bundle', bundle]);
    expect(code).toBe(2);
    expect(stderr).toContain('populations/restore-jobs.csv: no such population in the bundle (available: backup-jobs)');
  });

  test('a bundle that is not there, a CSV that is not there', async () => {
    expect((await runCliCaptured(['sample', '--population', 'x', '--size', '5', '--seed', 's', '--bundle', path.join(tmp.dir, 'nope.zip')])).code).toBe(2);
    const missing = await runCliCaptured(['sample', '--population', 'x', '--size', '5', '--seed', 's', '--csv', path.join(tmp.dir, 'nope.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv: cannot read (ENOENT)');
  });

  test('a CSV row with the wrong number of fields names the row', async () => {
    const bad = path.join(tmp.dir, 'ragged.csv');
    await writeFile(bad, 'id,v\n1,a\n2\n');
    const { code, stderr } = await runCliCaptured(['sample', '--population', 'x', '--size', '1', '--seed', 's', '--csv', bad]);
    expect(code).toBe(2);
    expect(stderr).toContain('ragged.csv: row 2: has 1 fields, the header has 2');
  });
});

test('a population altered inside the bundle: nothing is written, exit 4', async () => {
  const entries = await readRawZip(bundle);
  const population = entries.find((e) => e.name === 'populations/backup-jobs.csv')!;
  population.data = Buffer.from(population.data.toString('utf8').replace('FAILED', 'COMPLETED'));
  const forged = path.join(tmp.dir, 'forged.zip');
  await writeFile(forged, buildRawZip(entries));
  const out = path.join(tmp.dir, 'forged-sample.csv');
  const { code, stderr } = await runCliCaptured(['sample', '--population', 'backup-jobs', '--size', '3', '--seed', 's', '--bundle', forged, '--out', out]);
  expect(code).toBe(4);
  expect(stderr).toContain("not what the bundle's SHA256SUMS lists");
  await expect(readFile(out)).rejects.toThrow();
});

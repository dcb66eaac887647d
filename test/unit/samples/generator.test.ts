import { createHash } from 'node:crypto';
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { parseFlags } from '../../../samples/generate.js';
import { generateEstate } from '../../../samples/generator/generate-estate.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { LocalEvidenceStore } from '../../../src/evidence/local-store.js';
import { evaluatePeriod } from '../../../src/period/evaluate-period.js';
import { packageRoot } from '../../../src/util/paths.js';

const SAMPLE = path.join(packageRoot, 'samples', 'larkspur');

/** SHA-256 of every file under `root`, by relative path. */
async function hashTree(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.set(path.relative(root, full), createHash('sha256').update(await readFile(full)).digest('hex'));
    }
  };
  await walk(root);
  return out;
}

function differences(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [file, hash] of expected) {
    if (!actual.has(file)) problems.push(`${file}: checked in, not generated`);
    else if (actual.get(file) !== hash) problems.push(`${file}: different bytes`);
  }
  for (const file of actual.keys()) if (!expected.has(file)) problems.push(`${file}: generated, not checked in`);
  return problems.sort();
}

describe('the sample estate generator (samples/generate.ts)', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'proofpack-samples-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('regenerates the checked-in Larkspur estate byte for byte (if not: `npm run samples` and commit samples/larkspur)', async () => {
    const out = path.join(tmp, 'larkspur');
    const result = await generateEstate({ out });

    const expected = await hashTree(SAMPLE);
    const actual = await hashTree(out);
    expect(differences(expected, actual)).toEqual([]);
    // What was generated is the estate the brief asks for.
    expect(result.estate.accounts.map((a) => [a.id, a.name])).toEqual([
      ['111111111111', 'prod'],
      ['222222222222', 'shared-services'],
    ]);
    expect(result.estate.regions).toEqual(['us-east-1', 'us-west-2', 'eu-central-1']);
    expect(result.estate.period).toEqual({ start: '2026-01-01', end: '2026-06-30' });
    const inScope = result.inScope.reduce((n, r) => n + r.count, 0);
    expect(inScope).toBeGreaterThanOrEqual(140);
    expect(inScope).toBeLessThanOrEqual(170);
    expect(result.runs.filter((r) => r.kind === 'monthly')).toHaveLength(7);
    expect([...actual.keys()].filter((f) => f.startsWith('dr-tests/'))).toHaveLength(4);
    expect([...actual.keys()].filter((f) => /^diagrams\/.*\.(svg|png)$/.test(f)).sort()).toEqual([
      'diagrams/backup-topology.png',
      'diagrams/regions-and-replication.svg',
      'diagrams/system-context.svg',
    ]);
  }, 240_000);

  it('writes a PNG that decodes: signature, IHDR, and an IDAT stream of one filter byte plus width pixels per row', async () => {
    const png = await readFile(path.join(SAMPLE, 'diagrams', 'backup-topology.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const chunks: Array<{ type: string; data: Buffer }> = [];
    for (let at = 8; at < png.length; ) {
      const length = png.readUInt32BE(at);
      chunks.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) });
      at += 12 + length;
    }
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'PLTE', 'IDAT', 'IEND']);
    const width = chunks[0].data.readUInt32BE(0);
    const height = chunks[0].data.readUInt32BE(4);
    const pixels = inflateSync(chunks[2].data);
    expect(pixels.length).toBe((width + 1) * height);
    const paletteSize = chunks[1].data.length / 3;
    for (let y = 0; y < height; y += 1) {
      expect(pixels[y * (width + 1)]).toBe(0);
      for (let x = 1; x <= width; x += 1) if (pixels[y * (width + 1) + x] >= paletteSize) throw new Error(`pixel (${x - 1}, ${y}) has no palette entry`);
    }
  });

  it('scales with flags, and without the deliberate findings every control passes over complete coverage', async () => {
    const out = path.join(tmp, 'scaled');
    const flags = parseFlags(['--out', out, '--accounts', '3', '--regions', '5', '--resources', '220', '--months', '1', '--captures', 'daily', '--jobs-per-day', '40', '--no-findings', '--seed', 'bench']);
    const result = await generateEstate(flags);

    expect(result.estate.accounts.map((a) => a.name)).toEqual(['prod', 'shared-services', 'workload-3']);
    expect(result.estate.regions).toEqual(['us-east-1', 'us-west-2', 'eu-central-1', 'ap-southeast-2', 'ap-southeast-1']);
    expect(result.estate.pairs).toEqual([
      { primary: 'us-east-1', secondary: 'us-west-2' },
      { primary: 'ap-southeast-2', secondary: 'ap-southeast-1' },
    ]);
    expect(result.inScope.reduce((n, r) => n + r.count, 0)).toBeGreaterThanOrEqual(220);
    // Daily captures: one a day, from the period's first morning to the morning after it.
    expect(result.runs.filter((r) => r.kind === 'jobs')).toHaveLength(32);
    // --jobs-per-day: about that many backups a day in the primaries (more when the primaries hold fewer resources).
    const january = [...result.activity.backupJobs.values()].flat().filter((j) => j.scheduled >= Date.UTC(2026, 0, 5) && j.scheduled < Date.UTC(2026, 0, 6) && j.rule.tier === 'daily');
    expect(january.length).toBeGreaterThanOrEqual(40);
    expect(january.length).toBeLessThan(80);

    const { config } = await loadConfig(path.join(out, 'proofpack.yaml'));
    const { evaluation } = await evaluatePeriod(config, { store: new LocalEvidenceStore(config.store) });
    expect(evaluation.coverage.summary).toMatchObject({ complete: true, gapRanges: 0, problems: 0 });
    expect(evaluation.controls.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.status} — ${c.summary}`)).toEqual([]);
  }, 240_000);

  it('without the findings, the Larkspur estate passes every control over the whole period: the findings are all there is', async () => {
    const out = path.join(tmp, 'clean');
    await generateEstate(parseFlags(['--out', out, '--no-findings']));
    const { config } = await loadConfig(path.join(out, 'proofpack.yaml'));
    expect(config.waivers).toEqual([]);
    const { evaluation } = await evaluatePeriod(config, { store: new LocalEvidenceStore(config.store) });
    expect(evaluation.coverage.summary).toMatchObject({ complete: true, gapRanges: 0, problems: 0 });
    expect(evaluation.controls.filter((c) => c.status !== 'pass' || c.exceptions.length > 0).map((c) => `${c.id}: ${c.status} — ${c.summary}`)).toEqual([]);
  }, 240_000);

  it('reads its flags and refuses unknown or malformed ones', () => {
    expect(parseFlags(['--out', '/tmp/x', '--accounts', '4', '--months', '3', '--captures', 'weekly'])).toMatchObject({ out: '/tmp/x', accounts: 4, months: 3, jobCaptures: 'weekly' });
    expect(() => parseFlags(['--resources', 'many'])).toThrow('--resources: expected a whole number, got "many"');
    expect(() => parseFlags(['--captures', 'hourly'])).toThrow('--captures: expected daily or weekly');
    expect(() => parseFlags(['--size', '3'])).toThrow('unknown flag --size');
  });
});

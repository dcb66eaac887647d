import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { InputError, UsageError } from '../errors.js';
import { sha256Hex } from '../util/hash.js';
import { TOOL_VERSION } from '../version.js';
import { ZipReader } from '../verify/zip-reader.js';
import { CsvParser, formatCsvHeaderBlock, formatCsvRow, FORMULA_ESCAPING_NOTE, parseCsvHeaderBlock } from './csv.js';
import { parseSha256Sums } from './sha256sums.js';
import { POPULATION_NAME, populationCsvPath } from './population.js';
import { SHA256SUMS_FILE } from './types.js';

/**
 * The reproducible sampler (docs/SAMPLING.md). Algorithm `sha256-rank-v1`: every data row gets the
 * rank SHA-256(UTF-8 of `<seed>:<key>`) in lowercase hex, where key is the row's value in the key
 * column as it reads in the CSV; the sample is the `size` rows with the smallest ranks (ties, which
 * only duplicate keys can cause, by row number), listed in rank order. Anyone can redo it with
 * sha256sum and sort; the same seed always draws the same rows.
 */
export const SAMPLE_ALGORITHM = 'sha256-rank-v1';
export const SAMPLE_ALGORITHM_TEXT = 'rank = SHA-256 of the UTF-8 text "<seed>:<key>" (lowercase hex); the sample is the rows with the smallest ranks, ties by row number, listed by rank';
export const MAX_SAMPLE_SIZE = 100_000;

/** Where a population is read from: a bundle, a CSV file, or (round two) the evidence store. */
export interface PopulationSource {
  /** For messages and the sample's header, e.g. `bundle.zip!populations/backup-jobs.csv`. */
  label: string;
  /** The population's bytes, streamed. */
  open(): Promise<AsyncIterable<Buffer | string>>;
  /** What the bundle's SHA256SUMS lists for this file, when the source is a bundle that lists it. */
  listedSha256?: string;
  close(): void;
}

export interface SampleRequest {
  population: string;
  size: number;
  seed: string;
  /** Default: the header block's `key column`, else the first column. */
  keyColumn?: string;
}

export interface SampledRow {
  /** 1-based position in the sample. */
  order: number;
  rank: string;
  /** 1-based data row in the population (after the column names). */
  rowNumber: number;
  key: string;
  fields: string[];
}

export interface SampleResult {
  population: string;
  source: string;
  populationSha256: string;
  /** Whether that hash is the one SHA256SUMS lists (null: the source is not a bundle listing it). */
  matchesSha256Sums: boolean | null;
  populationRows: number;
  columns: string[];
  keyColumn: string;
  seed: string;
  requestedSize: number;
  rows: SampledRow[];
  algorithm: typeof SAMPLE_ALGORITHM;
}

/** Checks the request; problems are UsageErrors naming the flag (exit 2). */
export function checkSampleRequest(request: { population?: unknown; size?: unknown; seed?: unknown }): SampleRequest {
  const population = typeof request.population === 'string' ? request.population : '';
  if (!POPULATION_NAME.test(population)) {
    throw new UsageError(`--population: expected a population name such as backup-jobs (lowercase letters, digits, ".", "_", "-"), got ${JSON.stringify(request.population ?? '')}`);
  }
  const sizeText = String(request.size ?? '');
  const size = Number(sizeText);
  if (!/^\d+$/.test(sizeText) || !Number.isSafeInteger(size) || size < 1 || size > MAX_SAMPLE_SIZE) {
    throw new UsageError(`--size: expected a whole number from 1 to ${MAX_SAMPLE_SIZE}, got ${JSON.stringify(request.size ?? '')}`);
  }
  if (typeof request.seed !== 'string' || request.seed === '') throw new UsageError('--seed: expected a non-empty seed (any text; the same seed draws the same sample)');
  return { population, size, seed: request.seed };
}

/** The rank of a key under a seed. */
export function sampleRank(seed: string, key: string): string {
  return sha256Hex(`${seed}:${key}`);
}

/** Draws the sample in one streaming pass: memory grows with the sample size, not the population. */
export async function drawSample(source: PopulationSource, request: SampleRequest): Promise<SampleResult> {
  const fileHash = createHash('sha256');
  const parser = new CsvParser();
  let columns: string[] | undefined;
  let keyIndex = -1;
  let keyColumn = '';
  let rows = 0;
  let candidates: Array<Omit<SampledRow, 'order'>> = [];
  const keep = (a: Omit<SampledRow, 'order'>, b: Omit<SampledRow, 'order'>) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.rowNumber - b.rowNumber);
  const prune = () => {
    candidates.sort(keep);
    candidates = candidates.slice(0, request.size);
  };
  const take = (record: string[]) => {
    if (!columns) {
      columns = record;
      const declared = parseCsvHeaderBlock(parser.comments).get('key column')?.split(/\s/)[0];
      keyColumn = request.keyColumn ?? (declared && columns.includes(declared) ? declared : columns[0]);
      keyIndex = columns.indexOf(keyColumn);
      if (keyIndex < 0) throw new InputError([{ file: source.label, path: '', message: `no column ${JSON.stringify(keyColumn)} (columns: ${columns.join(', ')})` }]);
      return;
    }
    rows += 1;
    if (record.length !== columns.length) {
      throw new InputError([{ file: source.label, path: `row ${rows}`, message: `has ${record.length} fields, the header has ${columns.length}` }]);
    }
    const key = record[keyIndex];
    candidates.push({ rank: sampleRank(request.seed, key), rowNumber: rows, key, fields: record });
    if (candidates.length >= 2 * request.size + 1024) prune();
  };
  try {
    for await (const chunk of await source.open()) {
      fileHash.update(chunk);
      for (const record of parser.push(chunk)) take(record);
    }
    for (const record of parser.end()) take(record);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError([{ file: source.label, path: '', message: `cannot read the population (${(error as Error).message})` }], { cause: error });
  } finally {
    source.close();
  }
  if (!columns) throw new InputError([{ file: source.label, path: '', message: 'the population has no header row' }]);
  prune();
  const populationSha256 = fileHash.digest('hex');
  return {
    population: request.population,
    source: source.label,
    populationSha256,
    matchesSha256Sums: source.listedSha256 === undefined ? null : source.listedSha256 === populationSha256,
    populationRows: rows,
    columns,
    keyColumn,
    seed: request.seed,
    requestedSize: request.size,
    rows: candidates.map((c, i) => ({ ...c, order: i + 1 })),
    algorithm: SAMPLE_ALGORITHM,
  };
}

/**
 * The sample as CSV: a header block (population, its SHA-256 and row count, seed, algorithm, key
 * column, sizes), then `sample_order,sample_rank,population_row` and the population's columns. No
 * clock in it: the same population and seed give the same bytes.
 */
export function formatSampleCsv(result: SampleResult, toolVersion = TOOL_VERSION): string {
  const short = result.rows.length < result.requestedSize ? ` (requested ${result.requestedSize}; the population has only ${result.populationRows} rows, so every row is included)` : '';
  const header = formatCsvHeaderBlock([
    ['proofpack sample of population', result.population],
    ['population source', result.source],
    ['population sha256', `${result.populationSha256}${result.matchesSha256Sums === true ? ' (matches SHA256SUMS)' : result.matchesSha256Sums === false ? ' (DOES NOT MATCH SHA256SUMS)' : ''}`],
    ['population rows', String(result.populationRows)],
    ['seed', result.seed],
    ['sample size', `${result.rows.length}${short}`],
    ['algorithm', `${result.algorithm}: ${SAMPLE_ALGORITHM_TEXT}`],
    ['key column', result.keyColumn],
    ['tool', `proofpack ${toolVersion} (docs/SAMPLING.md shows how to redo this sample without it)`],
    ['formula escaping', FORMULA_ESCAPING_NOTE],
  ]);
  return header + formatCsvRow(['sample_order', 'sample_rank', 'population_row', ...result.columns]) + result.rows.map((r) => formatCsvRow([r.order, r.rank, r.rowNumber, ...r.fields])).join('');
}

/** A population CSV file on disk (e.g. unzipped from a bundle). */
export function filePopulationSource(file: string): PopulationSource {
  return {
    label: file,
    open: async () => {
      const stream = createReadStream(file, { highWaterMark: 1 << 20 });
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', (error: NodeJS.ErrnoException) => reject(new InputError([{ file, path: '', message: `cannot read (${error.code ?? error.message})` }], { cause: error })));
      });
      return stream;
    },
    close: () => undefined,
  };
}

/** `populations/<name>.csv` inside a bundle, streamed from the zip. */
export async function bundlePopulationSource(zipPath: string, population: string): Promise<PopulationSource> {
  const zip = await ZipReader.open(zipPath);
  try {
    const path = populationCsvPath(population);
    const entry = zip.entries.find((e) => e.name === path);
    if (!entry) {
      const available = zip.entries.filter((e) => /^populations\/[^/]+\.csv$/.test(e.name)).map((e) => e.name.slice('populations/'.length, -'.csv'.length));
      throw new InputError([{ file: zipPath, path, message: `no such population in the bundle (available: ${available.join(', ') || 'none'})` }]);
    }
    const problems = zip.problems.filter((p) => p.entry === path || p.entry === '');
    if (problems.length) throw new InputError([{ file: zipPath, path, message: `refusing to read: ${problems.map((p) => p.message).join('; ')} (run proofpack verify)` }]);
    const sumsEntry = zip.entries.find((e) => e.name === SHA256SUMS_FILE);
    const listedSha256 = sumsEntry ? parseSha256Sums((await zip.readEntry(sumsEntry, 64 * 2 ** 20)).toString('utf8')).sums.get(path) : undefined;
    return { label: `${zipPath}!${path}`, open: () => zip.openStream(entry), listedSha256, close: () => zip.close() };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** Suggested sample sizes by how often a control operates (common audit practice; the auditor decides). */
export const SAMPLE_SIZE_GUIDE: ReadonlyArray<{ frequency: string; occurrences: string; size: string }> = [
  { frequency: 'annual', occurrences: '1', size: '1' },
  { frequency: 'quarterly', occurrences: '4', size: '2' },
  { frequency: 'monthly', occurrences: '12', size: '2–5' },
  { frequency: 'weekly', occurrences: '52', size: '5–15' },
  { frequency: 'daily', occurrences: '365', size: '20–40' },
  { frequency: 'many per day', occurrences: 'over 365', size: '25–60' },
];

export function formatSampleSizeGuide(): string {
  const lines = [
    'Suggested sample sizes by control frequency (per period of 6–12 months; the auditor decides):',
    '',
    `  ${'frequency'.padEnd(14)}${'occurrences'.padEnd(13)}sample size`,
    ...SAMPLE_SIZE_GUIDE.map((g) => `  ${g.frequency.padEnd(14)}${g.occurrences.padEnd(13)}${g.size}`),
    '',
    'Draw one with: proofpack sample --population NAME --size N --seed SEED --bundle BUNDLE.zip',
    '',
  ];
  return lines.join('\n');
}

import { InputError } from '../errors.js';
import type { CallerIdentity, TimeWindow } from '../evidence/types.js';
import { canonicalJson } from '../util/canonical-json.js';
import { sha256Hex } from '../util/hash.js';
import { TOOL_VERSION } from '../version.js';
import { FORMULA_ESCAPING_NOTE, formatCsvHeaderBlock, formatCsvRow, type CsvValue } from './csv.js';
import { compareBytewise } from './entry-path.js';
import type { BundleEntryInput } from './types.js';

/**
 * A population: every item of one kind in the period (backup jobs, copy jobs, restore jobs, DR
 * tests, configuration changes…), as a CSV the auditor filters and samples, plus how it was
 * produced — the "information produced by the entity" test (AT-C 205). The CSV's header block
 * says what it is; the provenance sidecar (`<name>.provenance.json`) says, per source, which API
 * operations with which parameters, by which caller, over which window, returned how many records.
 */

export const POPULATION_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** One evidence envelope a population drew rows from. */
export interface PopulationSourceRecord {
  collector: string;
  schema?: string;
  account: string;
  region: string;
  window: TimeWindow;
  snapshotId: string;
  /** The evidence id, and where the envelope is in the bundle when it is included. */
  evidenceId?: string;
  evidencePath?: string;
  callerIdentity: CallerIdentity | null;
  /** Set when the rows came from an organization-wide listing made with another account's role (provenance.view). */
  view?: string;
  /** API operations as the envelope's provenance recorded them. */
  operations: ReadonlyArray<{ operation: string; parameters: Record<string, unknown>; pages: number; records: number; requestIds?: readonly string[] }>;
  /** Rows of this population that came from this source. */
  rows: number;
}

export interface PopulationInput {
  name: string;
  description: string;
  period: { start: string; end: string };
  /** ISO 8601 UTC, supplied by the caller (determinism). */
  generatedAt: string;
  toolVersion?: string;
  columns: readonly string[];
  /** A column whose values are unique: what the sampler hashes. Default: the first column. */
  keyColumn?: string;
  /** Rows are sorted by these columns (byte-wise), then by the key. Default: the key column. */
  sortBy?: readonly string[];
  rows: ReadonlyArray<Readonly<Record<string, CsvValue>>>;
  snapshotIds: readonly string[];
  sources: readonly PopulationSourceRecord[];
  /** More `# key: value` lines for the header block (e.g. the operations, accounts and callers of the sources), after `snapshots`. */
  headerLines?: ReadonlyArray<readonly [string, string]>;
}

/** `<name>.provenance.json`. */
export interface PopulationProvenance {
  provenance: 'proofpack.population-provenance/v1';
  population: string;
  description: string;
  period: { start: string; end: string };
  generatedAt: string;
  toolVersion: string;
  csv: { path: string; sha256: string; rows: number; columns: string[]; keyColumn: string; sortedBy: string[]; formulaEscaping: string };
  snapshotIds: string[];
  /** Rows per source, summed over sources; equals csv.rows. */
  recordsBySource: Array<{ collector: string; account: string; region: string; snapshotId: string; rows: number }>;
  sources: PopulationSourceRecord[];
}

export interface PopulationFiles {
  csvPath: string;
  csv: Buffer;
  csvSha256: string;
  provenancePath: string;
  provenance: Buffer;
  /** Both files as bundle entries. */
  entries: BundleEntryInput[];
}

export function populationCsvPath(name: string): string {
  return `populations/${name}.csv`;
}

export function populationProvenancePath(name: string): string {
  return `populations/${name}.provenance.json`;
}

/** Builds a population's CSV (header block, column names, stably sorted rows) and its provenance sidecar. */
export function buildPopulationFiles(input: PopulationInput): PopulationFiles {
  const where = `population ${input.name}`;
  const fail = (path: string, message: string) => new InputError([{ file: where, path, message }]);
  if (!POPULATION_NAME.test(input.name)) throw fail('name', `expected lowercase letters, digits, ".", "_" or "-", got ${JSON.stringify(input.name)}`);
  if (input.columns.length === 0) throw fail('columns', 'expected at least one column');
  if (new Set(input.columns).size !== input.columns.length) throw fail('columns', 'column names must be unique');
  const keyColumn = input.keyColumn ?? input.columns[0];
  if (!input.columns.includes(keyColumn)) throw fail('keyColumn', `${keyColumn} is not a column`);
  const sortBy = [...(input.sortBy ?? []), keyColumn].filter((c, i, all) => all.indexOf(c) === i);
  for (const column of sortBy) if (!input.columns.includes(column)) throw fail('sortBy', `${column} is not a column`);

  const cell = (row: Readonly<Record<string, CsvValue>>, column: string) => {
    const v = row[column];
    return v === null || v === undefined ? '' : String(v);
  };
  const keys = new Set<string>();
  input.rows.forEach((row, index) => {
    const key = cell(row, keyColumn);
    if (key === '') throw fail(`rows[${index}].${keyColumn}`, 'the key column must not be empty');
    if (keys.has(key)) throw fail(`rows[${index}].${keyColumn}`, `duplicate key ${JSON.stringify(key)}: the key column must be unique (the sampler ranks rows by it)`);
    keys.add(key);
  });
  const rows = [...input.rows].sort((a, b) => {
    for (const column of sortBy) {
      const order = compareBytewise(cell(a, column), cell(b, column));
      if (order) return order;
    }
    return 0;
  });

  const csvPath = populationCsvPath(input.name);
  const provenancePath = populationProvenancePath(input.name);
  const toolVersion = input.toolVersion ?? TOOL_VERSION;
  const header = formatCsvHeaderBlock([
    ['proofpack population', input.name],
    ['description', input.description],
    ['period', `${input.period.start} to ${input.period.end} (inclusive, UTC)`],
    ['rows', String(rows.length)],
    ['key column', `${keyColumn} (unique); rows sorted by ${sortBy.join(', ')}`],
    ['snapshots', `${input.snapshotIds.length} (ids in ${provenancePath.split('/').pop()})`],
    ...(input.headerLines ?? []),
    ['provenance', `${provenancePath.split('/').pop()}: API operations, parameters, accounts, regions, windows, caller identities and record counts per source`],
    ['generated', `${input.generatedAt} by proofpack ${toolVersion}`],
    ['formula escaping', FORMULA_ESCAPING_NOTE],
  ]);
  const body = [formatCsvRow(input.columns), ...rows.map((row) => formatCsvRow(input.columns.map((c) => row[c])))].join('');
  const csv = Buffer.from(header + body, 'utf8');
  const csvSha256 = sha256Hex(csv);

  const recordsBySource = input.sources.map((s) => ({ collector: s.collector, account: s.account, region: s.region, snapshotId: s.snapshotId, rows: s.rows }));
  const counted = recordsBySource.reduce((n, s) => n + s.rows, 0);
  if (input.sources.length > 0 && counted !== rows.length) throw fail('sources', `the sources account for ${counted} rows, the population has ${rows.length}`);
  const provenance: PopulationProvenance = {
    provenance: 'proofpack.population-provenance/v1',
    population: input.name,
    description: input.description,
    period: { start: input.period.start, end: input.period.end },
    generatedAt: input.generatedAt,
    toolVersion,
    csv: { path: csvPath, sha256: csvSha256, rows: rows.length, columns: [...input.columns], keyColumn, sortedBy: sortBy, formulaEscaping: FORMULA_ESCAPING_NOTE },
    snapshotIds: [...input.snapshotIds].sort(compareBytewise),
    recordsBySource,
    sources: [...input.sources],
  };
  const provenanceBytes = Buffer.from(canonicalJson(provenance), 'utf8');
  return {
    csvPath,
    csv,
    csvSha256,
    provenancePath,
    provenance: provenanceBytes,
    entries: [
      { path: csvPath, role: 'population', bytes: csv },
      { path: provenancePath, role: 'population-provenance', bytes: provenanceBytes },
    ],
  };
}

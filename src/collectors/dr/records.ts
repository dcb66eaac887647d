import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config/types.js';
import { parseUserDocument, validateUserDocument, type LineOf } from '../../config/user-file.js';
import { InputError, type InputIssue } from '../../errors.js';
import { sha256Hex } from '../../util/hash.js';
import type { Collector } from '../types.js';

/** A DR game-day record as people write it (evidence-schemas/dr-test.schema.json). */
export interface DrTestRecord {
  id: string;
  title: string;
  scenario: string;
  start: string;
  end: string;
  regions: { from: string; to: string };
  systems: string[];
  resources?: string[];
  participants: Array<{ name: string; role: string }>;
  measured: { rtoMinutes: number; rpoMinutes?: number; replicaLagSeconds?: number };
  outcome: 'pass' | 'fail' | 'partial';
  issues?: Array<{ description: string; severity?: 'low' | 'medium' | 'high' | 'critical' }>;
  remediation?: Array<{ action: string; owner: string; due: string; status?: 'open' | 'in-progress' | 'done' }>;
  evidence?: Array<{ title?: string; link: string }>;
  approver: { name: string; role: string; date: string };
}

export interface DrRecordFile {
  /** File name inside the folder. */
  file: string;
  /** SHA-256 of the file's bytes, so the record can be traced to the exact file people signed off. */
  sha256: string;
  record: DrTestRecord;
}

export interface DrRecords {
  /** The `drTests` folder, relative to the config file; null when the config names none. */
  folder: string | null;
  /** One per file, sorted by file name. */
  records: DrRecordFile[];
}

/** Files read from the folder (top level only; hidden files are skipped). */
export const DR_RECORD_FILE = /^[^.].*\.(ya?ml|json)$/i;

/**
 * People's DR game-day records: every YAML or JSON file in the config's `drTests` folder,
 * validated against evidence-schemas/dr-test.schema.json. A record that does not validate is bad
 * input, not a gap: `collect` stops before any AWS call with an InputError (exit code 2) that
 * lists every problem of every file — file, line, field and what was expected — and leaves no
 * snapshot behind. No `drTests` in the config: an empty envelope. A configured folder that does
 * not exist: InputError.
 */
export const drRecords: Collector<DrRecords> = {
  id: 'dr.records',
  schema: 'dr.records.v1',
  title: 'DR game-day records (people\'s files), validated, with file names and SHA-256',
  scope: 'local',
  group: 'records',
  operations: [],
  async preflight(config) {
    await readDrRecords(config);
  },
  async collect(ctx) {
    const data = await readDrRecords(ctx.config);
    return { data, recordCount: data.records.length, ...(data.folder !== null ? { source: data.folder } : {}) };
  },
};

/** Reads and validates the `drTests` folder; throws InputError listing every problem found. */
export async function readDrRecords(config: Pick<Config, 'drTests' | 'configDir' | 'configPath'>): Promise<DrRecords> {
  if (!config.drTests) return { folder: null, records: [] };
  const folder = config.drTests;
  const shownFolder = path.relative(config.configDir, folder) || '.';
  const configFile = config.configPath ? path.basename(config.configPath) : 'config';
  const info = await stat(folder).catch(() => undefined);
  if (!info) {
    throw new InputError([{ file: configFile, path: 'drTests', message: `folder "${shownFolder}" does not exist (expected a folder of DR test records, relative to the config file)` }]);
  }
  if (!info.isDirectory()) {
    throw new InputError([{ file: configFile, path: 'drTests', message: `"${shownFolder}" is a file; expected a folder of DR test records` }]);
  }

  const names = (await readdir(folder, { withFileTypes: true }))
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && DR_RECORD_FILE.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  const issues: InputIssue[] = [];
  const records: DrRecordFile[] = [];
  const idOwners = new Map<string, string>();
  for (const name of names) {
    const bytes = await readFile(path.join(folder, name));
    const shown = `${shownFolder === '.' ? '' : `${shownFolder}/`}${name}`;
    const parsed = parseRecordFile(bytes.toString('utf8'), name, shown);
    if ('issues' in parsed) {
      issues.push(...parsed.issues);
      continue;
    }
    const problems = validateRecord(parsed.value, parsed.lineOf, shown);
    const record = parsed.value as DrTestRecord;
    if (problems.length === 0 && typeof record.id === 'string') {
      const owner = idOwners.get(record.id);
      if (owner) {
        problems.push({ file: shown, path: 'id', line: parsed.lineOf(['id']), message: `"${record.id}" is already the id of ${owner}; expected an id unique across the folder` });
      } else {
        idOwners.set(record.id, shown);
      }
    }
    if (problems.length > 0) {
      issues.push(...problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
      continue;
    }
    records.push({ file: name, sha256: sha256Hex(bytes), record });
  }
  if (issues.length > 0) throw new InputError(issues);
  return { folder: shownFolder, records };
}

/** One file as a record: YAML (a .json file must be JSON), a mapping of fields. */
function parseRecordFile(text: string, name: string, shown: string): { value: unknown; lineOf: LineOf } | { issues: InputIssue[] } {
  const parsed = parseUserDocument(text, shown, { json: /\.json$/i.test(name) });
  if (!parsed.ok) return { issues: parsed.issues };
  const value = parsed.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { issues: [{ file: shown, path: '', message: 'expected one DR test record: a mapping of fields (id, title, scenario, start, end, regions, systems, participants, measured, outcome, approver)' }] };
  }
  return { value, lineOf: parsed.lineOf };
}

/** The schema's problems, else the rules a schema cannot say (the end is after the start). */
function validateRecord(value: unknown, lineOf: LineOf, shown: string): InputIssue[] {
  const issues = validateUserDocument(value, lineOf, shown, 'dr-test');
  if (issues.length > 0) return issues;
  const record = value as DrTestRecord;
  if (Date.parse(record.end) <= Date.parse(record.start)) {
    issues.push({ file: shown, path: 'end', line: lineOf(['end']), message: `expected a time after start (${record.start}), got ${record.end}` });
  }
  return issues;
}

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { Config } from '../../config/types.js';
import { InputError, type InputIssue } from '../../errors.js';
import { evidenceAjv, jsonPointerToPath } from '../../evidence/schemas.js';
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

const DR_TEST_SCHEMA = 'dr-test';

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

type LineOf = (at: ReadonlyArray<string | number>) => number | undefined;

function parseRecordFile(text: string, name: string, shown: string): { value: unknown; lineOf: LineOf } | { issues: InputIssue[] } {
  const lineCounter = new LineCounter();
  if (/\.json$/i.test(name)) {
    try {
      JSON.parse(text);
    } catch (error) {
      return { issues: [{ file: shown, path: '', message: `not valid JSON: ${(error as Error).message}` }] };
    }
  }
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => ({ file: shown, path: '', line: lineAt(e.pos[0]), message: `not valid YAML: ${e.message.split('\n')[0]}` })),
    };
  }
  const value = doc.toJS() as unknown;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { issues: [{ file: shown, path: '', message: 'expected one DR test record: a mapping of fields (id, title, scenario, start, end, regions, systems, participants, measured, outcome, approver)' }] };
  }
  return { value, lineOf: (at) => lineOfPath(doc, at, lineAt) };
}

/** The line of the deepest node that exists along `at` (a missing field: its parent's line). */
function lineOfPath(doc: Document, at: ReadonlyArray<string | number>, lineAt: (offset: number | undefined) => number | undefined): number | undefined {
  for (let n = at.length; n >= 0; n -= 1) {
    const node = doc.getIn(at.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lineAt(node.range[0]);
  }
  return undefined;
}

function validateRecord(value: unknown, lineOf: LineOf, shown: string): InputIssue[] {
  const validate = evidenceAjv().getSchema(DR_TEST_SCHEMA);
  if (!validate) throw new Error(`evidence-schemas/${DR_TEST_SCHEMA}.schema.json is missing`);
  const issues: InputIssue[] = [];
  if (!validate(value)) {
    const schema = validate.schema as Record<string, unknown>;
    for (const e of simplifyErrors(validate.errors ?? [])) {
      const { at, message } = describeError(e, value, schema);
      issues.push({ file: shown, path: formatPath(at), line: lineOf(at), message });
    }
    return issues;
  }
  const record = value as DrTestRecord;
  if (Date.parse(record.end) <= Date.parse(record.start)) {
    issues.push({ file: shown, path: 'end', line: lineOf(['end']), message: `expected a time after start (${record.start}), got ${record.end}` });
  }
  return issues;
}

/** anyOf branches each report their own `required`: keep the single anyOf error, which says it all. */
function simplifyErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const anyOfAt = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath));
  return errors.filter((e) => ![...anyOfAt].some((p) => e.schemaPath.startsWith(`${p}/`)));
}

function segments(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function formatPath(at: ReadonlyArray<string | number>): string {
  return jsonPointerToPath(at.length === 0 ? '' : '/' + at.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/'));
}

function valueAt(root: unknown, at: ReadonlyArray<string | number>): unknown {
  let v = root;
  for (const p of at) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

function schemaAt(root: Record<string, unknown>, schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const p of segments(schemaPath.replace(/^#/, ''))) node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[p] : undefined;
  return node && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${String(value)} (a ${typeof value})`;
}

const FORMAT_EXAMPLES: Record<string, string> = {
  'date-time': 'a date-time with a time zone, such as 2026-02-14T14:00:00Z',
  date: 'a date such as 2026-03-31',
  'aws-region': 'an AWS region such as us-east-1',
};

function describeError(e: ErrorObject, data: unknown, schema: Record<string, unknown>): { at: Array<string | number>; message: string } {
  const at = segments(e.instancePath);
  const value = valueAt(data, at);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { at: [...at, String(params.missingProperty)], message: 'required field is missing' };
    case 'anyOf': {
      const options = ((schemaAt(schema, e.schemaPath) as unknown as Array<{ required?: string[] }> | undefined) ?? [])
        .flatMap((branch) => branch.required ?? []);
      return { at, message: `expected ${options.join(' or ')}` };
    }
    case 'additionalProperties': {
      const parent = schemaAt(schema, e.schemaPath.replace(/\/additionalProperties$/, ''));
      const allowed = Object.keys((parent?.properties as Record<string, unknown> | undefined) ?? {});
      return { at: [...at, String(params.additionalProperty)], message: `unexpected field; expected one of ${allowed.join(', ')}` };
    }
    case 'type':
      return { at, message: `expected ${params.type === 'object' ? 'a mapping' : params.type === 'array' ? 'a list' : `a ${String(params.type)}`}, got ${show(value)}` };
    case 'format':
      return { at, message: `expected ${FORMAT_EXAMPLES[String(params.format)] ?? `a ${String(params.format)}`}, got ${show(value)}` };
    case 'enum':
      return { at, message: `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${show(value)}` };
    case 'minimum':
      return { at, message: `expected a number ≥ ${String(params.limit)}, got ${String(value)}` };
    case 'minItems':
      return { at, message: `expected at least ${String(params.limit)} ${params.limit === 1 ? 'entry' : 'entries'}, got none` };
    case 'minLength':
      return { at, message: 'expected a non-empty text' };
    case 'maxLength':
      return { at, message: `expected at most ${String(params.limit)} characters` };
    case 'pattern':
      return { at, message: `expected letters, digits, ".", "_" or "-", starting with a letter or digit, got ${show(value)}` };
    default:
      return { at, message: e.message ?? e.keyword };
  }
}

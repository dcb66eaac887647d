import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { InputIssue } from '../errors.js';
import { addProofpackFormats, jsonPointerToPath } from '../evidence/schemas.js';
import { schemasDir } from '../util/paths.js';

/**
 * Files people write next to the config (DR game-day records, the narrative, diagram sidecars):
 * YAML (or JSON, which YAML reads too) validated against a schema in evidence-schemas/, every
 * problem an InputIssue naming the file, the line, the field and what was expected.
 */

/** The schemas of people's files. */
const USER_FILE_SCHEMAS = ['dr-test', 'narrative', 'diagram-sidecar'] as const;
export type UserFileSchema = (typeof USER_FILE_SCHEMAS)[number];

let ajv: Ajv | undefined;

/**
 * An Ajv of its own for people's files: `verbose` errors carry the schema node that failed, which
 * the messages need ("expected a text, or a mapping with …"); the shared evidence Ajv has no use
 * for that. The schemas are the same files in evidence-schemas/.
 */
function userFileAjv(): Ajv {
  if (!ajv) {
    ajv = addProofpackFormats(new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }));
    for (const id of USER_FILE_SCHEMAS) ajv.addSchema(JSON.parse(readFileSync(path.join(schemasDir, `${id}.schema.json`), 'utf8')) as object);
  }
  return ajv;
}

/** The line of a field of the parsed document (a missing field: its parent's line). */
export type LineOf = (at: ReadonlyArray<string | number>) => number | undefined;

export type ParsedUserDocument = { ok: true; value: unknown; lineOf: LineOf } | { ok: false; issues: InputIssue[] };

/**
 * Parses YAML text keeping line numbers; `shown` is the file name issues carry. With `json`, the
 * text must first be valid JSON (a file named .json that only YAML would read is a mistake).
 */
export function parseUserDocument(text: string, shown: string, options: { json?: boolean } = {}): ParsedUserDocument {
  if (options.json) {
    try {
      JSON.parse(text);
    } catch (error) {
      return { ok: false, issues: [{ file: shown, path: '', message: `not valid JSON: ${(error as Error).message}` }] };
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    return { ok: false, issues: doc.errors.map((e) => ({ file: shown, path: '', line: lineAt(e.pos[0]), message: `not valid YAML: ${e.message.split('\n')[0]}` })) };
  }
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) as unknown, lineOf: (at) => lineOfPath(doc, at, lineAt) };
}

/** Validates a parsed document against evidence-schemas/<schemaId>.schema.json: its problems, by line (none when valid). */
export function validateUserDocument(value: unknown, lineOf: LineOf, shown: string, schemaId: UserFileSchema): InputIssue[] {
  const validate = userFileAjv().getSchema(schemaId);
  if (!validate) throw new Error(`evidence-schemas/${schemaId}.schema.json is missing`);
  if (validate(value)) return [];
  const schema = validate.schema as Record<string, unknown>;
  const seen = new Set<string>();
  const issues: InputIssue[] = [];
  for (const e of simplifyErrors(validate.errors ?? [], value, schema)) {
    const { at, message } = describeError(e, value, schema);
    const issue = { file: shown, path: formatPath(at), line: lineOf(at), message };
    const key = `${issue.path}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

export type ParsedUserFile = { ok: true; value: unknown } | { ok: false; issues: InputIssue[] };

/** Parses `text` as one mapping (`what` says what it should be) and validates it against the schema `schemaId`. */
export function parseUserFile(text: string, shown: string, schemaId: UserFileSchema, what: string): ParsedUserFile {
  const parsed = parseUserDocument(text, shown);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  if (value === null || value === undefined) return { ok: false, issues: [{ file: shown, path: '', message: `the file is empty; expected ${what}` }] };
  if (typeof value !== 'object' || Array.isArray(value)) return { ok: false, issues: [{ file: shown, path: '', line: 1, message: `expected ${what}, got ${describeValue(value)}` }] };
  const issues = validateUserDocument(value, parsed.lineOf, shown, schemaId);
  return issues.length === 0 ? { ok: true, value } : { ok: false, issues };
}

/** The line of the deepest node that exists along `at` (a missing field: its parent's line). */
function lineOfPath(doc: Document, at: ReadonlyArray<string | number>, lineAt: (offset: number | undefined) => number | undefined): number | undefined {
  for (let n = at.length; n >= 0; n -= 1) {
    const node = doc.getIn(at.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lineAt(node.range[0]);
  }
  return undefined;
}

/**
 * An anyOf reports every branch's errors. When the value has the type of exactly one branch (a
 * mapping where a text or a mapping is allowed), that branch's own errors say what is wrong; else
 * the anyOf's single error, which names the choices, does. Errors of the keywords beside the
 * anyOf (the mapping's own required fields, unexpected fields, its fields' values) stay.
 */
function simplifyErrors(errors: readonly ErrorObject[], data: unknown, schema: Record<string, unknown>): ErrorObject[] {
  let kept = [...errors];
  for (const anyOf of errors.filter((e) => e.keyword === 'anyOf')) {
    const within = (e: ErrorObject) => e !== anyOf && (e.instancePath === anyOf.instancePath || e.instancePath.startsWith(`${anyOf.instancePath}/`));
    const value = valueAt(data, segments(anyOf.instancePath));
    const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
    const branches = ((anyOf.schema as Array<Record<string, unknown>> | undefined) ?? []).map((b) => resolveRef(schema, b));
    const matching = branches.filter((b) => b?.type === kind);
    if (matching.length === 1 && kind !== 'string') {
      kept = kept.filter((e) => e !== anyOf && !(within(e) && e.instancePath === anyOf.instancePath && e.keyword === 'type'));
    } else {
      // Ajv's schema paths restart inside a $ref; the schema nodes themselves tell where an error comes from.
      const inBranches = schemaNodes(schema, anyOf.schema);
      kept = kept.filter((e) => !within(e) || !inBranches.has(e.parentSchema as object));
    }
  }
  return kept;
}

/** Every schema node reachable from `node`, through nested keywords and $refs. */
function schemaNodes(root: Record<string, unknown>, node: unknown, found = new Set<object>()): Set<object> {
  if (!node || typeof node !== 'object' || found.has(node)) return found;
  found.add(node);
  const ref = (node as Record<string, unknown>).$ref;
  if (typeof ref === 'string') schemaNodes(root, schemaAt(root, ref), found);
  for (const child of Object.values(node)) schemaNodes(root, child, found);
  return found;
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

function resolveRef(root: Record<string, unknown>, node: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const ref = node?.$ref;
  return typeof ref === 'string' ? schemaAt(root, ref) : node;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value);
  return `${String(value)} (a ${typeof value})`;
}

/** Patterns of the schemas, in words. */
const PATTERNS: Record<string, string> = {
  '^[A-Z]{1,3}[0-9]{0,2}(\\.[0-9]{1,2})?$': 'a criterion such as A1.2, CC7.1 or C1',
  '^[A-Za-z0-9][A-Za-z0-9._-]*$': 'letters, digits, ".", "_" or "-", starting with a letter or digit',
};

/** What a schema (branch) accepts, in words: "a text", "a mapping with control (and criteria)". */
function describeSchema(root: Record<string, unknown>, node: Record<string, unknown> | undefined): string {
  const s = resolveRef(root, node);
  if (!s) return 'a value';
  if (s.type === 'string') return s.pattern ? 'a criterion such as A1.2 or CC7.1' : 'a text';
  if (s.type === 'object') {
    const required = (s.required as string[] | undefined) ?? [];
    const optional = Object.keys((s.properties as Record<string, unknown> | undefined) ?? {}).filter((k) => !required.includes(k));
    return `a mapping with ${required.join(', ')}${optional.length ? ` (and optionally ${optional.join(', ')})` : ''}`;
  }
  if (s.type === 'array') return 'a list';
  return 'a value';
}

const FORMAT_EXAMPLES: Record<string, string> = {
  'date-time': 'a date-time with a time zone, such as 2026-03-31T14:00:00Z',
  date: 'a date such as 2026-03-31',
  'aws-region': 'an AWS region such as us-east-1',
};

/** A format in words; a date-time that only lacks its time zone is shown with one, so the fix is plain. */
function describeFormat(format: string, value: unknown): string {
  if (format === 'date-time' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)) {
    return `a date-time with a time zone, such as ${value}Z`;
  }
  return FORMAT_EXAMPLES[format] ?? `a ${format}`;
}

function describeError(e: ErrorObject, data: unknown, schema: Record<string, unknown>): { at: Array<string | number>; message: string } {
  const at = segments(e.instancePath);
  const value = valueAt(data, at);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { at: [...at, String(params.missingProperty)], message: 'required field is missing' };
    case 'anyOf': {
      const branches = ((e.schema as Array<Record<string, unknown>> | undefined) ?? []).map((b) => resolveRef(schema, b) ?? b);
      if (branches.every((b) => typeof b.format === 'string')) {
        return { at, message: `expected ${branches.map((b) => describeFormat(String(b.format), value)).join(' or ')}, got ${describeValue(value)}` };
      }
      // A mapping that needs one of some fields: name the fields.
      if (describeValue(value) === 'a mapping' && branches.every((b) => b.type === 'object' && Array.isArray(b.required) && b.required.length > 0)) {
        return { at, message: `expected ${branches.flatMap((b) => b.required as string[]).join(' or ')}` };
      }
      return { at, message: `expected ${branches.map((b) => describeSchema(schema, b)).join(', or ')}; got ${describeValue(value)}` };
    }
    case 'additionalProperties': {
      const allowed = Object.keys(((e.parentSchema as Record<string, unknown> | undefined)?.properties as Record<string, unknown> | undefined) ?? {});
      return { at: [...at, String(params.additionalProperty)], message: `unexpected field; expected one of ${allowed.join(', ')}` };
    }
    case 'type':
      return { at, message: `expected ${params.type === 'object' ? 'a mapping' : params.type === 'array' ? 'a list' : params.type === 'string' ? 'a text' : `a ${String(params.type)}`}, got ${describeValue(value)}` };
    case 'format':
      return { at, message: `expected ${describeFormat(String(params.format), value)}, got ${describeValue(value)}` };
    case 'enum':
      return { at, message: `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(value)}` };
    case 'minimum':
      return { at, message: `expected a number ≥ ${String(params.limit)}, got ${String(value)}` };
    case 'minItems':
      return { at, message: `expected at least ${String(params.limit)} ${params.limit === 1 ? 'entry' : 'entries'}, got none` };
    case 'minLength':
      return { at, message: 'expected a non-empty text' };
    case 'maxLength':
      return { at, message: `expected at most ${String(params.limit)} characters` };
    case 'pattern':
      return { at, message: `expected ${PATTERNS[String(params.pattern)] ?? `text matching ${String(params.pattern)}`}, got ${describeValue(value)}` };
    default:
      return { at, message: e.message ?? e.keyword };
  }
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { InputIssue } from '../errors.js';
import { addProofpackFormats, jsonPointerToPath } from '../evidence/schemas.js';
import { schemasDir } from '../util/paths.js';

/**
 * Files people write for the report (the narrative, diagram sidecars): YAML (or JSON, which YAML
 * reads too) validated against a schema in evidence-schemas/, every problem an InputIssue naming
 * the file, the line, the field and what was expected.
 */

let ajv: Ajv | undefined;

/**
 * An Ajv of its own for people's files: `verbose` errors carry the schema node that failed, which
 * the messages need ("expected a text, or a mapping with …"); the shared evidence Ajv has no use
 * for that. The schemas are the same files in evidence-schemas/.
 */
function userFileAjv(): Ajv {
  if (!ajv) {
    ajv = addProofpackFormats(new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }));
    for (const id of ['narrative', 'diagram-sidecar']) ajv.addSchema(JSON.parse(readFileSync(path.join(schemasDir, `${id}.schema.json`), 'utf8')) as object);
  }
  return ajv;
}

export type ParsedUserFile = { ok: true; value: unknown } | { ok: false; issues: InputIssue[] };

/** Parses `text` and validates it against the schema `schemaId`; `shown` is the file name issues carry. */
export function parseUserFile(text: string, shown: string, schemaId: string, what: string): ParsedUserFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    return { ok: false, issues: doc.errors.map((e) => ({ file: shown, path: '', line: lineAt(e.pos[0]), message: `not valid YAML: ${e.message.split('\n')[0]}` })) };
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (value === null || value === undefined) return { ok: false, issues: [{ file: shown, path: '', message: `the file is empty; expected ${what}` }] };
  if (typeof value !== 'object' || Array.isArray(value)) return { ok: false, issues: [{ file: shown, path: '', line: 1, message: `expected ${what}, got ${describeValue(value)}` }] };
  const validate = userFileAjv().getSchema(schemaId);
  if (!validate) throw new Error(`evidence-schemas/${schemaId}.schema.json is missing`);
  if (validate(value)) return { ok: true, value };
  const schema = validate.schema as Record<string, unknown>;
  const issues = simplifyErrors(validate.errors ?? [], value, schema).map((e) => {
    const { at, message } = describeError(e, value, schema);
    return { file: shown, path: formatPath(at), line: lineOfPath(doc, at, lineAt), message };
  });
  const seen = new Set<string>();
  return {
    ok: false,
    issues: issues
      .filter((i) => {
        const key = `${i.path}|${i.message}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
  };
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
 * the anyOf's single error, which names the choices, does.
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
      kept = kept.filter((e) => !within(e));
    }
  }
  return kept;
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
};

function describeError(e: ErrorObject, data: unknown, schema: Record<string, unknown>): { at: Array<string | number>; message: string } {
  const at = segments(e.instancePath);
  const value = valueAt(data, at);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { at: [...at, String(params.missingProperty)], message: 'required field is missing' };
    case 'anyOf': {
      const branches = (e.schema as Array<Record<string, unknown>> | undefined) ?? [];
      if (branches.every((b) => typeof b.format === 'string')) {
        return { at, message: `expected ${branches.map((b) => FORMAT_EXAMPLES[String(b.format)] ?? String(b.format)).join(' or ')}, got ${describeValue(value)}` };
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
      return { at, message: `expected ${FORMAT_EXAMPLES[String(params.format)] ?? `a ${String(params.format)}`}, got ${describeValue(value)}` };
    case 'enum':
      return { at, message: `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(value)}` };
    case 'minLength':
      return { at, message: 'expected a non-empty text' };
    case 'maxLength':
      return { at, message: `expected at most ${String(params.limit)} characters` };
    case 'pattern':
      return { at, message: `expected a criterion such as A1.2, CC7.1 or C1, got ${describeValue(value)}` };
    default:
      return { at, message: e.message ?? e.keyword };
  }
}

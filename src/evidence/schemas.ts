import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isAwsRegion } from '../config/regions.js';
import { EvidenceValidationError } from '../errors.js';
import { schemasDir } from '../util/paths.js';

// ajv-formats is CommonJS with a default export; under NodeNext its namespace is the function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Registers proofpack's own string formats on an Ajv instance. */
export function addProofpackFormats(ajv: Ajv): Ajv {
  addFormats(ajv);
  ajv.addFormat('aws-region', { type: 'string', validate: isAwsRegion });
  return ajv;
}

let shared: Ajv | undefined;

/**
 * The one Ajv instance that validates evidence, gaps and manifests: every schema in
 * evidence-schemas/ (id = its `$id`, e.g. `backup.vaults.v1`). Loaded once, on first use.
 */
export function evidenceAjv(): Ajv {
  if (shared) return shared;
  const ajv = addProofpackFormats(new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }));
  for (const file of readdirSync(schemasDir).sort()) {
    if (!file.endsWith('.schema.json') || file === 'config.schema.json') continue;
    const schema = JSON.parse(readFileSync(path.join(schemasDir, file), 'utf8')) as { $id?: string };
    const expectedId = file.replace(/\.schema\.json$/, '');
    if (schema.$id !== expectedId) {
      throw new Error(`evidence-schemas/${file}: $id must be "${expectedId}", found ${JSON.stringify(schema.$id)}`);
    }
    ajv.addSchema(schema);
  }
  shared = ajv;
  return ajv;
}

/** Schemas of the evidence framework itself (not of a collector's data). */
export const FRAMEWORK_SCHEMAS: readonly string[] = [
  'envelope.v1',
  'gap.v1',
  'manifest.v1',
  'snapshot-index.v1',
  'snapshot-gaps.v1',
  'snapshot-run.v1',
];

/** Data schema ids known to this build (every schema that is not a framework schema). */
export function knownSchemaIds(): string[] {
  return Object.keys(evidenceAjv().schemas)
    .filter((id) => /\.v\d+$/.test(id) && !FRAMEWORK_SCHEMAS.includes(id))
    .sort();
}

export function schemaValidator(schemaId: string): ValidateFunction {
  const validate = evidenceAjv().getSchema(schemaId);
  if (!validate) throw new EvidenceValidationError('unknown schema', schemaId, [`no evidence-schemas/${schemaId}.schema.json`]);
  return validate;
}

export function describeAjvErrors(errors: ErrorObject[] | null | undefined, root = ''): string[] {
  return (errors ?? []).map((e) => {
    const inner = jsonPointerToPath(e.instancePath);
    const where = !root ? inner : !inner ? root : inner.startsWith('[') ? root + inner : `${root}.${inner}`;
    const detail =
      e.keyword === 'additionalProperties'
        ? `unexpected property "${(e.params as { additionalProperty: string }).additionalProperty}"`
        : e.keyword === 'enum'
          ? `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
          : (e.message ?? e.keyword);
    return where ? `${where}: ${detail}` : detail;
  });
}

/** `/regions/2/name` → `regions[2].name` */
export function jsonPointerToPath(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

/** Throws EvidenceValidationError unless `value` matches schema `schemaId`. */
export function assertValid(schemaId: string, value: unknown, what: string): void {
  const validate = schemaValidator(schemaId);
  if (!validate(value)) throw new EvidenceValidationError(what, schemaId, describeAjvErrors(validate.errors));
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describeAjvErrors } from '../evidence/schemas.js';
import { schemasDir } from '../util/paths.js';

// ajv-formats is CommonJS with a default export; under NodeNext its namespace is the function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** NIST's OSCAL 1.1.2 assessment-results JSON Schema, vendored unchanged (evidence-schemas/vendor/README.md). */
export const OSCAL_SCHEMA_FILE: string = path.join(schemasDir, 'vendor', 'oscal_assessment-results_schema.json');

let compiled: ValidateFunction | undefined;

/**
 * Validates a document against NIST's schema and returns its problems (empty when valid). Its own
 * Ajv instance: NIST's schema needs `strict: false`, which the evidence instance must not relax.
 * Compiled once, on first use.
 */
export function validateAssessmentResults(document: unknown): string[] {
  if (!compiled) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(OSCAL_SCHEMA_FILE, 'utf8')) as object);
  }
  return compiled(document) ? [] : describeAjvErrors(compiled.errors);
}

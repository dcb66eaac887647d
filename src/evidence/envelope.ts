import { EvidenceValidationError } from '../errors.js';
import { describeAjvErrors, schemaValidator } from './schemas.js';
import type { Envelope } from './types.js';

/** Region value of envelopes from account-wide sources (S3 ListBuckets, Organizations). */
export const GLOBAL_REGION = 'global';
/** Account value of envelopes from local records (DR game-day files). */
export const LOCAL_ACCOUNT = 'local';

/** `<snapshotId>_<account>_<region>_<collector>`: unique in a store, safe as a file name. */
export function evidenceId(snapshotId: string, account: string, region: string, collector: string): string {
  return `${snapshotId}_${account}_${region}_${collector}`;
}

/** Path of an envelope inside its snapshot folder. */
export function envelopePath(account: string, region: string, collector: string): string {
  return `evidence/${account}/${region}/${collector}.json`;
}

/**
 * Validates an envelope: its frame against envelope.v1, and its data against the schema it
 * names. Throws EvidenceValidationError listing every problem.
 */
export function validateEnvelope(value: unknown, where = 'evidence'): asserts value is Envelope {
  const frame = schemaValidator('envelope.v1');
  if (!frame(value)) {
    throw new EvidenceValidationError(`${where}: not a valid evidence envelope`, 'envelope.v1', describeAjvErrors(frame.errors));
  }
  const envelope = value as Envelope;
  const data = schemaValidator(envelope.schema);
  if (!data(envelope.data)) {
    throw new EvidenceValidationError(
      `${where}: data does not match ${envelope.schema}`,
      envelope.schema,
      describeAjvErrors(data.errors, 'data'),
    );
  }
}

import { canonicalJson } from '../util/canonical-json.js';
import {
  BUNDLE_ROLES,
  PUBLIC_KEY_FILE,
  SHA256SUMS_FILE,
  SIGNATURE_FILE,
  type BundleManifest,
  type BundleManifestEntry,
  type BundleRole,
} from './types.js';

/** manifest.json's bytes: canonical JSON (sorted keys, 2-space indent, final newline). */
export function serializeBundleManifest(manifest: BundleManifest): Buffer {
  return Buffer.from(canonicalJson(manifest), 'utf8');
}

export interface ParsedBundleManifest {
  manifest: BundleManifest | null;
  problems: string[];
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Reads manifest.json and checks its shape. Every problem names the field (`entries[3].sha256`);
 * `manifest` is null when the file cannot be used at all.
 */
export function parseBundleManifest(bytes: Buffer): ParsedBundleManifest {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { manifest: null, problems: [`not JSON (${(error as Error).message})`] };
  }
  const problems: string[] = [];
  if (!isObject(value)) return { manifest: null, problems: ['not a JSON object'] };
  if (value.bundle !== 'proofpack.bundle/v1') problems.push(`bundle: expected "proofpack.bundle/v1", found ${JSON.stringify(value.bundle)}`);
  for (const key of ['bundleId', 'organization', 'system', 'toolVersion', 'generatedAt'] as const) {
    if (typeof value[key] !== 'string' || value[key] === '') problems.push(`${key}: expected a non-empty string`);
  }
  if (!isObject(value.period) || typeof value.period.start !== 'string' || typeof value.period.end !== 'string') {
    problems.push('period: expected { start, end } strings');
  }
  const signing = value.signing;
  if (!isObject(signing)) {
    problems.push('signing: expected an object');
  } else {
    if (signing.algorithm !== 'Ed25519') problems.push('signing.algorithm: expected "Ed25519"');
    if (signing.key !== 'provided' && signing.key !== 'one-time') problems.push('signing.key: expected "provided" or "one-time"');
    if (signing.publicKeyFile !== PUBLIC_KEY_FILE) problems.push(`signing.publicKeyFile: expected "${PUBLIC_KEY_FILE}"`);
    if (signing.signatureFile !== SIGNATURE_FILE) problems.push(`signing.signatureFile: expected "${SIGNATURE_FILE}"`);
    if (signing.signedFile !== SHA256SUMS_FILE) problems.push(`signing.signedFile: expected "${SHA256SUMS_FILE}"`);
    if (typeof signing.publicKeySha256 !== 'string' || !HEX64.test(signing.publicKeySha256)) problems.push('signing.publicKeySha256: expected 64 lowercase hex digits');
  }
  if (!Array.isArray(value.entries)) {
    problems.push('entries: expected an array');
    return { manifest: null, problems };
  }
  const seen = new Set<string>();
  value.entries.forEach((entry: unknown, index: number) => {
    const where = `entries[${index}]`;
    if (!isObject(entry)) {
      problems.push(`${where}: expected an object`);
      return;
    }
    const e = entry as Partial<BundleManifestEntry> & Record<string, unknown>;
    if (typeof e.path !== 'string' || e.path === '') problems.push(`${where}.path: expected a non-empty string`);
    else if (seen.has(e.path)) problems.push(`${where}.path: ${e.path} is listed twice`);
    else seen.add(e.path);
    if (!BUNDLE_ROLES.includes(e.role as BundleRole)) problems.push(`${where}.role: expected one of ${BUNDLE_ROLES.join(', ')}`);
    if (!Number.isSafeInteger(e.size) || (e.size as number) < 0) problems.push(`${where}.size: expected a non-negative integer`);
    if (typeof e.sha256 !== 'string' || !HEX64.test(e.sha256)) problems.push(`${where}.sha256: expected 64 lowercase hex digits`);
    if (e.snapshot !== undefined) {
      const s = e.snapshot as unknown;
      if (!isObject(s) || typeof s.id !== 'string' || typeof s.path !== 'string' || typeof s.sha256 !== 'string' || !HEX64.test(s.sha256)) {
        problems.push(`${where}.snapshot: expected { id, path, sha256 }`);
      }
    }
  });
  return { manifest: problems.length === 0 ? (value as unknown as BundleManifest) : null, problems };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

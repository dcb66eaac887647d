import { createHash } from 'node:crypto';

/** RFC 4122 name-space ids (appendix C). */
export const NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
export const NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A name-based UUID, version 5 (RFC 4122 §4.3): SHA-1 of the namespace's 16 bytes followed by the
 * name's UTF-8 bytes, truncated to 16 bytes, with the version and variant bits set. The same
 * namespace and name always give the same UUID, which keeps OSCAL output deterministic.
 */
export function uuidV5(name: string, namespace: string): string {
  if (!UUID.test(namespace)) throw new TypeError(`uuidV5: namespace must be a UUID, got ${JSON.stringify(namespace)}`);
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** proofpack's own namespace: uuidV5('https://proofpack.dev/ns', NAMESPACE_URL). Every proofpack UUID is derived from it. */
export const PROOFPACK_NAMESPACE: string = uuidV5('https://proofpack.dev/ns', NAMESPACE_URL);

import { assertValid } from './schemas.js';
import type { ChainLink, Manifest, ManifestFile, SnapshotMetadata } from './types.js';
import { canonicalJson } from '../util/canonical-json.js';
import { sha256Hex } from '../util/hash.js';

export const MANIFEST_FILE = 'manifest.json';

/** Builds the manifest that closes a snapshot. Files are sorted by path so the bytes are stable. */
export function buildManifest(
  metadata: SnapshotMetadata,
  files: ManifestFile[],
  previous: ChainLink | null,
  createdAt: string,
): Manifest {
  const manifest: Manifest = {
    manifest: 'proofpack.manifest/v1',
    ...metadata,
    createdAt,
    previous,
    files: [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
  assertValid('manifest.v1', manifest, `manifest of snapshot ${metadata.snapshotId}`);
  return manifest;
}

/** The manifest's bytes as written to disk (canonical JSON), and their SHA-256. */
export function serializeManifest(manifest: Manifest): { bytes: Buffer; sha256: string } {
  const bytes = Buffer.from(canonicalJson(manifest), 'utf8');
  return { bytes, sha256: sha256Hex(bytes) };
}

export function parseManifest(bytes: Buffer, where: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new Error(`${where}: manifest.json is not JSON (${(error as Error).message})`, { cause: error });
  }
  assertValid('manifest.v1', value, `${where}: manifest.json`);
  return value as Manifest;
}

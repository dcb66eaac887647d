import { sha256Hex } from '../util/hash.js';
import { MANIFEST_FILE } from './manifest.js';
import type { EvidenceStore, StoredManifest } from './store.js';

export interface ChainProblem {
  snapshotId: string;
  message: string;
}

/**
 * Checks the hash chain across manifests: ordered by commit time, each snapshot must name its
 * predecessor and that predecessor's exact manifest hash. Reports an altered manifest, a missing
 * link, a restarted chain and a fork. The earliest snapshot may name one that is not present
 * (an older period's snapshot), which is not a problem.
 */
export function verifyChain(snapshots: readonly StoredManifest[]): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const ordered = [...snapshots].sort(
    (a, b) =>
      a.manifest.createdAt.localeCompare(b.manifest.createdAt) || a.manifest.snapshotId.localeCompare(b.manifest.snapshotId),
  );
  const byId = new Map(ordered.map((s) => [s.manifest.snapshotId, s]));
  const claimedBy = new Map<string, string>();
  ordered.forEach((snapshot, index) => {
    const id = snapshot.manifest.snapshotId;
    const previous = snapshot.manifest.previous;
    const expected = index > 0 ? ordered[index - 1] : undefined;
    if (!previous) {
      if (expected) problems.push({ snapshotId: id, message: `names no previous snapshot, but ${expected.manifest.snapshotId} was committed before it (the chain restarts here)` });
      return;
    }
    const earlier = claimedBy.get(previous.snapshotId);
    if (earlier) problems.push({ snapshotId: id, message: `forks the chain: ${earlier} also follows ${previous.snapshotId}` });
    claimedBy.set(previous.snapshotId, id);
    const target = byId.get(previous.snapshotId);
    if (!target) {
      if (expected) problems.push({ snapshotId: id, message: `names previous snapshot ${previous.snapshotId}, which is missing` });
      return;
    }
    if (target.sha256 !== previous.manifestSha256) {
      problems.push({
        snapshotId: id,
        message: `names ${previous.snapshotId} with manifest SHA-256 ${previous.manifestSha256}, but that manifest now hashes to ${target.sha256} (altered after it was chained)`,
      });
    }
    if (expected && expected.manifest.snapshotId !== previous.snapshotId) {
      problems.push({
        snapshotId: id,
        message: `names ${previous.snapshotId} as previous, but ${expected.manifest.snapshotId} was committed in between`,
      });
    }
  });
  return problems;
}

/** Checks one snapshot's files against its manifest: every hash and size, nothing missing, nothing extra. */
export async function verifySnapshotFiles(store: EvidenceStore, stored: StoredManifest): Promise<ChainProblem[]> {
  const id = stored.manifest.snapshotId;
  const problems: ChainProblem[] = [];
  const listed = new Set(stored.manifest.files.map((f) => f.path));
  for (const file of stored.manifest.files) {
    let bytes: Buffer;
    try {
      bytes = await store.readSnapshotFile(id, file.path);
    } catch {
      problems.push({ snapshotId: id, message: `${file.path} is listed in the manifest but missing` });
      continue;
    }
    const sha256 = sha256Hex(bytes);
    if (sha256 !== file.sha256 || bytes.length !== file.size) {
      problems.push({ snapshotId: id, message: `${file.path} does not match the manifest (SHA-256 ${sha256}, expected ${file.sha256})` });
    }
  }
  for (const rel of await store.listSnapshotFiles(id)) {
    if (rel !== MANIFEST_FILE && !listed.has(rel)) problems.push({ snapshotId: id, message: `${rel} is not listed in the manifest` });
  }
  return problems;
}

import type { StoredManifest } from './store.js';
import type { ChainLink } from './types.js';

/**
 * The snapshot a new manifest chains to: the newest committed one by commit time (`createdAt`),
 * ties broken by id — the same rule the local store applies, so every store chains alike.
 */
export function selectChainHead(snapshots: Iterable<Pick<StoredManifest, 'manifest' | 'sha256'>>): ChainLink | null {
  let head: { link: ChainLink; createdAt: string } | null = null;
  for (const { manifest, sha256 } of snapshots) {
    const key = manifest.createdAt;
    const id = manifest.snapshotId;
    if (!head || key > head.createdAt || (key === head.createdAt && id > head.link.snapshotId)) {
      head = { link: { snapshotId: id, manifestSha256: sha256 }, createdAt: key };
    }
  }
  return head?.link ?? null;
}

/**
 * The evidence a report bundles, read from the store once: the snapshot manifests of the chain
 * the period rests on, and every trusted envelope of the period view with its provenance and the
 * SHA-256 its snapshot's manifest recorded. Bytes that no longer match that record are never
 * bundled: reading them is a StoreError (the store was altered after it was evaluated).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StoreError } from '../errors.js';
import { LocalEvidenceStore } from '../evidence/local-store.js';
import type { EvidenceStore, StoredManifest } from '../evidence/store.js';
import type { CallRecord, CallerIdentity, Envelope } from '../evidence/types.js';
import type { EnvelopeSummary, PeriodView } from '../period/types.js';
import { sha256Hex } from '../util/hash.js';
import { mapWithConcurrency } from '../util/limiter.js';

/** One trusted envelope of the period, as the report needs it (its data is not kept). */
export interface EvidenceFacts {
  summary: EnvelopeSummary;
  /** SHA-256 and size as the snapshot's manifest recorded them (and as the bytes still are). */
  sha256: string;
  size: number;
  /** Absolute path of the bytes to zip: the store's own file (local store) or a staged copy. */
  file?: string;
  provenance: {
    toolVersion: string;
    callerIdentity: CallerIdentity | null;
    endpoint?: string;
    startedAt: string;
    endedAt: string;
    /** Set for an organization-wide listing made with another account's role. */
    view?: string;
    calls: CallRecord[];
  };
}

/** The snapshot manifests the bundle carries: a contiguous stretch of the store's chain. */
export interface BundledChain {
  /** In chain order (commit time, then id), as verifyChain orders them. */
  manifests: StoredManifest[];
  /** Snapshots in that stretch whose manifest no longer hashes to what the next one chained: left out. */
  altered: string[];
  /** SHA-256 of the newest bundled manifest. */
  headSha256: string;
}

/**
 * Every manifest from the oldest to the newest snapshot the period view loaded, in chain order,
 * including any snapshot committed in between (so that the chain in the bundle has no hole),
 * except a manifest that was altered after its successor chained it (never bundle altered bytes;
 * the bundle's `snapshots.chain` check then names the hole, as the report's coverage problems do).
 */
export async function readBundledChain(store: EvidenceStore, view: Pick<PeriodView, 'snapshots'>): Promise<BundledChain> {
  const loaded = new Set(view.snapshots.map((s) => s.id));
  const all: StoredManifest[] = [];
  for (const id of await store.listSnapshotIds()) {
    try {
      all.push(await store.readManifest(id));
    } catch {
      // An unreadable manifest is already a period problem (`unreadable`); it cannot be bundled.
    }
  }
  all.sort((a, b) => a.manifest.createdAt.localeCompare(b.manifest.createdAt) || a.manifest.snapshotId.localeCompare(b.manifest.snapshotId));
  const indexes = all.map((m, i) => (loaded.has(m.manifest.snapshotId) ? i : -1)).filter((i) => i >= 0);
  if (indexes.length === 0) return { manifests: [], altered: [], headSha256: sha256Hex('') };
  const stretch = all.slice(Math.min(...indexes), Math.max(...indexes) + 1);
  const byId = new Map(all.map((m) => [m.manifest.snapshotId, m]));
  const altered = new Set<string>();
  for (const m of all) {
    const previous = m.manifest.previous;
    const target = previous ? byId.get(previous.snapshotId) : undefined;
    if (previous && target && target.sha256 !== previous.manifestSha256) altered.add(previous.snapshotId);
  }
  const manifests = stretch.filter((m) => !altered.has(m.manifest.snapshotId));
  return {
    manifests,
    altered: stretch.filter((m) => altered.has(m.manifest.snapshotId)).map((m) => m.manifest.snapshotId),
    headSha256: manifests.length ? manifests[manifests.length - 1].sha256 : sha256Hex(''),
  };
}

export interface ReadEvidenceOptions {
  /**
   * Where to stage copies of envelopes for zipping when the store is not a local folder (S3).
   * Without it, no file is staged (a caller that only needs the facts, like `sample -c`).
   */
  stageDir?: string;
  concurrency?: number;
}

/**
 * Reads every trusted envelope of the view once: checks its bytes against the manifest record,
 * keeps its provenance, and (for stores that are not local folders) stages a copy to zip.
 */
export async function readEvidenceFacts(
  store: EvidenceStore,
  view: Pick<PeriodView, 'envelopes'>,
  chain: BundledChain,
  options: ReadEvidenceOptions = {},
): Promise<Map<string, EvidenceFacts>> {
  const records = new Map(chain.manifests.map((m) => [m.manifest.snapshotId, new Map(m.manifest.files.map((f) => [f.path, f]))]));
  const trusted = view.envelopes.filter((e) => e.trusted && records.has(e.snapshotId));
  const local = store instanceof LocalEvidenceStore ? store : undefined;
  const facts = new Map<string, EvidenceFacts>();
  await mapWithConcurrency(trusted, options.concurrency ?? 4, async (summary) => {
    const recorded = records.get(summary.snapshotId)!.get(summary.path);
    if (!recorded) throw new StoreError(`snapshot ${summary.snapshotId}: ${summary.path} is not listed in its manifest`);
    let bytes: Buffer;
    try {
      bytes = await store.readSnapshotFile(summary.snapshotId, summary.path);
    } catch (error) {
      throw new StoreError(`snapshot ${summary.snapshotId}: cannot read ${summary.path} (${(error as Error).message})`, { cause: error });
    }
    const sha256 = sha256Hex(bytes);
    if (sha256 !== recorded.sha256 || bytes.length !== recorded.size) {
      throw new StoreError(
        `snapshot ${summary.snapshotId}: ${summary.path} changed while the report was being built (SHA-256 ${sha256}, its manifest recorded ${recorded.sha256}); the store was altered — run \`proofpack coverage\` and report again`,
      );
    }
    const envelope = JSON.parse(bytes.toString('utf8')) as Envelope;
    let file: string | undefined;
    if (local) {
      file = path.join(local.snapshotDir(summary.snapshotId), ...summary.path.split('/'));
    } else if (options.stageDir) {
      file = path.join(options.stageDir, summary.snapshotId, ...summary.path.split('/'));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, bytes);
    }
    const p = envelope.provenance;
    facts.set(summary.id, {
      summary,
      sha256,
      size: bytes.length,
      ...(file ? { file } : {}),
      provenance: {
        toolVersion: p.toolVersion,
        callerIdentity: p.callerIdentity,
        ...(p.endpoint ? { endpoint: p.endpoint } : {}),
        startedAt: p.startedAt,
        endedAt: p.endedAt,
        ...(p.view ? { view: p.view } : {}),
        calls: p.calls,
      },
    });
  });
  return facts;
}

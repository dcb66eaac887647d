import { collectors as registry } from '../collectors/index.js';
import { retentionDaysOf, type Collector } from '../collectors/types.js';
import type { Config } from '../config/types.js';
import { EvidenceValidationError } from '../errors.js';
import { verifyChain } from '../evidence/chain.js';
import { envelopePath, evidenceId, validateEnvelope } from '../evidence/envelope.js';
import { MANIFEST_FILE } from '../evidence/manifest.js';
import { assertValid } from '../evidence/schemas.js';
import { GAPS_FILE, INDEX_FILE, type SnapshotIndex, type SnapshotIndexEntry } from '../evidence/snapshot-index.js';
import type { EvidenceStore, StoredManifest } from '../evidence/store.js';
import type { Envelope, Gap } from '../evidence/types.js';
import { sha256Hex } from '../util/hash.js';
import { mapWithConcurrency } from '../util/limiter.js';
import { PeriodViewBuilder, periodRange } from './period-view.js';
import { KNOWN_WINDOWED_SOURCES, listRecords, recordKey } from './sources.js';
import type { EnvelopeSummary, PeriodProblem, PeriodView, SourceInfo } from './types.js';

const DAY_MS = 86_400_000;

/**
 * How far outside the period snapshots are still loaded: a point-in-time capture up to this many
 * days before the start (or after the end) tells the state at the period's edges, and is what
 * the coverage rule for point-in-time sources brackets days with.
 */
export const EDGE_DAYS = 35;

export interface LoadPeriodOptions {
  /** Sources to describe; default: the collector registry (plus windowed sources known to this build). */
  collectors?: readonly Collector[];
  /** Files read at once within a snapshot (an S3 store benefits from a few). Default 4. */
  concurrency?: number;
}

/** Describes sources for the view: kind (windowed or point-in-time), group, scope and retention. */
export function describeSources(collectors: readonly Collector[] = registry, config?: Config): SourceInfo[] {
  const infos = new Map<string, SourceInfo>();
  for (const [id, known] of Object.entries(KNOWN_WINDOWED_SOURCES)) {
    infos.set(id, { id, title: id, kind: 'windowed', group: known.group, scope: 'region', retentionDays: known.retentionDays });
  }
  for (const c of collectors) {
    const retentionDays = retentionDaysOf(c, config);
    const windowed = retentionDays !== undefined && c.scope !== 'local';
    infos.set(c.id, {
      id: c.id,
      title: c.title,
      kind: windowed ? 'windowed' : 'point-in-time',
      group: c.group,
      scope: c.scope,
      ...(retentionDays !== undefined ? { retentionDays } : {}),
    });
  }
  return [...infos.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Loads the period's evidence from a store: every snapshot whose envelopes touch the period (or
 * the {@link EDGE_DAYS} around it), each file checked against its manifest (SHA-256 and size,
 * nothing missing, nothing unlisted) while it is read, the hash chain across all manifests
 * checked, every envelope validated against its schema. Problems are returned in the view, never
 * thrown: evidence from an altered snapshot or file is left out and the problem is reported.
 * Reads each file once, so the cost is one pass over the period's evidence.
 */
export async function loadPeriod(store: EvidenceStore, config: Pick<Config, 'period' | 'accounts'> & Partial<Config>, options: LoadPeriodOptions = {}): Promise<PeriodView> {
  const period = periodRange(config.period);
  const sources = describeSources(options.collectors ?? registry, config as Config);
  const kindOf = new Map(sources.map((s) => [s.id, s.kind]));
  const configAccounts = Array.isArray(config.accounts) ? config.accounts.map((a) => a.id) : [];
  const builder = new PeriodViewBuilder(period, sources, configAccounts);
  const loadFrom = new Date(Date.parse(period.from) - EDGE_DAYS * DAY_MS).toISOString();
  const loadTo = new Date(Date.parse(period.to) + EDGE_DAYS * DAY_MS).toISOString();

  // 1. Every manifest of the store: the chain is checked across all of them.
  const manifests: StoredManifest[] = [];
  for (const id of await store.listSnapshotIds()) {
    try {
      manifests.push(await store.readManifest(id));
    } catch (error) {
      builder.problems.push({ kind: 'unreadable', snapshotId: id, path: MANIFEST_FILE, message: `cannot read the manifest: ${(error as Error).message}` });
    }
  }
  const chainProblems = verifyChain(manifests);
  const alteredManifests = findAlteredManifests(manifests);

  // 2. Which snapshots touch the period: their index says.
  const loaded = new Set<string>();
  const indexes = new Map<string, SnapshotIndex>();
  for (const stored of manifests) {
    const id = stored.manifest.snapshotId;
    const indexFile = stored.manifest.files.find((f) => f.path === INDEX_FILE);
    let index: SnapshotIndex | undefined;
    try {
      const bytes = await store.readSnapshotFile(id, INDEX_FILE);
      index = JSON.parse(bytes.toString('utf8')) as SnapshotIndex;
      assertValid('snapshot-index.v1', index, `${id}/${INDEX_FILE}`);
      if (!indexFile || sha256Hex(bytes) !== indexFile.sha256) {
        // The index decides what is loaded; an altered one is reported when the snapshot is read.
        index = undefined;
      }
    } catch {
      index = undefined;
    }
    // A run in the range matters even without envelopes: its gaps say what failed.
    const ranInRange = stored.manifest.startedAt >= loadFrom && stored.manifest.startedAt < loadTo;
    const touches = ranInRange || (index?.envelopes.some((e) => e.window.end >= loadFrom && e.window.start < loadTo) ?? false);
    if (!touches) continue;
    loaded.add(id);
    if (index) indexes.set(id, index);
  }

  // 3. Read every loaded snapshot in one pass, verifying as we go.
  for (const stored of manifests) {
    const id = stored.manifest.snapshotId;
    if (!loaded.has(id)) continue;
    const problemsBefore = builder.problems.length;
    if (alteredManifests.has(id)) {
      builder.problems.push({ kind: 'altered', snapshotId: id, path: MANIFEST_FILE, message: alteredManifests.get(id)! });
    }
    await readSnapshot(store, stored, indexes.get(id), builder, kindOf, options.concurrency ?? 4, !alteredManifests.has(id));
    const trusted = !alteredManifests.has(id) && !builder.problems.slice(problemsBefore).some((p) => p.path === INDEX_FILE || p.path === GAPS_FILE || p.path === MANIFEST_FILE);
    builder.snapshots.push({
      id,
      createdAt: stored.manifest.createdAt,
      startedAt: stored.manifest.startedAt,
      ...(stored.manifest.runId ? { runId: stored.manifest.runId } : {}),
      ...(stored.manifest.shard ? { shard: stored.manifest.shard } : {}),
      sources: stored.manifest.sources,
      accounts: stored.manifest.accounts.map((a) => a.id),
      regions: stored.manifest.regions,
      trusted,
    });
  }
  for (const p of chainProblems) {
    if (loaded.has(p.snapshotId)) builder.problems.push({ kind: 'chain', snapshotId: p.snapshotId, message: p.message });
  }
  builder.problems.sort((a, b) => a.snapshotId.localeCompare(b.snapshotId) || (a.path ?? '').localeCompare(b.path ?? '') || a.message.localeCompare(b.message));
  return builder.build();
}

/** Snapshots whose manifest no longer hashes to what the next snapshot chained: they were altered after commit. */
function findAlteredManifests(manifests: readonly StoredManifest[]): Map<string, string> {
  const byId = new Map(manifests.map((m) => [m.manifest.snapshotId, m]));
  const altered = new Map<string, string>();
  for (const m of manifests) {
    const previous = m.manifest.previous;
    const target = previous ? byId.get(previous.snapshotId) : undefined;
    if (previous && target && target.sha256 !== previous.manifestSha256) {
      altered.set(
        previous.snapshotId,
        `manifest.json hashes to ${target.sha256}, but snapshot ${m.manifest.snapshotId} chained it as ${previous.manifestSha256}: it was altered after it was committed`,
      );
    }
  }
  return altered;
}

async function readSnapshot(
  store: EvidenceStore,
  stored: StoredManifest,
  index: SnapshotIndex | undefined,
  builder: PeriodViewBuilder,
  kindOf: Map<string, SourceInfo['kind']>,
  concurrency: number,
  manifestTrusted: boolean,
): Promise<void> {
  const snapshotId = stored.manifest.snapshotId;
  const problem = (p: Omit<PeriodProblem, 'snapshotId'>) => builder.problems.push({ snapshotId, ...p });
  const listed = new Set(stored.manifest.files.map((f) => f.path));
  const badFiles = new Set<string>();
  const entriesByPath = new Map((index?.envelopes ?? []).map((e) => [e.path, e]));
  const validEnvelopes = new Set<string>();

  await mapWithConcurrency(stored.manifest.files, concurrency, async (file) => {
    let bytes: Buffer;
    try {
      bytes = await store.readSnapshotFile(snapshotId, file.path);
    } catch {
      badFiles.add(file.path);
      problem({ kind: 'altered', path: file.path, message: `${file.path} is listed in the manifest but missing` });
      return;
    }
    const sha256 = sha256Hex(bytes);
    if (sha256 !== file.sha256 || bytes.length !== file.size) {
      badFiles.add(file.path);
      problem({ kind: 'altered', path: file.path, message: `${file.path} does not match the manifest (SHA-256 ${sha256}, expected ${file.sha256})` });
      return;
    }
    if (!manifestTrusted || !index) return;
    if (file.path === GAPS_FILE) {
      readGaps(bytes, snapshotId, stored.manifest.startedAt, builder, problem);
    } else if (file.path.startsWith('evidence/')) {
      const entry = entriesByPath.get(file.path);
      if (readEnvelope(bytes, file.path, snapshotId, entry, builder, kindOf, problem)) validEnvelopes.add(file.path);
    }
  });
  try {
    for (const rel of await store.listSnapshotFiles(snapshotId)) {
      if (rel !== MANIFEST_FILE && !listed.has(rel)) problem({ kind: 'altered', path: rel, message: `${rel} is not listed in the manifest` });
    }
  } catch (error) {
    problem({ kind: 'unreadable', message: `cannot list the snapshot's files: ${(error as Error).message}` });
  }
  if (!index) {
    if (!badFiles.has(INDEX_FILE)) problem({ kind: 'invalid', path: INDEX_FILE, message: `${INDEX_FILE} is missing or does not match snapshot-index.v1` });
    return;
  }
  const indexTrusted = manifestTrusted && !badFiles.has(INDEX_FILE);
  for (const entry of index.envelopes) {
    builder.envelopes.push(summarize(entry, snapshotId, indexTrusted && validEnvelopes.has(entry.path)));
  }
}

function summarize(entry: SnapshotIndexEntry, snapshotId: string, trusted: boolean): EnvelopeSummary {
  return {
    id: entry.id,
    snapshotId,
    path: entry.path,
    collector: entry.collector,
    schema: entry.schema,
    account: entry.account,
    region: entry.region,
    window: entry.window,
    complete: entry.complete,
    recordCount: entry.recordCount,
    capturedAt: entry.window.end,
    trusted,
  };
}

function readGaps(
  bytes: Buffer,
  snapshotId: string,
  snapshotAt: string,
  builder: PeriodViewBuilder,
  problem: (p: Omit<PeriodProblem, 'snapshotId'>) => void,
): void {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as { items: Gap[] };
    assertValid('snapshot-gaps.v1', doc, `${snapshotId}/${GAPS_FILE}`);
    for (const gap of doc.items) builder.gaps.push({ ...gap, snapshotId, snapshotAt });
  } catch (error) {
    problem({ kind: 'invalid', path: GAPS_FILE, message: `${GAPS_FILE} is not valid: ${(error as Error).message}` });
  }
}

/** Validates one envelope and merges it into the view. Returns whether it was usable. */
function readEnvelope(
  bytes: Buffer,
  rel: string,
  snapshotId: string,
  entry: SnapshotIndexEntry | undefined,
  builder: PeriodViewBuilder,
  kindOf: Map<string, SourceInfo['kind']>,
  problem: (p: Omit<PeriodProblem, 'snapshotId'>) => void,
): boolean {
  let envelope: Envelope;
  try {
    const value = JSON.parse(bytes.toString('utf8')) as unknown;
    validateEnvelope(value, `${snapshotId}/${rel}`);
    envelope = value;
  } catch (error) {
    const message = error instanceof EvidenceValidationError ? error.message : `${snapshotId}/${rel}: not JSON (${(error as Error).message})`;
    problem({ kind: 'invalid', path: rel, message });
    return false;
  }
  const expectedPath = envelopePath(envelope.account, envelope.region, envelope.collector);
  const expectedId = evidenceId(snapshotId, envelope.account, envelope.region, envelope.collector);
  if (envelope.snapshotId !== snapshotId || envelope.id !== expectedId || rel !== expectedPath) {
    problem({ kind: 'invalid', path: rel, message: `${rel} holds envelope ${envelope.id} of snapshot ${envelope.snapshotId}, which belongs at ${expectedPath} of that snapshot` });
    return false;
  }
  if (!entry || entry.id !== envelope.id || entry.complete !== envelope.complete || entry.window.start !== envelope.window.start || entry.window.end !== envelope.window.end) {
    problem({ kind: 'invalid', path: rel, message: `${rel} does not match its line in ${INDEX_FILE}` });
    return false;
  }
  if (kindOf.get(envelope.collector) === 'windowed') {
    for (const record of listRecords(envelope.data, envelope.collector)) {
      builder.addRecord(envelope.collector, {
        record,
        key: recordKey(record) ?? JSON.stringify(record),
        evidenceId: envelope.id,
        snapshotId,
        account: envelope.account,
        region: envelope.region,
        observedAt: envelope.provenance.endedAt,
      });
    }
  } else {
    builder.addCapture({
      evidenceId: envelope.id,
      snapshotId,
      collector: envelope.collector,
      account: envelope.account,
      region: envelope.region,
      at: envelope.window.end,
      complete: envelope.complete,
      gaps: envelope.gaps,
      data: envelope.data,
    });
  }
  return true;
}

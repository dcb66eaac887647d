/**
 * Real snapshots for tests of the period view, the coverage ledger and the controls: envelopes
 * that validate against their schemas, index.json, gaps.json and a chained manifest, written to a
 * temporary LocalEvidenceStore exactly as `collect` writes them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GLOBAL_REGION, envelopePath, evidenceId, validateEnvelope } from '../../src/evidence/envelope.js';
import { LocalEvidenceStore } from '../../src/evidence/local-store.js';
import { GAPS_FILE, INDEX_FILE, RUN_FILE, type SnapshotIndexEntry } from '../../src/evidence/snapshot-index.js';
import { newSnapshotId } from '../../src/evidence/snapshot-id.js';
import type { CallRecord, Envelope, Gap } from '../../src/evidence/types.js';
import { canonicalJson } from '../../src/util/canonical-json.js';

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';

export interface FixtureEnvelope {
  collector: string;
  account?: string;
  /** Default: us-east-1; `global` for account-wide sources. */
  region?: string;
  data: unknown;
  /** Default: the snapshot's time (a point-in-time capture). */
  window?: { start: string; end: string };
  complete?: boolean;
  gaps?: Gap[];
  /** Default: the window's end. */
  endedAt?: string;
  /** Default: `<collector>.v1`. */
  schema?: string;
  /** Write the envelope even though it does not validate (to test how invalid evidence is read). */
  invalid?: boolean;
  /** The API calls its provenance records (default none). */
  calls?: CallRecord[];
}

export interface FixtureSnapshot {
  /** When the run happened (ISO 8601); also the commit time that orders the chain. */
  at: string;
  envelopes: FixtureEnvelope[];
  /** Gaps of the run (gaps.json); each envelope's own gaps are added automatically. */
  gaps?: Gap[];
  suffix?: string;
}

export interface FixtureStore {
  store: LocalEvidenceStore;
  dir: string;
  /** Writes a committed snapshot and returns its id. Write snapshots in time order. */
  write(snapshot: FixtureSnapshot): Promise<string>;
  cleanup(): Promise<void>;
}

let counter = 0;

export async function createFixtureStore(): Promise<FixtureStore> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-period-'));
  const store = new LocalEvidenceStore(dir);
  return {
    store,
    dir,
    write: (snapshot) => writeFixtureSnapshot(store, snapshot),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function writeFixtureSnapshot(store: LocalEvidenceStore, snapshot: FixtureSnapshot): Promise<string> {
  const at = new Date(snapshot.at);
  counter += 1;
  const snapshotId = newSnapshotId(at, snapshot.suffix ?? `f${counter.toString(16).padStart(5, '0')}`);
  const writer = await store.beginSnapshot(snapshotId);
  const sources = [...new Set(snapshot.envelopes.map((e) => e.collector))].sort();
  const accounts = [...new Set(snapshot.envelopes.map((e) => e.account ?? ACCOUNT).filter((a) => a !== 'local'))].sort();
  const regions = [...new Set(snapshot.envelopes.map((e) => e.region ?? 'us-east-1').filter((r) => r !== GLOBAL_REGION))].sort();
  await writer.writeFile(
    RUN_FILE,
    canonicalJson({
      run: 'proofpack.snapshot-run/v1',
      snapshotId,
      runId: snapshotId,
      startedAt: at.toISOString(),
      sources,
      accounts: accounts.map((id) => ({ id, name: id })),
      regions,
      windows: [],
    }),
  );
  const entries: SnapshotIndexEntry[] = [];
  const gaps: Gap[] = [...(snapshot.gaps ?? [])];
  for (const e of snapshot.envelopes) {
    const account = e.account ?? ACCOUNT;
    const region = e.region ?? 'us-east-1';
    const window = e.window ?? { start: at.toISOString(), end: at.toISOString() };
    const envelope: Envelope = {
      envelope: 'proofpack.evidence/v1',
      id: evidenceId(snapshotId, account, region, e.collector),
      snapshotId,
      collector: e.collector,
      schema: e.schema ?? `${e.collector}.v1`,
      account,
      region,
      window,
      complete: e.complete ?? !(e.gaps ?? []).some((g) => g.kind !== 'window'),
      provenance: {
        toolVersion: 'test',
        callerIdentity: account === 'local' ? null : { account, arn: `arn:aws:iam::${account}:role/proofpack` },
        startedAt: window.start,
        endedAt: e.endedAt ?? window.end,
        calls: e.calls ?? [],
      },
      recordCount: countRecords(e.data),
      gaps: e.gaps ?? [],
      data: e.data,
    };
    const rel = envelopePath(account, region, e.collector);
    if (!e.invalid) validateEnvelope(envelope, `fixture ${rel}`);
    await writer.writeFile(rel, canonicalJson(envelope));
    entries.push({
      id: envelope.id,
      path: rel,
      collector: envelope.collector,
      schema: envelope.schema,
      account,
      region,
      window,
      complete: envelope.complete,
      recordCount: envelope.recordCount,
    });
    gaps.push(...(e.gaps ?? []));
  }
  entries.sort((a, b) => a.path.localeCompare(b.path));
  await writer.writeFile(INDEX_FILE, canonicalJson({ index: 'proofpack.snapshot-index/v1', snapshotId, envelopes: entries }));
  await writer.writeFile(GAPS_FILE, canonicalJson({ gaps: 'proofpack.snapshot-gaps/v1', snapshotId, items: gaps }));
  await writer.commit(
    {
      snapshotId,
      runId: snapshotId,
      startedAt: at.toISOString(),
      toolVersion: 'test',
      sources,
      accounts: accounts.map((id) => ({ id, name: id })),
      regions,
    },
    { createdAt: new Date(at.getTime() + 60_000) },
  );
  return snapshotId;
}

function countRecords(data: unknown): number {
  if (Array.isArray(data)) return data.length;
  if (data && typeof data === 'object') {
    const list = Object.values(data).find(Array.isArray) as unknown[] | undefined;
    return list ? list.length : 1;
  }
  return 0;
}

/** ISO timestamp of a day plus hours: `at('2026-03-01', 2)` → 2026-03-01T02:00:00.000Z. */
export function at(day: string, hours = 0, minutes = 0): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + (hours * 60 + minutes) * 60_000).toISOString();
}

/** ISO timestamp `days` after `iso`. */
export function plusDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString();
}

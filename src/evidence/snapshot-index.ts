import { sortGaps } from './gap-order.js';
import { assertValid } from './schemas.js';
import type { Gap, TimeWindow } from './types.js';

/** `index.json` of a snapshot: one line per envelope, so coverage and windows need not read every envelope. */
export interface SnapshotIndexEntry {
  id: string;
  path: string;
  collector: string;
  schema: string;
  account: string;
  region: string;
  window: TimeWindow;
  complete: boolean;
  recordCount: number;
}

export interface SnapshotIndex {
  index: 'proofpack.snapshot-index/v1';
  snapshotId: string;
  envelopes: SnapshotIndexEntry[];
}

export const INDEX_FILE = 'index.json';
export const GAPS_FILE = 'gaps.json';
export const RUN_FILE = 'run.json';

/** `run.json` of a snapshot (snapshot-run.v1): what the run was asked to collect, and the window of each source. */
export interface SnapshotRun {
  run: 'proofpack.snapshot-run/v1';
  snapshotId: string;
  runId: string;
  startedAt: string;
  toolVersion?: string;
  endpoint?: string;
  shard?: string;
  period?: { start: string; end: string };
  sources: string[];
  accounts: Array<{ id: string; name: string; roleArn?: string }>;
  regions: string[];
  windows: Array<{ collector: string; account: string; region: string; start: string; end: string; gaps?: Gap[] }>;
}

export interface SnapshotGaps {
  gaps: 'proofpack.snapshot-gaps/v1';
  snapshotId: string;
  items: Gap[];
}

/**
 * index.json and gaps.json of a snapshot, validated: the envelopes by path, the gaps in their
 * canonical order (the runner, the shard merge and the sample generator list them alike).
 * `where` names the files in validation errors.
 */
export function buildSnapshotListings(
  snapshotId: string,
  envelopes: readonly SnapshotIndexEntry[],
  gaps: readonly Gap[],
  where: (file: string) => string = (file) => file,
): { index: SnapshotIndex; gaps: SnapshotGaps } {
  const index: SnapshotIndex = { index: 'proofpack.snapshot-index/v1', snapshotId, envelopes: [...envelopes].sort((a, b) => a.path.localeCompare(b.path)) };
  assertValid('snapshot-index.v1', index, where(INDEX_FILE));
  const gapsDoc: SnapshotGaps = { gaps: 'proofpack.snapshot-gaps/v1', snapshotId, items: sortGaps(gaps) };
  assertValid('snapshot-gaps.v1', gapsDoc, where(GAPS_FILE));
  return { index, gaps: gapsDoc };
}

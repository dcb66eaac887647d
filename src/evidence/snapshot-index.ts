import type { TimeWindow } from './types.js';

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

import { randomBytes } from 'node:crypto';

/**
 * Snapshot ids start with their UTC start time so that sorting ids sorts snapshots in time:
 * `20260131T020000Z-3f9a1c`. The suffix keeps two runs started in the same second apart.
 */
export function newSnapshotId(startedAt: Date, suffix = randomBytes(3).toString('hex')): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${suffix}`;
}

const SNAPSHOT_ID = /^(\d{8}T\d{6}Z)-[A-Za-z0-9]+$/;

export function isSnapshotId(value: string): boolean {
  return SNAPSHOT_ID.test(value);
}

/** The start time encoded in a snapshot id. */
export function snapshotIdTime(id: string): Date {
  const match = SNAPSHOT_ID.exec(id);
  if (!match) throw new Error(`not a snapshot id: ${id}`);
  const s = match[1];
  return new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`);
}

import type { SourceInfo } from './types.js';

/**
 * Windowed sources this build knows even before their collector is registered (the collectors of
 * issue 3 land in parallel): their retention, so the view and the ledger treat them as windowed.
 * The registry's own `retentionDays` wins when the collector exists.
 */
export const KNOWN_WINDOWED_SOURCES: Readonly<Record<string, { retentionDays: number; group: SourceInfo['group'] }>> = {
  'backup.backup-jobs': { retentionDays: 30, group: 'jobs' },
  'backup.copy-jobs': { retentionDays: 30, group: 'jobs' },
  'backup.restore-jobs': { retentionDays: 30, group: 'jobs' },
  'cloudtrail.events': { retentionDays: 90, group: 'events' },
  'config.history': { retentionDays: 2557, group: 'history' },
};

/**
 * The id field of each kind of record: the same job or event appears in several snapshots (jobs
 * are re-read with a lookback so a job RUNNING at one capture is seen again in its final state);
 * the view keeps one record per key, its latest observation.
 */
const ID_FIELDS = ['BackupJobId', 'CopyJobId', 'RestoreJobId', 'EventId', 'JobId'] as const;

/**
 * The records of a windowed envelope's data. Backup jobs are `data.jobs`, CloudTrail events
 * `data.events`; Config history nests items per resource (`data.resources[].items[]`, each item
 * naming its resource), so its records are the items. Otherwise: the data itself when it is a
 * list, else its first list property.
 */
export function listRecords(data: unknown, collector = ''): unknown[] {
  if (collector === 'config.history') {
    const resources = (data as { resources?: Array<{ items?: unknown[] | null }> } | null)?.resources ?? [];
    return resources.flatMap((r) => r.items ?? []);
  }
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const named = (data as Record<string, unknown>)[collector === 'cloudtrail.events' ? 'events' : 'jobs'];
    if (Array.isArray(named)) return named;
  }
  if (Array.isArray(data)) return data;
  if (data && typeof data === 'object') {
    for (const value of Object.values(data)) if (Array.isArray(value)) return value;
  }
  return [];
}

/** The dedupe key of a windowed record, or undefined when it has none (then the record's JSON is its key). */
export function recordKey(record: unknown): string | undefined {
  if (!record || typeof record !== 'object') return undefined;
  const r = record as Record<string, unknown>;
  for (const field of ID_FIELDS) {
    if (typeof r[field] === 'string' && r[field]) return r[field] as string;
  }
  // A configuration item: one resource's state from one capture time.
  if (typeof r.resourceId === 'string' && typeof r.resourceType === 'string') {
    // Resource ids repeat across accounts and regions (a bucket name, a table name): keep them apart.
    const state = r.configurationStateId ?? r.configurationItemCaptureTime ?? '';
    return `${String(r.accountId ?? '')}|${String(r.awsRegion ?? '')}|${r.resourceType}|${r.resourceId}|${String(state)}`;
  }
  return undefined;
}

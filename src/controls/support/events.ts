/**
 * CloudTrail management events of the period (cloudtrail.events, deduplicated by EventId): the
 * failovers and restores that are DR evidence, and the changes that switch protection off
 * (DeleteBackupVaultLockConfiguration, StopLogging…), which give exact times between snapshots.
 */
import type { PeriodView } from '../../period/types.js';
import { field, isObject, parseMaybeJson, text, timeOf, type Json } from './records.js';

export interface TrailEvent {
  id: string;
  name: string;
  time: string;
  account: string;
  region: string;
  category?: string;
  /** The decoded CloudTrail record's requestParameters ({} when none). */
  params: Json;
  /** The decoded CloudTrail record (eventSource, userIdentity, responseElements…). */
  detail: Json;
  evidence: string;
  username?: string;
}

/** Events with these names (all, when no names are given), oldest first. */
export function eventsNamed(view: PeriodView, names?: readonly string[]): TrailEvent[] {
  const wanted = names ? new Set(names) : undefined;
  const out: TrailEvent[] = [];
  for (const r of view.records<Json>('cloudtrail.events')) {
    const name = text(r.record, 'EventName');
    const time = timeOf(r.record, 'EventTime');
    if (!name || !time || (wanted && !wanted.has(name))) continue;
    const parsed = field(r.record, 'cloudTrailEventParsed') ?? parseMaybeJson(field(r.record, 'CloudTrailEvent'));
    const detail = isObject(parsed) ? parsed : {};
    const params = field(detail, 'requestParameters');
    out.push({
      id: text(r.record, 'EventId') ?? r.key,
      name,
      time,
      account: r.account,
      region: text(detail, 'awsRegion') ?? r.region,
      ...(text(r.record, 'category') ? { category: text(r.record, 'category') } : {}),
      params: isObject(params) ? params : {},
      detail,
      evidence: r.evidenceId,
      ...(text(r.record, 'Username') ? { username: text(r.record, 'Username') } : {}),
    });
  }
  return out.sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));
}

/** Whether the event's call succeeded (a failed call changed nothing). */
export function eventSucceeded(e: TrailEvent): boolean {
  return field(e.detail, 'errorCode') === undefined;
}

/**
 * AWS Config configuration items of the period (config.history), by resource type. Items carry
 * `configurationParsed` and `supplementaryConfigurationParsed` (decoded by the collector).
 */
import type { ObservedRecord, PeriodView } from '../../period/types.js';
import { field, isObject, text, timeOf } from './records.js';

export interface ConfigItem {
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  arn?: string;
  awsRegion?: string;
  configurationItemCaptureTime: string;
  configurationItemStatus: string;
  resourceCreationTime?: string;
  tags?: Record<string, string>;
  configurationParsed: unknown;
  supplementaryConfigurationParsed: Record<string, unknown>;
}

export const DELETED_ITEM_STATUSES = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded']);

/** Configuration items of one resource type (all accounts and regions), deduplicated by the view. */
export function configItemsOfType(view: PeriodView, resourceType: string): ObservedRecord<ConfigItem>[] {
  return view.records<ConfigItem>('config.history').filter((r) => r.record.resourceType === resourceType);
}

export function itemDeleted(item: ConfigItem): boolean {
  return DELETED_ITEM_STATUSES.has(item.configurationItemStatus);
}

export function itemTime(item: ConfigItem): string | undefined {
  return timeOf(item, 'configurationItemCaptureTime');
}

/** A setting from the item's configuration or supplementary configuration, whatever its casing. */
export function itemSetting(item: ConfigItem, ...path: string[]): unknown {
  let value: unknown = isObject(item.configurationParsed) ? item.configurationParsed : undefined;
  for (const p of path) value = field(value, p);
  if (value !== undefined) return value;
  value = item.supplementaryConfigurationParsed;
  for (const p of path) value = field(value, p);
  return value;
}

export function itemName(item: ConfigItem): string {
  return text(item, 'resourceName') ?? item.resourceId;
}

import { paginateDescribeAlarms, type CompositeAlarm, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { Collector } from '../types.js';
import { deriveAlarmRelevance, type WatchedMetric } from './alarm-relevance.js';

export interface AlarmEvidence<A> {
  /** The alarm as DescribeAlarms returned it: name, ARN, metric or rule, threshold, state, actions. */
  alarm: A;
  /** Derived (deriveAlarmRelevance): the backup-failure and replication-lag metrics it watches; null when none. */
  relevance: WatchedMetric[] | null;
}

export interface CloudWatchAlarms {
  metricAlarms: Array<AlarmEvidence<MetricAlarm>>;
  compositeAlarms: Array<AlarmEvidence<CompositeAlarm>>;
}

/**
 * Every CloudWatch alarm of the region, metric and composite (DescribeAlarms answers only metric
 * alarms unless AlarmTypes asks for both). All alarms are kept; the `monitoring.alarms` control
 * decides which matter, helped by the derived `relevance` of each.
 */
export const cloudwatchAlarms: Collector<CloudWatchAlarms> = {
  id: 'cloudwatch.alarms',
  schema: 'cloudwatch.alarms.v1',
  title: 'CloudWatch metric and composite alarms with state and actions, marked when they watch backup failures or replication lag',
  scope: 'region',
  group: 'state',
  operations: ['cloudwatch:DescribeAlarms'],
  async collect(ctx) {
    const metric: MetricAlarm[] = [];
    const composite: CompositeAlarm[] = [];
    // MaxRecords 100: the largest page DescribeAlarms allows (default 50).
    for await (const page of paginateDescribeAlarms({ client: ctx.clients.cloudwatch }, { AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 })) {
      metric.push(...(page.MetricAlarms ?? []));
      composite.push(...(page.CompositeAlarms ?? []));
    }
    ctx.progress(`${metric.length} metric and ${composite.length} composite alarms`);
    const relevance = deriveAlarmRelevance(metric, composite);
    const withRelevance = <A extends { AlarmName?: string }>(alarm: A): AlarmEvidence<A> => ({
      alarm,
      relevance: (alarm.AlarmName ? relevance.get(alarm.AlarmName) : undefined) ?? null,
    });
    const data: CloudWatchAlarms = { metricAlarms: metric.map(withRelevance), compositeAlarms: composite.map(withRelevance) };
    return { data, recordCount: metric.length + composite.length };
  },
};

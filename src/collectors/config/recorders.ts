import {
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
  DescribeDeliveryChannelStatusCommand,
  type ConfigurationRecorder,
  type ConfigurationRecorderStatus,
  type DeliveryChannel,
  type DeliveryChannelStatus,
} from '@aws-sdk/client-config-service';
import type { Collector } from '../types.js';

export interface RecorderEvidence {
  /** DescribeConfigurationRecorders entry, as AWS returned it (recordingGroup, recordingMode…). */
  recorder: ConfigurationRecorder;
  /**
   * DescribeConfigurationRecorderStatus entry of this recorder (recording, lastStatus,
   * lastStartTime, lastStopTime, lastErrorCode…); null when AWS returned no status for it;
   * absent when the status call failed (see the envelope's gaps).
   */
  status?: ConfigurationRecorderStatus | null;
}

export interface DeliveryChannelEvidence {
  /** DescribeDeliveryChannels entry (S3 bucket, SNS topic, snapshot delivery frequency). */
  channel: DeliveryChannel;
  /** DescribeDeliveryChannelStatus entry; null when AWS returned none; absent when the call failed. */
  status?: DeliveryChannelStatus | null;
}

export interface ConfigRecorders {
  /** Configuration recorders in the region. An empty list is evidence: Config does not record here. */
  recorders: RecorderEvidence[];
  /** Delivery channels; absent when DescribeDeliveryChannels failed (see gaps). */
  deliveryChannels?: DeliveryChannelEvidence[];
}

/**
 * AWS Config recorders of a region with their recording status, and delivery channels with
 * theirs (monitoring.config-recording; the coverage ledger reads when Config was not recording).
 */
export const configRecorders: Collector<ConfigRecorders> = {
  id: 'config.recorders',
  schema: 'config.recorders.v1',
  title: 'AWS Config recorders and recording status, delivery channels and delivery status',
  scope: 'region',
  group: 'state',
  operations: [
    'config:DescribeConfigurationRecorders',
    'config:DescribeConfigurationRecorderStatus',
    'config:DescribeDeliveryChannels',
    'config:DescribeDeliveryChannelStatus',
  ],
  async collect(ctx) {
    const client = ctx.clients.config;
    // The first call decides whether the source can be read at all: a denial here is one gap for the envelope.
    const described = await client.send(new DescribeConfigurationRecordersCommand({}));
    const recorderList = described.ConfigurationRecorders ?? [];
    const [statusOut, channelsOut, channelStatusOut] = await Promise.all([
      recorderList.length > 0
        ? ctx.attempt('config:DescribeConfigurationRecorderStatus', client.send(new DescribeConfigurationRecorderStatusCommand({})))
        : Promise.resolve({ ConfigurationRecordersStatus: [] }),
      ctx.attempt('config:DescribeDeliveryChannels', client.send(new DescribeDeliveryChannelsCommand({}))),
      ctx.attempt('config:DescribeDeliveryChannelStatus', client.send(new DescribeDeliveryChannelStatusCommand({}))),
    ]);

    const recorders = recorderList.map((recorder): RecorderEvidence => {
      if (!statusOut) return { recorder };
      const status = (statusOut.ConfigurationRecordersStatus ?? []).find((s) => s.name === recorder.name);
      return { recorder, status: status ?? null };
    });
    const data: ConfigRecorders = { recorders };
    if (channelsOut) {
      data.deliveryChannels = (channelsOut.DeliveryChannels ?? []).map((channel): DeliveryChannelEvidence => {
        if (!channelStatusOut) return { channel };
        const status = (channelStatusOut.DeliveryChannelsStatus ?? []).find((s) => s.name === channel.name);
        return { channel, status: status ?? null };
      });
    }
    return { data, recordCount: recorders.length };
  },
};

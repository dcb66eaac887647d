import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import { mapWithConcurrency } from '../../util/limiter.js';
import { withoutMetadata } from '../sdk-output.js';
import type { Collector } from '../types.js';

export interface TrailEvidence {
  /** DescribeTrails entry, as AWS returned it. */
  trail: Trail;
  /** True when the trail's home region is another region (a multi-region trail seen from here). */
  shadow: boolean;
  /** GetTrailStatus (home region only); null for shadow trails; absent when the call failed (see gaps). */
  status?: Record<string, unknown> | null;
  /** GetEventSelectors (home region only); null for shadow trails; absent when the call failed. */
  selectors?: Record<string, unknown> | null;
}

export interface CloudTrailTrails {
  trails: TrailEvidence[];
}

/** CloudTrail trails visible in a region, with logging status and event selectors. */
export const cloudtrailTrails: Collector<CloudTrailTrails> = {
  id: 'cloudtrail.trails',
  schema: 'cloudtrail.trails.v1',
  title: 'CloudTrail trails with logging status, log file validation and event selectors',
  scope: 'region',
  group: 'state',
  operations: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
  async collect(ctx) {
    const client = ctx.clients.cloudtrail;
    const described = await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    const trails = await mapWithConcurrency(described.trailList ?? [], 4, async (trail): Promise<TrailEvidence> => {
      const shadow = Boolean(trail.HomeRegion && trail.HomeRegion !== ctx.region);
      if (shadow) return { trail, shadow, status: null, selectors: null };
      const name = trail.TrailARN ?? trail.Name!;
      const status = await ctx.attempt('cloudtrail:GetTrailStatus', client.send(new GetTrailStatusCommand({ Name: name })), name);
      const selectors = await ctx.attempt('cloudtrail:GetEventSelectors', client.send(new GetEventSelectorsCommand({ TrailName: name })), name);
      return {
        trail,
        shadow,
        ...(status ? { status: withoutMetadata(status) } : {}),
        ...(selectors ? { selectors: withoutMetadata(selectors) } : {}),
      };
    });
    return { data: { trails }, recordCount: trails.length };
  },
};

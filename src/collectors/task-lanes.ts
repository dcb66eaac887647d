import { rateLimitFor } from '../aws/rate-limits.js';
import { Semaphore } from '../util/limiter.js';
import type { Collector } from './types.js';

/**
 * How the runner schedules its tasks (one collector × account × region each).
 *
 * Lanes are per account × region: `collection.concurrency` tasks of one account × region run at
 * once. AWS's quotas and proofpack's rate limits (src/aws/rate-limits.ts) are per account and
 * region, so the work of one region never has to wait for another region's lanes — a run over 12
 * account × regions is as fast as its slowest account × region, not 12 × slower. The load on AWS
 * stays bounded by the rate limits; the lanes bound what one account × region holds at once.
 * (Measured with bench/collect.ts: 2 accounts × 6 regions, 50 ms per request — one global set of
 * 8 lanes took 40 s, because the 12 CloudTrail lookups, paced at 2 per second, held most lanes
 * while they waited; per account × region lanes: about 19 s, against a floor of 16.7 s.)
 */
export class TaskLanes {
  private readonly lanes = new Map<string, Semaphore>();

  constructor(private readonly perAccountRegion: number) {}

  /** Runs `work` in a lane of `account` × `region` (account-scope tasks: region `global`). */
  run<T>(account: string, region: string, work: () => Promise<T>): Promise<T> {
    const key = `${account}|${region}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Semaphore(this.perAccountRegion);
      this.lanes.set(key, lane);
    }
    return lane.run(work);
  }
}

/**
 * The slowest request rate any of a collector's operations is held to (requests per second;
 * Infinity for a collector that calls nothing). A collector paced by a strict documented limit
 * (CloudTrail LookupEvents: 2 per second) takes as long as the limit says however little else
 * runs, so it should start first.
 */
export function slowestRate(collector: Pick<Collector, 'operations'>): number {
  return Math.min(Infinity, ...collector.operations.map((op) => rateLimitFor(op).limit.ratePerSecond));
}

/**
 * Tasks in the order they should take their lanes: those whose collector is held to the slowest
 * rate first (longest-first, with the rate limit as the estimate of how long a task must take),
 * otherwise in the order given (stable).
 */
export function orderTasksForLanes<T extends { collector: Pick<Collector, 'operations'> }>(tasks: readonly T[]): T[] {
  return tasks
    .map((task, i) => ({ task, i, rate: slowestRate(task.collector) }))
    .sort((a, b) => a.rate - b.rate || a.i - b.i)
    .map((x) => x.task);
}

import type { Capture } from '../../period/types.js';
import { configItemsOfType, itemDeleted, itemTime, type ConfigItem } from '../support/config-history.js';
import { eventsNamed, eventSucceeded } from '../support/events.js';
import { evidenceOf, makeException, plural } from '../support/exceptions.js';
import { complementIntervals, intersectIntervals, overlaps, unionIntervals, type Interval } from '../support/intervals.js';
import { periodCaptures } from '../support/inventory.js';
import { bool, field, isObject, listOf, text, timeOf, type Json } from '../support/records.js';
import { describeInterval, observeResources, segmentsOf, type Segment, type StateObservation } from '../support/timeline.js';
import type { Control, ControlException } from '../types.js';

interface TrailFacts {
  arn: string;
  name: string;
  account: string;
  config: StateObservation[];
  logging: StateObservation[];
  since?: string;
}

/** A multi-region CloudTrail trail logs with log file validation in every account throughout the period. */
export const monitoringCloudtrail: Control = {
  id: 'monitoring.cloudtrail',
  title: 'A multi-region CloudTrail trail logs with log file validation in every account throughout the period',
  requires: ['cloudtrail.trails'],
  optional: ['config.history', 'cloudtrail.events'],
  measure:
    'Per account, at every moment of the period at least one trail must be multi-region, have log file validation enabled and be logging. Trail settings come from each snapshot (DescribeTrails, GetTrailStatus in the home region) and AWS Config history; logging from the status at each snapshot, whose StartLoggingTime/StopLoggingTime give the exact times of the last stop and start, and StopLogging/DeleteTrail events. Each interval with no qualifying trail is one exception.',
  evaluate({ view }) {
    const range = view.period;
    const captures = periodCaptures(view.series<Json>('cloudtrail.trails'), range);
    const trails = new Map<string, TrailFacts>();
    const facts = (arn: string, name: string, account: string) => {
      let f = trails.get(arn);
      if (!f) {
        f = { arn, name, account, config: [], logging: [] };
        trails.set(arn, f);
      }
      return f;
    };
    // Home-region records carry the status; shadows (the same trail seen from other regions) do not.
    const homeCaptures = captures.map((c) => ({ ...c, data: { trails: (listOf(c.data, 'trails') ?? []).filter((t) => field(t, 'shadow') !== true) } }));
    const timelines = observeResources<Json, ConfigItem>({
      captures: homeCaptures as Capture[],
      list: (c) => listOf(c.data, 'trails'),
      key: (t) => text(field(t, 'trail'), 'TrailARN') ?? '',
      region: (_t, c) => c.region,
      judge: (t) => {
        const trail = field(t, 'trail');
        const problems: string[] = [];
        if (bool(trail, 'IsMultiRegionTrail') !== true) problems.push('not multi-region');
        if (bool(trail, 'LogFileValidationEnabled') !== true) problems.push('log file validation off');
        return problems.length ? { state: 'bad', detail: problems.join(', ') } : { state: 'ok', detail: 'multi-region with log file validation' };
      },
      history: {
        items: configItemsOfType(view, 'AWS::CloudTrail::Trail'),
        key: (item) => text(item.configurationParsed, 'trailARN', 'TrailARN') ?? item.arn ?? undefined,
        at: itemTime,
        deleted: itemDeleted,
        judge: (item) => {
          const c = item.configurationParsed;
          if (!isObject(c)) return { state: 'unknown', detail: 'the configuration item carries no configuration' };
          const problems: string[] = [];
          if (bool(c, 'isMultiRegionTrail') !== true) problems.push('not multi-region');
          if (bool(c, 'logFileValidationEnabled') !== true) problems.push('log file validation off');
          return problems.length ? { state: 'bad', detail: problems.join(', ') } : { state: 'ok', detail: 'multi-region with log file validation' };
        },
      },
    });
    for (const [arn, t] of timelines) {
      if (!arn) continue;
      const f = facts(arn, text(field(t.latest?.resource, 'trail'), 'Name') ?? arn.split('/').pop() ?? arn, t.account);
      f.config = t.observations;
    }
    // Logging, from each home-region status.
    for (const c of homeCaptures) {
      for (const t of (c.data.trails as Json[]) ?? []) {
        const trail = field(t, 'trail');
        const arn = text(trail, 'TrailARN');
        if (!arn) continue;
        const f = facts(arn, text(trail, 'Name') ?? arn, c.account);
        const status = field(t, 'status');
        if (!isObject(status)) {
          f.logging.push({ at: c.at, state: 'unknown', evidence: c.evidenceId, source: 'snapshot', detail: 'logging status could not be read' });
          continue;
        }
        const logging = bool(status, 'IsLogging');
        const started = timeOf(status, 'StartLoggingTime');
        const stopped = timeOf(status, 'StopLoggingTime');
        if (logging === true) {
          if (stopped && started && stopped < started) {
            f.logging.push({ at: stopped, state: 'bad', evidence: c.evidenceId, source: 'history', detail: `logging stopped at ${stopped} (status StopLoggingTime)` });
            f.logging.push({ at: started, state: 'ok', evidence: c.evidenceId, source: 'history', detail: `logging again from ${started} (status StartLoggingTime)` });
          }
          f.logging.push({ at: c.at, state: 'ok', evidence: c.evidenceId, source: 'snapshot', detail: 'logging' });
        } else if (logging === false) {
          if (stopped && stopped < c.at) f.logging.push({ at: stopped, state: 'bad', evidence: c.evidenceId, source: 'history', detail: `logging stopped at ${stopped} (status StopLoggingTime)` });
          f.logging.push({ at: c.at, state: 'bad', evidence: c.evidenceId, source: 'snapshot', detail: 'not logging' });
        } else {
          f.logging.push({ at: c.at, state: 'unknown', evidence: c.evidenceId, source: 'snapshot', detail: 'logging status could not be read' });
        }
      }
    }
    for (const e of eventsNamed(view, ['StopLogging', 'DeleteTrail'])) {
      if (!eventSucceeded(e)) continue;
      const name = text(e.params, 'name', 'Name');
      const f = [...trails.values()].find((t) => t.account === e.account && name !== undefined && (t.arn === name || t.name === name));
      f?.logging.push({ at: e.time, state: 'bad', evidence: e.evidence, source: 'history', detail: `${e.name} by ${e.username ?? 'a user'} at ${e.time} (CloudTrail)` });
    }

    const exceptions: ControlException[] = [];
    const accounts = view.accounts.filter((a) => a !== 'local');
    for (const account of accounts) {
      const mine = [...trails.values()].filter((t) => t.account === account);
      const qualifying: Interval[] = [];
      const segmentsByTrail: Array<{ trail: TrailFacts; config: Segment[]; logging: Segment[] }> = [];
      for (const trail of mine) {
        const config = segmentsOf(trail.config, range);
        const logging = segmentsOf(trail.logging, range);
        segmentsByTrail.push({ trail, config, logging });
        qualifying.push(...intersectIntervals(config.filter((s) => s.state === 'ok'), logging.filter((s) => s.state === 'ok')));
      }
      const missing = complementIntervals(unionIntervals(qualifying), range);
      const hasEvidence = captures.some((c) => c.account === account);
      if (!hasEvidence) {
        exceptions.push(
          makeException('unevaluated', {
            resource: `account ${account}`,
            account,
            region: '*',
            from: range.from,
            to: range.to,
            message: 'could not be evaluated: no cloudtrail.trails evidence for this account in the period',
            evidence: [],
          }),
        );
        continue;
      }
      for (const gap of missing) {
        const reasons: string[] = [];
        const evidence = new Set<string>();
        for (const { trail, config, logging } of segmentsByTrail) {
          const bad = [...config, ...logging].filter((s) => s.state !== 'ok' && overlaps(s, gap));
          for (const s of bad) s.evidence.forEach((e) => evidence.add(e));
          if (bad.length > 0) reasons.push(`${trail.name}: ${[...new Set(bad.flatMap((s) => s.details))].join('; ')}`);
        }
        if (mine.length === 0) reasons.push('no trail in any region');
        if (evidence.size === 0) evidenceOf(view, ['cloudtrail.trails'], { account }).forEach((e) => evidence.add(e));
        const openEnded = gap.to >= range.to;
        // A trail whose settings qualify but whose logging status was never readable: cannot tell.
        const unreadable = segmentsByTrail.filter(
          ({ trail, config }) =>
            trail.logging.length > 0 && trail.logging.every((o) => o.state === 'unknown') && config.some((s) => s.state === 'ok' && overlaps(s, gap)),
        );
        if (unreadable.length > 0) {
          exceptions.push(
            makeException('unevaluated', {
              resource: unreadable.map((u) => u.trail.name).join(', '),
              account,
              region: '*',
              from: gap.from,
              to: gap.to,
              message: `could not be evaluated: the logging status of ${unreadable.map((u) => u.trail.name).join(', ')} could not be read`,
              evidence: [...evidence],
            }),
          );
          continue;
        }
        exceptions.push(
          makeException('failure', {
            resource: mine.map((t) => t.name).join(', ') || `account ${account}`,
            account,
            region: '*',
            from: gap.from,
            to: gap.to,
            message: `no multi-region trail logging with log file validation ${describeInterval(gap.from, gap.to, openEnded)}: ${reasons.join(' | ') || 'no qualifying trail'}`,
            evidence: [...evidence],
          }),
        );
      }
    }
    const failingAccounts = new Set(exceptions.filter((e) => e.kind === 'failure').map((e) => e.account)).size;
    return {
      summary: `${plural(accounts.length, 'account')}, ${plural(trails.size, 'trail')}; ${failingAccounts} account${failingAccounts === 1 ? '' : 's'} without a qualifying trail at some time in the period.`,
      exceptions,
    };
  },
};

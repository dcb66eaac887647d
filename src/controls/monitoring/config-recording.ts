import { readRecorderStatuses, recorderOffIntervals } from '../support/config-recorders.js';
import { makeException, plural, unevaluated } from '../support/exceptions.js';
import { periodCaptures } from '../support/inventory.js';
import { describeInterval } from '../support/timeline.js';
import type { Control, ControlException } from '../types.js';

/** AWS Config records in every in-scope account and region throughout the period. */
export const monitoringConfigRecording: Control = {
  id: 'monitoring.config-recording',
  title: 'AWS Config records configuration changes in every in-scope account and region throughout the period',
  requires: ['config.recorders'],
  measure:
    'Per account × configured region, from each snapshot of config.recorders (DescribeConfigurationRecorders and DescribeConfigurationRecorderStatus): a recorder must exist and be recording. The status at each snapshot gives the exact time of the last stop and start (lastStopTime, lastStartTime); a recorder found not recording is off from its lastStopTime until a later snapshot shows it recording again (from its lastStartTime). Each interval not recording is one exception.',
  evaluate({ view, config }) {
    const range = view.period;
    const captures = periodCaptures(view.series('config.recorders'), range);
    const exceptions: ControlException[] = [];
    const accounts = view.accounts.filter((a) => a !== 'local');
    for (const account of accounts) {
      for (const region of config.regions) {
        const mine = captures.filter((c) => c.account === account && c.region === region);
        const readable = mine.filter((c) => {
          const statuses = readRecorderStatuses(c);
          return statuses !== undefined && !statuses.some((s) => s.recording === undefined);
        });
        if (readable.length === 0) {
          exceptions.push(
            unevaluated(range, {
              resource: `config recorder ${account}/${region}`,
              account,
              region,
              message: mine.length === 0 ? 'no config.recorders evidence for this account and region in the period' : 'the recorder status could not be read at any snapshot',
              evidence: mine.map((c) => c.evidenceId),
            }),
          );
          continue;
        }
        for (const off of recorderOffIntervals(readable, range.to)) {
          if (off.to <= range.from || off.from >= range.to) continue;
          const from = off.from < range.from ? range.from : off.from;
          const to = off.to > range.to ? range.to : off.to;
          exceptions.push(
            makeException('failure', {
              resource: off.recorder === '(none)' ? `config recorder ${account}/${region}` : off.recorder,
              account,
              region,
              from,
              to,
              message: `AWS Config not recording ${describeInterval(from, to, to >= range.to)}: ${off.message}`,
              evidence: off.evidence,
            }),
          );
        }
      }
    }
    const failing = new Set(exceptions.filter((e) => e.kind === 'failure').map((e) => `${e.account}|${e.region}`)).size;
    return {
      summary: `${plural(accounts.length * config.regions.length, 'account × region')}; ${failing} had AWS Config not recording at some time in the period.`,
      exceptions,
    };
  },
};

/**
 * When was AWS Config recording? From the captures of `config.recorders` (DescribeConfigurationRecorders
 * and DescribeConfigurationRecorderStatus, AWS's field names): each status carries `recording`,
 * `lastStartTime` and `lastStopTime`, so one capture also tells the most recent stop-start interval
 * before it, and two captures bracket any longer outage. Used by the
 * `monitoring.config-recording` control and by the coverage ledger (no Config history while off).
 */
import type { Capture } from '../../period/types.js';
import { field, isoTime, listOf } from './records.js';

export interface RecorderInterval {
  account: string;
  region: string;
  /** Recorder name, or `(none)` when no recorder existed. */
  recorder: string;
  from: string;
  to: string;
  /** Why we know: the status times or the captures that bracket it. */
  message: string;
  evidence: string[];
}

export interface RecorderStatusView {
  name: string;
  recording: boolean | undefined;
  lastStartTime?: string;
  lastStopTime?: string;
  lastStatus?: string;
}

/** The recorders and their statuses in one capture; undefined when the capture could not read them. */
export function readRecorderStatuses(capture: Capture): RecorderStatusView[] | undefined {
  const data = capture.data as Record<string, unknown> | null;
  if (!data || typeof data !== 'object') return undefined;
  // Either { recorders: [{ recorder, status }] } or AWS's two lists side by side.
  const statuses: RecorderStatusView[] = [];
  const paired = listOf(data, 'recorders', 'ConfigurationRecorders', 'configurationRecorders');
  const statusList = listOf(data, 'statuses', 'ConfigurationRecordersStatus', 'configurationRecordersStatus');
  if (paired === undefined && statusList === undefined) return undefined;
  const byName = new Map<string, Record<string, unknown>>();
  for (const s of statusList ?? []) {
    const name = field(s, 'name');
    if (typeof name === 'string') byName.set(name, s as Record<string, unknown>);
  }
  for (const item of paired ?? []) {
    const recorder = (field(item, 'recorder') ?? item) as Record<string, unknown>;
    const name = String(field(recorder, 'name') ?? field(item, 'name') ?? 'default');
    const statusValue = field(item, 'status');
    const status = (statusValue && typeof statusValue === 'object' ? statusValue : byName.get(name)) as Record<string, unknown> | undefined;
    statuses.push(toStatus(name, status));
    byName.delete(name);
  }
  for (const [name, status] of byName) statuses.push(toStatus(name, status));
  return statuses;
}

function toStatus(name: string, status: Record<string, unknown> | undefined): RecorderStatusView {
  const recording = field(status, 'recording');
  return {
    name,
    recording: typeof recording === 'boolean' ? recording : undefined,
    ...(isoTime(field(status, 'lastStartTime')) ? { lastStartTime: isoTime(field(status, 'lastStartTime')) } : {}),
    ...(isoTime(field(status, 'lastStopTime')) ? { lastStopTime: isoTime(field(status, 'lastStopTime')) } : {}),
    ...(typeof field(status, 'lastStatus') === 'string' ? { lastStatus: field(status, 'lastStatus') as string } : {}),
  };
}

/**
 * Intervals when no recorder of the account × region was recording, from its captures (oldest first).
 * A capture with `recording: false` means off since `lastStopTime` until the next capture's
 * `lastStartTime` (or that capture, or `until` when none follows); a capture recording with a
 * `lastStopTime` before its `lastStartTime` shows the outage that ended at that start. No recorder
 * at all counts as off from that capture to the next one that has one. Captures whose status could
 * not be read are skipped (and reported by the caller as unknown).
 */
export function recorderOffIntervals(captures: readonly Capture[], until: string): RecorderInterval[] {
  const out: RecorderInterval[] = [];
  const sorted = [...captures].sort((a, b) => a.at.localeCompare(b.at));
  let openOff: { from: string; recorder: string; evidence: string[]; message: string } | undefined;
  const close = (to: string, evidence: string[], how: string) => {
    if (!openOff) return;
    if (to > openOff.from) {
      out.push({
        account: sorted[0].account,
        region: sorted[0].region,
        recorder: openOff.recorder,
        from: openOff.from,
        to,
        message: `${openOff.message}; ${how}`,
        evidence: [...openOff.evidence, ...evidence],
      });
    }
    openOff = undefined;
  };
  for (const capture of sorted) {
    const statuses = readRecorderStatuses(capture);
    if (!statuses) continue;
    const recordingOnes = statuses.filter((s) => s.recording === true);
    if (recordingOnes.length > 0) {
      const started = recordingOnes.map((s) => s.lastStartTime).filter((t): t is string => Boolean(t)).sort()[0];
      if (openOff) close(started && started > openOff.from ? started : capture.at, [capture.evidenceId], started ? `recording again since ${started}` : `recording again at capture ${capture.at}`);
      // The most recent stop → start of a recorder that is recording now, if it falls after what we already know.
      for (const s of recordingOnes) {
        if (s.lastStopTime && s.lastStartTime && s.lastStopTime < s.lastStartTime && !out.some((o) => o.from === s.lastStopTime && o.recorder === s.name)) {
          out.push({
            account: capture.account,
            region: capture.region,
            recorder: s.name,
            from: s.lastStopTime,
            to: s.lastStartTime,
            message: `recorder ${s.name} stopped at ${s.lastStopTime} and started again at ${s.lastStartTime} (its status at ${capture.at})`,
            evidence: [capture.evidenceId],
          });
        }
      }
      continue;
    }
    // A recorder whose status could not be read tells nothing about this moment.
    if (statuses.some((s) => s.recording === undefined)) continue;
    if (openOff) continue; // still off: the interval stays open
    if (statuses.length === 0) {
      openOff = { from: capture.at, recorder: '(none)', evidence: [capture.evidenceId], message: `no configuration recorder at ${capture.at}` };
    } else {
      const s = statuses[0];
      const from = s.lastStopTime && s.lastStopTime < capture.at ? s.lastStopTime : capture.at;
      openOff = {
        from,
        recorder: s.name,
        evidence: [capture.evidenceId],
        message: `recorder ${s.name} not recording at ${capture.at}${s.lastStopTime ? ` (stopped ${s.lastStopTime})` : ''}`,
      };
    }
  }
  close(until, [], 'not recording again by the end of the evidence');
  return mergeRecorderIntervals(out);
}

function mergeRecorderIntervals(intervals: RecorderInterval[]): RecorderInterval[] {
  const sorted = [...intervals].sort((a, b) => a.from.localeCompare(b.from));
  const out: RecorderInterval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.from <= last.to) {
      if (i.to > last.to) last.to = i.to;
      last.evidence = [...new Set([...last.evidence, ...i.evidence])];
      if (!last.message.includes(i.message)) last.message = `${last.message}; ${i.message}`;
    } else out.push({ ...i });
  }
  return out;
}

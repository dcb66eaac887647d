import { makeException, plural } from '../support/exceptions.js';
import type { Control, ControlException } from '../types.js';

const DAY_MS = 86_400_000;

/** Every source covers every day of the period, and the evidence verifies (the coverage ledger). */
export const periodCoverage: Control = {
  id: 'evidence.period-coverage',
  title: 'Every evidence source covers every day of the period for every account and region, and the evidence verifies',
  requires: [],
  measure:
    'From the coverage ledger: every source × account × region × day of the period is covered (time-windowed sources: the windows of complete envelopes span the day; point-in-time sources: a capture that day, or captures at most 35 days apart around it), and every snapshot verifies (file hashes, manifest chain, schemas). Each gap range (with its reason) and each verification problem is one exception.',
  evaluate({ coverage, view }) {
    const exceptions: ControlException[] = [];
    const envelopeIds = new Map<string, string[]>();
    for (const e of view.envelopes) {
      const key = `${e.snapshotId}|${e.collector}|${e.account}|${e.region}`;
      envelopeIds.set(key, [...(envelopeIds.get(key) ?? []), e.id]);
    }
    for (const cell of coverage.cells) {
      for (const gap of cell.gaps) {
        exceptions.push(
          makeException('failure', {
            resource: cell.source,
            account: cell.account,
            region: cell.region,
            from: `${gap.from}T00:00:00.000Z`,
            to: new Date(Date.parse(`${gap.to}T00:00:00.000Z`) + DAY_MS).toISOString(),
            message: `${gap.days === 1 ? `${gap.from}` : `${gap.from} to ${gap.to} (${gap.days} days)`} not covered — ${gap.reason}: ${gap.message}`,
            evidence: gap.snapshots.flatMap((id) => envelopeIds.get(`${id}|${cell.source}|${cell.account}|${cell.region}`) ?? []),
          }),
        );
      }
    }
    for (const p of coverage.problems) {
      const snapshot = view.snapshots.find((s) => s.id === p.snapshotId);
      const at = snapshot?.createdAt ?? view.period.from;
      exceptions.push(
        makeException('failure', {
          resource: p.path ? `${p.snapshotId}/${p.path}` : p.snapshotId,
          account: '*',
          region: '*',
          from: at,
          to: at,
          message: `evidence problem (${p.kind}): ${p.message}`,
        }),
      );
    }
    const s = coverage.summary;
    return {
      summary: `${s.completeCells} of ${plural(s.cells, 'source × account × region cell')} cover all ${coverage.days} days; ${plural(s.gapRanges, 'gap range')} (${s.gapCellDays} cell-days); ${plural(s.problems, 'verification problem')}.`,
      exceptions,
    };
  },
};

import type { PeriodProblem, SourceKind } from '../period/types.js';

/** Why a day of a source × account × region has no usable evidence. */
export type CoverageGapReason =
  /** No snapshot captured it (or, point-in-time: captures too far apart, or none before/after). */
  | 'no-snapshot'
  /** Captures too far apart for the source's retention (Backup jobs 30 days, CloudTrail events 90). */
  | 'retention'
  /** The call was refused (AccessDenied and kin), retries ran out, it failed, or the endpoint lacks it. */
  | 'denied'
  | 'throttled'
  | 'failed'
  | 'unsupported'
  /** The account could not be reached (AssumeRole or credentials failed). */
  | 'account'
  /** Collected data failed validation and was not written. */
  | 'invalid'
  /** The envelope exists but some of its calls failed (see its gaps). */
  | 'incomplete'
  /** AWS Config was not recording, so it holds no history or inventory for that time. */
  | 'recorder-off'
  /** The snapshot that held it failed verification (altered file or manifest). */
  | 'verification'
  /** The hash chain is broken there (a snapshot is missing, a fork, a restart). */
  | 'chain'
  /** A scheduled run did not happen (from the run log; see src/coverage/missed-runs.ts). */
  | 'missed-run';

export interface CoveredRange {
  /** First and last day, inclusive (YYYY-MM-DD). */
  from: string;
  to: string;
  days: number;
  /** Snapshots whose evidence covers days of this range. */
  snapshots: string[];
}

export interface CoverageGapRange {
  from: string;
  to: string;
  days: number;
  reason: CoverageGapReason;
  message: string;
  /** Snapshots involved in the explanation (the ones too far apart, the one that failed verification…). */
  snapshots: string[];
}

/** One source × account × region over the period. */
export interface CoverageCell {
  source: string;
  kind: SourceKind;
  account: string;
  region: string;
  coveredDays: number;
  gapDays: number;
  covered: CoveredRange[];
  gaps: CoverageGapRange[];
}

/** Something to know that is not itself a gap (a missed scheduled run whose days another run covered). */
export interface CoverageNotice {
  kind: 'missed-run';
  message: string;
  at?: string;
}

export interface CoverageLedger {
  period: { start: string; end: string };
  days: number;
  /** The rules applied, so a reader of the JSON knows what "covered" means. */
  rules: {
    windowed: string;
    pointInTime: string;
    pointInTimeMaxSpacingDays: number;
  };
  cells: CoverageCell[];
  /** Verification problems (altered files, broken chain, invalid evidence): each is a finding. */
  problems: PeriodProblem[];
  notices: CoverageNotice[];
  summary: {
    cells: number;
    completeCells: number;
    gapRanges: number;
    gapCellDays: number;
    problems: number;
    /** True when every cell covers every day and there is no problem. */
    complete: boolean;
  };
}

/** A period without evidence that something other than the snapshots knows of (e.g. a missed scheduled run). */
export interface ExternalGap {
  reason: CoverageGapReason;
  /** Instants, ISO 8601. */
  from: string;
  to: string;
  message: string;
  /** Limits the explanation to one source / account / region (default: all). */
  source?: string;
  account?: string;
  region?: string;
}

/**
 * Controls are data objects with a pure `evaluate` (STYLE.md §5): from the period view, the
 * coverage ledger and the config's targets/scope to a status, a summary and exceptions. The
 * framework (evaluate-controls.ts) catches throws, applies waivers, and derives the final status.
 */
import type { Config } from '../config/types.js';
import type { CoverageLedger } from '../coverage/types.js';
import type { PeriodView } from '../period/types.js';

export type ControlStatus = 'pass' | 'fail' | 'not_applicable' | 'error' | 'waived';

/**
 * What an exception is. `failure`: the control is not met (decides the status; can be waived).
 * `deviation`: an individual event listed for the auditor that is within tolerance on its own
 * (a failed job when the success rate still meets the target); it does not fail the control.
 * `unevaluated`: the resource could not be evaluated (missing or invalid evidence) → `error`.
 */
export type ExceptionKind = 'failure' | 'deviation' | 'unevaluated';

export interface WaiverApplied {
  /** The waiver's resource pattern as written in the config. */
  pattern: string;
  approver: string;
  reason: string;
  expires: string;
}

/** One exception: what, where, when, and the evidence behind it. */
export interface ControlException {
  kind: ExceptionKind;
  /** Resource id or ARN (a bucket name, a vault ARN, a job id…), or what the exception is about. */
  resource: string;
  account: string;
  region: string;
  /** ISO 8601 instants: when the condition started and ended (the same instant for a single event). */
  from: string;
  to: string;
  message: string;
  /** Evidence ids (`<snapshotId>_<account>_<region>_<collector>`). */
  evidence: string[];
  /** Set when a waiver in the config covers this exception. */
  waived?: WaiverApplied;
}

/** A measured value compared with its target (rates, RTO/RPO per test, retention…), for the report. */
export interface Measurement {
  /** What was measured, e.g. `success rate`, `RTO minutes`. */
  name: string;
  /** What it was measured on (a resource, a test id, `overall`). */
  subject: string;
  account?: string;
  region?: string;
  value: number | string | null;
  target?: number | string;
  unit?: string;
  /** Whether the value meets the target (absent when there is no target). */
  met?: boolean;
  /** When (a test's start, a job's creation). */
  at?: string;
  evidence?: string[];
  note?: string;
}

/** What a control's `evaluate` returns; the framework turns it into a ControlResult. */
export interface ControlOutcome {
  /** Set only for `not_applicable` (nothing in scope to check) or to force `error` on the whole control. */
  status?: 'not_applicable' | 'error';
  summary: string;
  exceptions: ControlException[];
  measurements?: Measurement[];
}

/** Everything a control may read: evidence, coverage, config. All plain data. */
export interface ControlContext {
  view: PeriodView;
  coverage: CoverageLedger;
  config: ControlConfig;
}

/** The parts of the config controls read. */
export type ControlConfig = Pick<Config, 'period' | 'regions' | 'regionPairs' | 'scope' | 'residency' | 'targets' | 'waivers'>;

export interface Control {
  /** Stable id from the catalogue, e.g. `backup.vault-immutable`. */
  id: string;
  /** The compliant condition, e.g. "Backup vaults holding in-scope recovery points are locked…". */
  title: string;
  /** Collector ids the control reads. Missing ones make it `error` unless `optional` says otherwise. */
  requires: readonly string[];
  /** Collector ids it uses when present. */
  optional?: readonly string[];
  /** How it is measured, in a sentence or two (docs/CONTROLS.md, the Control Results document). */
  measure: string;
  /** A reason the control does not apply to this config (no region pairs, no residency rules), checked before evidence. */
  notApplicable?(config: ControlConfig): string | undefined;
  evaluate(ctx: ControlContext): ControlOutcome;
}

export interface ControlResult {
  id: string;
  title: string;
  criteria: string[];
  status: ControlStatus;
  summary: string;
  exceptions: ControlException[];
  measurements: Measurement[];
  /** Sources the control read (evidence ids are on the exceptions; the view lists every envelope). */
  sources: string[];
  counts: { failures: number; deviations: number; unevaluated: number; waived: number };
}

/** `proofpack evaluate --json`: the shape documented in docs/EVALUATE.md. */
export interface Evaluation {
  period: { start: string; end: string };
  controls: ControlResult[];
  coverage: CoverageLedger;
  waivers: WaiverUse[];
  snapshots: string[];
  summary: Record<ControlStatus, number>;
}

/** How each waiver of the config was used. */
export interface WaiverUse {
  control: string;
  resource: string;
  approver: string;
  reason: string;
  expires: string;
  /** `applied`: covers at least one exception; `expired`: matched only exceptions that outlast it; `unused`: matched nothing. */
  state: 'applied' | 'expired' | 'unused';
  exceptions: number;
}

import type { CoverageLedger } from '../coverage/types.js';
import type { PeriodView } from '../period/types.js';
import { criteriaOf } from './soc2-mapping.js';
import type { Control, ControlConfig, ControlException, ControlOutcome, ControlResult, ControlStatus, Evaluation } from './types.js';
import { applyWaivers } from './waivers.js';

/**
 * Evaluates controls over the period: each control's pure `evaluate` on the view, the ledger and
 * the config. A control whose required evidence is missing, or that throws, is `error` ("could
 * not be evaluated: …"), never a pass. Waivers are applied afterwards; the status follows from
 * the exceptions: any unwaived failure → fail; else anything unevaluated → error; else failures
 * all waived → waived; else pass (or not_applicable when the control said so).
 */
export function evaluateControls(view: PeriodView, coverage: CoverageLedger, config: ControlConfig, controls: readonly Control[]): Evaluation {
  const ctx = { view, coverage, config };
  const outcomes = controls.map((control) => ({ control, outcome: runControl(control, ctx) }));
  const waivers = applyWaivers(
    outcomes.map(({ control, outcome }) => ({ id: control.id, exceptions: outcome.exceptions })),
    config.waivers,
  );
  const results: ControlResult[] = outcomes.map(({ control, outcome }) => toResult(control, outcome));
  const summary: Record<ControlStatus, number> = { pass: 0, fail: 0, not_applicable: 0, error: 0, waived: 0 };
  for (const r of results) summary[r.status] += 1;
  return {
    period: { start: view.period.start, end: view.period.end },
    controls: results,
    coverage,
    waivers,
    snapshots: view.snapshots.map((s) => s.id),
    summary,
  };
}

function runControl(control: Control, ctx: Parameters<Control['evaluate']>[0]): ControlOutcome {
  const notApplicable = control.notApplicable?.(ctx.config);
  if (notApplicable) return { status: 'not_applicable', summary: notApplicable, exceptions: [] };
  const missing = control.requires.filter((source) => !ctx.view.has(source));
  if (missing.length > 0) {
    return {
      status: 'error',
      summary: `could not be evaluated: no usable evidence from ${missing.join(', ')} in the period (collect it, or see \`proofpack coverage\`)`,
      exceptions: [],
    };
  }
  try {
    const outcome = control.evaluate(ctx);
    return { ...outcome, exceptions: sortExceptions(outcome.exceptions) };
  } catch (error) {
    return { status: 'error', summary: `could not be evaluated: the control failed (${(error as Error)?.message ?? String(error)})`, exceptions: [] };
  }
}

function sortExceptions(exceptions: ControlException[]): ControlException[] {
  const rank = { failure: 0, unevaluated: 1, deviation: 2 } as const;
  return [...exceptions].sort(
    (a, b) =>
      rank[a.kind] - rank[b.kind] ||
      a.account.localeCompare(b.account) ||
      a.region.localeCompare(b.region) ||
      a.resource.localeCompare(b.resource) ||
      a.from.localeCompare(b.from),
  );
}

function toResult(control: Control, outcome: ControlOutcome): ControlResult {
  const failures = outcome.exceptions.filter((e) => e.kind === 'failure');
  const unwaivedFailures = failures.filter((e) => !e.waived);
  const unevaluated = outcome.exceptions.filter((e) => e.kind === 'unevaluated');
  const waived = outcome.exceptions.filter((e) => e.waived);
  let status: ControlStatus;
  if (outcome.status === 'error') status = 'error';
  else if (unwaivedFailures.length > 0) status = 'fail';
  else if (unevaluated.length > 0) status = 'error';
  else if (failures.length > 0) status = 'waived';
  else if (outcome.status === 'not_applicable') status = 'not_applicable';
  else status = 'pass';
  let summary = outcome.summary;
  if (waived.length > 0) summary += ` ${waived.length} exception${waived.length === 1 ? ' is' : 's are'} waived.`;
  return {
    id: control.id,
    title: control.title,
    criteria: criteriaOf(control.id),
    status,
    summary,
    exceptions: outcome.exceptions,
    measurements: outcome.measurements ?? [],
    sources: [...control.requires, ...(control.optional ?? [])],
    counts: {
      failures: failures.length,
      deviations: outcome.exceptions.filter((e) => e.kind === 'deviation').length,
      unevaluated: unevaluated.length,
      waived: waived.length,
    },
  };
}

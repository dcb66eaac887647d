import type { ControlStatus, Evaluation } from '../../controls/types.js';
import { ExitCode } from '../../errors.js';
import { openStore } from '../../evidence/open-store.js';
import { evaluatePeriod } from '../../period/evaluate-period.js';
import type { CliIo } from '../io.js';
import { loadConfigForCli, plural, printJson } from '../shared.js';

/**
 * `proofpack evaluate`: every control over the period (JSON shape: docs/EVALUATE.md). --strict:
 * exit 3 when a control fails or could not be evaluated, or the evidence has gaps or problems.
 */
export async function runEvaluate(io: CliIo, options: Record<string, unknown>): Promise<number> {
  const config = await loadConfigForCli(io, options.config, { quiet: Boolean(options.json) });
  const { evaluation } = await evaluatePeriod(config, { store: openStore(config) });
  if (options.json) printJson(io, evaluation);
  else io.stdout(formatEvaluation(evaluation, { system: config.system }));
  const failing = evaluation.controls.some((c) => c.status === 'fail' || c.status === 'error') || !evaluation.coverage.summary.complete;
  return options.strict && failing ? ExitCode.gapsOrFailures : ExitCode.ok;
}

const MARK: Record<ControlStatus, string> = { pass: '✓ pass', fail: '✗ fail', error: '! error', waived: '~ waived', not_applicable: '- n/a' };

/** The results for people: one line per control with its counts, then the exceptions of failing controls (a few each). */
export function formatEvaluation(evaluation: Evaluation, options: { system?: string; exceptionsPerControl?: number } = {}): string {
  const perControl = options.exceptionsPerControl ?? 5;
  const lines: string[] = [];
  lines.push(`proofpack evaluate${options.system ? ` — ${options.system}` : ''}, ${evaluation.period.start} to ${evaluation.period.end} (${plural(evaluation.snapshots.length, 'snapshot')})`, '');
  const idWidth = Math.max(7, ...evaluation.controls.map((c) => c.id.length));
  lines.push(`  ${'STATUS'.padEnd(9)} ${'CONTROL'.padEnd(idWidth)} ${'FAIL'.padStart(5)} ${'DEV'.padStart(5)} ${'ERR'.padStart(5)} ${'WAIVED'.padStart(6)}  SUMMARY`);
  for (const c of evaluation.controls) {
    lines.push(
      `  ${MARK[c.status].padEnd(9)} ${c.id.padEnd(idWidth)} ${String(c.counts.failures).padStart(5)} ${String(c.counts.deviations).padStart(5)} ${String(c.counts.unevaluated).padStart(5)} ${String(c.counts.waived).padStart(6)}  ${c.summary}`,
    );
  }
  const s = evaluation.summary;
  lines.push('', `  ${plural(evaluation.controls.length, 'control')}: ${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.waived} waived, ${s.not_applicable} not applicable`);
  const cov = evaluation.coverage.summary;
  lines.push(`  coverage: ${cov.completeCells} of ${plural(cov.cells, 'cell')} complete, ${plural(cov.gapRanges, 'gap range')}, ${plural(cov.problems, 'verification problem')}${cov.complete ? '' : ' (see `proofpack coverage`)'}`);
  const attention = evaluation.controls.filter((c) => c.status === 'fail' || c.status === 'error' || c.status === 'waived');
  for (const c of attention) {
    const shown = c.exceptions.filter((e) => e.kind !== 'deviation').slice(0, perControl);
    if (shown.length === 0) continue;
    lines.push('', `${c.id} (${c.status}):`);
    for (const e of shown) {
      const when = e.from === e.to ? e.from.slice(0, 10) : `${e.from.slice(0, 10)} … ${e.to.slice(0, 10)}`;
      lines.push(`  ${e.waived ? '[waived] ' : ''}${e.resource} (${e.account} ${e.region}, ${when}): ${e.message}${e.waived ? ` — approved by ${e.waived.approver} until ${e.waived.expires}: ${e.waived.reason}` : ''}`);
    }
    const more = c.exceptions.filter((e) => e.kind !== 'deviation').length - shown.length;
    if (more > 0) lines.push(`  … and ${more} more (--json lists all)`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The machine-readable tables of the bundle: 03_Control_Results.json (the evaluation, as
 * `proofpack evaluate --json` prints it, plus where each cited evidence file is in the bundle),
 * 05_Exceptions.csv (every exception of every control) and 06_Coverage.csv (the coverage ledger:
 * every covered and uncovered range of every source × account × region, and every verification
 * problem). Pure functions of plain data; no clock.
 */
import { FORMULA_ESCAPING_NOTE, formatCsvHeaderBlock, formatCsvRow, type CsvValue } from '../bundle/csv.js';
import type { Evaluation } from '../controls/types.js';
import { canonicalJson } from '../util/canonical-json.js';
import { TOOL_VERSION } from '../version.js';
import type { EvidenceIndexRow } from './types.js';

export const CONTROL_RESULTS_JSON = '03_Control_Results.json';
export const EXCEPTIONS_CSV = '05_Exceptions.csv';
export const COVERAGE_CSV = '06_Coverage.csv';

export interface ReportTableMetadata {
  organization: string;
  system: string;
  bundleId: string;
  bundleName: string;
  generatedAt: string;
  toolVersion?: string;
}

/**
 * 03_Control_Results.json: `proofpack evaluate --json` (docs/EVALUATE.md) plus `report` (which
 * bundle, when) and `evidencePaths` (every evidence id in the bundle → its file), so a machine
 * can resolve the evidence ids of each exception without the index.
 */
export function formatControlResultsJson(evaluation: Evaluation, index: readonly EvidenceIndexRow[], meta: ReportTableMetadata): string {
  const evidencePaths: Record<string, string> = {};
  for (const row of index) evidencePaths[row.id] = row.bundlePath;
  return canonicalJson({
    ...evaluation,
    report: {
      organization: meta.organization,
      system: meta.system,
      bundleId: meta.bundleId,
      bundleName: meta.bundleName,
      generatedAt: meta.generatedAt,
      toolVersion: meta.toolVersion ?? TOOL_VERSION,
    },
    evidencePaths,
  });
}

function header(title: string, description: string, evaluation: Pick<Evaluation, 'period'>, rows: number, meta: ReportTableMetadata): string {
  return formatCsvHeaderBlock([
    ['proofpack table', title],
    ['description', description],
    ['organization', meta.organization],
    ['system', meta.system],
    ['period', `${evaluation.period.start} to ${evaluation.period.end} (inclusive, UTC)`],
    ['rows', String(rows)],
    ['bundle', `${meta.bundleName} (${meta.bundleId})`],
    ['generated', `${meta.generatedAt} by proofpack ${meta.toolVersion ?? TOOL_VERSION}`],
    ['formula escaping', FORMULA_ESCAPING_NOTE],
  ]);
}

export const EXCEPTION_COLUMNS = [
  'exception_id',
  'control_id',
  'criteria',
  'control_status',
  'kind',
  'resource',
  'account',
  'region',
  'from',
  'to',
  'message',
  'evidence_ids',
  'evidence_paths',
  'waived',
  'waiver_pattern',
  'waiver_approver',
  'waiver_reason',
  'waiver_expires',
] as const;

/**
 * 05_Exceptions.csv: one row per exception (failures, deviations, unevaluated resources), in
 * catalogue order and each control's own order. `exception_id` is `<control-id>#<n>`, n counting
 * from 1 within the control. Evidence ids and bundle paths are space-separated.
 */
export function formatExceptionsCsv(evaluation: Evaluation, index: readonly EvidenceIndexRow[], meta: ReportTableMetadata): string {
  const paths = new Map(index.map((r) => [r.id, r.bundlePath]));
  const rows: CsvValue[][] = [];
  for (const control of evaluation.controls) {
    control.exceptions.forEach((e, i) => {
      rows.push([
        `${control.id}#${i + 1}`,
        control.id,
        control.criteria.join(' '),
        control.status,
        e.kind,
        e.resource,
        e.account,
        e.region,
        e.from,
        e.to,
        e.message,
        e.evidence.join(' '),
        e.evidence.map((id) => paths.get(id) ?? `(not bundled: ${id})`).join(' '),
        e.waived ? 'true' : 'false',
        e.waived?.pattern,
        e.waived?.approver,
        e.waived?.reason,
        e.waived?.expires,
      ]);
    });
  }
  const description =
    'Every exception of every control: failures (decide the status; can be waived), deviations (events within tolerance, listed for the auditor) and unevaluated resources (missing or invalid evidence). Evidence ids and their files in this bundle are space-separated.';
  return header('exceptions', description, evaluation, rows.length, meta) + formatCsvRow(EXCEPTION_COLUMNS) + rows.map(formatCsvRow).join('');
}

export const COVERAGE_COLUMNS = ['source', 'kind', 'account', 'region', 'status', 'from', 'to', 'days', 'reason', 'message', 'snapshots'] as const;

/**
 * 06_Coverage.csv: for every source × account × region of the ledger, each covered range
 * (`covered`) and each gap range with its reason (`gap`), in day order; then each verification
 * problem of the store (`problem`: an altered file or manifest, a broken chain, invalid evidence).
 */
export function formatCoverageCsv(evaluation: Evaluation, meta: ReportTableMetadata): string {
  const ledger = evaluation.coverage;
  const rows: CsvValue[][] = [];
  for (const cell of ledger.cells) {
    const ranges = [
      ...cell.covered.map((r) => ({
        status: 'covered',
        from: r.from,
        to: r.to,
        days: r.days,
        reason: '',
        message: '',
        snapshots: r.snapshots,
      })),
      ...cell.gaps.map((g) => ({
        status: 'gap',
        from: g.from,
        to: g.to,
        days: g.days,
        reason: g.reason,
        message: g.message,
        snapshots: g.snapshots,
      })),
    ].sort((a, b) => a.from.localeCompare(b.from) || a.status.localeCompare(b.status));
    for (const r of ranges) rows.push([cell.source, cell.kind, cell.account, cell.region, r.status, r.from, r.to, r.days, r.reason, r.message, r.snapshots.join(' ')]);
  }
  for (const p of ledger.problems) rows.push([p.path ?? '', '', '', '', 'problem', '', '', '', p.kind, p.message, p.snapshotId]);
  const s = ledger.summary;
  const description = `The coverage ledger: every source × account × region × day of the period is covered by some snapshot or is a gap with its reason (docs/EVALUATE.md). ${s.completeCells} of ${s.cells} cells complete; ${s.gapRanges} gap ranges (${s.gapCellDays} cell-days); ${s.problems} verification problems. Rules: ${ledger.rules.windowed} ${ledger.rules.pointInTime}`;
  return header('coverage', description, evaluation, rows.length, meta) + formatCsvRow(COVERAGE_COLUMNS) + rows.map(formatCsvRow).join('');
}

/**
 * Control Results (03_Control_Results.pdf), pure: a summary by criterion, then every control with
 * its compliant condition, how it is measured, the result, its measurements, its exceptions
 * (waived ones marked with approver, reason and expiry) and waivers, then the coverage ledger
 * and its gaps. Evidence ids cited by a control's exceptions are numbered (E1, E2…) and listed in
 * full once per control, so exception rows stay short and every id prints on one line.
 */
import { buildCatalogue } from '../controls/catalogue.js';
import { SOC2_CRITERIA, criteriaOf } from '../controls/soc2-mapping.js';
import type { ControlException, ControlResult, ControlStatus, Measurement } from '../controls/types.js';
import { COVERAGE_CSV, EXCEPTIONS_CSV } from '../report/report-tables.js';
import type { ReportContext } from '../report/types.js';
import type { Block, CellValue, DocumentModel, Section, StatusCell } from './document-model.js';
import { formatLongDate, formatNumber } from './handlebars.js';
import { bundleFolderOf } from './evidence-index.js';
import { accountLabel, accountNames, badge, documentBase, formatInstant, paragraph, plural, table } from './report-common.js';

export const CONTROL_RESULTS_TITLE = 'Control Results';

const STATUS_ORDER: ControlStatus[] = ['fail', 'error', 'waived', 'pass', 'not_applicable'];

function statusCell(status: ControlStatus): StatusCell {
  return status === 'error' ? badge('error', 'Not evaluated') : badge(status);
}

function exceptionStatus(e: ControlException): StatusCell {
  if (e.waived) return badge('waived', e.kind === 'deviation' ? 'Deviation, waived' : 'Waived');
  if (e.kind === 'failure') return badge('fail', 'Failure');
  if (e.kind === 'unevaluated') return badge('error', 'Not evaluated');
  return badge('not_applicable', 'Deviation');
}

/** `E1–E3, E5`: consecutive references as ranges. */
export function formatRefs(refs: number[]): string {
  const sorted = [...new Set(refs)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i + 1 ? `E${sorted[i]}–E${sorted[j]}` : j === i + 1 ? `E${sorted[i]}, E${sorted[j]}` : `E${sorted[i]}`);
    i = j;
  }
  return parts.join(', ');
}

function formatSpan(from: string, to: string): string {
  return from === to ? formatInstant(from) : `${formatInstant(from)} → ${formatInstant(to)}`;
}

function formatValue(value: Measurement['value'] | Measurement['target'], unit?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && unit === 'ratio') return `${formatNumber(Math.round(value * 10000) / 100)}%`;
  if (typeof value === 'number') return `${formatNumber(Math.round(value * 100) / 100)}${unit ? ` ${unit}` : ''}`;
  return `${value}${unit && unit !== 'ratio' ? ` ${unit}` : ''}`;
}

export function buildControlResultsModel(context: ReportContext): DocumentModel {
  const { evaluation, coverage } = context;
  const names = accountNames(context);
  const acct = (id: string) => (id === '*' ? 'every account' : accountLabel(id, names));
  const catalogue = new Map(buildCatalogue().map((c) => [c.id, c]));
  const evidencePaths = new Map(context.evidenceIndex.map((r) => [r.id, r.bundlePath]));
  const criteriaOfResult = (c: ControlResult) => (c.criteria.length ? c.criteria : criteriaOf(c.id));
  const sections: Section[] = [];

  // Summary
  const summary = evaluation.summary;
  const criteria = [...new Set(evaluation.controls.flatMap(criteriaOfResult))].sort();
  const byCriterion: CellValue[][] = [];
  for (const criterion of criteria) {
    for (const c of evaluation.controls.filter((x) => criteriaOfResult(x).includes(criterion))) {
      byCriterion.push([criterion, c.id, statusCell(c.status), c.counts.failures, c.counts.deviations, c.counts.unevaluated, c.counts.waived]);
    }
  }
  sections.push({
    id: 'summary',
    title: 'Summary',
    level: 1,
    blocks: [
      paragraph(
        `Results of ${plural(evaluation.controls.length, 'control')} over the period ${formatLongDate(evaluation.period.start)} to ${formatLongDate(evaluation.period.end)}, evaluated from ${plural(evaluation.snapshots.length, 'evidence snapshot')}. ` +
          'A control passes when it held throughout the period; each time it did not is an exception naming the resource, account, region, when, and the evidence behind it. ' +
          '“Not evaluated” means the evidence needed was missing or invalid — never a pass. This whole document is generated from the evidence in this bundle.',
      ),
      {
        kind: 'keyValues',
        items: [
          ...STATUS_ORDER.map((s) => ({ key: s === 'error' ? 'Could not be evaluated' : s === 'not_applicable' ? 'Not applicable' : s[0].toUpperCase() + s.slice(1), value: summary[s] ?? 0 })),
          { key: 'Evidence coverage', value: coverage.summary.complete ? badge('pass', 'Complete') : badge('fail', `${plural(coverage.summary.gapRanges, 'gap range')}, ${plural(coverage.summary.problems, 'verification problem')}`) },
          { key: 'Waivers', value: evaluation.waivers.length ? `${evaluation.waivers.length} (${evaluation.waivers.filter((w) => w.state === 'applied').length} applied)` : 'none' },
        ],
      },
    ],
  });
  sections.push({
    id: 'summary.criteria',
    title: 'Results by criterion',
    level: 2,
    blocks: [
      table(
        [
          { header: 'Criterion', width: '10%' },
          { header: 'Control', format: 'mono', width: '28%' },
          { header: 'Status', format: 'status', width: '15%' },
          { header: 'Failures', format: 'number' },
          { header: 'Deviations', format: 'number' },
          { header: 'Not evaluated', format: 'number' },
          { header: 'Waived', format: 'number' },
        ],
        byCriterion,
        { caption: 'Criteria → controls → status' },
      ),
      paragraph(`Criteria: ${criteria.map((c) => `${c} — ${SOC2_CRITERIA[c] ?? ''}`).join('; ')}.`),
    ],
  });

  // Each control
  sections.push({ id: 'controls', title: 'Results by control', level: 1, blocks: [paragraph('Each control in catalogue order: the condition it checks, how it is measured, the result, and every exception.')] });
  for (const c of evaluation.controls) {
    sections.push({ id: `control-${c.id}`, title: c.id, level: 2, blocks: controlBlocks(c, context, catalogue.get(c.id)?.measure, acct, evidencePaths) });
  }

  // Waivers
  sections.push({
    id: 'waivers',
    title: 'Waivers',
    level: 1,
    blocks: [
      paragraph('Waivers are written in the configuration with a reason, an approver and an expiry. A waiver covers an exception that ended while it was in force; waived exceptions stay listed above, marked.'),
      table(
        [
          { header: 'Control', format: 'mono', width: '17%' },
          { header: 'Resource', format: 'mono', width: '16%' },
          { header: 'Approver', width: '14%' },
          { header: 'Reason' },
          { header: 'Expires', width: '10%' },
          { header: 'State', format: 'status', width: '10%' },
          { header: 'Exceptions', format: 'number', width: '9%' },
        ],
        evaluation.waivers.map((w) => [w.control, w.resource, w.approver, w.reason, w.expires, w.state === 'applied' ? badge('waived', 'Applied') : w.state === 'expired' ? badge('fail', 'Expired') : badge('not_applicable', 'Unused'), w.exceptions]),
        { emptyText: 'No waivers are configured.' },
      ),
    ],
  });

  // Coverage
  sections.push(...coverageSections(context, acct));
  return { ...documentBase(context, CONTROL_RESULTS_TITLE, { subtitle: 'SOC 2 Type II — results of the controls over the period, with exceptions and evidence coverage' }), sections };
}

function controlBlocks(c: ControlResult, context: ReportContext, measure: string | undefined, acct: (id: string) => string, paths: Map<string, string>): Block[] {
  const blocks: Block[] = [
    {
      kind: 'keyValues',
      items: [
        { key: 'Compliant when', value: c.title },
        { key: 'Criteria', value: (c.criteria.length ? c.criteria : criteriaOf(c.id)).join(', ') },
        { key: 'Status', value: statusCell(c.status) },
        { key: 'Result', value: c.summary },
        { key: 'Exceptions', value: `${plural(c.counts.failures, 'failure')}, ${plural(c.counts.deviations, 'deviation')}, ${c.counts.unevaluated} not evaluated, ${c.counts.waived} waived` },
        { key: 'Evidence sources', value: c.sources.join(', ') || null },
      ],
    },
  ];
  if (measure) blocks.push({ kind: 'callout', tone: 'info', title: 'How it is measured', text: measure });
  if (c.measurements.length > 0) {
    blocks.push(
      table(
        [
          { header: 'Measured', width: '17%' },
          { header: 'Subject', format: 'mono', width: '22%' },
          { header: 'Account / region', width: '16%' },
          { header: 'Value', width: '11%', align: 'right' },
          { header: 'Target', width: '10%', align: 'right' },
          { header: 'Met', format: 'status', width: '9%' },
          { header: 'When (UTC)' },
        ],
        c.measurements.map((m) => [
          m.name,
          m.subject,
          m.account ? `${acct(m.account)}${m.region ? ` ${m.region}` : ''}` : null,
          formatValue(m.value, m.unit),
          formatValue(m.target, m.unit),
          m.met === undefined ? null : m.met ? badge('pass', 'Met') : badge('fail', 'Not met'),
          m.at ? formatInstant(m.at) : (m.note ?? null),
        ]),
        { caption: 'Measurements' },
      ),
    );
  }
  const refs = new Map<string, number>();
  const refOf = (id: string) => {
    let n = refs.get(id);
    if (n === undefined) {
      n = refs.size + 1;
      refs.set(id, n);
    }
    return n;
  };
  const rows: CellValue[][] = c.exceptions.map((e) => {
    const waived = e.waived ? ` — Waived by ${e.waived.approver} until ${e.waived.expires} (${e.waived.pattern}): ${e.waived.reason}` : '';
    return [exceptionStatus(e), e.resource, `${acct(e.account)} ${e.region === '*' ? 'every region' : e.region}`, formatSpan(e.from, e.to), `${e.message}${waived}`, formatRefs(e.evidence.map(refOf)) || null];
  });
  blocks.push(
    table(
      [
        { header: 'Kind', format: 'status', width: '14%' },
        { header: 'Resource', format: 'mono', width: '18%' },
        { header: 'Account / region', width: '13%' },
        { header: 'From → to (UTC)', width: '15%' },
        { header: 'Message' },
        { header: 'Evidence', width: '8%' },
      ],
      rows,
      {
        caption: `Exceptions (${formatNumber(c.exceptions.length)})`,
        // A very long list is cut in the PDF (the engine says so); the CSV has every exception.
        fullData: { path: EXCEPTIONS_CSV, description: 'every exception of every control, with its evidence ids' },
        emptyText: c.status === 'error' && c.exceptions.length === 0 ? 'None listed: the control could not be evaluated (see Result).' : 'No exceptions.',
      },
    ),
  );
  if (refs.size > 0) {
    blocks.push(
      table(
        [
          { header: 'Ref', width: '6%' },
          { header: 'Evidence id', format: 'mono', width: '60%' },
          { header: 'Bundle folder', format: 'mono' },
        ],
        [...refs.entries()].map(([id, n]) => {
          const bundlePath = paths.get(id);
          return [`E${n}`, id, bundlePath ? bundleFolderOf({ id, bundlePath }) : 'not in the bundle'];
        }),
        { caption: 'Evidence cited by these exceptions' },
      ),
    );
  }
  const waivers = context.evaluation.waivers.filter((w) => w.control === c.id);
  if (waivers.length > 0) {
    blocks.push(
      table(
        [
          { header: 'Resource pattern', format: 'mono', width: '22%' },
          { header: 'Approver', width: '17%' },
          { header: 'Reason' },
          { header: 'Expires', width: '12%' },
          { header: 'State', format: 'status', width: '11%' },
          { header: 'Waived', format: 'number', width: '8%' },
        ],
        waivers.map((w) => [w.resource, w.approver, w.reason, w.expires, w.state === 'applied' ? badge('waived', 'Applied') : w.state === 'expired' ? badge('fail', 'Expired') : badge('not_applicable', 'Unused'), w.exceptions]),
        { caption: 'Waivers of this control' },
      ),
    );
  }
  return blocks;
}

const REASONS: Record<string, string> = {
  'no-snapshot': 'no snapshot',
  retention: 'beyond retention',
  denied: 'access denied',
  throttled: 'throttled',
  failed: 'call failed',
  unsupported: 'unsupported',
  account: 'account unreachable',
  invalid: 'invalid evidence',
  incomplete: 'incomplete capture',
  'recorder-off': 'Config not recording',
  verification: 'failed verification',
  chain: 'hash chain broken',
  'missed-run': 'missed scheduled run',
};

function coverageSections(context: ReportContext, acct: (id: string) => string): Section[] {
  const ledger = context.coverage;
  const gaps = ledger.cells.flatMap((cell) => cell.gaps.map((g) => ({ cell, g })));
  return [
    {
      id: 'coverage',
      title: 'Evidence coverage',
      level: 1,
      blocks: [
        paragraph(
          `The coverage ledger: for every evidence source × account × region × day of the period (${plural(ledger.days, 'day')}), the snapshots that cover it, or a gap with its reason. ` +
            `Time-windowed sources: ${ledger.rules.windowed} Point-in-time sources: ${ledger.rules.pointInTime}`,
        ),
        {
          kind: 'keyValues',
          items: [
            { key: 'Coverage', value: ledger.summary.complete ? badge('pass', 'Complete') : badge('fail', 'Gaps or problems') },
            { key: 'Cells (source × account × region)', value: ledger.summary.cells },
            { key: 'Cells covering every day', value: ledger.summary.completeCells },
            { key: 'Gap ranges', value: ledger.summary.gapRanges },
            { key: 'Gap cell-days', value: ledger.summary.gapCellDays },
            { key: 'Verification problems', value: ledger.summary.problems },
          ],
        },
      ],
    },
    {
      id: 'coverage.gaps',
      title: 'Gaps',
      level: 2,
      blocks: [
        table(
          [
            { header: 'Source', format: 'mono', width: '17%' },
            { header: 'Account / region', width: '16%' },
            { header: 'From', width: '10%' },
            { header: 'To', width: '10%' },
            { header: 'Days', format: 'number', width: '6%' },
            { header: 'Reason', width: '12%' },
            { header: 'Why' },
          ],
          gaps.map(({ cell, g }) => [cell.source, `${acct(cell.account)} ${cell.region}`, g.from, g.to, g.days, REASONS[g.reason] ?? g.reason, g.message]),
          { fullData: { path: COVERAGE_CSV, description: 'the whole ledger' }, emptyText: 'No gaps: every source covers every day of the period.' },
        ),
      ],
    },
    {
      id: 'coverage.problems',
      title: 'Verification problems and notices',
      level: 2,
      blocks: [
        table(
          [
            { header: 'Problem', width: '11%' },
            { header: 'Snapshot', format: 'mono', width: '24%' },
            { header: 'File', format: 'mono', width: '25%' },
            { header: 'What' },
          ],
          ledger.problems.map((p) => [p.kind, p.snapshotId, p.path ?? null, p.message]),
          { caption: 'Verification problems', emptyText: 'Every snapshot verified (file hashes, manifests, hash chain, schemas).' },
        ),
        table([{ header: 'Notice', width: '14%' }, { header: 'When', width: '16%' }, { header: 'What' }], ledger.notices.map((n) => [n.kind, n.at ? formatInstant(n.at) : null, n.message]), { caption: 'Notices', emptyText: 'No notices.' }),
      ],
    },
    {
      id: 'coverage.ledger',
      title: 'Coverage by source, account and region',
      level: 2,
      blocks: [
        table(
          [
            { header: 'Source', format: 'mono', width: '24%' },
            { header: 'Account', width: '20%' },
            { header: 'Region', width: '13%' },
            { header: 'Kind', width: '13%' },
            { header: 'Days covered', format: 'number' },
            { header: 'Gap days', format: 'number' },
            { header: 'Coverage', format: 'status', width: '11%' },
          ],
          ledger.cells.map((cell) => [cell.source, acct(cell.account), cell.region, cell.kind, cell.coveredDays, cell.gapDays, cell.gapDays === 0 ? badge('pass', 'Complete') : badge('fail', 'Gaps')]),
          { fullData: { path: COVERAGE_CSV, description: 'the whole ledger' }, emptyText: 'The ledger has no cells.' },
        ),
      ],
    },
  ];
}


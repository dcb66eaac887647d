/**
 * The Evidence Index (04_Evidence_Index.pdf and .csv), pure: every evidence item of the bundle.
 * The PDF is landscape; each row prints the full evidence id and SHA-256 (two lines each at most)
 * and, where the envelope's bundle path is `<folder>/<evidence id>.json`, only the folder. What is
 * the same for every item of a source (its API operations, the controls that use it) is listed
 * once per source above the rows. The CSV carries every field of every row in full.
 */
import { compareBytewise } from '../bundle/entry-path.js';
import { FORMULA_ESCAPING_NOTE, formatCsvHeaderBlock, formatCsvRow } from '../bundle/csv.js';
import type { EvidenceIndexRow, ReportContext } from '../report/types.js';
import { TOOL_VERSION } from '../version.js';
import type { CellValue, DocumentModel, TableBlock } from './document-model.js';
import { formatNumber } from './handlebars.js';
import { accountLabel, accountNames, documentBase, formatInstant, formatWindow, paragraph, plural, table } from './report-common.js';

export const EVIDENCE_INDEX_TITLE = 'Evidence Index';
export const EVIDENCE_INDEX_CSV = '04_Evidence_Index.csv';

export const EVIDENCE_INDEX_CSV_COLUMNS = [
  'evidence_id',
  'snapshot_id',
  'source',
  'criteria',
  'controls',
  'operations',
  'account',
  'region',
  'window_start',
  'window_end',
  'record_count',
  'collected_at',
  'sha256',
  'bundle_path',
] as const;

/** The PDF's columns: widths in % of a landscape page (A4 or Letter). */
export const EVIDENCE_INDEX_PDF_COLUMNS: TableBlock['columns'] = [
  // Widths fit a Letter landscape page (the narrower of the two): the id, the SHA-256 and the
  // folder take two lines each in monospace, the other cells wrap at their spaces into two lines.
  // An id breaks after its region's first hyphen ("…_111111111111_us-"): 40 characters must fit.
  { header: 'Evidence ID', format: 'mono', width: '25%' },
  { header: 'Criteria', width: '9%' },
  { header: 'Account / region', width: '8.5%' },
  { header: 'Window (UTC)', width: '11%' },
  { header: 'Records', format: 'number', width: '5%' },
  { header: 'Collected (UTC)', width: '7%' },
  { header: 'SHA-256', format: 'mono', width: '20.5%' },
  { header: 'Bundle folder', format: 'mono' },
];

/** Rows in id order (snapshot time first), whatever order the context gives. */
export function sortEvidenceRows(rows: readonly EvidenceIndexRow[]): EvidenceIndexRow[] {
  return [...rows].sort((a, b) => compareBytewise(a.id, b.id));
}

/** The folder of a bundle path that ends in `<id>.json` (with its slash), else the whole path. */
export function bundleFolderOf(row: Pick<EvidenceIndexRow, 'id' | 'bundlePath'>): string {
  const file = `/${row.id}.json`;
  return row.bundlePath.endsWith(file) ? row.bundlePath.slice(0, row.bundlePath.length - file.length + 1) : row.bundlePath;
}

function evidenceRow(r: EvidenceIndexRow): CellValue[] {
  return [r.id, r.criteria.join(' ') || null, `${r.account} ${r.region}`, formatWindow(r.window.start, r.window.end), r.recordCount, formatInstant(r.collectedAt), r.sha256, bundleFolderOf(r)];
}

export function buildEvidenceIndexModel(context: ReportContext): DocumentModel {
  const rows = sortEvidenceRows(context.evidenceIndex);
  const names = accountNames(context);
  const sources = new Map<string, { items: number; records: number; operations: Set<string>; controls: Set<string>; criteria: Set<string> }>();
  for (const r of rows) {
    const s = sources.get(r.collector) ?? { items: 0, records: 0, operations: new Set<string>(), controls: new Set<string>(), criteria: new Set<string>() };
    s.items += 1;
    s.records += r.recordCount;
    r.operations.forEach((o) => s.operations.add(o));
    r.controls.forEach((c) => s.controls.add(c));
    r.criteria.forEach((c) => s.criteria.add(c));
    sources.set(r.collector, s);
  }
  const titles = new Map(context.view.sources.map((s) => [s.id, s.title]));
  const accounts = [...new Set(rows.map((r) => r.account))].sort();
  const regions = [...new Set(rows.map((r) => r.region))].sort();
  const snapshots = new Set(rows.map((r) => r.snapshotId)).size;
  const abbreviated = rows.filter((r) => bundleFolderOf(r) !== r.bundlePath).length;

  return {
    ...documentBase(context, EVIDENCE_INDEX_TITLE, { subtitle: 'Every evidence item in the bundle, where it came from, and its SHA-256', orientation: 'landscape' }),
    sections: [
      {
        id: 'about',
        title: 'About this index',
        level: 1,
        blocks: [
          paragraph(
            `Every evidence item (one envelope: one source, account, region and snapshot) used for the period, ${plural(rows.length, 'item')} in all, with the criteria and controls it supports, ` +
              'the API operations that produced it, the window it describes, how many records it holds, when it was collected, the SHA-256 of its bytes (as the snapshot manifest recorded it) and where it is in the bundle. ' +
              `The same list, with every field in full (controls and API operations per item), is in ${EVIDENCE_INDEX_CSV} for filtering and sampling.`,
          ),
          {
            kind: 'keyValues',
            items: [
              { key: 'Evidence items', value: rows.length },
              { key: 'Snapshots', value: snapshots },
              { key: 'Sources', value: sources.size },
              { key: 'Accounts', value: accounts.map((a) => accountLabel(a, names)).join(', ') || null },
              { key: 'Regions', value: regions.join(', ') || null },
              { key: 'Records in all items', value: rows.reduce((n, r) => n + r.recordCount, 0) },
              { key: 'Full data', value: EVIDENCE_INDEX_CSV },
            ],
          },
          {
            kind: 'callout',
            tone: 'info',
            title: 'Reading a row',
            text:
              'An evidence id is <snapshot id>_<account>_<region>_<source>; the snapshot id begins with the UTC time of the collection run. ' +
              `“Bundle folder”: the item is the file <evidence id>.json in that folder of the bundle${abbreviated < rows.length ? ' (where a row shows a full path instead, that is the file)' : ''}. ` +
              'A window of one time is a point-in-time capture (the state at that moment); two times bound the records of a time-windowed source (jobs, events, history). ' +
              'Verify any item offline: its SHA-256 is also in the bundle’s SHA256SUMS, which the bundle signature covers (proofpack verify).',
          },
        ],
      },
      {
        id: 'sources',
        title: 'Sources',
        level: 2,
        blocks: [
          table(
            [
              { header: 'Source', format: 'mono', width: '13%' },
              { header: 'What it holds', width: '20%' },
              { header: 'API operations', format: 'mono', width: '25%' },
              { header: 'Controls', format: 'mono', width: '21%' },
              { header: 'Criteria', width: '8%' },
              { header: 'Items', format: 'number', width: '6%' },
              { header: 'Records', format: 'number' },
            ],
            [...sources.entries()]
              .sort((a, b) => compareBytewise(a[0], b[0]))
              .map(([id, s]) => [id, titles.get(id) ?? null, [...s.operations].sort().join(', ') || 'none (local files)', [...s.controls].sort().join(', ') || 'none', [...s.criteria].sort().join(', ') || null, s.items, s.records]),
            { caption: 'What each source is, the API operations that produce it, and the controls that use it', emptyText: 'No evidence.' },
          ),
        ],
      },
      {
        id: 'items',
        title: 'Evidence items',
        level: 1,
        blocks: [
          table(EVIDENCE_INDEX_PDF_COLUMNS, rows.map(evidenceRow), {
            caption: `${formatNumber(rows.length)} evidence items, in evidence id order`,
            fullData: { path: EVIDENCE_INDEX_CSV, description: 'every field of every item' },
            // Every row is printed: the index is the list an auditor checks the bundle against.
            pdfRowLimit: Math.max(rows.length, 1),
            emptyText: 'No evidence items.',
          }),
        ],
      },
    ],
  };
}

/** 04_Evidence_Index.csv: RFC 4180 (CRLF, quoted where needed), formula-safe, with proofpack's `#` header block. */
export function buildEvidenceIndexCsv(context: ReportContext): string {
  const rows = sortEvidenceRows(context.evidenceIndex);
  const header = formatCsvHeaderBlock([
    ['proofpack evidence index', `${context.config.organization} · ${context.config.system}`],
    ['period', `${context.config.period.start} to ${context.config.period.end} (inclusive, UTC)`],
    ['rows', String(rows.length)],
    ['key column', 'evidence_id (unique); rows sorted by evidence_id'],
    ['lists', 'criteria, controls and operations hold several values separated by "; "'],
    ['bundle', `${context.bundleName} (bundle id ${context.bundleId})`],
    ['generated', `${context.generatedAt} by proofpack ${TOOL_VERSION}`],
    ['formula escaping', FORMULA_ESCAPING_NOTE],
  ]);
  const parts: string[] = [header, formatCsvRow(EVIDENCE_INDEX_CSV_COLUMNS)];
  for (const r of rows) {
    parts.push(
      formatCsvRow([
        r.id,
        r.snapshotId,
        r.collector,
        r.criteria.join('; '),
        r.controls.join('; '),
        r.operations.join('; '),
        r.account,
        r.region,
        r.window.start,
        r.window.end,
        r.recordCount,
        r.collectedAt,
        r.sha256,
        r.bundlePath,
      ]),
    );
  }
  return parts.join('');
}

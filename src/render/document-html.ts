import { TOOL_VERSION } from '../version.js';
import type { Block, CellValue, DocumentModel, Orientation, PaperSize, ResultStatus, TableBlock, TableColumn } from './document-model.js';
import { rowAnchor, type PlannedDocument, type PlannedSection, type RenderUnit } from './document-plan.js';
import { ensurePartial, formatLongDate, formatNumber, formatTimestamp, renderTemplate } from './handlebars.js';

/**
 * Document model → HTML (pure, snapshot-tested). Every piece Chromium prints — the cover, the
 * table of contents, each unit of the body, the running header — is one template under
 * `templates/document/`, fed a view object built here. All text goes through Handlebars' escaping.
 */

/** Page geometry in millimetres; the header sits in the top margin, the footer (stamped later) in the bottom one. */
export interface PageGeometry {
  widthMm: number;
  heightMm: number;
  margin: { top: number; bottom: number; left: number; right: number };
}

const PAPER_MM: Record<PaperSize, [number, number]> = { A4: [210, 297], Letter: [215.9, 279.4] };
const MARGIN_MM = { top: 20, bottom: 18, left: 18, right: 18 };

export function pageGeometry(paperSize: PaperSize, orientation: Orientation = 'portrait'): PageGeometry {
  const [w, h] = PAPER_MM[paperSize];
  return orientation === 'landscape' ? { widthMm: h, heightMm: w, margin: MARGIN_MM } : { widthMm: w, heightMm: h, margin: MARGIN_MM };
}

export interface TocEntry {
  id: string;
  anchor: string;
  number: string;
  title: string;
  level: 1 | 2 | 3;
  /** 1-based page number in the finished PDF (the cover is page 1). */
  page: number;
}

const STATUS_LABELS: Record<ResultStatus, string> = {
  pass: 'Pass',
  fail: 'Fail',
  waived: 'Waived',
  error: 'Error',
  not_applicable: 'Not applicable',
};

interface CellView {
  text: string;
  badge?: { status: ResultStatus; label: string };
  empty?: boolean;
}

function viewCell(value: CellValue, column?: TableColumn): CellView {
  if (value === null || value === '') return { text: '—', empty: true };
  if (typeof value === 'number') return { text: column?.format === 'number' || column === undefined ? formatNumber(value) : String(value) };
  if (typeof value === 'object') return { text: '', badge: { status: value.status, label: value.label ?? STATUS_LABELS[value.status] } };
  return { text: value };
}

function columnClass(column: TableColumn): string {
  const format = column.format ?? 'text';
  const align = column.align ?? (format === 'number' ? 'right' : format === 'status' ? 'center' : 'left');
  return `f-${format} a-${align}`;
}

function viewTable(block: TableBlock, start: number, end: number, anchored: boolean): object {
  const classes = block.columns.map(columnClass);
  const rows = [];
  for (let r = start; r < end; r++) {
    rows.push({
      id: anchored ? rowAnchor(r) : undefined,
      cells: block.rows[r].map((value, c) => ({ ...viewCell(value, block.columns[c]), className: classes[c] })),
    });
  }
  return {
    kind: 'table',
    partial: ensurePartial('document/blocks/table'),
    caption: start === 0 ? block.caption : undefined,
    fullDataPath: start === 0 && block.rows.length > 0 ? block.fullData?.path : undefined,
    columns: block.columns.map((column, c) => ({ header: column.header, className: classes[c], width: column.width })),
    rows,
    empty: block.rows.length === 0,
    emptyText: block.emptyText ?? 'None.',
    generated: block.generated,
    // A chunk after the first continues the table seamlessly: no caption, no label.
    continued: start > 0,
  };
}

function viewBlock(block: Block): object {
  switch (block.kind) {
    case 'paragraph':
      return { kind: 'paragraph', partial: ensurePartial('document/blocks/paragraph'), text: block.text, generated: block.generated };
    case 'keyValues':
      return {
        kind: 'key-values',
        partial: ensurePartial('document/blocks/key-values'),
        items: block.items.map((item) => ({ key: item.key, ...viewCell(item.value) })),
        generated: block.generated,
      };
    case 'table':
      return viewTable(block, 0, block.rows.length, false);
    case 'callout':
      return { kind: 'callout', partial: ensurePartial('document/blocks/callout'), tone: block.tone, title: block.title, text: block.text, generated: block.generated };
    case 'template':
      return { kind: 'template', partial: ensurePartial('document/blocks/template'), template: ensurePartial(block.template), data: block.data, generated: block.generated };
    case 'image':
      return { kind: 'image', partial: ensurePartial('document/blocks/image'), src: block.dataUri, alt: block.alt, caption: block.caption, generated: block.generated };
    case 'svg':
      return {
        kind: 'svg',
        partial: ensurePartial('document/blocks/image'),
        src: `data:image/svg+xml;base64,${Buffer.from(block.svg, 'utf8').toString('base64')}`,
        alt: block.alt,
        caption: block.caption,
        generated: block.generated,
      };
  }
}

function viewHeading(section: PlannedSection): object {
  return { heading: true, tag: `h${section.level}`, anchor: section.anchor, number: section.number, title: section.title, level: section.level };
}

function viewPage(model: DocumentModel, kind: string): object {
  ensurePartial('document/layout');
  ensurePartial('document/styles');
  const geometry = pageGeometry(model.paperSize, model.orientation);
  const contentHeight = geometry.heightMm - geometry.margin.top - geometry.margin.bottom;
  return {
    documentTitle: model.title,
    bodyClass: `${kind} paper-${model.paperSize.toLowerCase()} ${model.orientation ?? 'portrait'}`,
    // Slightly less than the printable height, so rounding never spills the cover onto a second page.
    contentHeight: `${(contentHeight - 4).toFixed(1)}mm`,
  };
}

function periodLabel(model: DocumentModel): string {
  return `${formatLongDate(model.period.start)} – ${formatLongDate(model.period.end)}`;
}

/** The cover page: organization, system, period, when it was generated, and the bundle it belongs to. */
export function renderCoverHtml(model: DocumentModel): string {
  return renderTemplate('document/cover', {
    page: viewPage(model, 'cover'),
    title: model.title,
    subtitle: model.subtitle,
    notice: model.notice,
    organization: model.organization,
    fields: [
      { key: 'Organization', value: model.organization },
      { key: 'System', value: model.system },
      { key: 'Period', value: periodLabel(model) },
      { key: 'Generated', value: formatTimestamp(model.generatedAt) },
      { key: 'Bundle ID', value: model.bundleId, mono: true },
    ],
    toolVersion: TOOL_VERSION,
  });
}

/**
 * The table of contents. Each entry links to its section's destination; the targets are hidden
 * here (the real ones are in the body, joined when the PDF is assembled).
 */
export function renderTocHtml(model: DocumentModel, entries: TocEntry[]): string {
  return renderTemplate('document/toc', {
    page: viewPage(model, 'toc'),
    entries: entries.map((entry) => ({ ...entry, page: String(entry.page) })),
  });
}

/** One unit of the body (a part, or a chunk of it), with hidden links that make Chromium record where each heading and anchored row lands. */
export function renderUnitHtml(planned: PlannedDocument, unit: RenderUnit): string {
  const anchors: string[] = [];
  const items: object[] = [];
  for (const item of unit.items) {
    if (item.kind === 'heading') {
      anchors.push(item.section.anchor);
      items.push(viewHeading(item.section));
    } else if (item.kind === 'rows') {
      const anchored = unit.cut !== undefined && unit.cut.itemIndex === item.itemIndex;
      if (anchored) for (let r = item.start; r < item.end; r++) anchors.push(rowAnchor(r));
      items.push({ block: viewTable(item.block, item.start, item.end, anchored) });
    } else {
      items.push({ block: viewBlock(item.block) });
    }
  }
  return renderTemplate('document/unit', { page: viewPage(planned.model, 'body'), anchors, items });
}

/** Chromium's running header on every page after the cover: document title · organization, and the period. */
export function renderHeaderTemplate(model: DocumentModel): string {
  const geometry = pageGeometry(model.paperSize, model.orientation);
  return renderTemplate('document/header', {
    left: `${model.title} · ${model.organization}`,
    right: `${model.system} · ${periodLabel(model)}`,
    paddingLeft: `${geometry.margin.left}mm`,
    paddingRight: `${geometry.margin.right}mm`,
  });
}

/** The text stamped at the foot of every page after the cover, left of "Page X of Y". */
export function footerText(model: DocumentModel): string {
  return `Bundle ${model.bundleId} · Generated ${formatTimestamp(model.generatedAt)}`;
}

import { RenderError } from '../errors.js';

/**
 * The general document model every proofpack PDF is built from: plain data, no HTML. Reports
 * (System Description, Control Results, Evidence Index…) build one of these; the engine turns it
 * into a cover, a table of contents with page numbers, and numbered sections.
 */

export type PaperSize = 'A4' | 'Letter';
export type Orientation = 'portrait' | 'landscape';
export type ResultStatus = 'pass' | 'fail' | 'waived' | 'error' | 'not_applicable';

export const PAPER_SIZES: readonly PaperSize[] = ['A4', 'Letter'];
export const RESULT_STATUSES: readonly ResultStatus[] = ['pass', 'fail', 'waived', 'error', 'not_applicable'];

/** The observation period, as ISO dates (`YYYY-MM-DD`), both inclusive. */
export interface DocumentPeriod {
  start: string;
  end: string;
}

export interface DocumentModel {
  title: string;
  subtitle?: string;
  organization: string;
  system: string;
  period: DocumentPeriod;
  /** ISO 8601 UTC timestamp; also the PDF's CreationDate/ModDate, so the same model gives the same bytes. */
  generatedAt: string;
  bundleId: string;
  paperSize: PaperSize;
  /** Portrait unless a document has wide tables (the Evidence Index). */
  orientation?: Orientation;
  /** A line on the cover such as "Draft for management review". */
  notice?: string;
  sections: Section[];
}

/** A section; level 1 starts a new page, levels 2 and 3 flow inside it. Ids name PDF destinations. */
export interface Section {
  id: string;
  title: string;
  level: 1 | 2 | 3;
  blocks: Block[];
}

export type Block = ParagraphBlock | KeyValueBlock | TableBlock | CalloutBlock | TemplateBlock | ImageBlock | SvgBlock;

interface BlockBase {
  /** Facts the tool filled in from evidence (not written by people) are marked as generated. */
  generated?: boolean;
}

/** Plain text; line breaks are kept. */
export interface ParagraphBlock extends BlockBase {
  kind: 'paragraph';
  text: string;
}

export interface StatusCell {
  status: ResultStatus;
  /** Shown instead of the status name. */
  label?: string;
}

export type CellValue = string | number | null | StatusCell;

export interface KeyValueBlock extends BlockBase {
  kind: 'keyValues';
  items: Array<{ key: string; value: CellValue }>;
}

export interface TableColumn {
  header: string;
  /** `mono` for ids and hashes (breaks anywhere), `number` for counts (grouped, right-aligned), `status` for badges. */
  format?: 'text' | 'mono' | 'number' | 'status';
  align?: 'left' | 'right' | 'center';
  /** A CSS length: `12%`, `30mm`, `40pt`, `6em`. */
  width?: string;
}

export interface TableBlock extends BlockBase {
  kind: 'table';
  caption?: string;
  columns: TableColumn[];
  /** One array per row, one value per column. */
  rows: CellValue[][];
  /** Shown instead of an empty table. */
  emptyText?: string;
  /** Where the complete data lives (a CSV in the bundle); required when the table can exceed the PDF row limit. */
  fullData?: { path: string; description?: string };
  /** Overrides the renderer's `tableRowLimit` for this table. */
  pdfRowLimit?: number;
  /** Overrides the renderer's `truncatedTableRows` for this table. */
  pdfRowsWhenTruncated?: number;
}

export interface CalloutBlock extends BlockBase {
  kind: 'callout';
  tone: 'info' | 'success' | 'warning' | 'danger';
  title?: string;
  text: string;
}

/**
 * HTML from one of our own Handlebars templates (`templates/<template>.hbs`), for layouts the other
 * blocks do not cover. The template is trusted; the data is not, and is escaped like everything else.
 */
export interface TemplateBlock extends BlockBase {
  kind: 'template';
  template: string;
  data: Record<string, unknown>;
}

/** A PNG, JPEG, GIF, WebP or SVG image inlined as a base64 `data:` URI (the page may load nothing else). */
export interface ImageBlock extends BlockBase {
  kind: 'image';
  dataUri: string;
  alt: string;
  caption?: string;
}

/** SVG markup we generated (diagrams); shown as an image, so it can neither run script nor load anything. */
export interface SvgBlock extends BlockBase {
  kind: 'svg';
  svg: string;
  alt: string;
  caption?: string;
}

const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;
const CSS_LENGTH_PATTERN = /^\d{1,4}(\.\d{1,3})?(%|mm|cm|in|pt|em|rem|ch)$/;
const DATA_URI_PATTERN = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/;
const TEMPLATE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/;

/** Every problem in a document model, each with its path (`sections[2].blocks[0].rows[7]`); empty when valid. */
export function listDocumentModelProblems(model: DocumentModel): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, path: string, message: string): void => {
    if (!ok) problems.push(`${path}: ${message}`);
  };
  const text = (value: unknown, path: string, optional = false): void => {
    if (optional && value === undefined) return;
    need(typeof value === 'string' && value.trim().length > 0, path, 'expected a non-empty string');
  };

  text(model.title, 'title');
  text(model.subtitle, 'subtitle', true);
  text(model.organization, 'organization');
  text(model.system, 'system');
  text(model.notice, 'notice', true);
  text(model.bundleId, 'bundleId');
  need(isIsoDate(model.period?.start), 'period.start', 'expected a date YYYY-MM-DD');
  need(isIsoDate(model.period?.end), 'period.end', 'expected a date YYYY-MM-DD');
  if (isIsoDate(model.period?.start) && isIsoDate(model.period?.end)) {
    need(model.period.start <= model.period.end, 'period', 'start is after end');
  }
  need(
    typeof model.generatedAt === 'string' && TIMESTAMP_PATTERN.test(model.generatedAt) && !Number.isNaN(Date.parse(model.generatedAt)),
    'generatedAt',
    'expected a UTC timestamp such as 2026-01-31T12:00:00Z',
  );
  need(PAPER_SIZES.includes(model.paperSize), 'paperSize', `expected one of ${PAPER_SIZES.join(', ')}`);
  need(model.orientation === undefined || model.orientation === 'portrait' || model.orientation === 'landscape', 'orientation', 'expected portrait or landscape');

  if (!Array.isArray(model.sections) || model.sections.length === 0) {
    problems.push('sections: expected at least one section');
    return problems;
  }
  const seen = new Set<string>();
  model.sections.forEach((section, i) => {
    const at = `sections[${i}]`;
    need(typeof section.id === 'string' && ID_PATTERN.test(section.id), `${at}.id`, 'expected a letter then letters, digits, ".", "_" or "-" (at most 100)');
    need(!seen.has(section.id), `${at}.id`, `"${section.id}" is used by an earlier section`);
    seen.add(section.id);
    text(section.title, `${at}.title`);
    need([1, 2, 3].includes(section.level), `${at}.level`, 'expected 1, 2 or 3');
    if (i === 0) need(section.level === 1, `${at}.level`, 'the first section must be level 1');
    else need(section.level <= model.sections[i - 1].level + 1, `${at}.level`, `a level ${section.level} section cannot follow a level ${model.sections[i - 1].level} section`);
    if (!Array.isArray(section.blocks)) {
      problems.push(`${at}.blocks: expected an array`);
      return;
    }
    section.blocks.forEach((block, j) => checkBlock(block, `${at}.blocks[${j}]`, need, text));
  });
  return problems;
}

/** Throws a RenderError listing every problem of a model that is not well formed. */
export function assertValidDocumentModel(model: DocumentModel): void {
  const problems = listDocumentModelProblems(model);
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
    throw new RenderError(`document "${model.title}" is not a valid document model:\n  ${shown.join('\n  ')}${more}`);
  }
}

type Need = (ok: boolean, path: string, message: string) => void;
type Text = (value: unknown, path: string, optional?: boolean) => void;

function checkBlock(block: Block, at: string, need: Need, text: Text): void {
  switch (block.kind) {
    case 'paragraph':
      need(typeof block.text === 'string', `${at}.text`, 'expected a string');
      return;
    case 'keyValues':
      if (!Array.isArray(block.items)) return need(false, `${at}.items`, 'expected an array');
      block.items.forEach((item, k) => {
        text(item.key, `${at}.items[${k}].key`);
        checkCell(item.value, `${at}.items[${k}].value`, need);
      });
      return;
    case 'table':
      checkTable(block, at, need, text);
      return;
    case 'callout':
      need(['info', 'success', 'warning', 'danger'].includes(block.tone), `${at}.tone`, 'expected info, success, warning or danger');
      text(block.title, `${at}.title`, true);
      need(typeof block.text === 'string', `${at}.text`, 'expected a string');
      return;
    case 'template':
      need(typeof block.template === 'string' && TEMPLATE_NAME_PATTERN.test(block.template), `${at}.template`, 'expected a template name under templates/, such as document/fragments/signature');
      need(typeof block.data === 'object' && block.data !== null, `${at}.data`, 'expected an object');
      return;
    case 'image':
      need(typeof block.dataUri === 'string' && DATA_URI_PATTERN.test(block.dataUri), `${at}.dataUri`, 'expected a base64 data: URI of a PNG, JPEG, GIF, WebP or SVG image');
      text(block.alt, `${at}.alt`);
      text(block.caption, `${at}.caption`, true);
      return;
    case 'svg':
      need(typeof block.svg === 'string' && /^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(block.svg), `${at}.svg`, 'expected SVG markup starting with <svg');
      text(block.alt, `${at}.alt`);
      text(block.caption, `${at}.caption`, true);
      return;
    default:
      need(false, `${at}.kind`, `unknown block kind "${(block as { kind: unknown }).kind}"`);
  }
}

function checkTable(block: TableBlock, at: string, need: Need, text: Text): void {
  text(block.caption, `${at}.caption`, true);
  text(block.emptyText, `${at}.emptyText`, true);
  if (!Array.isArray(block.columns) || block.columns.length === 0) return need(false, `${at}.columns`, 'expected at least one column');
  block.columns.forEach((column, k) => {
    const cat = `${at}.columns[${k}]`;
    need(typeof column.header === 'string', `${cat}.header`, 'expected a string');
    need(column.format === undefined || ['text', 'mono', 'number', 'status'].includes(column.format), `${cat}.format`, 'expected text, mono, number or status');
    need(column.align === undefined || ['left', 'right', 'center'].includes(column.align), `${cat}.align`, 'expected left, right or center');
    need(column.width === undefined || CSS_LENGTH_PATTERN.test(column.width), `${cat}.width`, 'expected a CSS length such as 12%, 30mm or 40pt');
  });
  if (block.fullData !== undefined) text(block.fullData?.path, `${at}.fullData.path`);
  for (const key of ['pdfRowLimit', 'pdfRowsWhenTruncated'] as const) {
    const value = block[key];
    need(value === undefined || (Number.isInteger(value) && value > 0), `${at}.${key}`, 'expected a positive integer');
  }
  if (!Array.isArray(block.rows)) return need(false, `${at}.rows`, 'expected an array');
  let reported = 0;
  for (let r = 0; r < block.rows.length && reported < 5; r++) {
    const row = block.rows[r];
    if (!Array.isArray(row) || row.length !== block.columns.length) {
      need(false, `${at}.rows[${r}]`, `expected an array of ${block.columns.length} values (one per column)`);
      reported++;
      continue;
    }
    for (let c = 0; c < row.length; c++) {
      const before = reported;
      checkCell(row[c], `${at}.rows[${r}][${c}]`, (ok, path, message) => {
        if (!ok) {
          need(false, path, message);
          reported++;
        }
      });
      if (reported > before) break;
    }
  }
}

function checkCell(value: CellValue, at: string, need: Need): void {
  if (value === null || typeof value === 'string') return;
  if (typeof value === 'number') return need(Number.isFinite(value), at, 'expected a finite number');
  if (typeof value === 'object' && value !== null && 'status' in value) {
    need(RESULT_STATUSES.includes(value.status), `${at}.status`, `expected one of ${RESULT_STATUSES.join(', ')}`);
    need(value.label === undefined || typeof value.label === 'string', `${at}.label`, 'expected a string');
    return;
  }
  need(false, at, 'expected a string, a number, null or { status }');
}

function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE_PATTERN.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

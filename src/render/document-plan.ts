import { RenderError } from '../errors.js';
import type { Block, CalloutBlock, DocumentModel, Section, TableBlock } from './document-model.js';
import { formatNumber } from './handlebars.js';

/**
 * How a document is cut into pieces Chromium renders one at a time (pure). A level-1 section and
 * the sections under it form a *part*, which starts on a new page. A part whose tables hold more
 * than `chunkRows` rows is rendered in several *units*, each cut inside a table, so the browser
 * never lays out more than about `chunkRows` rows at once (its memory grows with the rows of one
 * print, not with the document).
 */

export interface RenderLimits {
  /**
   * Table rows per browser print. Measured with bench/render.ts on 10,000 evidence rows: chunks of
   * 250 / 500 / 1,000 / 2,000 rows peaked at 645 / 747 / 886 / 1,305 MB tree PSS in about the
   * same time (29–34 s); 500 keeps 50,000 rows near 800 MB without printing more often than needed.
   */
  chunkRows: number;
  /** A table with more rows than this is not printed in full; the PDF points to its full data. */
  tableRowLimit: number;
  /** How many rows such a table shows. */
  truncatedTableRows: number;
  /** Deepest section level listed in the table of contents (bookmarks list every level). */
  tocDepth: 1 | 2 | 3;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  chunkRows: 500,
  tableRowLimit: 20_000,
  truncatedTableRows: 1_000,
  tocDepth: 2,
};

export interface PlannedSection {
  id: string;
  /** The destination name of its heading in the PDF, and its HTML id. */
  anchor: string;
  /** `1`, `1.2`, `1.2.3`. */
  number: string;
  title: string;
  level: 1 | 2 | 3;
}

export type FlowItem = { kind: 'heading'; section: PlannedSection } | { kind: 'block'; section: PlannedSection; block: Block };

export interface DocumentPart {
  items: FlowItem[];
}

export interface PlannedDocument {
  model: DocumentModel;
  sections: PlannedSection[];
  parts: DocumentPart[];
}

/** A position in a part: an item, and for a table the first row not yet rendered. */
export interface FlowCursor {
  item: number;
  row: number;
}

export type UnitItem =
  | { kind: 'heading'; section: PlannedSection }
  | { kind: 'block'; block: Block; section: PlannedSection }
  | { kind: 'rows'; block: TableBlock; section: PlannedSection; itemIndex: number; start: number; end: number };

/** One browser print. When `cut` is set, the unit ends inside that table and its rows carry anchors. */
export interface RenderUnit {
  items: UnitItem[];
  start: FlowCursor;
  /** Where the next unit starts, or null at the end of the part. */
  end: FlowCursor | null;
  cut?: { itemIndex: number; start: number; end: number };
}

export const sectionAnchor = (id: string): string => `s-${id}`;
export const rowAnchor = (row: number): string => `pp-row-${row}`;

/** The row index of a `rowAnchor` name, or undefined for any other destination. */
export function parseRowAnchor(name: string): number | undefined {
  const match = /^pp-row-(\d+)$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** Numbers the sections, groups them into parts and applies the table row limit. */
export function planDocument(model: DocumentModel, limits: RenderLimits): PlannedDocument {
  const counters = [0, 0, 0];
  const sections: PlannedSection[] = [];
  const parts: DocumentPart[] = [];
  for (const section of model.sections) {
    counters[section.level - 1] += 1;
    for (let l = section.level; l < 3; l++) counters[l] = 0;
    const planned: PlannedSection = {
      id: section.id,
      anchor: sectionAnchor(section.id),
      number: counters.slice(0, section.level).join('.'),
      title: section.title,
      level: section.level,
    };
    sections.push(planned);
    if (section.level === 1) parts.push({ items: [] });
    const part = parts[parts.length - 1];
    part.items.push({ kind: 'heading', section: planned });
    for (const block of section.blocks) {
      for (const limited of applyRowLimit(block, section, limits)) part.items.push({ kind: 'block', section: planned, block: limited });
    }
  }
  return { model, sections, parts };
}

/** A table above its row limit becomes a notice saying where the full data is, then its first rows. */
function applyRowLimit(block: Block, section: Section, limits: RenderLimits): Block[] {
  if (block.kind !== 'table') return [block];
  const limit = block.pdfRowLimit ?? limits.tableRowLimit;
  if (block.rows.length <= limit) return [block];
  if (!block.fullData) {
    throw new RenderError(
      `section "${section.id}": a table has ${block.rows.length} rows, more than the PDF row limit ${limit}, and names no fullData file where readers find all of them`,
    );
  }
  const shown = Math.min(block.pdfRowsWhenTruncated ?? limits.truncatedTableRows, limit);
  const notice: CalloutBlock = {
    kind: 'callout',
    tone: 'info',
    title: 'Not every row is printed',
    text:
      `${block.caption ? `“${block.caption}” has` : 'This table has'} ${formatNumber(block.rows.length)} rows, more than a PDF should hold ` +
      `(limit ${formatNumber(limit)}). The first ${formatNumber(shown)} are printed below; the complete table is in ${block.fullData.path}` +
      `${block.fullData.description ? ` (${block.fullData.description})` : ''}.`,
    generated: block.generated,
  };
  return [notice, { ...block, rows: block.rows.slice(0, shown) }];
}

/**
 * The unit starting at `cursor`: every item until the tables in it reach `chunkRows` rows. A table
 * that does not fit is cut; a table that would only overflow by half a chunk is taken whole, and a
 * cut always takes at least half a chunk, so no unit holds more than 1.5 × `chunkRows` rows.
 */
export function planUnit(part: DocumentPart, cursor: FlowCursor, chunkRows: number): RenderUnit {
  const items: UnitItem[] = [];
  let budget = chunkRows;
  for (let i = cursor.item; i < part.items.length; i++) {
    const item = part.items[i];
    if (item.kind === 'heading' || item.block.kind !== 'table') {
      items.push(item.kind === 'heading' ? item : { kind: 'block', block: item.block, section: item.section });
      continue;
    }
    const table = item.block;
    const from = i === cursor.item ? cursor.row : 0;
    const remaining = table.rows.length - from;
    if (remaining <= budget + Math.floor(chunkRows / 2)) {
      items.push({ kind: 'rows', block: table, section: item.section, itemIndex: i, start: from, end: table.rows.length });
      budget -= remaining;
      continue;
    }
    const take = Math.max(budget, Math.ceil(chunkRows / 2));
    items.push({ kind: 'rows', block: table, section: item.section, itemIndex: i, start: from, end: from + take });
    return { items, start: cursor, end: { item: i, row: from + take }, cut: { itemIndex: i, start: from, end: from + take } };
  }
  return { items, start: cursor, end: null };
}

/** Where an anchored row starts: its 0-based page and the y of its top edge (PDF points, from the bottom). */
export interface RowPosition {
  pageIndex: number;
  y: number;
}

/**
 * After a cut unit is printed: its last page is usually part-filled. When that page holds only rows
 * of the cut table, it is dropped and the next unit starts with its first row, so pages stay full
 * and the merged table reads as if printed in one go. Pages are kept whenever that is not certain:
 * the table began on the last two pages, or the last page's first row does not sit where the first
 * row of the page before sits (right under the repeated header) — a row taller than a page may
 * have spilled onto it, and dropping the page would lose that spill.
 */
export function settleUnit(unit: RenderUnit, pageCount: number, rows: ReadonlyMap<number, RowPosition>): { keepPages: number; next: FlowCursor | null } {
  const keepAll = { keepPages: pageCount, next: unit.end };
  if (!unit.cut || !unit.end) return keepAll;
  const last = pageCount - 1;
  const first = rows.get(unit.cut.start);
  if (last < 2 || first === undefined || first.pageIndex >= last - 1) return keepAll;
  const firstRowOn = (page: number): number | undefined => {
    for (let row = unit.cut!.start; row < unit.cut!.end; row++) if (rows.get(row)?.pageIndex === page) return row;
    return undefined;
  };
  const onLast = firstRowOn(last);
  const onPrevious = firstRowOn(last - 1);
  if (onLast === undefined || onPrevious === undefined) return keepAll;
  if (Math.abs(rows.get(onLast)!.y - rows.get(onPrevious)!.y) > 0.5) return keepAll;
  return { keepPages: pageCount - 1, next: { item: unit.cut.itemIndex, row: onLast } };
}

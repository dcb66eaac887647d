import { RenderError } from '../../../src/errors.js';
import type { DocumentModel, TableBlock } from '../../../src/render/document-model.js';
import { DEFAULT_RENDER_LIMITS, planDocument, planUnit, settleUnit, type DocumentPart, type RenderUnit } from '../../../src/render/document-plan.js';
import { buildEvidenceIndexDocument, buildSampleDocument } from '../../support/render-documents.js';

const limits = DEFAULT_RENDER_LIMITS;

function tableOf(rows: number, extra: Partial<TableBlock> = {}): TableBlock {
  return { kind: 'table', columns: [{ header: 'n', format: 'number' }], rows: Array.from({ length: rows }, (_, i) => [i]), ...extra };
}

function modelWith(blocks: DocumentModel['sections'][number]['blocks']): DocumentModel {
  return { ...buildSampleDocument(), sections: [{ id: 'only', title: 'Only', level: 1, blocks }] };
}

/** Renders a whole part unit by unit, as the engine does, returning the row ranges each unit printed. */
function walk(part: DocumentPart, chunkRows: number): RenderUnit[] {
  const units: RenderUnit[] = [];
  let cursor: { item: number; row: number } | null = { item: 0, row: 0 };
  while (cursor) {
    const unit = planUnit(part, cursor, chunkRows);
    units.push(unit);
    cursor = unit.end;
  }
  return units;
}

describe('planDocument', () => {
  test('numbers sections 1, 1.1, 2, 2.1, 2.1.1 and starts a part at each level-1 section', () => {
    const planned = planDocument(buildSampleDocument(), limits);
    expect(planned.sections.map((s) => `${s.number} ${s.title}`)).toEqual([
      '1 Overview',
      '1.1 Regions and pairs',
      '2 Control results',
      '2.1 Exceptions',
      '2.1.1 Exception detail',
      '3 Appendix',
    ]);
    expect(planned.parts).toHaveLength(3);
    expect(planned.parts[1].items.filter((i) => i.kind === 'heading').map((i) => i.section.id)).toEqual(['results', 'results.exceptions', 'results.exceptions.detail']);
    expect(planned.sections[0].anchor).toBe('s-overview');
  });

  test('a table above the row limit shows its first rows and a notice naming the full data file', () => {
    const planned = planDocument(modelWith([tableOf(25, { caption: 'Jobs', fullData: { path: 'populations/backup-jobs.csv' } })]), { ...limits, tableRowLimit: 20, truncatedTableRows: 5 });
    const blocks = planned.parts[0].items.flatMap((i) => (i.kind === 'block' ? [i.block] : []));
    expect(blocks[0]).toMatchObject({ kind: 'callout', tone: 'info' });
    expect((blocks[0] as { text: string }).text).toBe(
      '“Jobs” has 25 rows, more than a PDF should hold (limit 20). The first 5 are printed below; the complete table is in populations/backup-jobs.csv.',
    );
    expect((blocks[1] as TableBlock).rows).toEqual([[0], [1], [2], [3], [4]]);
  });

  test('a table at the limit, or with its own higher pdfRowLimit, is printed in full', () => {
    const atLimit = planDocument(modelWith([tableOf(20)]), { ...limits, tableRowLimit: 20 });
    expect((atLimit.parts[0].items[1] as { block: TableBlock }).block.rows).toHaveLength(20);
    const own = planDocument(buildEvidenceIndexDocument(30), { ...limits, tableRowLimit: 10 });
    const table = own.parts[1].items.find((i) => i.kind === 'block' && i.block.kind === 'table') as { block: TableBlock };
    expect(table.block.rows).toHaveLength(30);
  });

  test('a table above the limit without a fullData file is an error', () => {
    expect(() => planDocument(modelWith([tableOf(21)]), { ...limits, tableRowLimit: 20 })).toThrow(RenderError);
    expect(() => planDocument(modelWith([tableOf(21)]), { ...limits, tableRowLimit: 20 })).toThrow(/section "only": a table has 21 rows, more than the PDF row limit 20/);
  });
});

describe('planUnit: chunks of long tables', () => {
  test('a part whose tables fit in one chunk is one unit with no cut', () => {
    const part = planDocument(modelWith([{ kind: 'paragraph', text: 'p' }, tableOf(300), tableOf(100)]), limits).parts[0];
    const units = walk(part, 500);
    expect(units).toHaveLength(1);
    expect(units[0].cut).toBeUndefined();
    expect(units[0].items.map((i) => i.kind)).toEqual(['heading', 'block', 'rows', 'rows']);
  });

  test('a long table is cut into chunks covering every row once, in order; a last piece of up to half a chunk more rides along', () => {
    const part = planDocument(modelWith([{ kind: 'paragraph', text: 'before' }, tableOf(2_245), { kind: 'paragraph', text: 'after' }]), limits).parts[0];
    const units = walk(part, 500);
    const ranges = units.flatMap((u) => u.items.flatMap((i) => (i.kind === 'rows' ? [[i.start, i.end]] : [])));
    expect(ranges).toEqual([
      [0, 500],
      [500, 1000],
      [1000, 1500],
      [1500, 2245],
    ]);
    expect(units.map((u) => u.cut?.end ?? null)).toEqual([500, 1000, 1500, null]);
    expect(units[0].items[0].kind).toBe('heading');
    expect(units[3].items[units[3].items.length - 1]).toMatchObject({ kind: 'block', block: { text: 'after' } });
  });

  test('a second table after a long one takes at least half a chunk when it is cut', () => {
    const part = planDocument(modelWith([tableOf(480), tableOf(2_000)]), limits).parts[0];
    const first = planUnit(part, { item: 0, row: 0 }, 500);
    expect(first.items.filter((i) => i.kind === 'rows').map((i) => (i.kind === 'rows' ? [i.itemIndex, i.start, i.end] : []))).toEqual([
      [1, 0, 480],
      [2, 0, 250],
    ]);
    expect(first.end).toEqual({ item: 2, row: 250 });
  });
});

describe('settleUnit: full pages at the seams', () => {
  const part = planDocument(modelWith([tableOf(2_000)]), limits).parts[0];
  const cut = planUnit(part, { item: 1, row: 500 }, 500);
  const TOP = 780;
  /** 40 rows a page, each 18 pt high, the first of each page right under the header at y = 780. */
  const evenRows = (pages: number) =>
    new Map(Array.from({ length: 500 }, (_, i) => [500 + i, { pageIndex: Math.min(Math.floor(i / 40), pages - 1), y: TOP - (i % 40) * 18 }] as const));

  test('drops the last page of a cut unit when it holds only table rows, and restarts at its first row', () => {
    // rows 500–539 on page 0 … the last page (12) starts at row 980
    expect(settleUnit(cut, 13, evenRows(13))).toEqual({ keepPages: 12, next: { item: 1, row: 980 } });
  });

  test('keeps the last page when its first row does not sit at the top (a taller row spilled onto it)', () => {
    const rows = evenRows(13);
    rows.set(980, { pageIndex: 12, y: TOP - 200 });
    expect(settleUnit(cut, 13, rows)).toEqual({ keepPages: 13, next: { item: 1, row: 1000 } });
  });

  test('keeps every page when the cut table began on one of the last two pages (other content shares them)', () => {
    const late = new Map(Array.from({ length: 500 }, (_, i) => [500 + i, { pageIndex: i < 250 ? 1 : 2, y: TOP - (i % 40) * 18 }] as const));
    expect(settleUnit(cut, 3, late)).toEqual({ keepPages: 3, next: { item: 1, row: 1000 } });
  });

  test('keeps a single page, and every page of a unit that ends its part', () => {
    expect(settleUnit(cut, 1, new Map([[500, { pageIndex: 0, y: TOP }]]))).toEqual({ keepPages: 1, next: { item: 1, row: 1000 } });
    const whole = planUnit(planDocument(modelWith([tableOf(10)]), limits).parts[0], { item: 0, row: 0 }, 500);
    expect(settleUnit(whole, 4, new Map())).toEqual({ keepPages: 4, next: null });
  });
});

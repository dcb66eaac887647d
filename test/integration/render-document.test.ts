import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef } from 'pdf-lib';
import type { DocumentModel } from '../../src/render/document-model.js';
import { openPdfRenderer, type PdfRenderer } from '../../src/render/html-to-pdf.js';
import { renderDocumentPdf, type RenderedDocument } from '../../src/render/render-document.js';
import { readPdfInfo, readPdfPages, writeTempPdf } from '../support/pdf-tools.js';
import { buildEvidenceIndexDocument, buildSampleDocument } from '../support/render-documents.js';

/** Real Chromium, read back with pdftotext/pdfinfo: layout, page numbers, chunked tables. One browser for the file. */

let renderer: PdfRenderer;
beforeAll(async () => {
  renderer = await openPdfRenderer();
});
afterAll(async () => {
  await renderer?.close();
});

/** The page (1-based) of the first page after the table of contents whose text has the numbered heading on a line of its own. */
function findHeadingPage(pages: string[], from: number, number: string, title: string): number {
  const line = new RegExp(`^\\s*${number.replace(/\./g, '\\.')}\\s+${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm');
  const index = pages.findIndex((text, i) => i >= from && line.test(text));
  return index + 1;
}

describe('a document with every kind of block (A4)', () => {
  let result: RenderedDocument;
  let file: string;
  let pages: string[];
  beforeAll(async () => {
    result = await renderDocumentPdf(renderer, buildSampleDocument('A4'));
    file = writeTempPdf(result.pdf);
    pages = readPdfPages(file);
  });

  test('pdfinfo: page count and A4 size; fixed producer', () => {
    const info = readPdfInfo(file);
    expect(Number(info.Pages)).toBe(result.pageCount);
    expect(pages).toHaveLength(result.pageCount);
    expect(info['Page size']).toBe('595.92 x 841.92 pts (A4)');
    expect(info.Producer).toMatch(/^proofpack \S+ \(Chromium, pdf-lib\)$/);
    expect(info.Title).toBe('Control Results');
  });

  test('the cover names organization, system, period, generation time and bundle id, and has no header or footer', () => {
    const cover = pages[0];
    for (const text of ['LARKSPUR HEALTH, INC.', 'Control Results', 'Larkspur Clinical Platform', '1 January 2025 – 31 December 2025', '15 January 2026 09:30 UTC', 'pp-20260115T093000Z-4c1d2e']) {
      expect(cover).toContain(text);
    }
    expect(cover).not.toMatch(/Page \d+ of/);
    expect(cover).not.toContain('Control Results · Larkspur Health, Inc.');
  });

  test('the table of contents prints, for each section, the page where pdftotext finds its heading', () => {
    const tocPage = pages[1];
    expect(tocPage).toContain('Contents');
    const entries = [...tocPage.matchAll(/^\s*(\d+(?:\.\d+)*)\s+(.+?)\s+(\d+)\s*$/gm)].map((m) => ({ number: m[1], title: m[2], page: Number(m[3]) }));
    expect(entries.map((e) => `${e.number} ${e.title}`)).toEqual(['1 Overview', '1.1 Regions and pairs', '2 Control results', '2.1 Exceptions', '3 Appendix']);
    for (const entry of entries) expect(findHeadingPage(pages, 2, entry.number, entry.title)).toBe(entry.page);
    expect(entries.map((e) => e.page)).toEqual(result.toc.map((e) => e.page));
    // tocDepth 2: the level-3 section is in the body, not in the contents.
    expect(tocPage).not.toContain('Exception detail');
    expect(findHeadingPage(pages, 2, '2.1.1', 'Exception detail')).toBeGreaterThan(0);
  });

  test('the contents links and the bookmarks lead to the pages the contents print', async () => {
    const doc = await PDFDocument.load(result.pdf);
    const refs = doc.getPages().map((p) => p.ref.toString());
    const dests = doc.catalog.lookup(PDFName.of('Dests'), PDFDict);
    const annots = doc.getPage(1).node.Annots()!;
    const linkPages = annots.asArray().map((ref) => {
      const name = (doc.context.lookup(ref, PDFDict).get(PDFName.of('Dest')) as PDFName).decodeText();
      return refs.indexOf((dests.lookup(PDFName.of(name), PDFArray).get(0) as PDFRef).toString()) + 1;
    });
    expect(linkPages).toEqual(result.toc.map((e) => e.page));
    const titles: string[] = [];
    const walk = (item: PDFDict | undefined): void => {
      for (let node = item; node; node = node.lookupMaybe(PDFName.of('Next'), PDFDict)) {
        titles.push(node.lookup(PDFName.of('Title'), PDFHexString).decodeText());
        walk(node.lookupMaybe(PDFName.of('First'), PDFDict));
      }
    };
    walk(doc.catalog.lookup(PDFName.of('Outlines'), PDFDict).lookupMaybe(PDFName.of('First'), PDFDict));
    expect(titles).toEqual(['1  Overview', '1.1  Regions and pairs', '2  Control results', '2.1  Exceptions', '2.1.1  Exception detail', '3  Appendix']);
  });

  test('every page after the cover has the running header and "Page X of Y"', () => {
    const total = pages.length;
    pages.slice(1).forEach((text, i) => {
      expect(text).toContain('Control Results · Larkspur Health, Inc.');
      expect(text).toContain(`Page ${i + 2} of ${total}`);
      expect(text).toContain('Bundle pp-20260115T093000Z-4c1d2e');
    });
  });

  test('status badges print their labels', () => {
    const results = pages[findHeadingPage(pages, 2, '2', 'Control results') - 1];
    for (const label of ['Pass', 'Fail', 'Waived', 'Error', 'Not applicable']) expect(results).toMatch(new RegExp(`\\b${label}\\b`));
  });
});

test('Letter paper: every page is 612 × 792 pt', async () => {
  const file = writeTempPdf((await renderDocumentPdf(renderer, buildSampleDocument('Letter'))).pdf);
  const info = readPdfInfo(file);
  expect(info['Page size']).toBe('612 x 792 pts (letter)');
  const doc = await PDFDocument.load((await import('node:fs')).readFileSync(file));
  expect(doc.getPages().map((p) => `${Math.round(p.getWidth())}x${Math.round(p.getHeight())}`)).toEqual(Array(doc.getPageCount()).fill('612x792'));
});

test('a long table renders in chunks: every row once and in order, its header on every page, pages full at the seams', async () => {
  const rows = 2_000;
  const result = await renderDocumentPdf(renderer, buildEvidenceIndexDocument(rows), { chunkRows: 400 });
  expect(result.prints).toBeGreaterThanOrEqual(2 + 5 + 1);
  const pages = readPdfPages(writeTempPdf(result.pdf));
  const tablePages = pages.map((text, i) => ({ text, page: i + 1 })).filter(({ text }) => /ev-\d{6}/.test(text));
  expect(tablePages.length).toBeGreaterThan(20);

  const ids = tablePages.flatMap(({ text }) => [...text.matchAll(/ev-(\d{6})/g)].map((m) => Number(m[1])));
  expect(ids).toEqual(Array.from({ length: rows }, (_, i) => i + 1));

  for (const { text, page } of tablePages) {
    expect(text).toMatch(/ID\s+Criterion\s+Control\s+Operation\s+Account\s+Region\s+Window\s+Records\s+Collected at\s+SHA-256\s+Path/);
    expect(text).toContain(`Page ${page} of ${pages.length}`);
  }
  const perPage = tablePages.map(({ text }) => (text.match(/ev-\d{6}/g) ?? []).length);
  const full = Math.max(...perPage);
  // Without dropping the part-filled last page of each chunk, a seam page would hold a few rows
  // (400 rows fill 30 pages and a bit). The first page also holds the caption; the last is the end.
  expect(perPage.slice(1, -1).filter((n) => n < full - 2)).toEqual([]);
});

test('a two-page table of contents: numbers shift by its length and still match where each heading is', async () => {
  const base = buildSampleDocument('A4');
  const sections: DocumentModel['sections'] = [];
  for (let p = 1; p <= 8; p++) {
    sections.push({ id: `part${p}`, title: `Part ${p}`, level: 1, blocks: [{ kind: 'paragraph', text: `Part ${p} introduction.` }] });
    for (let s = 1; s <= 6; s++) {
      const rows = Array.from({ length: 10 + ((p * 7 + s * 13) % 50) }, (_, i) => [`p${p}s${s} row ${i}`, i]);
      sections.push({ id: `part${p}.s${s}`, title: `Subsection ${p}.${s}`, level: 2, blocks: [{ kind: 'table', columns: [{ header: 'Item' }, { header: 'Value', format: 'number' }], rows }] });
    }
  }
  const result = await renderDocumentPdf(renderer, { ...base, sections });
  const pages = readPdfPages(writeTempPdf(result.pdf, 'long-contents.pdf'));
  const firstBodyIndex = pages.findIndex((text) => /^\s*1\s+Part 1\s*$/m.test(text));
  const tocPages = pages.slice(1, firstBodyIndex);
  expect(tocPages.length).toBeGreaterThanOrEqual(2);
  const entries = tocPages.flatMap((text) => [...text.matchAll(/^\s*(\d+(?:\.\d+)*)\s+((?:Part|Subsection) [\d.]+)\s+(\d+)\s*$/gm)].map((m) => ({ number: m[1], title: m[2], page: Number(m[3]) })));
  expect(entries).toHaveLength(56);
  for (const entry of entries) expect(findHeadingPage(pages, firstBodyIndex, entry.number, entry.title)).toBe(entry.page);
  // Some subsections start on a later page of their part, not just on the part's first page.
  expect(new Set(entries.map((e) => e.page)).size).toBeGreaterThan(8);
});

test('a row taller than a page at a chunk seam is printed whole (the seam page is kept)', async () => {
  const tall = new Set([298, 598]);
  const words = (i: number) => Array.from({ length: 1_400 }, (_, w) => `w${i}x${w}`).join(' ');
  const rows = Array.from({ length: 900 }, (_, i) => [`row-${String(i).padStart(4, '0')}`, tall.has(i) ? `${words(i)} END-${i}` : `short ${i} END-${i}`]);
  const model: DocumentModel = {
    ...buildSampleDocument(),
    sections: [{ id: 'seams', title: 'Seams', level: 1, blocks: [{ kind: 'table', columns: [{ header: 'Row', width: '20%' }, { header: 'Text' }], rows }] }],
  };
  const result = await renderDocumentPdf(renderer, model, { chunkRows: 300 });
  const text = readPdfPages(writeTempPdf(result.pdf)).join('\n');
  expect([...text.matchAll(/row-(\d{4})/g)].map((m) => Number(m[1]))).toEqual(rows.map((_, i) => i));
  expect([...text.matchAll(/END-(\d+)/g)].map((m) => Number(m[1]))).toEqual(rows.map((_, i) => i));
  for (const i of tall) expect(text.match(new RegExp(`w${i}x\\d+`, 'g'))).toHaveLength(1_400);
});

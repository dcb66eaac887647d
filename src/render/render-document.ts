import { PDFDocument } from 'pdf-lib';
import { RenderError } from '../errors.js';
import { sha256Hex } from '../util/hash.js';
import { TOOL_VERSION } from '../version.js';
import { assertValidDocumentModel, type DocumentModel } from './document-model.js';
import { footerText, pageGeometry, renderCoverHtml, renderHeaderTemplate, renderTocHtml, renderUnitHtml, type TocEntry } from './document-html.js';
import { DEFAULT_RENDER_LIMITS, parseRowAnchor, planDocument, planUnit, settleUnit, type FlowCursor, type RenderLimits, type RowPosition } from './document-plan.js';
import type { PdfPageOptions, PdfRenderer } from './html-to-pdf.js';
import { appendPrintPages, finishDocument, loadPrint, prependPrints, type AssembledDestination, type LoadedPrint } from './pdf-assembly.js';

/**
 * Document model → PDF. Each part of the body (and each chunk of a long table) is printed on its
 * own and merged, so Chromium's memory is bounded by one chunk; the table of contents is printed
 * once the body's page numbers are known (again if its own length moves them); then the footer
 * with "Page X of Y" is stamped across the merged document, which has fixed metadata.
 */

export interface RenderedDocument {
  pdf: Uint8Array;
  pageCount: number;
  toc: TocEntry[];
  /** How many times Chromium printed (body units, cover, table of contents). */
  prints: number;
}

function resolveLimits(options: Partial<RenderLimits>): RenderLimits {
  const limits = { ...DEFAULT_RENDER_LIMITS, ...options };
  for (const key of ['chunkRows', 'tableRowLimit', 'truncatedTableRows'] as const) {
    if (!Number.isInteger(limits[key]) || limits[key] < 1) throw new RenderError(`render option ${key} must be a positive integer, not ${limits[key]}`);
  }
  if (![1, 2, 3].includes(limits.tocDepth)) throw new RenderError(`render option tocDepth must be 1, 2 or 3, not ${limits.tocDepth}`);
  return limits;
}

export async function renderDocumentPdf(renderer: PdfRenderer, model: DocumentModel, options: Partial<RenderLimits> = {}): Promise<RenderedDocument> {
  assertValidDocumentModel(model);
  const limits = resolveLimits(options);
  const planned = planDocument(model, limits);
  const geometry = pageGeometry(model.paperSize, model.orientation);
  const bodyOptions: PdfPageOptions = {
    paperSize: model.paperSize,
    orientation: model.orientation,
    margin: geometry.margin,
    headerTemplate: renderHeaderTemplate(model),
  };
  const print = async (html: string, pageOptions: PdfPageOptions): Promise<LoadedPrint> => {
    prints += 1;
    return loadPrint(await renderer.renderPdf(html, pageOptions));
  };
  let prints = 0;

  const out = await PDFDocument.create({ updateMetadata: false });
  const destinations = new Map<string, AssembledDestination>();
  const bodyPageOf = new Map<string, number>();
  for (const part of planned.parts) {
    let cursor: FlowCursor | null = { item: 0, row: 0 };
    while (cursor) {
      const unit = planUnit(part, cursor, limits.chunkRows);
      const printed = await print(renderUnitHtml(planned, unit), bodyOptions);
      const rowPositions = new Map<number, RowPosition>();
      for (const [name, destination] of printed.destinations) {
        const row = parseRowAnchor(name);
        if (row !== undefined) rowPositions.set(row, destination);
      }
      const { keepPages, next } = settleUnit(unit, printed.pageCount, rowPositions);
      const firstBodyPage = out.getPageCount();
      const pages = await appendPrintPages(out, printed, keepPages);
      for (const item of unit.items) {
        if (item.kind !== 'heading') continue;
        const at = printed.destinations.get(item.section.anchor);
        if (!at || at.pageIndex >= keepPages) throw new RenderError(`section "${item.section.id}": Chromium did not report where its heading was printed`);
        destinations.set(item.section.anchor, { page: pages[at.pageIndex].ref, x: at.x, y: at.y });
        bodyPageOf.set(item.section.anchor, firstBodyPage + at.pageIndex);
      }
      cursor = next;
    }
  }

  const cover = await print(renderCoverHtml(model), { ...bodyOptions, headerTemplate: undefined });
  let tocPages = 1;
  let toc: LoadedPrint;
  let entries: TocEntry[];
  for (let attempt = 1; ; attempt++) {
    const frontPages = cover.pageCount + tocPages;
    entries = planned.sections
      .filter((section) => section.level <= limits.tocDepth)
      .map((section) => ({ id: section.id, anchor: section.anchor, number: section.number, title: section.title, level: section.level, page: frontPages + bodyPageOf.get(section.anchor)! + 1 }));
    toc = await print(renderTocHtml(model, entries), bodyOptions);
    if (toc.pageCount === tocPages) break;
    if (attempt >= 5) throw new RenderError(`the table of contents of "${model.title}" does not settle on a page count`);
    tocPages = toc.pageCount;
  }
  await prependPrints(out, [cover, toc]);

  const pdf = await finishDocument(out, {
    destinations,
    outline: planned.sections.map((section) => ({ title: `${section.number}  ${section.title}`, level: section.level, destination: destinations.get(section.anchor)! })),
    footer: {
      text: footerText(model),
      fromPage: cover.pageCount,
      marginLeftMm: geometry.margin.left,
      marginRightMm: geometry.margin.right,
      marginBottomMm: geometry.margin.bottom,
    },
    metadata: {
      title: model.title,
      author: model.organization,
      subject: `${model.system}: ${model.period.start} to ${model.period.end}`,
      keywords: ['SOC 2', model.bundleId],
      creator: `proofpack ${TOOL_VERSION}`,
      producer: `proofpack ${TOOL_VERSION} (Chromium, pdf-lib)`,
      date: new Date(model.generatedAt),
      id: sha256Hex(`${model.bundleId}\n${model.title}\n${model.generatedAt}`).slice(0, 32),
    },
  });
  return { pdf, pageCount: out.getPageCount(), toc: entries, prints };
}

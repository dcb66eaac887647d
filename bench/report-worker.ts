/**
 * One bench/report.ts measurement, in its own process so that its whole process tree (this Node
 * process and Chromium's) is what `peak-tree-mem` samples: the real Evidence Index model of ROWS
 * rows rendered to PDF, and its CSV. Prints one JSON line on stdout.
 * usage: node --import tsx bench/report-worker.ts ROWS OUT_DIR [A4|Letter]
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildEvidenceIndexCsv, buildEvidenceIndexModel } from '../src/render/evidence-index.js';
import { openPdfRenderer } from '../src/render/html-to-pdf.js';
import { renderDocumentPdf } from '../src/render/render-document.js';
import { buildEvidenceIndexContext } from './support/evidence-index-context.js';

const rows = Number(process.argv[2]);
const outDir = process.argv[3];
const paperSize = process.argv[4] === 'Letter' ? 'Letter' : 'A4';
const context = buildEvidenceIndexContext(rows, paperSize);
const started = performance.now();
const model = buildEvidenceIndexModel(context);
const csv = buildEvidenceIndexCsv(context);
const modelSeconds = (performance.now() - started) / 1000;
const renderer = await openPdfRenderer();
try {
  const rendered = await renderDocumentPdf(renderer, model);
  const renderSeconds = (performance.now() - started) / 1000 - modelSeconds;
  await writeFile(path.join(outDir, `04_Evidence_Index-${rows}-${paperSize}.pdf`), rendered.pdf);
  await writeFile(path.join(outDir, `04_Evidence_Index-${rows}.csv`), csv);
  process.stdout.write(
    `${JSON.stringify({ rows, paperSize, pages: rendered.pageCount, prints: rendered.prints, modelSeconds, renderSeconds, pdfBytes: rendered.pdf.length, csvBytes: Buffer.byteLength(csv), blockedRequests: renderer.blockedRequestCount })}\n`,
  );
} finally {
  await renderer.close();
}

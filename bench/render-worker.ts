/**
 * One bench/render.ts measurement, in its own process so that its whole process tree (this Node
 * process and Chromium's) is what `peak-tree-mem` samples. Prints one JSON line on stdout.
 * usage: node --import tsx bench/render-worker.ts ROWS CHUNK_ROWS OUT.pdf
 */
import { writeFile } from 'node:fs/promises';
import { openPdfRenderer } from '../src/render/html-to-pdf.js';
import { renderDocumentPdf } from '../src/render/render-document.js';
import { buildEvidenceIndexDocument } from '../test/support/render-documents.js';

const [rows, chunkRows] = process.argv.slice(2, 4).map(Number);
const out = process.argv[4];
const model = buildEvidenceIndexDocument(rows);
const started = performance.now();
const renderer = await openPdfRenderer();
try {
  const result = await renderDocumentPdf(renderer, model, { chunkRows });
  const renderSeconds = (performance.now() - started) / 1000;
  await writeFile(out, result.pdf);
  process.stdout.write(
    `${JSON.stringify({ rows, chunkRows, pages: result.pageCount, prints: result.prints, renderSeconds, pdfBytes: result.pdf.length, blockedRequests: renderer.blockedRequestCount })}\n`,
  );
} finally {
  await renderer.close();
}

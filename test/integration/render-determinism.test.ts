import { openPdfRenderer } from '../../src/render/html-to-pdf.js';
import { renderDocumentPdf } from '../../src/render/render-document.js';
import { sha256Hex } from '../../src/util/hash.js';
import { readPdfInfo, writeTempPdf } from '../support/pdf-tools.js';
import { buildEvidenceIndexDocument, buildSampleDocument } from '../support/render-documents.js';

/**
 * The same model gives the same PDF bytes (issue 6 builds byte-identical bundles): rendered twice by
 * one browser, and again by a second browser started afterwards (one browser at a time).
 */

async function renderBoth(): Promise<string[]> {
  const renderer = await openPdfRenderer();
  try {
    const sample = await renderDocumentPdf(renderer, buildSampleDocument());
    const again = await renderDocumentPdf(renderer, buildSampleDocument());
    const chunked = await renderDocumentPdf(renderer, buildEvidenceIndexDocument(300), { chunkRows: 100 });
    expect(sha256Hex(again.pdf)).toBe(sha256Hex(sample.pdf));
    return [sha256Hex(sample.pdf), sha256Hex(chunked.pdf)];
  } finally {
    await renderer.close();
  }
}

test('render twice, in two browsers: identical SHA-256; dates are the model\'s generatedAt', async () => {
  const first = await renderBoth();
  const second = await renderBoth();
  expect(second).toEqual(first);

  const renderer = await openPdfRenderer();
  try {
    const info = readPdfInfo(writeTempPdf((await renderDocumentPdf(renderer, buildSampleDocument())).pdf));
    expect(info.CreationDate).toBe('2026-01-15T09:30:00Z');
    expect(info.ModDate).toBe(info.CreationDate);
    expect(info.Creator).toMatch(/^proofpack \S+$/);
  } finally {
    await renderer.close();
  }
});

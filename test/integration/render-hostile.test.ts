import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DocumentModel } from '../../src/render/document-model.js';
import { openPdfRenderer, type PdfRenderer } from '../../src/render/html-to-pdf.js';
import { renderDocumentPdf } from '../../src/render/render-document.js';
import { listPdfImages, readPdfPages, squash, writeTempPdf } from '../support/pdf-tools.js';
import { buildSampleDocument } from '../support/render-documents.js';

/**
 * Hostile strings in every field print as literal text, and the renderer makes no request: the
 * interception counter stays at zero and a local HTTP listener the strings point at hears nothing.
 */

let renderer: PdfRenderer;
let server: Server;
let port: number;
const heard: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    heard.push(`${request.method} ${request.url}`);
    response.end('<html><body>fetched</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  renderer = await openPdfRenderer();
});
afterAll(async () => {
  await renderer?.close();
  await new Promise((resolve) => server.close(resolve));
});

function hostileStrings(): string[] {
  const here = `http://127.0.0.1:${port}`;
  return [
    `<img src=${here}/img>`,
    '<img src=http://127.0.0.1:9/x>',
    `<script src="${here}/script.js"></script><script>document.title='pwned'</script>`,
    '{{constructor}}',
    '{{#each this}}{{@key}}{{/each}}',
    '</style><style>*{display:none}</style>',
    `<meta http-equiv="refresh" content="0;url=${here}/refresh">`,
    `<link rel="stylesheet" href="${here}/style.css">`,
    `<iframe src="${here}/frame"></iframe>`,
    `<a href="file:///etc/passwd">file</a>`,
  ];
}

function hostileModel(): DocumentModel {
  const values = hostileStrings();
  const v = (i: number) => values[i % values.length];
  const base = buildSampleDocument();
  return {
    ...base,
    title: `Report ${v(0)}`,
    subtitle: v(1),
    organization: `Org ${v(6)}`,
    system: v(3),
    notice: v(5),
    bundleId: `bundle-${v(4)}`,
    sections: [
      {
        id: 'tags',
        title: `Tags ${v(2)}`,
        level: 1,
        blocks: [
          ...values.map((text) => ({ kind: 'paragraph' as const, text })),
          { kind: 'keyValues', items: values.map((value, i) => ({ key: `key ${i}`, value })) },
          { kind: 'callout', tone: 'danger', title: v(7), text: v(8) },
          { kind: 'template', template: 'document/fragments/signature', data: { role: v(9), name: v(6) } },
        ],
      },
      {
        id: 'resources',
        title: 'Resources',
        level: 2,
        blocks: [
          {
            kind: 'table',
            caption: v(2),
            columns: [{ header: 'Resource tag' }, { header: 'Status', format: 'status', width: '25%' }],
            rows: values.map((value) => [value, { status: 'fail', label: value }]),
          },
          { kind: 'svg', svg: `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><image href="${`http://127.0.0.1:${port}`}/svg-image" width="40" height="40"/><script>alert(1)</script><rect width="40" height="40" fill="#ccc"/></svg>`, alt: v(0) },
        ],
      },
    ],
  };
}

test('hostile strings in titles, names, tags and narrative print as literal text, and nothing is requested', async () => {
  const result = await renderDocumentPdf(renderer, hostileModel());
  const pages = readPdfPages(writeTempPdf(result.pdf));
  const body = squash(pages.join('\n'));
  for (const value of hostileStrings()) expect(body).toContain(squash(value));
  expect(pages[0]).toContain('Org <meta http-equiv="refresh"');
  // The running header and the stamped footer carry them as text too.
  expect(squash(pages[2])).toContain(squash(`Report <img src=http://127.0.0.1:${port}/img>`).slice(0, 30));
  expect(squash(pages[2])).toContain(squash('Bundle bundle-{{#each this}}{{@key}}{{/each}}'));
  expect(renderer.blockedRequestUrls).toEqual([]);
  expect(renderer.blockedRequestCount).toBe(0);
  expect(heard).toEqual([]);
});

test('raw HTML given straight to the printer loads nothing and runs no script, but data: images still draw', async () => {
  const here = `http://127.0.0.1:${port}`;
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  const html = `<!DOCTYPE html><html><head>
    <meta http-equiv="refresh" content="0;url=${here}/refresh">
    <link rel="stylesheet" href="${here}/style.css">
    <style>@import url("${here}/import.css"); body { background: url("${here}/background.png"); } @font-face { font-family: x; src: url("${here}/font.woff"); }</style>
    <script src="${here}/script.js"></script>
  </head><body>
    <p id="text">original text</p>
    <script>document.getElementById('text').textContent = 'script ran'; fetch('${here}/fetch');</script>
    <img src="${here}/img.png"><img src="file:///etc/hostname"><iframe src="${here}/frame"></iframe>
    <object data="${here}/object"></object><input type="image" src="${here}/input.png">
    <svg><image href="${here}/svg.png" width="10" height="10"/></svg>
    <img src="data:image/png;base64,${png}" width="20" height="20">
  </body></html>`;
  const pdf = await renderer.renderPdf(html, { paperSize: 'A4', margin: { top: 10, bottom: 10, left: 10, right: 10 } });
  const file = writeTempPdf(pdf, 'raw.pdf');
  const text = readPdfPages(file).join('\n');
  expect(text).toContain('original text');
  expect(text).not.toContain('script ran');
  // The 1×1 data: PNG is drawn; the blocked images show only Chromium's broken-image icon.
  expect(listPdfImages(file).filter((image) => image.type === 'image' && image.width === 1 && image.height === 1)).toHaveLength(1);
  expect(renderer.blockedRequestCount).toBe(0);
  expect(heard).toEqual([]);
});

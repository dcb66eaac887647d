import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseCsv } from '../../src/bundle/csv.js';
import { openPdfRenderer, type PdfRenderer } from '../../src/render/html-to-pdf.js';
import { renderReportDocuments } from '../../src/render/report-documents.js';
import { DC200_SECTION_TITLES } from '../../src/render/system-description.js';
import type { ReportContext } from '../../src/report/types.js';
import { solidPng } from '../support/images.js';
import { readPdfInfo, readPdfPages, squash } from '../support/pdf-tools.js';
import { createReportFixture, FIXTURE_NARRATIVE, type ReportFixture } from '../support/report-documents-fixture.js';

/**
 * `proofpack report`'s documents stage with real Chromium, read back with pdftotext and pdfinfo:
 * the four PDFs, the diagrams and the CSV on the small real estate; then hostile strings in tags,
 * narrative fields and diagram names print as text and the renderer makes no request. One browser
 * for the file.
 */

let renderer: PdfRenderer;
let dir: string;
let server: Server;
let port: number;
const heard: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-report-docs-'));
  server = createServer((request, response) => {
    heard.push(`${request.method} ${request.url}`);
    response.end('fetched');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  renderer = await openPdfRenderer();
});
afterAll(async () => {
  await renderer?.close();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** pdftotext in the order the text was drawn (-raw: cell by cell, no dehyphenation), so a cell that wraps stays together. */
function readPdfText(file: string): string {
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

async function withUserFiles(f: ReportFixture, name: string, files: { narrative: string; diagrams: Record<string, string | Buffer> }, paperSize: 'A4' | 'Letter' = 'A4'): Promise<ReportContext> {
  const configDir = path.join(dir, name);
  await mkdir(path.join(configDir, 'diagrams'), { recursive: true });
  await writeFile(path.join(configDir, 'narrative.yaml'), files.narrative);
  for (const [file, bytes] of Object.entries(files.diagrams)) await writeFile(path.join(configDir, 'diagrams', file), bytes);
  return {
    ...f.context,
    config: {
      ...f.context.config,
      narrative: path.join(configDir, 'narrative.yaml'),
      diagrams: path.join(configDir, 'diagrams'),
      configDir,
      configPath: path.join(configDir, 'proofpack.yaml'),
      report: { paperSize },
    },
  };
}

describe('renderReportDocuments', () => {
  let f: ReportFixture;
  beforeAll(async () => {
    f = await createReportFixture();
  });
  afterAll(() => f?.cleanup());

  it('writes the four PDFs, the diagrams and the Evidence Index CSV', async () => {
    const context = await withUserFiles(f, 'estate', {
      narrative: FIXTURE_NARRATIVE,
      diagrams: {
        'network-overview.png': solidPng(300, 120, [40, 100, 170]),
        'network-overview.yaml': 'title: Network overview\nlastChanged: 2026-02-01\n',
        'data-flow.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80"><rect x="5" y="5" width="190" height="70" fill="#dde"/><text x="20" y="45">Data flow</text></svg>',
      },
    });
    const outDir = path.join(dir, 'out');
    const progress: string[] = [];

    const documents = await renderReportDocuments(context, { outDir, renderer, onProgress: (m) => progress.push(m) });

    expect(documents.map((d) => [d.name, d.role])).toEqual([
      ['01_System_Description.pdf', 'pdf'],
      ['02_Diagrams_Index.pdf', 'pdf'],
      ['03_Control_Results.pdf', 'pdf'],
      ['04_Evidence_Index.pdf', 'pdf'],
      ['02_Diagrams/data-flow.svg', 'diagram'],
      ['02_Diagrams/network-overview.png', 'diagram'],
      ['04_Evidence_Index.csv', 'csv'],
    ]);
    for (const d of documents) {
      expect(d.file).toBe(path.join(outDir, d.name));
      expect(existsSync(d.file)).toBe(true);
    }
    expect(progress).toContain('rendering 04_Evidence_Index.pdf');
    const file = (name: string) => documents.find((d) => d.name === name)!.file;
    for (const d of documents.filter((x) => x.role === 'pdf')) {
      const info = readPdfInfo(d.file);
      expect(Number(info.Pages)).toBe(d.pages);
      expect(info.Title).toBe(d.title);
      expect(info['Page size']).toMatch(d.name.startsWith('04') ? /^841\.\d+ x 595\.\d+ pts \(A4\)/ : /^595\.\d+ x 841\.\d+ pts \(A4\)/);
    }

    // System Description: the DC 200 sections in order (after the cover and contents), facts and contradictions.
    const sd = readPdfPages(file('01_System_Description.pdf'));
    const body = squash(sd.slice(2).join('\n'));
    const at = DC200_SECTION_TITLES.map((t) => body.indexOf(squash(t)));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(squash(sd[0])).toContain(squash('Draft for management review'));
    expect(body).toContain(squash('GENERATED FROM EVIDENCE'));
    expect(body).toContain(squash('S3 bucket replication: to records-replica → none'));
    expect(body).toContain(squash('eu-west-1 (Europe (Ireland)) holds in-scope data'));
    expect(body).toContain(squash('The narrative names us-east-2'));
    expect(squash(sd[1])).toContain(squash('Narrative vs evidence'));

    // Diagrams Index: the user diagrams with their hashes, the generated one.
    const di = squash(readPdfText(file('02_Diagrams_Index.pdf')));
    expect(di).toContain(squash('Network overview'));
    expect(di).toContain(squash('02_Diagrams/data-flow.svg'));
    expect(di).toContain(squash(context.config.organization));
    expect(di).toContain(squash('Figure G1: regions, replication and backup-copy flows'));

    // Control Results: exception rows, waived ones marked.
    const cr = squash(readPdfText(file('03_Control_Results.pdf')));
    expect(cr).toContain(squash('eu-archive'));
    expect(cr).toContain(squash('copy job copy-mar to us-west-2 FAILED'));
    expect(cr).toContain(squash('Waived by Priya Raman (CTO) until 2026-12-31'));
    expect(cr).toContain(squash('Evidence cited by these exceptions'));

    // Evidence Index: every evidence id, and the CSV with every row.
    const ei = squash(readPdfText(file('04_Evidence_Index.pdf')));
    for (const row of context.evidenceIndex) expect(ei).toContain(squash(row.id));
    const csv = parseCsv(readFileSync(file('04_Evidence_Index.csv'), 'utf8'));
    expect(csv.records).toHaveLength(context.evidenceIndex.length + 1);

    expect(renderer.blockedRequestCount).toBe(0);
  });

  it('prints hostile tags, narrative text and diagram names as text, on Letter, with zero requests', async () => {
    const here = `http://127.0.0.1:${port}`;
    const tag = `<img src=${here}/tag.png>{{constructor}}`;
    const hostile = await createReportFixture({ tagValue: tag });
    try {
      const script = `<script src="${here}/x.js"></script>{{#each this}}{{@key}}{{/each}}`;
      const narrative = FIXTURE_NARRATIVE.replace(
        'services: |\n  Larkspur Care Platform hosts clinical records for outpatient clinics.',
        `services: |\n  ${script}\n  <meta http-equiv="refresh" content="0;url=${here}/refresh">`,
      ).replace('  - title: Glossary', `  - title: "<iframe src=${here}/frame></iframe>"`);
      // A file name cannot hold "/": markup and template syntax it can.
      const diagramName = '<img src=x onerror=alert(1)>{{constructor}}.svg';
      const context = await withUserFiles(
        hostile,
        'hostile',
        {
          narrative,
          diagrams: {
            [diagramName]: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="60" height="20"><image href="${here}/svg-image.png" width="10" height="10"/><image xlink:href="${here}/svg-xlink.png" width="10" height="10"/><script>fetch('${here}/svg-script')</script><rect width="60" height="20"/></svg>`,
            ['<img src=x onerror=alert(1)>{{constructor}}.yaml']: `title: "{{lookup this 'constructor'}} <b>bold</b>"\n`,
          },
        },
        'Letter',
      );
      const documents = await renderReportDocuments(context, { outDir: path.join(dir, 'hostile-out'), renderer });

      const text = (name: string) => squash(readPdfText(documents.find((d) => d.name === name)!.file));
      const sd = text('01_System_Description.pdf');
      expect(sd).toContain(squash(`note=${tag}`));
      expect(sd).toContain(squash(script));
      expect(sd).toContain(squash(`<iframe src=${here}/frame></iframe>`));
      expect(sd).toContain(squash(`<meta http-equiv="refresh" content="0;url=${here}/refresh">`));
      const di = text('02_Diagrams_Index.pdf');
      expect(di).toContain(squash(diagramName));
      expect(di).toContain(squash("{{lookup this 'constructor'}} <b>bold</b>"));
      const diagram = documents.find((d) => d.role === 'diagram')!;
      expect(diagram.name).toBe('02_Diagrams/_img src=x onerror=alert(1)_{{constructor}}.svg');
      expect(readPdfInfo(documents[0].file)['Page size']).toMatch(/^612 x 792 pts \(letter\)/);
      expect(readPdfInfo(documents[3].file)['Page size']).toMatch(/^792 x 612 pts \(letter\)/);

      expect(renderer.blockedRequestCount).toBe(0);
      expect(renderer.blockedRequestUrls).toEqual([]);
      expect(heard).toEqual([]);
    } finally {
      await hostile.cleanup();
    }
  });
});

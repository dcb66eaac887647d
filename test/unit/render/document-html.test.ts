import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DocumentModel } from '../../../src/render/document-model.js';
import { renderCoverHtml, renderHeaderTemplate, renderTocHtml, renderUnitHtml, type TocEntry } from '../../../src/render/document-html.js';
import { DEFAULT_RENDER_LIMITS, planDocument, planUnit } from '../../../src/render/document-plan.js';
import { formatLongDate, formatNumber, formatTimestamp } from '../../../src/render/handlebars.js';
import { packageRoot, templatesDir } from '../../../src/util/paths.js';
import { TOOL_VERSION } from '../../../src/version.js';
import { buildSampleDocument } from '../../support/render-documents.js';

const HOSTILE = [
  '<img src=http://127.0.0.1:9/x>',
  '<script>alert(1)</script>',
  '{{constructor}}',
  '</style><style>body{display:none}</style>',
  '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">',
  '" onload="x',
];

function bodyHtml(model: DocumentModel): string {
  const planned = planDocument(model, DEFAULT_RENDER_LIMITS);
  return planned.parts.map((part) => renderUnitHtml(planned, planUnit(part, { item: 0, row: 0 }, 500))).join('\n<!-- part -->\n');
}

function tocOf(model: DocumentModel): TocEntry[] {
  return planDocument(model, DEFAULT_RENDER_LIMITS).sections.map((s, i) => ({ id: s.id, anchor: s.anchor, number: s.number, title: s.title, level: s.level, page: 3 + i }));
}

/** A model with a hostile string in every field that reaches the page. */
function hostileModel(value: string): DocumentModel {
  const model = buildSampleDocument();
  return {
    ...model,
    title: `Title ${value}`,
    subtitle: value,
    organization: `Org ${value}`,
    system: value,
    notice: value,
    sections: [
      {
        id: 'hostile',
        title: value,
        level: 1,
        blocks: [
          { kind: 'paragraph', text: value },
          { kind: 'keyValues', items: [{ key: value, value }] },
          { kind: 'table', caption: value, columns: [{ header: value }, { header: 'status', format: 'status' }], rows: [[value, { status: 'fail', label: value }]], fullData: { path: value } },
          { kind: 'callout', tone: 'danger', title: value, text: value },
          { kind: 'template', template: 'document/fragments/signature', data: { role: value, name: value } },
          { kind: 'image', dataUri: 'data:image/png;base64,iVBORw0KGgo=', alt: value, caption: value },
        ],
      },
    ],
  };
}

describe('document HTML', () => {
  test('cover, table of contents, body and header of the sample document (snapshot)', () => {
    const model = buildSampleDocument();
    // The shared stylesheet (templates/document/styles.hbs) is left out: it is the same in every page.
    const withoutStyles = (html: string) => html.replace(/<style>\n[\s\S]*?<\/style>/g, '<style>/* styles.hbs */</style>');
    expect(withoutStyles(renderCoverHtml(model)).replace(`proofpack ${TOOL_VERSION} `, 'proofpack <version> ')).toMatchSnapshot('cover');
    expect(withoutStyles(renderTocHtml(model, tocOf(model)))).toMatchSnapshot('toc');
    expect(withoutStyles(bodyHtml(model))).toMatchSnapshot('body');
    expect(renderHeaderTemplate(model)).toMatchSnapshot('header');
  });

  test('the cover names organization, system, period, generation time and bundle id', () => {
    const html = renderCoverHtml(buildSampleDocument());
    for (const text of ['Larkspur Health, Inc.', 'Larkspur Clinical Platform', '1 January 2025 – 31 December 2025', '15 January 2026 09:30 UTC', 'pp-20260115T093000Z-4c1d2e']) {
      expect(html).toContain(text);
    }
  });

  test('table of contents entries link to their section anchors, with hidden targets so Chromium keeps the links', () => {
    const html = renderTocHtml(buildSampleDocument(), tocOf(buildSampleDocument()));
    expect(html).toContain('<a href="#s-results.exceptions"><span class="toc-number">2.1</span><span class="toc-title">Exceptions</span><span class="toc-leader"></span><span class="toc-page">6</span></a>');
    expect(html).toContain('<span id="s-results.exceptions"></span>');
  });

  test('every heading of a unit has an anchor and a hidden link, so the PDF records its page', () => {
    const html = bodyHtml(buildSampleDocument());
    expect(html).toContain('<h2 id="s-overview.regions" class="section-heading level-2"><span class="section-number">1.1</span>Regions and pairs</h2>');
    expect(html).toContain('<nav class="anchors"><a href="#s-overview"></a><a href="#s-overview.regions"></a></nav>');
  });

  test('the rows of a table cut across units carry anchors; others do not', () => {
    const model: DocumentModel = {
      ...buildSampleDocument(),
      sections: [{ id: 'long', title: 'Long', level: 1, blocks: [{ kind: 'table', columns: [{ header: 'n' }], rows: Array.from({ length: 30 }, (_, i) => [`r${i}`]) }] }],
    };
    const planned = planDocument(model, DEFAULT_RENDER_LIMITS);
    const first = renderUnitHtml(planned, planUnit(planned.parts[0], { item: 0, row: 0 }, 10));
    expect(first).toContain('<tr id="pp-row-0">');
    expect(first).toContain('<tr id="pp-row-9">');
    expect(first).not.toContain('pp-row-10');
    const last = renderUnitHtml(planned, planUnit(planned.parts[0], { item: 1, row: 20 }, 10));
    expect(last).not.toContain('pp-row-');
    // A continuation has no caption and repeats the header row.
    expect(last).toContain('<thead><tr><th class="f-text a-left">n</th></tr></thead>');
  });

  test.each(HOSTILE)('hostile value %j is escaped everywhere it appears', (value) => {
    const model = hostileModel(value);
    const planned = planDocument(model, DEFAULT_RENDER_LIMITS);
    const pages = [renderCoverHtml(model), renderTocHtml(model, tocOf(model)), bodyHtml(model), renderHeaderTemplate(model)];
    const all = pages.join('\n');
    expect(planned.sections).toHaveLength(1);
    expect(all).not.toContain('<img src=http');
    expect(all).not.toContain('<script');
    expect(all).not.toContain('<meta http-equiv="refresh"');
    expect(all).not.toContain('" onload="');
    expect(all.match(/<\/style>/g)?.length ?? 0).toBe(pages.filter((p) => p.includes('<style>')).length);
    if (value === '{{constructor}}') expect(all).toContain('{{constructor}}');
    if (value.startsWith('<img')) expect(all).toContain('&lt;img src&#x3D;http://127.0.0.1:9/x&gt;');
  });

  test('a template block renders our template with the shared helpers, its data escaped', () => {
    const model: DocumentModel = {
      ...buildSampleDocument(),
      sections: [{ id: 'sign', title: 'Sign-off', level: 1, blocks: [{ kind: 'template', template: 'document/fragments/signature', data: { role: 'Approved by', name: '<b>CEO</b>', date: '2026-01-31' } }] }],
    };
    const html = bodyHtml(model);
    expect(html).toContain('<tr><th scope="row">Approved by</th><td>&lt;b&gt;CEO&lt;/b&gt;</td></tr>');
    expect(html).toContain('<td class="signature-line">31 January 2026</td>');
  });

  test('an SVG block is shown as an image (base64 data: URI), never inlined as markup', () => {
    const html = bodyHtml(buildSampleDocument());
    expect(html).toMatch(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/]+(?:&#x3D;)*" alt="Region pair diagram">/);
    expect(html).not.toContain('<svg');
  });
});

describe('templates', () => {
  function listFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const file = path.join(dir, name);
      return statSync(file).isDirectory() ? listFiles(file) : [file];
    });
  }

  test('no template under templates/ uses the unescaped triple-stash {{{ }}}', () => {
    const files = listFiles(templatesDir).filter((f) => f.endsWith('.hbs'));
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((f) => readFileSync(f, 'utf8').includes('{{{'));
    expect(offenders).toEqual([]);
  });

  test('no renderer code marks a string as safe HTML', () => {
    const sources = listFiles(path.join(packageRoot, 'src', 'render')).filter((f) => f.endsWith('.ts'));
    expect(sources.filter((f) => /SafeString|noEscape/.test(readFileSync(f, 'utf8')))).toEqual([]);
  });
});

describe('formatting without the host locale or time zone', () => {
  test('dates, timestamps and numbers', () => {
    expect(formatLongDate('2025-12-31')).toBe('31 December 2025');
    expect(formatTimestamp('2026-01-01T00:05:59Z')).toBe('1 January 2026 00:05 UTC');
    expect([0, 999, 1000, 1234567.25, -50000].map(formatNumber)).toEqual(['0', '999', '1,000', '1,234,567.25', '−50,000']);
  });
});

import { RenderError } from '../../../src/errors.js';
import { assertValidDocumentModel, listDocumentModelProblems, type DocumentModel } from '../../../src/render/document-model.js';
import { buildSampleDocument } from '../../support/render-documents.js';

function withChange(change: (model: DocumentModel) => void): DocumentModel {
  const model = structuredClone(buildSampleDocument());
  change(model);
  return model;
}

describe('document model validation', () => {
  test('the sample document (every kind of block) is valid', () => {
    expect(listDocumentModelProblems(buildSampleDocument())).toEqual([]);
  });

  test.each<[string, (model: DocumentModel) => void, string]>([
    ['empty title', (m) => (m.title = ' '), 'title: expected a non-empty string'],
    ['bad period start', (m) => (m.period.start = '2025-02-30'), 'period.start: expected a date YYYY-MM-DD'],
    ['period backwards', (m) => (m.period = { start: '2025-12-31', end: '2025-01-01' }), 'period: start is after end'],
    ['local timestamp', (m) => (m.generatedAt = '2026-01-15T09:30:00+01:00'), 'generatedAt: expected a UTC timestamp'],
    ['paper size', (m) => ((m as { paperSize: string }).paperSize = 'A3'), 'paperSize: expected one of A4, Letter'],
    ['duplicate id', (m) => (m.sections[2].id = 'overview'), 'sections[2].id: "overview" is used by an earlier section'],
    ['id with a space', (m) => (m.sections[0].id = 'over view'), 'sections[0].id: expected a letter then'],
    ['first section level 2', (m) => (m.sections[0].level = 2), 'sections[0].level: the first section must be level 1'],
    ['level jump', (m) => (m.sections[1].level = 3), 'sections[1].level: a level 3 section cannot follow a level 1 section'],
    ['row too short', (m) => ((m.sections[2].blocks[0] as { rows: unknown[][] }).rows[1] = ['x']), 'sections[2].blocks[0].rows[1]: expected an array of 4 values'],
    ['unknown status', (m) => ((m.sections[2].blocks[0] as { rows: unknown[][] }).rows[0][3] = { status: 'ok' }), 'sections[2].blocks[0].rows[0][3].status: expected one of pass, fail'],
    ['CSS in a width', (m) => ((m.sections[2].blocks[0] as { columns: Array<{ width?: string }> }).columns[0].width = '10%;background:url(x)'), 'sections[2].blocks[0].columns[0].width: expected a CSS length'],
    ['remote image', (m) => (m.sections[0].blocks.push({ kind: 'image', dataUri: 'http://127.0.0.1:9/x.png', alt: 'x' })), 'sections[0].blocks[3].dataUri: expected a base64 data: URI'],
    ['template outside templates/', (m) => (m.sections[5].blocks[0] = { kind: 'template', template: '../etc/passwd', data: {} }), 'sections[5].blocks[0].template: expected a template name'],
    ['not svg', (m) => (m.sections[1].blocks[0] = { kind: 'svg', svg: '<img src=x>', alt: 'x' }), 'sections[1].blocks[0].svg: expected SVG markup'],
  ])('%s is reported with its path', (_name, change, expected) => {
    const problems = listDocumentModelProblems(withChange(change));
    expect(problems.some((p) => p.startsWith(expected))).toBe(true);
  });

  test('assertValidDocumentModel throws a RenderError naming the document and every problem', () => {
    const model = withChange((m) => {
      m.title = 'Broken';
      m.bundleId = '';
      m.sections[0].id = '1st';
    });
    expect(() => assertValidDocumentModel(model)).toThrow(RenderError);
    expect(() => assertValidDocumentModel(model)).toThrow(/document "Broken".*\n.*bundleId: expected a non-empty string\n.*sections\[0\]\.id/);
  });
});

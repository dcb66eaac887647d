import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { ReportContext, RenderedDocument, RenderReportDocuments } from '../report/types.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { buildControlResultsModel } from './control-results.js';
import { buildDiagramsIndexModel } from './diagrams-index.js';
import { assertValidDocumentModel, type DocumentModel } from './document-model.js';
import { buildEstateFacts } from './estate-facts.js';
import { buildEvidenceIndexCsv, buildEvidenceIndexModel, EVIDENCE_INDEX_CSV } from './evidence-index.js';
import { openPdfRenderer } from './html-to-pdf.js';
import { loadNarrative, type LoadedNarrative } from './narrative.js';
import { renderDocumentPdf } from './render-document.js';
import { buildSystemDescriptionModel } from './system-description.js';
import { DIAGRAMS_BUNDLE_FOLDER, readUserDiagrams, type UserDiagrams } from './user-diagrams.js';

/**
 * The documents stage of `proofpack report` (the thin I/O edge): reads the narrative and the
 * diagrams folder, builds the four document models (pure), renders them with one browser, and
 * writes into `outDir`:
 *
 *   01_System_Description.pdf   02_Diagrams_Index.pdf   02_Diagrams/<file>…
 *   03_Control_Results.pdf      04_Evidence_Index.pdf   04_Evidence_Index.csv
 *
 * Bad user input (narrative, diagram sidecars, missing folders) is an InputError raised before
 * the browser starts.
 */
export const renderReportDocuments: RenderReportDocuments = async (context, options) => {
  const progress = options.onProgress ?? (() => undefined);
  const [narrative, diagrams] = await readUserFiles(context);
  const facts = buildEstateFacts(context.view, context.config);
  const documents: Array<{ name: string; model: DocumentModel }> = [
    { name: '01_System_Description.pdf', model: buildSystemDescriptionModel(context, narrative, facts) },
    { name: '02_Diagrams_Index.pdf', model: buildDiagramsIndexModel(context, diagrams, facts) },
    { name: '03_Control_Results.pdf', model: buildControlResultsModel(context) },
    { name: '04_Evidence_Index.pdf', model: buildEvidenceIndexModel(context) },
  ];
  for (const d of documents) assertValidDocumentModel(d.model);

  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const written: RenderedDocument[] = [];
  const renderer = options.renderer ?? (await openPdfRenderer());
  try {
    for (const d of documents) {
      progress(`rendering ${d.name}`);
      const rendered = await renderDocumentPdf(renderer, d.model);
      const file = path.join(outDir, d.name);
      await writeFileAtomic(file, rendered.pdf);
      written.push({ name: d.name, file, role: 'pdf', title: d.model.title, pages: rendered.pageCount });
      progress(`wrote ${d.name} (${rendered.pageCount} pages)`);
    }
  } finally {
    if (!options.renderer) await renderer.close();
  }

  if (diagrams.diagrams.length > 0) await mkdir(path.join(outDir, DIAGRAMS_BUNDLE_FOLDER), { recursive: true });
  for (const d of diagrams.diagrams) {
    const name = `${DIAGRAMS_BUNDLE_FOLDER}/${d.bundleName}`;
    const file = path.join(outDir, DIAGRAMS_BUNDLE_FOLDER, d.bundleName);
    await copyFile(d.path, file);
    written.push({ name, file, role: 'diagram', title: d.title });
  }
  const csvFile = path.join(outDir, EVIDENCE_INDEX_CSV);
  await writeFileAtomic(csvFile, buildEvidenceIndexCsv(context));
  written.push({ name: EVIDENCE_INDEX_CSV, file: csvFile, role: 'csv', title: 'Evidence Index' });
  return written;
};

/** The narrative and the diagrams folder; the problems of both in one InputError when both are bad. */
async function readUserFiles(context: ReportContext): Promise<[LoadedNarrative | null, UserDiagrams]> {
  const [narrative, diagrams] = await Promise.allSettled([loadNarrative(context.config), readUserDiagrams(context.config)]);
  const failures = [narrative, diagrams].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  if (failures.length === 2 && failures.every((e) => e instanceof InputError)) throw new InputError(failures.flatMap((e) => (e as InputError).issues));
  if (failures.length > 0) throw failures[0];
  return [(narrative as PromiseFulfilledResult<LoadedNarrative | null>).value, (diagrams as PromiseFulfilledResult<UserDiagrams>).value];
}

/**
 * `proofpack report`: the period's evidence → the four documents, the tables, the populations and
 * the signed, deterministic bundle zip the auditor receives (docs/REPORT.md).
 *
 *   evaluate (load + verify the period, coverage ledger, controls)
 *   → read every trusted envelope once (provenance, SHA-256 as its snapshot recorded it)
 *   → evidence index (where each file goes) → documents (renderReportDocuments, Chromium)
 *   → 03 JSON, 05/06 CSV, populations, OSCAL → writeBundle (signed zip)
 *
 * Nothing here reads the clock for what goes into the bundle: `generatedAt` is the commit time of
 * the newest snapshot used and `bundleId` is derived from the evidence, so the same store, config
 * and key give the same bytes. (`now` only decides which scheduled runs count as missed yet.)
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OSCAL_DOCUMENT_PATH, buildAssessmentResults, type EvidenceForOscal } from '../bundle/oscal.js';
import { validateAssessmentResults } from '../bundle/oscal-schema.js';
import type { PopulationFiles } from '../bundle/population.js';
import { parsePrivateKey, type SigningKeyPair } from '../bundle/signing.js';
import type { BundleEntryInput, BundleSigning } from '../bundle/types.js';
import { snapshotManifestPath, writeBundle } from '../bundle/write-bundle.js';
import type { Config } from '../config/types.js';
import { CONTROLS } from '../controls/index.js';
import { evaluateControls } from '../controls/evaluate-controls.js';
import type { Control, Evaluation } from '../controls/types.js';
import type { CoverageLedger } from '../coverage/types.js';
import type { EvidenceStore } from '../evidence/store.js';
import { buildLedgerFor } from '../period/evaluate-period.js';
import { loadPeriod } from '../period/load-period.js';
import type { PeriodProblem, PeriodView } from '../period/types.js';
import { findChromium, type PdfRenderer } from '../render/html-to-pdf.js';
import { loadNarrative } from '../render/narrative.js';
import { renderReportDocuments } from '../render/report-documents.js';
import { readUserDiagrams } from '../render/user-diagrams.js';
import { canonicalJson } from '../util/canonical-json.js';
import { TOOL_VERSION } from '../version.js';
import { buildEvidenceIndex } from './evidence-index.js';
import { POPULATIONS, buildReportPopulations } from './populations.js';
import { readBundledChain, readEvidenceFacts, type BundledChain, type EvidenceFacts } from './report-evidence.js';
import { reportBundleId, reportBundleName, reportGeneratedAt } from './report-identity.js';
import { renderReportReadme } from './report-readme.js';
import { CONTROL_RESULTS_JSON, COVERAGE_CSV, EXCEPTIONS_CSV, formatControlResultsJson, formatCoverageCsv, formatExceptionsCsv } from './report-tables.js';
import type { EvidenceIndexRow, RenderedDocument, ReportContext } from './types.js';

export interface PrepareReportOptions {
  store: EvidenceStore;
  /** Which scheduled runs count as missed (their slot and grace must have ended by then). Default: the clock. */
  now?: Date;
  controls?: readonly Control[];
  onProgress?: (message: string) => void;
  /** Where envelopes of a store that is not a local folder are staged for zipping. */
  stageDir?: string;
}

/** Everything the documents, tables, populations and the bundle are made from. */
export interface PreparedReport {
  config: Config;
  view: PeriodView;
  coverage: CoverageLedger;
  evaluation: Evaluation;
  chain: BundledChain;
  facts: Map<string, EvidenceFacts>;
  evidenceIndex: EvidenceIndexRow[];
  generatedAt: string;
  bundleId: string;
  bundleName: string;
}

/**
 * Evaluates the period and reads its evidence: the part of the report that `proofpack sample -c`
 * shares (populations built from the store are byte-identical to the bundle's).
 */
export async function prepareReport(config: Config, options: PrepareReportOptions): Promise<PreparedReport> {
  const progress = options.onProgress ?? (() => undefined);
  progress(`evaluating ${config.period.start} to ${config.period.end} from ${options.store.location}`);
  const view = await loadPeriod(options.store, config);
  const coverage = await buildLedgerFor(view, config, options.store, options.now ?? new Date());
  const evaluation = evaluateControls(view, coverage, config, options.controls ?? CONTROLS);
  const generatedAt = reportGeneratedAt(view, options.store.location);
  const chain = await readBundledChain(options.store, view);
  const trusted = view.envelopes.filter((e) => e.trusted).length;
  progress(`reading ${trusted} evidence file${trusted === 1 ? '' : 's'} from ${chain.manifests.length} snapshots`);
  const facts = await readEvidenceFacts(options.store, view, chain, { stageDir: options.stageDir });
  const evidenceIndex = buildEvidenceIndex(facts, evaluation, options.controls ?? CONTROLS, config);
  return {
    config,
    view,
    coverage,
    evaluation,
    chain,
    facts,
    evidenceIndex,
    generatedAt,
    bundleId: reportBundleId({ organization: config.organization, system: config.system, period: config.period, chainHeadSha256: chain.headSha256 }),
    bundleName: reportBundleName(config.organization, config.period),
  };
}

/** The populations of a prepared report (CSV + provenance sidecar each); all of them, or those named. */
export function buildPreparedPopulations(prepared: PreparedReport, names?: readonly string[]): PopulationFiles[] {
  const definitions = names ? POPULATIONS.filter((p) => names.includes(p.name)) : POPULATIONS;
  return buildReportPopulations(
    {
      view: prepared.view,
      config: prepared.config,
      facts: prepared.facts,
      bundlePaths: new Map(prepared.evidenceIndex.map((r) => [r.id, r.bundlePath])),
      generatedAt: prepared.generatedAt,
    },
    definitions,
  );
}

export interface BuildReportOptions {
  store: EvidenceStore;
  /** The zip goes here as `<org-slug>_SOC2-T2_<start>_<end>.zip`, the documents and tables into `<that name without .zip>/`. */
  outDir: string;
  /** Ed25519 private key (PEM text or KeyObject, e.g. from `proofpack keygen`). Without one, a one-time key signs the bundle and the README says so. */
  signingKey?: string | KeyObject;
  now?: Date;
  /** One browser for the whole run; opened and closed by the documents stage when absent. */
  renderer?: PdfRenderer;
  onProgress?: (message: string) => void;
}

export interface BuiltReport {
  /** Absolute path of the bundle zip. */
  bundle: string;
  /** SHA-256 of the zip. */
  sha256: string;
  size: number;
  bundleId: string;
  bundleName: string;
  generatedAt: string;
  /** Absolute paths of the documents (PDFs, the Evidence Index CSV, diagram files) in the documents folder. */
  documents: string[];
  /** The folder with the documents, tables and populations (an unzipped copy of the bundle without the evidence). */
  documentsDir: string;
  evaluation: Evaluation;
  coverage: CoverageLedger;
  signing: BundleSigning;
  populations: Array<{ name: string; rows: number; path: string }>;
  evidenceFiles: number;
  snapshots: number;
  /** Verification problems of the store (also coverage problems); their evidence is not bundled. */
  problems: readonly PeriodProblem[];
  /** Snapshots left out because their manifest was altered after it was chained. */
  alteredSnapshots: string[];
}

/** What {@link packReport} wrote. */
export interface PackedReport {
  file: string;
  sha256: string;
  size: number;
  signing: BundleSigning;
  /** The README text (also the zip's 00_README.txt). */
  readme: string;
  populations: Array<{ name: string; rows: number; csvPath: string }>;
}

/**
 * The bundle stage: writes 03 JSON, 05/06 CSV, the populations and OSCAL into `workDir` (beside
 * the documents), then packs them with the documents, the snapshot chain and the raw evidence into
 * the signed zip `outFile`. Every evidence file is checked byte for byte against its snapshot's
 * manifest while it is zipped (writeBundle): altered bytes are never bundled.
 */
export async function packReport(
  prepared: PreparedReport,
  options: { outFile: string; workDir: string; documents: readonly RenderedDocument[]; signingKey?: SigningKeyPair; onProgress?: (message: string) => void },
): Promise<PackedReport> {
  const progress = options.onProgress ?? (() => undefined);
  const { config, evaluation, evidenceIndex, generatedAt, bundleId, bundleName, view, chain } = prepared;
  progress('writing the tables and populations');
  const meta = { organization: config.organization, system: config.system, bundleId, bundleName, generatedAt };
  const tables: Array<{ name: string; role: BundleEntryInput['role']; bytes: Buffer }> = [
    { name: CONTROL_RESULTS_JSON, role: 'control-results', bytes: Buffer.from(formatControlResultsJson(evaluation, evidenceIndex, meta), 'utf8') },
    { name: EXCEPTIONS_CSV, role: 'csv', bytes: Buffer.from(formatExceptionsCsv(evaluation, evidenceIndex, meta), 'utf8') },
    { name: COVERAGE_CSV, role: 'csv', bytes: Buffer.from(formatCoverageCsv(evaluation, meta), 'utf8') },
  ];
  const populations = buildPreparedPopulations(prepared);
  for (const p of populations) {
    tables.push({ name: p.csvPath, role: 'population', bytes: p.csv }, { name: p.provenancePath, role: 'population-provenance', bytes: p.provenance });
  }
  const oscal = buildAssessmentResults(evaluation, evidenceIndex.map(toOscalEvidence(prepared.facts)), {
    organization: config.organization,
    system: config.system,
    generatedAt,
    documentPath: OSCAL_DOCUMENT_PATH,
  });
  const oscalProblems = validateAssessmentResults(oscal);
  if (oscalProblems.length) throw new Error(`the OSCAL assessment results do not validate against NIST's schema: ${oscalProblems.slice(0, 5).join('; ')}`);
  tables.push({ name: OSCAL_DOCUMENT_PATH, role: 'oscal', bytes: Buffer.from(canonicalJson(oscal), 'utf8') });
  for (const t of tables) {
    const file = path.join(options.workDir, ...t.name.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, t.bytes);
  }

  const entries: BundleEntryInput[] = [
    ...options.documents.map((d) => ({ path: d.name, role: d.role, file: d.file })),
    ...tables.map((t) => ({ path: t.name, role: t.role, bytes: t.bytes })),
    ...chain.manifests.map((m) => ({ path: snapshotManifestPath(m.manifest.snapshotId), role: 'snapshot-manifest' as const, bytes: m.bytes })),
    ...evidenceIndex.map((row) => {
      const f = prepared.facts.get(row.id)!;
      if (!f.file) throw new Error(`${row.id}: no file to bundle (the evidence was read without staging)`);
      return { path: row.bundlePath, role: 'evidence' as const, file: f.file, source: { snapshotId: row.snapshotId, path: f.summary.path } };
    }),
  ];
  const populationSummary = populations.map((p, i) => ({
    name: POPULATIONS[i].name,
    rows: populationRows(p),
    csvPath: p.csvPath,
    periodRule: POPULATIONS[i].periodRule,
  }));
  const readmeFacts = {
    evaluation,
    populations: populationSummary,
    evidenceFiles: evidenceIndex.length,
    snapshots: { count: chain.manifests.length, first: chain.manifests[0]?.manifest.snapshotId, last: chain.manifests.at(-1)?.manifest.snapshotId },
    problems: view.problems,
    alteredSnapshots: chain.altered,
  };
  progress(`writing the bundle: ${entries.length + 5} files`);
  let readme = '';
  const written = await writeBundle({
    outFile: options.outFile,
    entries,
    metadata: { organization: config.organization, system: config.system, period: config.period, generatedAt, bundleId, toolVersion: TOOL_VERSION },
    signingKey: options.signingKey,
    readme: (input) => {
      readme = renderReportReadme(input, readmeFacts);
      return readme;
    },
  });
  await writeFile(path.join(options.workDir, '00_README.txt'), readme);
  return {
    file: written.file,
    sha256: written.sha256,
    size: written.size,
    signing: written.manifest.signing,
    readme,
    populations: populationSummary.map(({ name, rows, csvPath }) => ({ name, rows, csvPath })),
  };
}

/** Parses a signing key given as PEM text or a KeyObject; a bad one is an InputError. */
function resolveSigningKey(key: string | KeyObject | undefined): SigningKeyPair | undefined {
  if (key === undefined) return undefined;
  return parsePrivateKey(typeof key === 'string' ? key : key.export({ type: 'pkcs8', format: 'pem' }), 'signing key');
}

/**
 * Builds the report: evaluates the period, renders the documents, writes the tables and
 * populations, and packs everything with the raw evidence and the snapshot chain into a signed,
 * deterministic zip, `<outDir>/<bundle name>`; the documents, tables and populations also go to
 * `<outDir>/<bundle name without .zip>/`, replaced whole. A store with verification problems still
 * gets a report that shows them (their evidence is left out); bytes that differ from what their
 * snapshot recorded are never bundled (StoreError).
 */
export async function buildReport(config: Config, options: BuildReportOptions): Promise<BuiltReport> {
  const progress = options.onProgress ?? (() => undefined);
  // Bad input (key, narrative, diagram sidecars) is said before the expensive part.
  const signingKey = resolveSigningKey(options.signingKey);
  await Promise.all([loadNarrative(config), readUserDiagrams(config)]);
  if (!options.renderer) findChromium();
  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const token = randomBytes(6).toString('hex');
  const work = path.join(outDir, `.proofpack-report.${token}.partial`);
  const stage = path.join(outDir, `.proofpack-report.${token}.evidence`);
  try {
    const prepared = await prepareReport(config, { store: options.store, now: options.now, onProgress: progress, stageDir: stage });
    const { evaluation, evidenceIndex, generatedAt, bundleId, bundleName, view, coverage, chain } = prepared;
    const context: ReportContext = { config, view, evaluation, coverage, evidenceIndex, bundleId, bundleName, generatedAt };
    const documents = await renderReportDocuments(context, { outDir: work, renderer: options.renderer, onProgress: progress });
    const packed = await packReport(prepared, { outFile: path.join(outDir, bundleName), workDir: work, documents, signingKey, onProgress: progress });

    const documentsDir = path.join(outDir, bundleName.replace(/\.zip$/, ''));
    await rm(documentsDir, { recursive: true, force: true });
    await rename(work, documentsDir);
    return {
      bundle: packed.file,
      sha256: packed.sha256,
      size: packed.size,
      bundleId,
      bundleName,
      generatedAt,
      documents: documents.map((d) => path.join(documentsDir, ...d.name.split('/'))),
      documentsDir,
      evaluation,
      coverage,
      signing: packed.signing,
      populations: packed.populations.map((p) => ({ name: p.name, rows: p.rows, path: path.join(documentsDir, ...p.csvPath.split('/')) })),
      evidenceFiles: evidenceIndex.length,
      snapshots: chain.manifests.length,
      problems: view.problems,
      alteredSnapshots: chain.altered,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(stage, { recursive: true, force: true });
  }
}

function toOscalEvidence(facts: ReadonlyMap<string, EvidenceFacts>): (row: EvidenceIndexRow) => EvidenceForOscal {
  return (row) => ({
    id: row.id,
    path: row.bundlePath,
    sha256: row.sha256,
    snapshotId: row.snapshotId,
    collector: row.collector,
    schema: facts.get(row.id)?.summary.schema,
    account: row.account,
    region: row.region,
    controls: row.controls,
  });
}

/** Rows of a population, as its provenance sidecar records them. */
function populationRows(files: PopulationFiles): number {
  return (JSON.parse(files.provenance.toString('utf8')) as { csv: { rows: number } }).csv.rows;
}

/**
 * The contract between the report's stages: `buildReport` (src/report/build-report.ts) evaluates the
 * period and builds a ReportContext; `renderReportDocuments` (src/render/report-documents.ts) turns it
 * into the four documents; the bundle writer packs them with the populations and the evidence.
 */
import type { Config } from '../config/types.js';
import type { Evaluation } from '../controls/types.js';
import type { CoverageLedger } from '../coverage/types.js';
import type { PeriodView } from '../period/types.js';
import type { PdfRenderer } from '../render/html-to-pdf.js';

/** One evidence item as the Evidence Index (PDF and CSV) and the bundle list it. */
export interface EvidenceIndexRow {
  /** Evidence id: `<snapshotId>_<account>_<region>_<collector>`. */
  id: string;
  snapshotId: string;
  collector: string;
  /** Criteria of the controls that use this evidence (sorted). */
  criteria: string[];
  /** Ids of the controls that use this evidence (sorted). */
  controls: string[];
  /** API operations that produced it (from provenance), `service:Operation`. */
  operations: string[];
  account: string;
  region: string;
  window: { start: string; end: string };
  recordCount: number;
  /** When collection of this envelope ended (provenance endedAt). */
  collectedAt: string;
  /** SHA-256 of the envelope's bytes, as the snapshot manifest records it. */
  sha256: string;
  /** Path of the envelope inside the bundle. */
  bundlePath: string;
}

/** Everything the documents are made from. Plain data; nothing here reads the clock. */
export interface ReportContext {
  config: Config;
  view: PeriodView;
  evaluation: Evaluation;
  coverage: CoverageLedger;
  evidenceIndex: EvidenceIndexRow[];
  /** Stable id of this bundle (also printed on every page). */
  bundleId: string;
  /** File name of the bundle zip, `<org-slug>_SOC2-T2_<start>_<end>.zip`. */
  bundleName: string;
  /** ISO 8601; derived from the evidence (the newest snapshot used), never from the clock, so output is reproducible. */
  generatedAt: string;
}

/** A file the documents stage wrote, and where it goes in the bundle. */
export interface RenderedDocument {
  /** Path inside the bundle, e.g. `01_System_Description.pdf`, `02_Diagrams/network.svg`, `04_Evidence_Index.csv`. */
  name: string;
  /** Absolute path of the file written. */
  file: string;
  role: 'pdf' | 'diagram' | 'csv';
  title?: string;
  pages?: number;
}

export interface RenderReportOptions {
  /** Folder the files are written to (created if missing). */
  outDir: string;
  /** One browser for the whole report run; opened and closed by the callee when absent. */
  renderer?: PdfRenderer;
  /** Progress lines for long steps (a TTY display). */
  onProgress?: (message: string) => void;
}

export type RenderReportDocuments = (context: ReportContext, options: RenderReportOptions) => Promise<RenderedDocument[]>;

/**
 * Benchmark of the real Evidence Index (not a test): the document model renderReportDocuments
 * builds (src/render/evidence-index.ts) for 1k, 10k and 50k evidence rows shaped like a real
 * estate's, rendered to PDF (every row printed, chunked and merged) with its CSV, each size in its
 * own process under /work/shared/tools/peak-tree-mem (or PEAK_TREE_MEM), which samples the peak
 * memory of the whole process tree, Chromium included.
 *
 *   npx tsx bench/report.ts                          # 1000, 10000, 50000 rows, A4
 *   npx tsx bench/report.ts --sizes 1000 --paper Letter
 *
 * Target (issue 5): 50,000 rows under 1.5 GB peak tree PSS.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describePeak, findPeakTreeMem, measureWorker, type PeakSample } from './support/peak-worker.js';

const workDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '.work', 'report');

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

interface Measurement extends PeakSample {
  rows: number;
  paperSize: string;
  pages: number;
  prints: number;
  modelSeconds: number;
  renderSeconds: number;
  pdfBytes: number;
  csvBytes: number;
  blockedRequests: number;
}

function measure(rows: number, paper: string): Promise<Measurement> {
  return measureWorker<Measurement>('report-worker.ts', [String(rows), workDir, paper], `${rows} rows`);
}

if (findPeakTreeMem()) {
  await mkdir(workDir, { recursive: true });
  const sizes = (arg('--sizes') ?? '1000,10000,50000').split(',').map(Number);
  const paper = arg('--paper') === 'Letter' ? 'Letter' : 'A4';
  console.log(`Evidence Index (real model), ${paper} landscape`);
  console.log('rows    pages  rows/page  prints  model s  render s  wall s  peak tree PSS MB  peak tree RSS MB  PDF MB  CSV MB  ms/row  blocked');
  const results: Measurement[] = [];
  for (const rows of sizes) {
    const m = await measure(rows, paper);
    results.push(m);
    console.log(
      [
        String(m.rows).padEnd(7),
        String(m.pages).padEnd(6),
        (m.rows / m.pages).toFixed(1).padEnd(10),
        String(m.prints).padEnd(7),
        m.modelSeconds.toFixed(2).padEnd(8),
        m.renderSeconds.toFixed(1).padEnd(9),
        m.wallSeconds.toFixed(1).padEnd(7),
        String(m.peakPssMb).padEnd(17),
        String(m.peakRssMb).padEnd(17),
        (m.pdfBytes / 1e6).toFixed(1).padEnd(7),
        (m.csvBytes / 1e6).toFixed(1).padEnd(7),
        ((m.renderSeconds * 1000) / m.rows).toFixed(2).padEnd(7),
        String(m.blockedRequests),
      ].join(' '),
    );
  }
  const largest = results.reduce((a, b) => (b.rows > a.rows ? b : a));
  console.log(`${largest.rows} rows: ${describePeak(largest.peakPssMb)}`);
  const smallest = results.reduce((a, b) => (b.rows < a.rows ? b : a));
  if (smallest !== largest) {
    console.log(`time per row, ${largest.rows} vs ${smallest.rows} rows: ${(largest.renderSeconds / largest.rows / (smallest.renderSeconds / smallest.rows)).toFixed(2)}×`);
  }
}

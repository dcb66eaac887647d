/**
 * Benchmark of the PDF engine (not a test): renders a synthetic Evidence Index of 1k, 10k and 50k
 * rows, each in its own process under /work/shared/tools/peak-tree-mem (or PEAK_TREE_MEM), which
 * samples the peak memory of the whole process tree, Chromium included.
 *
 *   npx tsx bench/render.ts                         # 1000, 10000, 50000 rows, default chunk size
 *   npx tsx bench/render.ts --sizes 10000 --chunk-rows 250,500,1000
 *
 * Target (issue 5): 50,000 rows under 1.5 GB peak tree PSS.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RENDER_LIMITS } from '../src/render/document-plan.js';
import { describePeak, findPeakTreeMem, measureWorker, type PeakSample } from './support/peak-worker.js';

const workDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '.work');

function listArg(name: string, fallback: number[]): number[] {
  const at = process.argv.indexOf(name);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1].split(',').map(Number) : fallback;
}

interface Measurement extends PeakSample {
  rows: number;
  chunkRows: number;
  pages: number;
  prints: number;
  renderSeconds: number;
  pdfBytes: number;
  blockedRequests: number;
}

function measure(rows: number, chunkRows: number): Promise<Measurement> {
  const out = path.join(workDir, `evidence-index-${rows}-${chunkRows}.pdf`);
  return measureWorker<Measurement>('render-worker.ts', [String(rows), String(chunkRows), out], `${rows} rows`);
}

if (findPeakTreeMem()) {
  await mkdir(workDir, { recursive: true });
  const sizes = listArg('--sizes', [1_000, 10_000, 50_000]);
  const chunks = listArg('--chunk-rows', [DEFAULT_RENDER_LIMITS.chunkRows]);
  console.log('rows    chunk  pages  prints  render s  wall s  peak tree PSS MB  peak tree RSS MB  PDF MB  ms/row  blocked');
  const results: Measurement[] = [];
  for (const chunkRows of chunks) {
    for (const rows of sizes) {
      const m = await measure(rows, chunkRows);
      results.push(m);
      console.log(
        [
          String(m.rows).padEnd(7),
          String(m.chunkRows).padEnd(6),
          String(m.pages).padEnd(6),
          String(m.prints).padEnd(7),
          m.renderSeconds.toFixed(1).padEnd(9),
          m.wallSeconds.toFixed(1).padEnd(7),
          String(m.peakPssMb).padEnd(17),
          String(m.peakRssMb).padEnd(17),
          (m.pdfBytes / 1e6).toFixed(1).padEnd(7),
          ((m.renderSeconds * 1000) / m.rows).toFixed(2).padEnd(7),
          String(m.blockedRequests),
        ].join(' '),
      );
    }
  }
  const largest = results.filter((m) => m.rows === Math.max(...sizes));
  for (const m of largest) console.log(`${m.rows} rows, chunk ${m.chunkRows}: ${describePeak(m.peakPssMb)}`);
  const small = results.find((m) => m.rows === Math.min(...sizes));
  if (small && largest[0] && small !== largest[0]) {
    console.log(`time per row, ${largest[0].rows} vs ${small.rows} rows: ${((largest[0].renderSeconds / largest[0].rows) / (small.renderSeconds / small.rows)).toFixed(2)}×`);
  }
}

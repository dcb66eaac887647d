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
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RENDER_LIMITS } from '../src/render/document-plan.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const workDir = path.join(here, '.work');
const peakTreeMem = process.env.PEAK_TREE_MEM ?? '/work/shared/tools/peak-tree-mem';
const TARGET_PSS_MB = 1500;

function listArg(name: string, fallback: number[]): number[] {
  const at = process.argv.indexOf(name);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1].split(',').map(Number) : fallback;
}

interface Measurement {
  rows: number;
  chunkRows: number;
  pages: number;
  prints: number;
  renderSeconds: number;
  pdfBytes: number;
  blockedRequests: number;
  wallSeconds: number;
  peakPssMb: number;
  peakRssMb: number;
}

function measure(rows: number, chunkRows: number): Promise<Measurement> {
  const out = path.join(workDir, `evidence-index-${rows}-${chunkRows}.pdf`);
  const child = spawn(peakTreeMem, [process.execPath, '--import', 'tsx', path.join(here, 'render-worker.ts'), String(rows), String(chunkRows), out], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const peak = /peak_tree_rss_mb=(\d+) peak_tree_pss_mb=(\d+) wall_s=([\d.]+)/.exec(stderr);
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !peak || !line.startsWith('{')) {
        reject(new Error(`${rows} rows failed (exit ${code}):\n${stderr}`));
        return;
      }
      resolve({ ...JSON.parse(line), peakRssMb: Number(peak[1]), peakPssMb: Number(peak[2]), wallSeconds: Number(peak[3]) });
    });
  });
}

if (!existsSync(peakTreeMem)) {
  console.error(`peak-tree-mem not found at ${peakTreeMem}; set PEAK_TREE_MEM to its path`);
  process.exitCode = 2;
} else {
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
  for (const m of largest) {
    const verdict = m.peakPssMb < TARGET_PSS_MB ? 'within' : 'OVER';
    console.log(`${m.rows} rows, chunk ${m.chunkRows}: peak tree PSS ${m.peakPssMb} MB is ${verdict} the ${TARGET_PSS_MB} MB target (${((m.peakPssMb / TARGET_PSS_MB) * 100).toFixed(0)}%)`);
  }
  const small = results.find((m) => m.rows === Math.min(...sizes));
  if (small && largest[0] && small !== largest[0]) {
    console.log(`time per row, ${largest[0].rows} vs ${small.rows} rows: ${((largest[0].renderSeconds / largest[0].rows) / (small.renderSeconds / small.rows)).toFixed(2)}×`);
  }
}

/**
 * Runs one benchmark measurement in its own process under /work/shared/tools/peak-tree-mem (or
 * PEAK_TREE_MEM), which samples the peak memory of the whole process tree, Chromium included:
 * the worker prints one JSON line on stdout, and the peak and wall time come from peak-tree-mem.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const peakTreeMem = process.env.PEAK_TREE_MEM ?? '/work/shared/tools/peak-tree-mem';

/** The document benchmarks' target (issue 5): peak tree PSS under 1.5 GB. */
export const TARGET_PSS_MB = 1500;

export interface PeakSample {
  wallSeconds: number;
  peakPssMb: number;
  peakRssMb: number;
}

/** Whether peak-tree-mem is there; if not, says so and sets exit code 2. */
export function findPeakTreeMem(): boolean {
  if (existsSync(peakTreeMem)) return true;
  console.error(`peak-tree-mem not found at ${peakTreeMem}; set PEAK_TREE_MEM to its path`);
  process.exitCode = 2;
  return false;
}

/** Runs `bench/<worker>` with `args` under peak-tree-mem: the worker's JSON line with the peak memory of its process tree. */
export function measureWorker<T>(worker: string, args: readonly string[], label: string): Promise<T & PeakSample> {
  const child = spawn(peakTreeMem, [process.execPath, '--import', 'tsx', path.join(bench, worker), ...args], {
    cwd: path.dirname(bench),
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
        reject(new Error(`${label} failed (exit ${code}):\n${stderr}`));
        return;
      }
      resolve({ ...(JSON.parse(line) as T), peakRssMb: Number(peak[1]), peakPssMb: Number(peak[2]), wallSeconds: Number(peak[3]) });
    });
  });
}

/** "peak tree PSS N MB is within/OVER the target (n%)". */
export function describePeak(peakPssMb: number): string {
  return `peak tree PSS ${peakPssMb} MB is ${peakPssMb < TARGET_PSS_MB ? 'within' : 'OVER'} the ${TARGET_PSS_MB} MB target (${((peakPssMb / TARGET_PSS_MB) * 100).toFixed(0)}%)`;
}

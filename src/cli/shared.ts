import path from 'node:path';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/types.js';
import type { CliIo } from './io.js';

/** Loads the config named by -c, printing its warnings (not errors) to stderr. */
export async function loadConfigForCli(io: CliIo, file: unknown, options: { quiet?: boolean } = {}): Promise<Config> {
  const { config, warnings } = await loadConfig(path.resolve(io.cwd, String(file ?? 'proofpack.yaml')));
  if (!options.quiet) for (const w of warnings) io.stderr(`warning: ${w}\n`);
  return config;
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2) + '\n');
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

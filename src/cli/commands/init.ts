import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode } from '../../errors.js';
import { templatesDir } from '../../util/paths.js';
import type { CliIo } from '../io.js';

const FILES = ['proofpack.yaml', 'narrative.yaml'];

/** `proofpack init`: writes a commented proofpack.yaml and a narrative template; never overwrites without --force. */
export async function runInit(io: CliIo, options: Record<string, unknown>): Promise<number> {
  const dir = path.resolve(io.cwd, String(options.dir ?? '.'));
  await mkdir(dir, { recursive: true });
  const existing: string[] = [];
  for (const name of FILES) {
    if (await stat(path.join(dir, name)).then(() => true, () => false)) existing.push(name);
  }
  if (existing.length > 0 && !options.force) {
    io.stderr(`proofpack init: ${existing.map((n) => path.join(dir, n)).join(', ')} already exist${existing.length === 1 ? 's' : ''}; use --force to overwrite\n`);
    return ExitCode.badInput;
  }
  for (const name of FILES) {
    await copyFile(path.join(templatesDir, 'init', name), path.join(dir, name));
    io.stdout(`wrote ${path.join(dir, name)}\n`);
  }
  io.stdout('Next: edit proofpack.yaml (accounts, regions, period), then run `proofpack collect`.\n');
  return ExitCode.ok;
}

#!/usr/bin/env node
// The installed command. Runs the compiled CLI (npm run build / npm ci's prepare step).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('proofpack: not built yet; run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
const { runCli } = await import(entry.href);
process.exitCode = await runCli(process.argv.slice(2));

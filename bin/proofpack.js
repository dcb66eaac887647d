#!/usr/bin/env node
// The installed command. Runs the compiled CLI (npm run build / npm ci's prepare step).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('proofpack: not built yet; run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
// The AWS SDK warns on Node 20 that *future* SDK releases will need Node 22; the versions locked
// here support Node 20, so the warning would only be noise on every run (README: Node 22 recommended).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { runCli } = await import(entry.href);
process.exitCode = await runCli(process.argv.slice(2));

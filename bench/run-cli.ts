// The CLI from the TypeScript sources, for benchmarks: `node --import tsx bench/run-cli.ts verify BUNDLE.zip`.
import { runCli } from '../src/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));

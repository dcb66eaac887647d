import { Command, CommanderError, Option } from 'commander';
import {
  ConfigError,
  EvidenceValidationError,
  ExitCode,
  ExitError,
  InputError,
  RenderError,
  StoreError,
  UsageError,
  VerificationError,
} from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { runCollect } from './commands/collect.js';
import { runCoverage } from './commands/coverage.js';
import { runEvaluate } from './commands/evaluate.js';
import { runInit } from './commands/init.js';
import { runKeygen } from './commands/keygen.js';
import { runMerge } from './commands/merge.js';
import { runSample } from './commands/sample.js';
import { runVerify } from './commands/verify.js';
import { processIo, type CliIo } from './io.js';

/** Handlers the program dispatches to; later issues replace the placeholders. */
export const commandHandlers: Record<string, (io: CliIo, args: unknown[], options: Record<string, unknown>) => Promise<number>> = {
  init: (io, _args, options) => runInit(io, options),
  collect: (io, _args, options) => runCollect(io, options),
  coverage: (io, _args, options) => runCoverage(io, options),
  evaluate: (io, _args, options) => runEvaluate(io, options),
  // Loaded on use: the report stage brings in puppeteer, which other commands do not need.
  report: async (io, _args, options) => (await import('./commands/report.js')).runReport(io, options),
  verify: (io, args, options) => runVerify(io, args, options),
  sample: (io, _args, options) => runSample(io, options),
  // Loaded on use, like report: the demo renders PDFs with puppeteer.
  demo: async (io, _args, options) => (await import('./commands/demo.js')).runDemo(io, options),
  keygen: (io, _args, options) => runKeygen(io, options),
  merge: (io, _args, options) => runMerge(io, options),
};

const configOption = () => new Option('-c, --config <file>', 'config file').default('proofpack.yaml');

function buildProgram(io: CliIo, run: (name: string, args: unknown[], options: Record<string, unknown>) => void): Command {
  const program = new Command('proofpack')
    .description('SOC 2 evidence from AWS, proven to cover the whole observation period, in a signed bundle that verifies offline.')
    .version(TOOL_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Exit codes: 0 ok; 1 internal error; 2 bad usage or bad input; 3 gaps or failed controls (with --strict); 4 verification failed.
Docs: README.md, docs/ARCHITECTURE.md.`,
    );

  const action =
    (name: string) =>
    (...params: unknown[]) => {
      const command = params.at(-1) as Command;
      const options = command.opts();
      run(name, params.slice(0, -2), options);
    };

  program
    .command('init')
    .description('write a commented proofpack.yaml and a narrative template')
    .option('--dir <dir>', 'folder to write into', '.')
    .option('--force', 'overwrite existing files')
    .action(action('init'));

  program
    .command('collect')
    .description('collect evidence from AWS into a new snapshot of the evidence store')
    .addOption(configOption())
    .option('--endpoint-url <url>', 'send every AWS request to this endpoint (an emulator); default $AWS_ENDPOINT_URL')
    .option('--only <sources>', 'comma-separated source groups (state, jobs, events, history, records), services or collector ids')
    .option('--resume', 'continue the newest interrupted snapshot')
    .option('--shard <i/n>', 'collect the i-th of n stable slices of the accounts')
    .option('--run-id <id>', 'run id shared by the shards of one run')
    .option('--strict', 'exit 3 when any gap was recorded')
    .option('--json', 'print the result as JSON')
    .action(action('collect'));

  program
    .command('coverage')
    .description('the period ledger: which source × account × region × day is covered, and every gap with its reason')
    .addOption(configOption())
    .option('--json', 'print the ledger as JSON')
    .option('--strict', 'exit 3 when there is any gap')
    .action(action('coverage'));

  program
    .command('evaluate')
    .description('evaluate every control over the period')
    .addOption(configOption())
    .option('--json', 'print the results as JSON')
    .option('--strict', 'exit 3 when a control fails or has an error, or evidence has gaps')
    .action(action('evaluate'));

  program
    .command('report')
    .description('write the PDFs, populations and the signed bundle zip')
    .addOption(configOption())
    .option('--out <dir>', 'output folder', 'out')
    .option('--signing-key <file>', 'Ed25519 private key (PEM) to sign the bundle; default: a one-time key')
    .option('--json', 'print { bundle, sha256 } as JSON')
    .option('--strict', 'exit 3 when a control fails or evidence has gaps')
    .action(action('report'));

  program
    .command('verify')
    .description('verify a bundle offline: hashes, signature, snapshot chain, evidence schemas')
    .argument('<bundle>', 'bundle zip')
    .option('--public-key <file>', 'the signer public key you expect (PEM)')
    .option('--json', 'print the checks as JSON')
    .action(action('verify'));

  program
    .command('sample')
    .description('draw a reproducible random sample from a population')
    .option('--population <name>', 'population name (e.g. backup-jobs)')
    .option('--size <n>', 'sample size')
    .option('--seed <seed>', 'seed; the same seed draws the same rows')
    .option('--bundle <zip>', 'take the population from this bundle')
    .option('--csv <file>', 'take the population from this CSV file (e.g. unzipped from a bundle)')
    .addOption(new Option('-c, --config <file>', 'take the population from this config\'s store'))
    .option('--out <file>', 'write the sample CSV here (default: stdout)')
    .option('--suggest', 'show suggested sample sizes by control frequency')
    .action(action('sample'));

  program
    .command('demo')
    .description('run the whole pipeline on the bundled sample estate, offline')
    .option('--out <dir>', 'output folder', 'out')
    .action(action('demo'));

  program
    .command('keygen')
    .description('write an Ed25519 key pair for signing bundles')
    .option('--out <dir>', 'folder for signing-key.pem and signing-key.pub', '.')
    .action(action('keygen'));

  program
    .command('merge')
    .description('merge the shard snapshots of one run into one snapshot')
    .addOption(configOption())
    .option('--run-id <id>', 'the run whose shards to merge')
    .option('--endpoint-url <url>', 'send S3 requests to this endpoint (an emulator); default $AWS_ENDPOINT_URL')
    .option('--json', 'print the result as JSON')
    .action(action('merge'));

  return program;
}

/**
 * Runs the command line and returns the exit code. Never throws and never exits: bin/proofpack.js
 * sets the process exit code. User mistakes get one clear line each, never a stack trace.
 */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  let chosen: { name: string; args: unknown[]; options: Record<string, unknown> } | undefined;
  const program = buildProgram(io, (name, args, options) => {
    chosen = { name, args, options };
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
      return ExitCode.badInput;
    }
    return reportError(io, error);
  }
  if (!chosen) {
    program.outputHelp();
    return ExitCode.badInput;
  }
  try {
    return await commandHandlers[chosen.name](io, chosen.args, chosen.options);
  } catch (error) {
    return reportError(io, error);
  }
}

function reportError(io: CliIo, error: unknown): number {
  if (error instanceof ExitError) return error.code;
  if (error instanceof ConfigError || error instanceof InputError) {
    io.stderr(error.message.split('\n').map((line) => `${line}\n`).join(''));
    return ExitCode.badInput;
  }
  if (error instanceof UsageError) {
    io.stderr(`proofpack: ${error.message}\n`);
    return ExitCode.badInput;
  }
  if (error instanceof StoreError || error instanceof EvidenceValidationError) {
    io.stderr(`proofpack: ${error.message}\n`);
    return ExitCode.badInput;
  }
  if (error instanceof RenderError) {
    io.stderr(`proofpack: cannot render the report: ${error.message}\n`);
    return ExitCode.internal;
  }
  if (error instanceof VerificationError) {
    io.stderr(`proofpack: ${error.message}\n${error.failures.map((f) => `  ✗ ${f}\n`).join('')}`);
    return ExitCode.verificationFailed;
  }
  const e = error as Error;
  io.stderr(`proofpack: internal error: ${e?.message ?? String(error)}\n`);
  if (io.env.PROOFPACK_DEBUG) io.stderr(`${e?.stack ?? ''}\n`);
  else io.stderr('Set PROOFPACK_DEBUG=1 for details, and please report it.\n');
  return ExitCode.internal;
}

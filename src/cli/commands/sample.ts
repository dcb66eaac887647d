import path from 'node:path';
import {
  bundlePopulationSource,
  checkSampleRequest,
  drawSample,
  filePopulationSource,
  formatSampleCsv,
  formatSampleSizeGuide,
  type PopulationSource,
} from '../../bundle/sample.js';
import { ExitCode, UsageError } from '../../errors.js';
import { closeStore, openStore } from '../../evidence/open-store.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { CliIo } from '../io.js';
import { loadConfigForCli } from '../shared.js';

/**
 * `proofpack sample --population NAME --size N --seed S (--bundle ZIP | --csv FILE | -c FILE) [--out FILE] [--suggest]`.
 * The CSV goes to --out or stdout; what was drawn goes to stderr (stdout with --out).
 */
export async function runSample(io: CliIo, options: Record<string, unknown>): Promise<number> {
  if (options.suggest) {
    io.stdout(formatSampleSizeGuide());
    return ExitCode.ok;
  }
  const request = checkSampleRequest(options);
  const sources = (['bundle', 'csv', 'config'] as const).filter((k) => options[k] !== undefined);
  if (sources.length !== 1) throw new UsageError('sample: give exactly one of --bundle ZIP, --csv FILE or -c CONFIG for the population');
  let source: PopulationSource;
  if (options.bundle !== undefined) {
    source = await bundlePopulationSource(path.resolve(io.cwd, String(options.bundle)), request.population);
  } else if (options.csv !== undefined) {
    source = filePopulationSource(path.resolve(io.cwd, String(options.csv)));
  } else {
    // Built from the store by the same code as the bundle's populations (src/report/populations.ts).
    const { storePopulationSource } = await import('../../report/store-population.js');
    const config = await loadConfigForCli(io, options.config);
    const store = openStore(config);
    try {
      source = await storePopulationSource(config, request.population, { store });
    } finally {
      closeStore(store);
    }
  }
  const result = await drawSample(source, request);
  if (result.matchesSha256Sums === false) {
    io.stderr(`proofpack: ${result.source} has SHA-256 ${result.populationSha256}, which is not what the bundle's SHA256SUMS lists; the population was altered. Run \`proofpack verify\`. No sample written.\n`);
    return ExitCode.verificationFailed;
  }
  const csv = formatSampleCsv(result);
  const summary = [
    `sampled ${result.rows.length} of ${result.populationRows} rows of ${result.population} with seed ${JSON.stringify(result.seed)} (${result.algorithm}, key column ${result.keyColumn})`,
    `population SHA-256 ${result.populationSha256}${result.matchesSha256Sums ? ' (matches SHA256SUMS)' : ''}`,
  ];
  if (result.rows.length < result.requestedSize) summary.push(`warning: --size ${result.requestedSize} is more than the population's ${result.populationRows} rows; every row is in the sample`);
  if (options.out !== undefined) {
    const out = path.resolve(io.cwd, String(options.out));
    await writeFileAtomic(out, csv);
    io.stdout([...summary, `written to ${out}`].join('\n') + '\n');
  } else {
    io.stdout(csv);
    io.stderr(summary.join('\n') + '\n');
  }
  return ExitCode.ok;
}

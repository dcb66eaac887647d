/**
 * `proofpack sample -c FILE`: a population straight from the evidence store, built by the same
 * code and from the same evidence as the bundle's `populations/<name>.csv` — so the bytes, their
 * SHA-256, and any sample drawn from them are the same as from the bundle `report` would write now.
 */
import type { PopulationSource } from '../bundle/sample.js';
import type { Config } from '../config/types.js';
import { InputError } from '../errors.js';
import type { EvidenceStore } from '../evidence/store.js';
import { buildPreparedPopulations, prepareReport } from './build-report.js';
import { POPULATION_NAMES } from './populations.js';

export async function storePopulationSource(config: Config, population: string, options: { store: EvidenceStore; now?: Date }): Promise<PopulationSource> {
  if (!POPULATION_NAMES.includes(population)) {
    throw new InputError([
      {
        file: config.configPath || 'config',
        path: '--population',
        message: `no population ${JSON.stringify(population)} (available: ${POPULATION_NAMES.join(', ')})`,
      },
    ]);
  }
  const prepared = await prepareReport(config, {
    store: options.store,
    now: options.now,
  });
  const files = buildPreparedPopulations(prepared, [population])[0];
  return {
    label: `${options.store.location} (populations/${population}.csv as \`proofpack report\` builds it, bundle ${prepared.bundleName} ${prepared.bundleId})`,
    open: () =>
      Promise.resolve(
        (async function* () {
          yield files.csv;
        })(),
      ),
    close: () => undefined,
  };
}

import type { Account, OrganizationAccounts, ProofpackConfig } from './config.generated.js';

export type { Account, OrganizationAccounts, ProofpackConfig };

type Targets = Required<NonNullable<ProofpackConfig['targets']>>;
type Waiver = NonNullable<ProofpackConfig['waivers']>[number];
type RegionPair = NonNullable<ProofpackConfig['regionPairs']>[number];
type ResidencyRule = NonNullable<ProofpackConfig['residency']>[number];

export type { Targets, Waiver, RegionPair, ResidencyRule };

/**
 * A validated config with every default filled in and every path made absolute. This is what
 * the library functions take; `loadConfig()` produces it from a file.
 */
export interface Config extends Omit<ProofpackConfig, 'regionPairs' | 'scope' | 'residency' | 'targets' | 'waivers' | 'report' | 'collection'> {
  regionPairs: RegionPair[];
  scope: { tags?: Record<string, string> };
  residency: ResidencyRule[];
  targets: Targets;
  waivers: Waiver[];
  report: { paperSize: 'A4' | 'Letter' };
  collection: { concurrency: number; maxAttempts: number };
  /** Absolute path of the config file ('' when built in code). */
  configPath: string;
  /** Folder relative paths in the file are resolved against. */
  configDir: string;
}

export interface LoadedConfig {
  config: Config;
  warnings: string[];
}

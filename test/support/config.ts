import path from 'node:path';
import { parseConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/types.js';

/** A validated Config for tests, from the keys given (defaults as a user's file would get them). */
export function testConfig(overrides: Record<string, unknown> = {}, dir = process.cwd()): Config {
  const raw = {
    organization: 'Larkspur Health, Inc.',
    system: 'Larkspur Care Platform',
    period: { start: '2026-01-01', end: '2026-06-30' },
    accounts: [{ id: '123456789012', name: 'prod' }],
    regions: ['us-east-1', 'us-west-2'],
    store: './evidence',
    ...overrides,
  };
  return parseConfig(JSON.stringify(raw), { file: 'proofpack.yaml', configPath: path.join(dir, 'proofpack.yaml') }).config;
}

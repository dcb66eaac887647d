import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, parseConfig } from '../../../src/config/load-config.js';
import { ConfigError, formatInputIssue } from '../../../src/errors.js';

const VALID = `organization: Larkspur Health, Inc.
system: Larkspur Care Platform
period: { start: 2026-01-01, end: 2026-06-30 }
accounts: [{ id: "123456789012", name: prod, roleArn: arn:aws:iam::123456789012:role/proofpack-read }]
regions: [us-east-1, us-west-2, eu-central-1]
regionPairs: [{ primary: us-east-1, secondary: us-west-2 }]
scope: { tags: { soc2: in-scope } }
residency: [{ tag: { data-origin: eu }, allowedRegions: [eu-central-1, eu-west-1] }]
targets: { rtoMinutes: 240, rpoMinutes: 60, backupSuccessRate: 0.99, minRetentionDays: 35, drTestFrequency: quarterly }
store: ./evidence
narrative: ./narrative.yaml
diagrams: ./diagrams
drTests: ./dr-tests
`;

/** The lines a user would see for a config text. */
function problems(text: string): string[] {
  try {
    parseConfig(text, { file: 'proofpack.yaml' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map(formatInputIssue);
  }
  throw new Error('expected the config to be rejected');
}

/** Replaces one top-level line of the valid config (by its key) with another text. */
function withLine(key: string, line: string): string {
  const lines = VALID.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${key}:`));
  lines[at] = line;
  return lines.join('\n');
}

describe('a valid config', () => {
  test('loads with defaults filled in and paths resolved against the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-config-'));
    const file = path.join(dir, 'proofpack.yaml');
    await writeFile(file, VALID);

    const { config, warnings } = await loadConfig(file);

    expect(config.store).toBe(path.join(dir, 'evidence'));
    expect(config.narrative).toBe(path.join(dir, 'narrative.yaml'));
    expect(config.drTests).toBe(path.join(dir, 'dr-tests'));
    expect(config.targets).toEqual({ rtoMinutes: 240, rpoMinutes: 60, backupSuccessRate: 0.99, minRetentionDays: 35, drTestFrequency: 'quarterly', copyJobMaxLagHours: 24 });
    expect(config.waivers).toEqual([]);
    expect(config.report).toEqual({ paperSize: 'A4' });
    expect(config.collection).toEqual({ concurrency: 8, maxAttempts: 8 });
    expect(config.configPath).toBe(file);
    expect(warnings).toEqual([]);
  });

  test('only the six required keys are needed', () => {
    const { config, warnings } = parseConfig(
      `organization: A\nsystem: B\nperiod: { start: 2026-01-01, end: 2026-12-31 }\naccounts: [{ id: "123456789012", name: prod }]\nregions: [us-east-1]\nstore: s3://evidence-bucket/larkspur\n`,
      { file: 'proofpack.yaml' },
    );
    expect(config.regionPairs).toEqual([]);
    expect(config.scope).toEqual({});
    expect(config.residency).toEqual([]);
    expect(config.store).toBe('s3://evidence-bucket/larkspur');
    expect(warnings).toEqual([]);
  });

  test('an unquoted 12-digit account id is accepted as the string YAML lost', () => {
    const { config } = parseConfig(withLine('accounts', 'accounts: [{ id: 123456789012, name: prod }]'), { file: 'proofpack.yaml' });
    expect(config.accounts).toEqual([{ id: '123456789012', name: 'prod' }]);
  });

  test('warns about a period longer than a year and missing region pairs', () => {
    const text = withLine('period', 'period: { start: 2025-01-01, end: 2026-06-30 }').replace(/^regionPairs:.*$/m, '');
    const { warnings } = parseConfig(text, { file: 'proofpack.yaml' });
    expect(warnings).toEqual([
      'period: 546 days is longer than a year; SOC 2 Type II periods are usually 6-12 months',
      'regionPairs: none set; cross-region copy and region parity controls will be not applicable',
    ]);
  });
});

describe('a bad config gets one clear line per problem, naming the file, line and path', () => {
  const cases: Array<[string, string, unknown[]]> = [
    ['an unknown region', withLine('regions', 'regions: [us-east-1, us-west-2, eu-moon-1]'), ['proofpack.yaml:5: regions[2]: "eu-moon-1" is not an AWS region']],
    ['a period that ends before it starts', withLine('period', 'period: { start: 2026-06-30, end: 2026-01-01 }'), ['proofpack.yaml:3: period: end 2026-01-01 is before start 2026-06-30']],
    ['a date that is not a date', withLine('period', 'period: { start: 2026-13-01, end: 2026-06-30 }'), ['proofpack.yaml:3: period.start: "2026-13-01" is not a date; expected YYYY-MM-DD']],
    ['a missing required key', VALID.replace(/^store:.*\n/m, ''), ['proofpack.yaml:1: missing required key "store"']],
    ['a misspelt key', VALID.replace('regionPairs:', 'regoinPairs:'), [expect.stringMatching(/^proofpack\.yaml:6: unknown key "regoinPairs" \(did you mean "regionPairs"\?\); expected one of organization, system, period, accounts, regions, store, .*regionPairs/)]],
    ['an account id that is too short', withLine('accounts', 'accounts: [{ id: "12345", name: prod }]'), ['proofpack.yaml:4: accounts[0].id: "12345" is not a 12-digit AWS account id']],
    ['an unquoted account id with a lost leading zero', withLine('accounts', 'accounts: [{ id: 012345678901, name: prod }]'), ['proofpack.yaml:4: accounts[0].id: 12345678901 is not a 12-digit account id; write account ids in quotes ("012345678901") so leading zeros are kept']],
    ['a role ARN that is not a role', withLine('accounts', 'accounts: [{ id: "123456789012", name: prod, roleArn: "arn:aws:iam::123456789012:user/bob" }]'), ['proofpack.yaml:4: accounts[0].roleArn: "arn:aws:iam::123456789012:user/bob" is not an IAM role ARN (arn:aws:iam::123456789012:role/name)']],
    ['a role in another account', withLine('accounts', 'accounts: [{ id: "123456789012", name: prod, roleArn: "arn:aws:iam::999999999999:role/r" }]'), ['proofpack.yaml:4: accounts[0].roleArn: role is in account 999999999999, not 123456789012']],
    ['the same account twice', withLine('accounts', 'accounts: [{ id: "123456789012", name: prod }, { id: "123456789012", name: again }]'), ['proofpack.yaml:4: accounts[1].id: account 123456789012 is listed twice (also accounts[0])']],
    ['no accounts', withLine('accounts', 'accounts: []'), ['proofpack.yaml:4: accounts: must list at least 1 item']],
    ['accounts that are neither a list nor an organization', withLine('accounts', 'accounts: prod'), ['proofpack.yaml:4: accounts: expected a list of accounts ({ id, name, roleArn? }) or { organization: true, roleName }']],
    ['an organization query without a role name', withLine('accounts', 'accounts: { organization: true }'), ['proofpack.yaml:4: accounts: missing required key "roleName"']],
    ['a region listed twice', withLine('regions', 'regions: [us-east-1, us-west-2, us-east-1]'), ['proofpack.yaml:5: regions: lists the same value twice (items 0 and 2)']],
    ['a region pair outside the regions in scope', withLine('regionPairs', 'regionPairs: [{ primary: us-east-1, secondary: eu-west-1 }]'), ['proofpack.yaml:6: regionPairs[0].secondary: "eu-west-1" is not one of the regions in scope (us-east-1, us-west-2, eu-central-1)']],
    ['a region pair with the same region twice', withLine('regionPairs', 'regionPairs: [{ primary: us-west-2, secondary: us-west-2 }]'), ['proofpack.yaml:6: regionPairs[0]: primary and secondary are both "us-west-2"']],
    ['a success rate above 1', withLine('targets', 'targets: { backupSuccessRate: 99 }'), ['proofpack.yaml:9: targets.backupSuccessRate: 99 must be <= 1']],
    ['an unknown DR test frequency', withLine('targets', 'targets: { drTestFrequency: weekly }'), ['proofpack.yaml:9: targets.drTestFrequency: "weekly" is not one of "annual", "semiannual", "quarterly", "monthly"']],
    ['a waiver with a short reason and no expiry', VALID + 'waivers:\n  - { control: backup.job-success, resource: "db-*", reason: legacy, approver: cfo }\n', [
      'proofpack.yaml:15: waivers[0]: missing required key "expires"',
      'proofpack.yaml:15: waivers[0].reason: must be at least 10 characters',
    ]],
    ['a residency rule without regions', withLine('residency', 'residency: [{ tag: { data-origin: eu }, allowedRegions: [] }]'), ['proofpack.yaml:8: residency[0].allowedRegions: must list at least 1 item']],
    ['a store that is a number', withLine('store', 'store: 42'), ['proofpack.yaml:10: store: expected a string, got number 42']],
    ['a malformed S3 store', withLine('store', 'store: s3://Bad_Bucket'), ['proofpack.yaml:10: store: "s3://Bad_Bucket" is not an S3 location; expected s3://bucket or s3://bucket/prefix']],
    ['object lock retention on a folder store', VALID + 'storeRetention: { mode: COMPLIANCE, days: 400 }\n', ['proofpack.yaml:14: storeRetention: applies only to an s3:// store']],
    ['a paper size that does not exist', VALID + 'report: { paperSize: A5 }\n', ['proofpack.yaml:14: report.paperSize: "A5" is not one of "A4", "Letter"']],
    ['not YAML at all', 'organization: [unclosed\n', ['proofpack.yaml:2: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['a list instead of a mapping', '- organization\n', ['proofpack.yaml: expected a mapping of keys (organization, system, period, accounts, regions, store)']],
  ];

  test.each(cases)('%s', (_name, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  test('several problems are all reported, in file order', () => {
    const text = withLine('regions', 'regions: [us-east-1, eu-moon-1]').replace('period: { start: 2026-01-01, end: 2026-06-30 }', 'period: { start: 2026-06-30, end: 2026-01-01 }');
    expect(problems(text)).toEqual([
      'proofpack.yaml:3: period: end 2026-01-01 is before start 2026-06-30',
      'proofpack.yaml:5: regions[1]: "eu-moon-1" is not an AWS region',
      'proofpack.yaml:6: regionPairs[0].secondary: "us-west-2" is not one of the regions in scope (us-east-1)',
    ]);
  });

  test('a missing file says how to create one', async () => {
    await expect(loadConfig('/nonexistent/proofpack.yaml')).rejects.toThrow('no such file; create one with `proofpack init` or pass -c FILE');
  });
});

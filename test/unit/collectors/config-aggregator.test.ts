import { configAggregateResources, aggregatorAccountId } from '../../../src/collectors/config/aggregate-resources.js';
import { configHistory } from '../../../src/collectors/config/history.js';
import { configRecorders } from '../../../src/collectors/config/recorders.js';
import { configResources } from '../../../src/collectors/config/resources.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors.js';
import { testConfig } from '../../support/config.js';

const accounts = [
  { id: '111111111111', name: 'prod' },
  { id: '222222222222', name: 'shared-services' },
];
const prod = accounts[0];
const shared = accounts[1];

test('without an aggregator: per-account inventory everywhere, no aggregate inventory', () => {
  const config = testConfig({ accounts });
  expect(aggregatorAccountId(config)).toBeUndefined();
  expect(configResources.appliesTo!(config, shared, 'us-west-2')).toBe(true);
  expect(configAggregateResources.appliesTo!(config, prod, 'global')).toBe(false);
});

test('with an aggregator: the aggregate inventory runs once, in its account; per-account inventory nowhere; recorders and history still everywhere', () => {
  const config = testConfig({ accounts, aggregator: { name: 'org-inventory', region: 'us-east-1', account: '222222222222' } });
  expect(aggregatorAccountId(config)).toBe('222222222222');
  expect(configAggregateResources.appliesTo!(config, shared, 'global')).toBe(true);
  expect(configAggregateResources.appliesTo!(config, prod, 'global')).toBe(false);
  expect(configResources.appliesTo!(config, prod, 'us-east-1')).toBe(false);
  expect(configResources.appliesTo!(config, shared, 'us-east-1')).toBe(false);
  // No aggregate API serves configuration history or recorder status: those stay per account × region.
  expect(configRecorders.appliesTo).toBeUndefined();
  expect(configHistory.appliesTo).toBeUndefined();
});

test('without aggregator.account, the first listed account reads the aggregator', () => {
  const config = testConfig({ accounts, aggregator: { name: 'org-inventory', region: 'eu-west-1' } });
  expect(aggregatorAccountId(config)).toBe('111111111111');
  expect(configAggregateResources.appliesTo!(config, prod, 'global')).toBe(true);
});

describe('config checks', () => {
  const base = {
    organization: 'Larkspur Health, Inc.',
    system: 'Larkspur Care Platform',
    period: { start: '2026-01-01', end: '2026-06-30' },
    regions: ['us-east-1'],
    store: './evidence',
  };
  const problems = (raw: Record<string, unknown>): string[] => {
    try {
      parseConfig(JSON.stringify({ ...base, ...raw }), { file: 'proofpack.yaml' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).message.split('\n');
    }
    return [];
  };

  test('aggregator.account must be one of the accounts in scope', () => {
    expect(problems({ accounts, aggregator: { name: 'org', region: 'us-east-1', account: '333333333333' } })).toEqual([
      "proofpack.yaml:1: aggregator.account: account 333333333333 is not one of the accounts in scope; the aggregator is read with that account's role",
    ]);
    expect(problems({ accounts, aggregator: { name: 'org', region: 'us-east-1', account: '222222222222' } })).toEqual([]);
  });

  test('backupOrganizationView.account must be one of the accounts in scope, and is required', () => {
    expect(problems({ accounts, backupOrganizationView: { account: '333333333333' } })).toEqual([
      "proofpack.yaml:1: backupOrganizationView.account: account 333333333333 is not one of the accounts in scope; the organization's backup jobs are listed with that account's role",
    ]);
    expect(problems({ accounts, backupOrganizationView: { account: '222222222222' } })).toEqual([]);
    expect(problems({ accounts: { organization: true, roleName: 'proofpack-read' }, backupOrganizationView: { account: '222222222222' } })).toEqual([]);
    expect(problems({ accounts, backupOrganizationView: {} })).toEqual([expect.stringContaining('backupOrganizationView')]);
  });

  test('eventDataStore is queried with an account in scope: its own account, or the one in its ARN', () => {
    const arn = (account: string) => `arn:aws:cloudtrail:us-east-1:${account}:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE`;
    expect(problems({ accounts, eventDataStore: { arn: arn('222222222222') } })).toEqual([]);
    expect(problems({ accounts, eventDataStore: { arn: arn('333333333333') } })).toEqual([
      "proofpack.yaml:1: eventDataStore.arn: account 333333333333 is not one of the accounts in scope; the event data store is queried with that account's role (set eventDataStore.account to query it from another account)",
    ]);
    expect(problems({ accounts, eventDataStore: { arn: arn('333333333333'), account: '222222222222' } })).toEqual([]);
    expect(problems({ accounts, eventDataStore: { arn: 'arn:aws:cloudtrail:us-east-1:222222222222:trail/main' } })).toEqual([expect.stringContaining('eventDataStore.arn')]);
  });

  test('with an organization query, aggregator.account is required', () => {
    expect(problems({ accounts: { organization: true, roleName: 'proofpack-read' }, aggregator: { name: 'org', region: 'us-east-1' } })).toEqual([
      'proofpack.yaml:1: aggregator: name the account that holds the aggregator (aggregator.account): with an organization query there is no first listed account to read it with',
    ]);
  });
});

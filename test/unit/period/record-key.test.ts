import { recordKey } from '../../../src/period/sources.js';

test('configuration items of the same resource id in two accounts or regions are kept apart', () => {
  const item = { resourceType: 'AWS::DynamoDB::Table', resourceId: 'members', configurationStateId: '1700000000000', awsRegion: 'us-east-1' };
  const a = recordKey({ ...item, accountId: '111111111111' });
  const b = recordKey({ ...item, accountId: '222222222222' });
  const c = recordKey({ ...item, accountId: '111111111111', awsRegion: 'eu-central-1' });
  expect(new Set([a, b, c]).size).toBe(3);
  expect(recordKey({ ...item, accountId: '111111111111' })).toBe(a);
});

test('jobs and events are keyed by their own ids', () => {
  expect(recordKey({ BackupJobId: 'job-1', State: 'COMPLETED' })).toBe('job-1');
  expect(recordKey({ EventId: 'ev-1' })).toBe('ev-1');
  expect(recordKey({ nothing: 1 })).toBeUndefined();
});

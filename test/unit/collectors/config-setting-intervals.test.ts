import { parseConfigurationItem, settingIntervals, type ConfigurationItemLike } from '../../../src/collectors/config/configuration-items.js';

/** An S3 bucket's configuration item as evidence holds it (dates as ISO strings, JSON-encoded strings kept). */
function bucket(at: string, versioning: 'Enabled' | 'Suspended' | 'Off', replicates: boolean, status = 'OK') {
  return parseConfigurationItem({
    configurationItemCaptureTime: at,
    configurationItemStatus: status,
    configurationStateId: String(Date.parse(at)),
    configuration: status === 'ResourceDeleted' ? null : JSON.stringify({ name: 'records' }),
    supplementaryConfiguration:
      status === 'ResourceDeleted'
        ? {}
        : {
            BucketVersioningConfiguration: JSON.stringify({ status: versioning, isMfaDeleteEnabled: null }),
            ...(replicates ? { BucketReplicationConfiguration: JSON.stringify({ rules: { r1: { status: 'Enabled' } } }) } : {}),
          },
  });
}

type Parsed = ReturnType<typeof bucket>;
const versioned = (i: Parsed) => (i.supplementaryConfigurationParsed.BucketVersioningConfiguration as { status: string } | undefined)?.status === 'Enabled';
const replicating = (i: Parsed) => Boolean(i.supplementaryConfigurationParsed.BucketReplicationConfiguration);

describe('parseConfigurationItem', () => {
  test('keeps the JSON-encoded strings as AWS sent them and adds decoded copies', () => {
    const item = parseConfigurationItem({
      configurationItemCaptureTime: '2026-02-01T00:00:00.000Z',
      configuration: '{"name":"records","owner":{"id":"c0ffee"}}',
      supplementaryConfiguration: { BucketVersioningConfiguration: '{"status":"Enabled","isMfaDeleteEnabled":null}', IsRequesterPaysEnabled: 'false', Note: 'not json' },
    });
    expect(item.configuration).toBe('{"name":"records","owner":{"id":"c0ffee"}}');
    expect(item.supplementaryConfiguration?.IsRequesterPaysEnabled).toBe('false');
    expect(item.configurationParsed).toEqual({ name: 'records', owner: { id: 'c0ffee' } });
    expect(item.supplementaryConfigurationParsed).toEqual({
      BucketVersioningConfiguration: { status: 'Enabled', isMfaDeleteEnabled: null },
      IsRequesterPaysEnabled: false,
      Note: 'not json',
    });
    expect(item.parseErrors).toBeUndefined();
  });

  test('a configuration that is not JSON is kept as sent, decoded as null, and the problem named', () => {
    const item = parseConfigurationItem({ configurationItemCaptureTime: '2026-02-01T00:00:00Z', configuration: '{broken' });
    expect(item.configuration).toBe('{broken');
    expect(item.configurationParsed).toBeNull();
    expect(item.parseErrors).toEqual([expect.stringMatching(/^configuration: not JSON/)]);
  });

  test('a deleted resource (configuration null) decodes to null without an error', () => {
    const item = parseConfigurationItem({ configurationItemCaptureTime: '2026-02-01T00:00:00Z', configurationItemStatus: 'ResourceDeleted', configuration: null });
    expect(item.configurationParsed).toBeNull();
    expect(item.supplementaryConfigurationParsed).toEqual({});
    expect(item.parseErrors).toBeUndefined();
  });
});

describe('settingIntervals', () => {
  test('a setting on at every item is one open interval from the first item', () => {
    const items = [bucket('2026-01-10T00:00:00Z', 'Enabled', true), bucket('2026-03-01T08:00:00Z', 'Enabled', true)];
    expect(settingIntervals(items, replicating)).toEqual([{ start: '2026-01-10T00:00:00.000Z', end: null }]);
  });

  test('an interval when the setting was off is one interval with its start and end, whatever else changed meanwhile', () => {
    const items = [
      bucket('2026-01-10T00:00:00Z', 'Enabled', true),
      bucket('2026-03-03T09:15:00Z', 'Enabled', false), // replication removed
      bucket('2026-03-05T10:00:00Z', 'Suspended', false), // another change while off
      bucket('2026-03-09T17:45:00Z', 'Enabled', true), // replication back
    ];
    expect(settingIntervals(items, (i) => !replicating(i))).toEqual([{ start: '2026-03-03T09:15:00.000Z', end: '2026-03-09T17:45:00.000Z' }]);
    expect(settingIntervals(items, replicating)).toEqual([
      { start: '2026-01-10T00:00:00.000Z', end: '2026-03-03T09:15:00.000Z' },
      { start: '2026-03-09T17:45:00.000Z', end: null },
    ]);
    expect(settingIntervals(items, versioned)).toEqual([
      { start: '2026-01-10T00:00:00.000Z', end: '2026-03-05T10:00:00.000Z' },
      { start: '2026-03-09T17:45:00.000Z', end: null },
    ]);
  });

  test('items are read in capture order, not in the order given (Config returns newest first by default)', () => {
    const newestFirst = [
      bucket('2026-04-01T00:00:00Z', 'Enabled', true),
      bucket('2026-02-01T00:00:00Z', 'Enabled', false),
      bucket('2026-01-01T00:00:00Z', 'Enabled', true),
    ];
    expect(settingIntervals(newestFirst, replicating)).toEqual([
      { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z' },
      { start: '2026-04-01T00:00:00.000Z', end: null },
    ]);
  });

  test('a deletion ends the interval and is not itself "off": the predicate is not asked about a resource that is gone', () => {
    const asked: string[] = [];
    const items = [bucket('2026-01-10T00:00:00Z', 'Enabled', true), bucket('2026-05-20T12:00:00Z', 'Off', false, 'ResourceDeleted')];
    const on = settingIntervals(items, (i) => {
      asked.push(String(i.configurationItemCaptureTime));
      return replicating(i);
    });
    expect(on).toEqual([{ start: '2026-01-10T00:00:00.000Z', end: '2026-05-20T12:00:00.000Z' }]);
    expect(settingIntervals(items, (i) => !replicating(i))).toEqual([]);
    expect(asked).toEqual(['2026-01-10T00:00:00Z']);
  });

  test('Date capture times (SDK objects) work as well as ISO strings; no items, no intervals', () => {
    const items: ConfigurationItemLike[] = [
      { configurationItemCaptureTime: new Date('2026-01-01T00:00:00Z'), configurationItemStatus: 'ResourceDiscovered' },
      { configurationItemCaptureTime: new Date('2026-01-02T00:00:00Z'), configurationItemStatus: 'OK' },
    ];
    expect(settingIntervals(items, (i) => i.configurationItemStatus === 'OK')).toEqual([{ start: '2026-01-02T00:00:00.000Z', end: null }]);
    expect(settingIntervals([], () => true)).toEqual([]);
  });

  test('an item without a capture time is an error, not a silent guess', () => {
    expect(() => settingIntervals([{ configurationStateId: '42' }], () => true)).toThrow(/configuration item 42 has no valid configurationItemCaptureTime/);
  });
});

import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { drRecords, readDrRecords } from '../../../src/collectors/dr/records.js';
import { collectSnapshot } from '../../../src/collectors/run-collection.js';
import type { Collector } from '../../../src/collectors/types.js';
import { InputError } from '../../../src/errors.js';
import { LocalEvidenceStore } from '../../../src/evidence/local-store.js';
import { sha256Hex } from '../../../src/util/hash.js';
import { runProofpack } from '../../support/cli.js';
import { readEnvelopeFile } from '../../support/config-recorded.js';
import { mockCallerIdentity, type AnyStub } from '../../support/collect-one.js';
import { testConfig } from '../../support/config.js';
import type { Config } from '../../../src/config/types.js';

/** A complete, valid game-day record (line numbers matter to the messages below). */
const VALID_YAML = `id: DR-2026-Q1
title: Aurora global database regional failover
scenario: Loss of us-east-1; fail the patient-records database over to us-west-2
start: 2026-02-14T14:00:00Z
end: 2026-02-14T15:12:00Z
regions:
  from: us-east-1
  to: us-west-2
systems: [patient-records-db, care-api]
resources:
  - arn:aws:rds::123456789012:global-cluster:records-global
participants:
  - { name: Dana Whitfield, role: SRE lead }
  - { name: Omar Haddad, role: DBA }
measured:
  rtoMinutes: 38
  rpoMinutes: 1
  replicaLagSeconds: 0.8
outcome: partial
issues:
  - { description: DNS TTL of 300 s delayed client failover, severity: medium }
remediation:
  - { action: Lower the records CNAME TTL to 60 s, owner: Dana Whitfield, due: 2026-03-31, status: done }
evidence:
  - { title: Runbook log, link: https://wiki.example.com/dr/2026-q1 }
approver: { name: Priya Raman, role: CTO, date: 2026-02-20 }
`;

const VALID_JSON = JSON.stringify(
  {
    id: 'DR-2026-Q2',
    title: 'Restore of the claims table from AWS Backup',
    scenario: 'Accidental deletion of the claims table; restore the latest recovery point in place',
    start: '2026-05-06T09:00:00+02:00',
    end: '2026-05-06T09:41:00+02:00',
    regions: { from: 'eu-central-1', to: 'eu-central-1' },
    systems: ['claims'],
    participants: [{ name: 'Omar Haddad', role: 'DBA' }],
    measured: { rtoMinutes: 41, rpoMinutes: 55 },
    outcome: 'pass',
    approver: { name: 'Priya Raman', role: 'CTO', date: '2026-05-08' },
  },
  null,
  2,
);

async function folderWith(files: Record<string, string>): Promise<{ dir: string; folder: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-dr-'));
  const folder = path.join(dir, 'dr-tests');
  await mkdir(folder);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(folder, name), text);
  return { dir, folder };
}

function configFor(dir: string, folder?: string) {
  return { drTests: folder, configDir: dir, configPath: path.join(dir, 'proofpack.yaml') };
}

/** The InputError's lines, as the CLI prints them. */
async function problems(files: Record<string, string>): Promise<string[]> {
  const { dir, folder } = await folderWith(files);
  try {
    await readDrRecords(configFor(dir, folder));
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message.split('\n');
  }
  throw new Error('expected an InputError');
}

/** The runner asks STS who it is for each account; answer from a stub (no network, no emulator needed). */
let sts: AnyStub;
beforeAll(() => {
  sts = mockCallerIdentity();
});
afterAll(() => {
  sts.restore();
});

/** Collects only dr.records; the loopback endpoint makes sure nothing could reach AWS. */
function collectRecords(config: Config, store: string) {
  return collectSnapshot(config, { store: new LocalEvidenceStore(store), endpointUrl: 'http://127.0.0.1:9', collectors: [drRecords as Collector] });
}

describe('valid records', () => {
  test('every YAML and JSON file is read, validated and kept with its file name and SHA-256; other files are ignored', async () => {
    const { dir, folder } = await folderWith({
      '2026-q1.yaml': VALID_YAML,
      '2026-q2.json': VALID_JSON,
      'README.md': '# how to write a record',
      '.draft.yml': 'not: read',
    });
    await mkdir(path.join(folder, 'archive.yaml')); // a folder, whatever its name


    const data = await readDrRecords(configFor(dir, folder));

    expect(data.folder).toBe('dr-tests');
    expect(data.records.map((r) => [r.file, r.sha256])).toEqual([
      ['2026-q1.yaml', sha256Hex(Buffer.from(VALID_YAML))],
      ['2026-q2.json', sha256Hex(Buffer.from(VALID_JSON))],
    ]);
    expect(data.records[0].record).toMatchObject({
      id: 'DR-2026-Q1',
      start: '2026-02-14T14:00:00Z',
      regions: { from: 'us-east-1', to: 'us-west-2' },
      measured: { rtoMinutes: 38, rpoMinutes: 1, replicaLagSeconds: 0.8 },
      outcome: 'partial',
      remediation: [{ action: 'Lower the records CNAME TTL to 60 s', owner: 'Dana Whitfield', due: '2026-03-31', status: 'done' }],
    });
    expect(data.records[1].record.measured).toEqual({ rtoMinutes: 41, rpoMinutes: 55 });
  });

  test('replica lag alone is an accepted measure of RPO', async () => {
    const { dir, folder } = await folderWith({ 'lag.yaml': VALID_YAML.replace('  rpoMinutes: 1\n', '') });
    const data = await readDrRecords(configFor(dir, folder));
    expect(data.records[0].record.measured).toEqual({ rtoMinutes: 38, replicaLagSeconds: 0.8 });
  });

  test('no drTests in the config: an empty envelope, written through the runner with account local', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-dr-none-'));
    const result = await collectRecords(testConfig({ store: dir }), dir);
    const envelope = await readEnvelopeFile(result.path, 'local', 'global', 'dr.records');
    expect(envelope.data).toEqual({ folder: null, records: [] });
    expect(envelope.recordCount).toBe(0);
    expect(envelope.provenance.callerIdentity).toBeNull();
    expect(result.gaps).toEqual([]);
  });

  test('with a folder: the envelope holds the records and names the folder as its source', async () => {
    const { dir } = await folderWith({ '2026-q1.yaml': VALID_YAML });
    const store = path.join(dir, 'evidence');
    const result = await collectRecords(testConfig({ store, drTests: './dr-tests' }, dir), store);
    const envelope = await readEnvelopeFile(result.path, 'local', 'global', 'dr.records');
    expect(envelope.recordCount).toBe(1);
    expect(result.gaps).toEqual([]);
    expect(envelope.provenance.source).toBe('dr-tests');
    expect((envelope.data as { records: Array<{ record: { id: string } }> }).records[0].record.id).toBe('DR-2026-Q1');
  });
});

describe('bad records: exit 2 with the file, the line, the field and what was expected', () => {
  test('a required field missing', async () => {
    expect(await problems({ 'q1.yaml': VALID_YAML.replace('  rtoMinutes: 38\n', '') })).toEqual([
      'dr-tests/q1.yaml:16: measured.rtoMinutes: required field is missing',
    ]);
  });

  test('a number written as words', async () => {
    expect(await problems({ 'q1.yaml': VALID_YAML.replace('rtoMinutes: 38', 'rtoMinutes: forty') })).toEqual([
      'dr-tests/q1.yaml:16: measured.rtoMinutes: expected a number, got "forty"',
    ]);
  });

  test('a time without a time zone', async () => {
    expect(await problems({ 'q1.yaml': VALID_YAML.replace('start: 2026-02-14T14:00:00Z', 'start: 2026-02-14T14:00:00') })).toEqual([
      'dr-tests/q1.yaml:4: start: expected a date-time with a time zone, such as 2026-02-14T14:00:00Z, got "2026-02-14T14:00:00"',
    ]);
  });

  test('an outcome that is not one of the three', async () => {
    expect(await problems({ 'q1.yaml': VALID_YAML.replace('outcome: partial', 'outcome: ok') })).toEqual([
      'dr-tests/q1.yaml:19: outcome: expected one of "pass", "fail", "partial", got "ok"',
    ]);
  });

  test('a region that does not exist', async () => {
    expect(await problems({ 'q1.yaml': VALID_YAML.replace('to: us-west-2', 'to: eu-moon-1') })).toEqual([
      'dr-tests/q1.yaml:8: regions.to: expected an AWS region such as us-east-1, got "eu-moon-1"',
    ]);
  });

  test('a misspelt field', async () => {
    expect(await problems({ 'q1.yaml': VALID_YAML.replace('rtoMinutes: 38', 'rto: 38') })).toEqual([
      'dr-tests/q1.yaml:16: measured.rtoMinutes: required field is missing',
      'dr-tests/q1.yaml:16: measured.rto: unexpected field; expected one of rtoMinutes, rpoMinutes, replicaLagSeconds',
    ]);
  });

  test('no recovery point measure at all', async () => {
    expect(await problems({ 'q1.yaml': VALID_YAML.replace('  rpoMinutes: 1\n  replicaLagSeconds: 0.8\n', '') })).toEqual([
      'dr-tests/q1.yaml:16: measured: expected rpoMinutes or replicaLagSeconds',
    ]);
  });

  test('a remediation without an owner', async () => {
    expect(await problems({ 'q1.yaml': VALID_YAML.replace(' owner: Dana Whitfield,', '') })).toEqual([
      'dr-tests/q1.yaml:23: remediation[0].owner: required field is missing',
    ]);
  });

  test('an end before the start', async () => {
    expect(await problems({ 'q1.yaml': VALID_YAML.replace('end: 2026-02-14T15:12:00Z', 'end: 2026-02-14T13:12:00Z') })).toEqual([
      'dr-tests/q1.yaml:5: end: expected a time after start (2026-02-14T14:00:00Z), got 2026-02-14T13:12:00Z',
    ]);
  });

  test('two files with the same id', async () => {
    expect(await problems({ 'a.yaml': VALID_YAML, 'b.yaml': VALID_YAML })).toEqual([
      'dr-tests/b.yaml:1: id: "DR-2026-Q1" is already the id of dr-tests/a.yaml; expected an id unique across the folder',
    ]);
  });

  test('a file that is not YAML, a JSON file that is not JSON, a list instead of a record', async () => {
    const lines = await problems({
      'a.yaml': 'id: DR-1\ntitle: [unclosed\n',
      'b.json': '{ "id": "DR-2", }',
      'c.yaml': '- id: DR-3\n',
    });
    expect(lines[0]).toMatch(/^dr-tests\/a\.yaml:\d+: not valid YAML: /);
    expect(lines[1]).toMatch(/^dr-tests\/b\.json: not valid JSON: /);
    expect(lines[2]).toBe(
      'dr-tests/c.yaml: expected one DR test record: a mapping of fields (id, title, scenario, start, end, regions, systems, participants, measured, outcome, approver)',
    );
    expect(lines).toHaveLength(3);
  });

  test('every problem of every file is reported at once', async () => {
    const lines = await problems({
      'a.yaml': VALID_YAML.replace('outcome: partial', 'outcome: ok').replace('to: us-west-2', 'to: eu-moon-1'),
      'b.json': VALID_JSON.replace('"rtoMinutes": 41', '"rtoMinutes": -5'),
    });
    expect(lines).toEqual([
      'dr-tests/a.yaml:8: regions.to: expected an AWS region such as us-east-1, got "eu-moon-1"',
      'dr-tests/a.yaml:19: outcome: expected one of "pass", "fail", "partial", got "ok"',
      'dr-tests/b.json:21: measured.rtoMinutes: expected a number ≥ 0, got -5',
    ]);
  });

  test('a configured folder that does not exist names the config key', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-dr-missing-'));
    await expect(readDrRecords(configFor(dir, path.join(dir, 'game-days')))).rejects.toThrow(
      'proofpack.yaml: drTests: folder "game-days" does not exist (expected a folder of DR test records, relative to the config file)',
    );
  });
});

test('collect stops on a bad record with exit 2 before any AWS call, and leaves no snapshot behind', async () => {
  const { dir } = await folderWith({ 'q1.yaml': VALID_YAML.replace('outcome: partial', 'outcome: ok') });
  const config = path.join(dir, 'proofpack.yaml');
  await writeFile(
    config,
    `organization: Larkspur Health, Inc.
system: Larkspur Care Platform
period: { start: 2026-01-01, end: 2026-06-30 }
accounts: [{ id: "123456789012", name: prod }]
regions: [us-east-1]
store: ./evidence
drTests: ./dr-tests
`,
  );
  // Port 9 (discard) on loopback: any AWS call would fail and be recorded as a gap; none is made.
  const run = await runProofpack(['collect', '-c', config, '--endpoint-url', 'http://127.0.0.1:9'], { env: { AWS_MAX_ATTEMPTS: '1' } });

  expect(run.code).toBe(2);
  expect(run.stderr).toBe('dr-tests/q1.yaml:19: outcome: expected one of "pass", "fail", "partial", got "ok"\n');
  expect(run.stdout).toBe('');
  const stored = await readdir(path.join(dir, 'evidence')).catch(() => [] as string[]);
  expect(stored.filter((f) => f !== 'runs.jsonl')).toEqual([]);
});

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { seedClient } from '../support/aws-seed.js';
import { runProofpack } from '../support/cli.js';
import { useMoto } from '../support/moto.js';

const exec = promisify(execFile);
const bin = path.resolve('bin/proofpack.js');

const moto = useMoto();

async function writeConfig(dir: string, extra = ''): Promise<string> {
  const file = path.join(dir, 'proofpack.yaml');
  await writeFile(
    file,
    `organization: Larkspur Health, Inc.
system: Larkspur Care Platform
period: { start: 2026-01-01, end: 2026-06-30 }
accounts: [{ id: "123456789012", name: prod }]
regions: [us-east-1, us-west-2, eu-central-1]
store: ./evidence
${extra}`,
  );
  return file;
}

test('--help lists every command of the contract', async () => {
  const { code, stdout } = await runProofpack(['--help']);
  expect(code).toBe(0);
  for (const command of ['init', 'collect', 'coverage', 'evaluate', 'report', 'verify', 'sample', 'demo']) {
    expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  }
});

test('init writes a commented config that loads, and never overwrites without --force', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-init-'));
  const first = await runProofpack(['init', '--dir', dir]);
  expect(first.code).toBe(0);
  const text = await readFile(path.join(dir, 'proofpack.yaml'), 'utf8');
  expect(text).toMatch(/^# proofpack.yaml/);

  const again = await runProofpack(['init', '--dir', dir]);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/already exist; use --force to overwrite/);

  // The written config is valid as it stands (collect gets as far as the AWS calls).
  const collected = await runProofpack(['collect', '-c', path.join(dir, 'proofpack.yaml'), '--endpoint-url', moto.url, '--only', 's3', '--json']);
  expect(collected.stderr).toBe('');
  expect(collected.code).toBe(0);
});

test('collect --json prints the snapshot id, its path and the gaps; --strict exits 3 when there are gaps', async () => {
  await moto.reset();
  await seedClient(S3Client, { endpoint: moto.url, region: 'us-east-1' }).send(new CreateBucketCommand({ Bucket: 'cli-bucket' }));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-cli-'));
  const config = await writeConfig(dir);

  const run = await runProofpack(['collect', '-c', config, '--endpoint-url', moto.url, '--json']);

  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as { snapshotId: string; path: string; gaps: Array<{ kind: string; operation: string }> };
  expect(result.path).toBe(path.join(dir, 'evidence', 'snapshots', result.snapshotId));
  // moto does not implement GetBackupVaultAccessPolicy: that is recorded honestly as an unsupported gap, not hidden.
  // The period is long over, so windowed sources (CloudTrail events: 90 days) also report what they no longer keep.
  expect(result.gaps.every((g) => g.kind === 'unsupported' || g.kind === 'failed' || g.kind === 'window')).toBe(true);
  const log = (await readFile(path.join(dir, 'evidence', 'runs.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { snapshotId: string; exitCode: number });
  expect(log.at(-1)).toMatchObject({ snapshotId: result.snapshotId, exitCode: 0 });

  const strict = await runProofpack(['collect', '-c', config, '--endpoint-url', moto.url, '--only', 'cloudtrail.trails', '--strict']);
  expect(strict.code).toBe(0); // no gaps for cloudtrail.trails → still 0
  const denied = await runProofpack(['collect', '-c', config, '--endpoint-url', 'http://127.0.0.1:9', '--only', 's3', '--strict'], { env: { AWS_MAX_ATTEMPTS: '1' } });
  expect(denied.code).toBe(3);
  expect(denied.stdout).toMatch(/gap/);
});

test('a bad config: one clear line per problem, exit 2, no stack trace (the real process)', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-bad-'));
  const file = path.join(dir, 'proofpack.yaml');
  await writeFile(file, 'organization: X\nsystem: Y\nperiod: { start: 2026-06-30, end: 2026-01-01 }\naccounts: [{ id: "1", name: p }]\nregions: [eu-moon-1]\nstore: ./e\n');

  const error = await exec('node', [bin, 'collect', '-c', file], { cwd: dir }).then(
    () => undefined,
    (e: { code: number; stderr: string; stdout: string }) => e,
  );

  expect(error?.code).toBe(2);
  const lines = error!.stderr.split('\n').filter(Boolean);
  expect(lines).toEqual([
    'proofpack.yaml:3: period: end 2026-01-01 is before start 2026-06-30',
    'proofpack.yaml:4: accounts[0].id: "1" is not a 12-digit AWS account id',
    'proofpack.yaml:5: regions[0]: "eu-moon-1" is not an AWS region',
  ]);
  expect(error!.stderr).not.toMatch(/\n\s+at /);
});

test('an unknown --only word is a usage error with exit 2', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-only-'));
  const config = await writeConfig(dir);
  const run = await runProofpack(['collect', '-c', config, '--endpoint-url', moto.url, '--only', 'jbos']);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/--only: "jbos" is not a source group/);
});

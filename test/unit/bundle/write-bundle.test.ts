import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import yauzl from 'yauzl';
import { generateSigningKeyPair, loadPrivateKeyFile, publicKeyFingerprint, writeSigningKeyPair } from '../../../src/bundle/signing.js';
import type { BundleManifest } from '../../../src/bundle/types.js';
import { writeBundle } from '../../../src/bundle/write-bundle.js';
import { InputError, StoreError } from '../../../src/errors.js';
import { sha256Hex } from '../../../src/util/hash.js';
import { verifyBundle } from '../../../src/verify/verify-bundle.js';
import { buildStore, bundleEntries, makeTempDir, METADATA, readRawZip, runCliCaptured } from '../../support/bundle-fixtures.js';
import type { CommittedSnapshot } from '../../../src/evidence/store.js';

let tmp: { dir: string; remove: () => Promise<void> };
let storeRoot: string;
let snapshots: CommittedSnapshot[];

beforeAll(async () => {
  tmp = await makeTempDir('proofpack-bundle-');
  storeRoot = path.join(tmp.dir, 'store');
  ({ snapshots } = await buildStore(storeRoot, 3));
});

afterAll(async () => {
  await tmp.remove();
});

interface CentralRecord {
  name: string;
  lastModFileDate: number;
  lastModFileTime: number;
  mode: number;
  madeBy: number;
  extraFieldLength: number;
  commentLength: number;
  method: number;
}

async function centralDirectory(file: string): Promise<CentralRecord[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z))));
  const records: CentralRecord[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      records.push({
        name: e.fileName,
        lastModFileDate: e.lastModFileDate,
        lastModFileTime: e.lastModFileTime,
        mode: e.externalFileAttributes >>> 16,
        madeBy: e.versionMadeBy >> 8,
        extraFieldLength: e.extraFieldLength,
        commentLength: e.fileCommentLength,
        method: e.compressionMethod,
      });
      zip.readEntry();
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  zip.close();
  return records;
}

test('the same entries, metadata and key give a byte-identical zip', async () => {
  const key = generateSigningKeyPair();
  const a = path.join(tmp.dir, 'a', 'bundle.zip');
  const b = path.join(tmp.dir, 'b', 'bundle.zip');
  const first = await writeBundle({ outFile: a, entries: bundleEntries(storeRoot, snapshots), metadata: METADATA, signingKey: key });
  // Same inputs given in another order, after the files' mtimes changed: still the same bytes.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const reversed = [...bundleEntries(storeRoot, snapshots)].reverse();
  const second = await writeBundle({ outFile: b, entries: reversed, metadata: METADATA, signingKey: key });
  const [bytesA, bytesB] = [await readFile(a), await readFile(b)];
  expect(bytesA.equals(bytesB)).toBe(true);
  expect(first.sha256).toBe(sha256Hex(bytesA));
  expect(second.sha256).toBe(first.sha256);
  expect(first.size).toBe(bytesA.length);

  // A different generatedAt changes the bytes (it is in manifest.json and every timestamp).
  const c = path.join(tmp.dir, 'c', 'bundle.zip');
  const third = await writeBundle({ outFile: c, entries: bundleEntries(storeRoot, snapshots), metadata: { ...METADATA, generatedAt: '2026-07-02T06:00:00Z' }, signingKey: key });
  expect(third.sha256).not.toBe(first.sha256);
});

test('zip layout: README first, content in byte order, control files last; fixed timestamp and mode, no extra fields', async () => {
  const file = path.join(tmp.dir, 'layout.zip');
  await writeBundle({ outFile: file, entries: bundleEntries(storeRoot, snapshots), metadata: METADATA, signingKey: generateSigningKeyPair() });
  const records = await centralDirectory(file);
  const names = records.map((r) => r.name);
  expect(names[0]).toBe('00_README.txt');
  expect(names.slice(-4)).toEqual(['manifest.json', 'SHA256SUMS', 'SHA256SUMS.sig', 'signing-key.pub']);
  const content = names.slice(1, -4);
  expect(content).toEqual([...content].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
  expect(content).toEqual(expect.arrayContaining(['01_System_Description.pdf', 'populations/backup-jobs.csv', 'oscal/assessment-results.json', 'snapshots/20260115T020000Z-a0/manifest.json']));
  // 2026-07-01 06:00:00 UTC in DOS format.
  const dosDate = ((2026 - 1980) << 9) | (7 << 5) | 1;
  const dosTime = (6 << 11) | (0 << 5) | 0;
  for (const r of records) {
    expect({ name: r.name, date: r.lastModFileDate, time: r.lastModFileTime, mode: r.mode, madeBy: r.madeBy, extra: r.extraFieldLength, comment: r.commentLength }).toEqual({
      name: r.name,
      date: dosDate,
      time: dosTime,
      mode: 0o100644,
      madeBy: 3,
      extra: 0,
      comment: 0,
    });
  }
  // Already-compressed files are stored, the rest deflated.
  expect(records.find((r) => r.name === '01_System_Description.pdf')!.method).toBe(0);
  expect(records.find((r) => r.name === 'populations/backup-jobs.csv')!.method).toBe(8);
});

test('manifest.json records every entry, and evidence with the snapshot record it must match', async () => {
  const file = path.join(tmp.dir, 'manifest.zip');
  const key = generateSigningKeyPair();
  const written = await writeBundle({ outFile: file, entries: bundleEntries(storeRoot, snapshots), metadata: METADATA, signingKey: key });
  const raw = await readRawZip(file);
  const manifest = JSON.parse(raw.find((e) => e.name === 'manifest.json')!.data.toString('utf8')) as BundleManifest;
  expect(manifest).toEqual(written.manifest);
  expect(manifest.bundle).toBe('proofpack.bundle/v1');
  expect(manifest.bundleId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(manifest.signing).toEqual({
    algorithm: 'Ed25519',
    key: 'provided',
    publicKeyFile: 'signing-key.pub',
    publicKeySha256: publicKeyFingerprint(key.publicKey),
    signatureFile: 'SHA256SUMS.sig',
    signedFile: 'SHA256SUMS',
  });
  for (const entry of manifest.entries) {
    const data = raw.find((e) => e.name === entry.path)!.data;
    expect({ path: entry.path, sha256: entry.sha256, size: entry.size }).toEqual({ path: entry.path, sha256: sha256Hex(data), size: data.length });
  }
  const evidence = manifest.entries.filter((e) => e.role === 'evidence');
  expect(evidence).toHaveLength(6);
  for (const e of evidence) {
    const snapshot = snapshots.find((s) => s.manifest.snapshotId === e.snapshot!.id)!;
    expect(snapshot.manifest.files.find((f) => f.path === e.snapshot!.path)!.sha256).toBe(e.sha256);
  }
  const sums = raw.find((e) => e.name === 'SHA256SUMS')!.data.toString('utf8').trimEnd().split('\n');
  expect(sums).toHaveLength(manifest.entries.length + 1);
  expect(sums).toContain(`${sha256Hex(raw.find((e) => e.name === 'manifest.json')!.data)}  manifest.json`);
  expect(sums.map((l) => l.slice(66))).toEqual(sums.map((l) => l.slice(66)).sort());
});

test('an auditor without proofpack: unzip, `sha256sum -c SHA256SUMS` and `openssl pkeyutl -verify -rawin` succeed', async () => {
  const version = execFileSync('openssl', ['version'], { encoding: 'utf8' });
  // -rawin (needed for Ed25519 with pkeyutl) exists from OpenSSL 3.0.
  expect(Number(/OpenSSL (\d+)\./.exec(version)?.[1])).toBeGreaterThanOrEqual(3);
  const file = path.join(tmp.dir, 'auditor.zip');
  await writeBundle({ outFile: file, entries: bundleEntries(storeRoot, snapshots), metadata: METADATA });
  const dir = path.join(tmp.dir, 'auditor');
  await mkdir(dir);
  execFileSync('unzip', ['-q', file, '-d', dir]);
  const sums = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
  expect(sums).toContain('manifest.json: OK');
  expect(sums).toContain('populations/backup-jobs.csv: OK');
  expect(sums.trim().split('\n').every((line) => line.endsWith(': OK'))).toBe(true);
  const verified = execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'signing-key.pub', '-rawin', '-in', 'SHA256SUMS', '-sigfile', 'SHA256SUMS.sig'], { cwd: dir, encoding: 'utf8' });
  expect(verified.trim()).toBe('Signature Verified Successfully');
  // The fingerprint recipe in the README gives the fingerprint manifest.json records.
  const der = execFileSync('openssl', ['pkey', '-pubin', '-in', 'signing-key.pub', '-outform', 'DER'], { cwd: dir });
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
  expect(sha256Hex(der)).toBe(manifest.signing.publicKeySha256);
  // And a tampered file is caught by the same tools.
  await writeFile(path.join(dir, '05_Exceptions.csv'), 'nothing to see\r\n');
  let failure: { status?: number; stdout?: string } = {};
  try {
    execFileSync('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    failure = error as typeof failure;
  }
  expect(failure.status).toBe(1);
  expect(failure.stdout).toBe('05_Exceptions.csv: FAILED\n');
});

test('without a key, a one-time key signs the bundle and the README and manifest say so', async () => {
  const file = path.join(tmp.dir, 'one-time.zip');
  const written = await writeBundle({ outFile: file, entries: bundleEntries(storeRoot, snapshots), metadata: METADATA });
  expect(written.manifest.signing.key).toBe('one-time');
  const readme = (await readRawZip(file)).find((e) => e.name === '00_README.txt')!.data.toString('utf8');
  expect(readme).toContain('signed by a ONE-TIME key');
  expect(readme).toContain('not by any known key');
  expect(readme).toContain(written.manifest.signing.publicKeySha256);
  expect(readme).toContain('sha256sum -c SHA256SUMS');
  const result = await verifyBundle(file);
  expect(result.valid).toBe(true);
  expect(result.checks.find((c) => c.name === 'signer')!.detail).toContain('a one-time key (not any known key)');
});

test('a provided key: the README gives its fingerprint to compare', async () => {
  const file = path.join(tmp.dir, 'provided.zip');
  const key = generateSigningKeyPair();
  await writeBundle({ outFile: file, entries: bundleEntries(storeRoot, snapshots), metadata: METADATA, signingKey: key });
  const readme = (await readRawZip(file)).find((e) => e.name === '00_README.txt')!.data.toString('utf8');
  expect(readme).toContain(publicKeyFingerprint(key.publicKey));
  expect(readme).not.toContain('ONE-TIME');
  expect(readme).toContain(`Organization:  ${METADATA.organization}`);
  expect(readme).toContain('Period:        2026-01-01 to 2026-06-30');
});

describe('refused inputs', () => {
  const out = () => path.join(tmp.dir, `refused-${Math.random().toString(36).slice(2)}.zip`);

  test.each([
    ['../escape.txt', 'parent-directory segment'],
    ['/abs.txt', 'absolute path'],
    ['a\\b.txt', 'backslash'],
    ['a//b.txt', 'empty segment'],
    ['evidence/aux.json', 'reserved name on Windows'],
    ['manifest.json', 'written by writeBundle itself'],
  ])('path %s', async (badPath, message) => {
    const file = out();
    const error = await writeBundle({ outFile: file, entries: [{ path: badPath, role: 'other', bytes: 'x' }], metadata: METADATA }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(message);
    expect((error as InputError).issues[0].path).toBe('entries[0].path');
    await expect(stat(file)).rejects.toThrow();
  });

  test('two names that collide on a case-insensitive file system', async () => {
    const error = await writeBundle({ outFile: out(), entries: [{ path: 'a/X.csv', role: 'csv', bytes: '1' }, { path: 'a/x.csv', role: 'csv', bytes: '2' }], metadata: METADATA }).catch((e: unknown) => e);
    expect((error as InputError).message).toContain('a/x.csv collides with a/X.csv on case-insensitive file systems');
  });

  test('evidence without its snapshot, or whose snapshot manifest is not in the bundle', async () => {
    const noSource = await writeBundle({ outFile: out(), entries: [{ path: 'evidence/x.json', role: 'evidence', bytes: '{}' }], metadata: METADATA }).catch((e: unknown) => e);
    expect((noSource as InputError).message).toContain('entries[0].source: evidence entries name the snapshot file they copy');
    const entries = bundleEntries(storeRoot, snapshots).filter((e) => e.role !== 'snapshot-manifest');
    const noManifest = await writeBundle({ outFile: out(), entries, metadata: METADATA }).catch((e: unknown) => e);
    expect((noManifest as InputError).message).toContain('has no snapshots/20260115T020000Z-a0/manifest.json entry in the bundle');
  });

  test('metadata without a caller-supplied UTC generatedAt', async () => {
    const error = await writeBundle({ outFile: out(), entries: [], metadata: { ...METADATA, generatedAt: 'yesterday' } }).catch((e: unknown) => e);
    expect((error as InputError).issues).toEqual([expect.objectContaining({ path: 'metadata.generatedAt' })]);
  });

  test('evidence altered in the store after its snapshot was committed: refused, and no zip (not even a partial one) is left', async () => {
    const root = path.join(tmp.dir, 'store-altered');
    const built = await buildStore(root, 2);
    const entries = bundleEntries(root, built.snapshots);
    const evidence = entries.find((e) => e.role === 'evidence')!;
    await writeFile(evidence.file!, (await readFile(evidence.file!, 'utf8')).replace('records-', 'rec0rds-'));
    const dir = path.join(tmp.dir, 'altered-out');
    await mkdir(dir);
    const error = await writeBundle({ outFile: path.join(dir, 'bundle.zip'), entries, metadata: METADATA }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(`${evidence.path}: differs from ${evidence.source!.path} as snapshot ${evidence.source!.snapshotId} recorded it`);
    expect(await readdir(dir)).toEqual([]);
  });

  test('a missing input file names the file', async () => {
    const missing = path.join(tmp.dir, 'nope.pdf');
    const error = await writeBundle({ outFile: out(), entries: [{ path: '01_x.pdf', role: 'pdf', file: missing }], metadata: METADATA }).catch((e: unknown) => e);
    expect((error as InputError).message).toContain(`${missing}: cannot read (ENOENT)`);
  });
});

describe('keygen', () => {
  test('writes a PKCS#8 private key with mode 0600 and its public key; the pair signs bundles that verify against it', async () => {
    const dir = path.join(tmp.dir, 'keys');
    const { code, stdout } = await runCliCaptured(['keygen', '--out', dir]);
    expect(code).toBe(0);
    const pem = await readFile(path.join(dir, 'signing-key.pem'), 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect((await stat(path.join(dir, 'signing-key.pem'))).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(dir, 'signing-key.pub'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const pair = await loadPrivateKeyFile(path.join(dir, 'signing-key.pem'));
    expect(stdout).toContain(`fingerprint: ${publicKeyFingerprint(pair.publicKey)}`);

    const bundle = path.join(tmp.dir, 'keygen.zip');
    await writeBundle({ outFile: bundle, entries: bundleEntries(storeRoot, snapshots), metadata: METADATA, signingKey: pem });
    const verified = await runCliCaptured(['verify', bundle, '--public-key', path.join(dir, 'signing-key.pub')]);
    expect(verified.code).toBe(0);
  });

  test('never overwrites an existing key (exit 2)', async () => {
    const dir = path.join(tmp.dir, 'keys-twice');
    await writeSigningKeyPair(dir);
    const before = await readFile(path.join(dir, 'signing-key.pem'), 'utf8');
    const { code, stderr } = await runCliCaptured(['keygen', '--out', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain('signing-key.pem: already exists');
    expect(await readFile(path.join(dir, 'signing-key.pem'), 'utf8')).toBe(before);
  });

  test('a signing key that is not Ed25519 is refused, naming the file', async () => {
    const file = path.join(tmp.dir, 'rsa.pem');
    const { generateKeyPairSync } = await import('node:crypto');
    await writeFile(file, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(loadPrivateKeyFile(file)).rejects.toThrow(`${file}: is a rsa key; expected an Ed25519 key`);
  });
});

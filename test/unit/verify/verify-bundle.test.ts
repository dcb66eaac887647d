import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { exportPublicKeyPem, generateSigningKeyPair, publicKeyFingerprint, signBytes, type SigningKeyPair } from '../../../src/bundle/signing.js';
import { formatSha256Sums, parseSha256Sums } from '../../../src/bundle/sha256sums.js';
import type { BundleManifest } from '../../../src/bundle/types.js';
import { writeBundle } from '../../../src/bundle/write-bundle.js';
import { canonicalJson } from '../../../src/util/canonical-json.js';
import { sha256Hex } from '../../../src/util/hash.js';
import { verifyBundle, type BundleVerification } from '../../../src/verify/verify-bundle.js';
import {
  buildRawZip,
  buildStore,
  bundleEntries,
  makeTempDir,
  METADATA,
  readRawZip,
  runCliCaptured,
  type RawZipEntry,
} from '../../support/bundle-fixtures.js';

let tmp: { dir: string; remove: () => Promise<void> };
let key: SigningKeyPair;
let goodZip: string;
let goodEntries: RawZipEntry[];
let publicKeyFile: string;
let storeRoot: string;

beforeAll(async () => {
  tmp = await makeTempDir('proofpack-verify-');
  storeRoot = path.join(tmp.dir, 'store');
  const { snapshots } = await buildStore(storeRoot, 3);
  key = generateSigningKeyPair();
  goodZip = path.join(tmp.dir, 'good.zip');
  await writeBundle({ outFile: goodZip, entries: bundleEntries(storeRoot, snapshots), metadata: METADATA, signingKey: key });
  goodEntries = await readRawZip(goodZip);
  publicKeyFile = path.join(tmp.dir, 'expected.pub');
  await writeFile(publicKeyFile, exportPublicKeyPem(key.publicKey));
});

afterAll(async () => {
  await tmp.remove();
});

let counter = 0;
/** Writes a tampered copy of the good bundle (as a plain stored zip) and returns its path. */
async function tampered(change: (entries: RawZipEntry[]) => RawZipEntry[]): Promise<string> {
  const copy = goodEntries.map((e) => ({ ...e, data: Buffer.from(e.data) }));
  const file = path.join(tmp.dir, `tampered-${++counter}.zip`);
  await writeFile(file, buildRawZip(change(copy)));
  return file;
}

function flipByte(entries: RawZipEntry[], name: string, at = (data: Buffer) => Math.floor(data.length / 2)): RawZipEntry[] {
  const entry = entries.find((e) => e.name === name);
  if (!entry) throw new Error(`fixture has no ${name}`);
  const i = at(entry.data);
  entry.data[i] ^= 0x01;
  return entries;
}

function failed(result: BundleVerification): Record<string, string[]> {
  return Object.fromEntries(result.checks.filter((c) => c.status === 'fail').map((c) => [c.name, c.failures]));
}

async function expectExit4(file: string, extra: string[] = []): Promise<string> {
  const { code, stdout } = await runCliCaptured(['verify', file, ...extra]);
  expect(code).toBe(4);
  expect(stdout).toContain('INVALID');
  return stdout;
}

function entryNamed(entries: RawZipEntry[], pattern: RegExp): string {
  const found = entries.find((e) => pattern.test(e.name));
  if (!found) throw new Error(`fixture has no entry matching ${pattern}`);
  return found.name;
}

test('a bundle fresh from writeBundle verifies: every check passes or is not applicable, exit 0', async () => {
  const result = await verifyBundle(goodZip, { publicKey: key.publicKey });
  expect(failed(result)).toEqual({});
  expect(result.valid).toBe(true);
  const status = Object.fromEntries(result.checks.map((c) => [c.name, c.status]));
  expect(status).toEqual({
    'zip.safety': 'pass',
    'entries.readable': 'pass',
    'sha256sums.hashes': 'pass',
    'sha256sums.complete': 'pass',
    'manifest.format': 'pass',
    'manifest.entries': 'pass',
    signature: 'pass',
    signer: 'pass',
    'snapshots.manifests': 'pass',
    'snapshots.chain': 'pass',
    'evidence.snapshot-match': 'pass',
    'evidence.schemas': 'pass',
    'oscal.schema': 'pass',
  });
  expect(result.checks.find((c) => c.name === 'evidence.schemas')!.detail).toMatch(/^6 evidence envelopes/);
  expect(result.checks.find((c) => c.name === 'snapshots.chain')!.detail).toMatch(/^3 snapshots chained/);
  expect(result.signer).toEqual({ publicKeySha256: publicKeyFingerprint(key.publicKey), key: 'provided', matchesExpectedKey: true });

  const cli = await runCliCaptured(['verify', goodZip, '--public-key', publicKeyFile]);
  expect(cli.code).toBe(0);
  expect(cli.stdout).toContain('VALID: every check passed.');
  expect(cli.stdout).toMatch(/✓ snapshots\.chain/);
});

test('re-zipping the same entries with another zip writer still verifies (the checks are about content, not zip bytes)', async () => {
  const file = await tampered((entries) => entries);
  const result = await verifyBundle(file);
  expect(failed(result)).toEqual({});
  // Without --public-key the signer is reported, not judged.
  expect(result.checks.find((c) => c.name === 'signer')!.status).toBe('skip');
});

describe('tamper matrix: each makes verify exit 4 and names the problem', () => {
  const kinds: Array<[string, RegExp]> = [
    ['PDF', /\.pdf$/],
    ['CSV population', /^populations\/.+\.csv$/],
    ['evidence JSON', /^evidence\//],
    ['snapshot manifest', /^snapshots\/.+manifest\.json$/],
    ['OSCAL', /^oscal\//],
    ['control results JSON', /^03_Control_Results\.json$/],
  ];
  test.each(kinds)('one byte flipped in a %s entry', async (_kind, pattern) => {
    const name = entryNamed(goodEntries, pattern);
    const file = await tampered((entries) => flipByte(entries, name));
    const result = await verifyBundle(file);
    const f = failed(result);
    expect(f['sha256sums.hashes']).toEqual([expect.stringContaining(`${name}: SHA-256 is`)]);
    expect(f['manifest.entries']).toEqual([expect.stringContaining(`${name}: SHA-256`)]);
    expect(await expectExit4(file)).toContain(name);
  });

  test('one byte flipped in evidence also breaks its match with the snapshot record', async () => {
    const name = entryNamed(goodEntries, /^evidence\//);
    const file = await tampered((entries) => flipByte(entries, name, (d) => d.indexOf('records-') + 2));
    const f = failed(await verifyBundle(file));
    expect(f['evidence.snapshot-match']).toEqual([expect.stringMatching(new RegExp(`^${escape(name)}: SHA-256 [0-9a-f]{64}, but snapshot \\S+ recorded`))]);
  });

  test('evidence that is no longer JSON fails its schema check by name', async () => {
    const name = entryNamed(goodEntries, /^evidence\//);
    const file = await tampered((entries) => flipByte(entries, name, () => 0));
    expect(failed(await verifyBundle(file))['evidence.schemas']).toEqual([expect.stringMatching(new RegExp(`^${escape(name)}: not JSON \\(`))]);
  });

  test('one byte flipped in a snapshot manifest breaks the chain at the next snapshot', async () => {
    const name = 'snapshots/20260215T020000Z-a1/manifest.json';
    const file = await tampered((entries) => flipByte(entries, name, (d) => d.indexOf('"toolVersion"') + 16));
    const f = failed(await verifyBundle(file));
    expect(f['snapshots.chain']).toEqual([expect.stringContaining('snapshot 20260315T020000Z-a2: names 20260215T020000Z-a1 with manifest SHA-256')]);
  });

  test('one byte flipped in manifest.json', async () => {
    const file = await tampered((entries) => flipByte(entries, 'manifest.json', (d) => d.indexOf('"organization"') + 20));
    const f = failed(await verifyBundle(file));
    expect(f['sha256sums.hashes']).toEqual([expect.stringContaining('manifest.json: SHA-256 is')]);
    await expectExit4(file);
  });

  test('an entry removed', async () => {
    const name = entryNamed(goodEntries, /^evidence\//);
    const file = await tampered((entries) => entries.filter((e) => e.name !== name));
    const f = failed(await verifyBundle(file));
    expect(f['sha256sums.complete']).toEqual([`${name}: listed in SHA256SUMS but missing from the zip`]);
    expect(f['manifest.entries']).toEqual([`${name}: listed in manifest.json but missing from the zip`]);
    expect(await expectExit4(file)).toContain(name);
  });

  test('an entry added', async () => {
    const file = await tampered((entries) => [...entries, { name: 'evidence/extra.txt', data: Buffer.from('planted') }]);
    const f = failed(await verifyBundle(file));
    expect(f['sha256sums.complete']).toEqual(['evidence/extra.txt: in the zip but not listed in SHA256SUMS (an added entry)']);
    expect(f['manifest.entries']).toEqual(['evidence/extra.txt: in the zip but not listed in manifest.json']);
  });

  test('a file changed, SHA256SUMS and manifest.json edited and re-hashed to match: only the signature catches it', async () => {
    const file = await tampered((entries) => {
      const pdf = entries.find((e) => e.name === '01_System_Description.pdf')!;
      pdf.data = Buffer.from('%PDF-1.7 a different system description');
      const manifestEntry = entries.find((e) => e.name === 'manifest.json')!;
      const manifest = JSON.parse(manifestEntry.data.toString('utf8')) as BundleManifest;
      const m = manifest.entries.find((e) => e.path === pdf.name)!;
      m.sha256 = sha256Hex(pdf.data);
      m.size = pdf.data.length;
      manifestEntry.data = Buffer.from(canonicalJson(manifest));
      const sumsEntry = entries.find((e) => e.name === 'SHA256SUMS')!;
      const sums = parseSha256Sums(sumsEntry.data.toString('utf8')).sums;
      sums.set(pdf.name, sha256Hex(pdf.data));
      sums.set('manifest.json', sha256Hex(manifestEntry.data));
      sumsEntry.data = Buffer.from(formatSha256Sums([...sums].map(([p, h]) => ({ path: p, sha256: h }))));
      return entries;
    });
    const f = failed(await verifyBundle(file));
    expect(Object.keys(f)).toEqual(['signature']);
    expect(f.signature).toEqual([expect.stringContaining('SHA256SUMS.sig is not a valid signature of SHA256SUMS')]);
    expect(await expectExit4(file)).toContain('✗ signature');
  });

  test('a signature from another key', async () => {
    const other = generateSigningKeyPair();
    const file = await tampered((entries) => {
      const sums = entries.find((e) => e.name === 'SHA256SUMS')!.data;
      entries.find((e) => e.name === 'SHA256SUMS.sig')!.data = signBytes(sums, other.privateKey);
      return entries;
    });
    const f = failed(await verifyBundle(file));
    expect(f.signature).toEqual([expect.stringContaining('is not a valid signature')]);
  });

  test('another key swapped in for signing-key.pub and the signature: manifest.json names the original key', async () => {
    const other = generateSigningKeyPair();
    const file = await tampered((entries) => {
      const sums = entries.find((e) => e.name === 'SHA256SUMS')!.data;
      entries.find((e) => e.name === 'SHA256SUMS.sig')!.data = signBytes(sums, other.privateKey);
      entries.find((e) => e.name === 'signing-key.pub')!.data = Buffer.from(exportPublicKeyPem(other.publicKey));
      return entries;
    });
    const f = failed(await verifyBundle(file));
    expect(f.signature).toEqual([expect.stringContaining('(the key was replaced)')]);
  });

  test('a bundle rebuilt and re-signed end to end by someone else fails only against the expected --public-key', async () => {
    const { snapshots } = await buildStore(path.join(tmp.dir, 'store-forged'), 2);
    const forged = path.join(tmp.dir, 'forged.zip');
    await writeBundle({ outFile: forged, entries: bundleEntries(path.join(tmp.dir, 'store-forged'), snapshots), metadata: METADATA, signingKey: generateSigningKeyPair() });
    expect((await verifyBundle(forged)).valid).toBe(true);
    const f = failed(await verifyBundle(forged, { publicKey: key.publicKey }));
    expect(f.signer).toEqual([expect.stringContaining(`not by the expected key ${publicKeyFingerprint(key.publicKey)}`)]);
    expect(await expectExit4(forged, ['--public-key', publicKeyFile])).toContain('✗ signer');
  });

  test('a broken snapshot chain, signed by the right key (the store was altered before the report)', async () => {
    const root = path.join(tmp.dir, 'store-broken');
    const { snapshots } = await buildStore(root, 3);
    // Re-write the middle snapshot's manifest after the next one chained to it.
    const middle = path.join(root, 'snapshots', snapshots[1].manifest.snapshotId, 'manifest.json');
    const manifest = JSON.parse(await readFile(middle, 'utf8')) as { system: string };
    manifest.system = 'Another system';
    await writeFile(middle, canonicalJson(manifest));
    const file = path.join(tmp.dir, 'broken-chain.zip');
    await writeBundle({ outFile: file, entries: bundleEntries(root, snapshots), metadata: METADATA, signingKey: key });
    const f = failed(await verifyBundle(file, { publicKey: key.publicKey }));
    expect(Object.keys(f)).toEqual(['snapshots.chain']);
    expect(f['snapshots.chain']).toEqual([expect.stringMatching(/^snapshot 20260315T020000Z-a2: names 20260215T020000Z-a1 with manifest SHA-256 \w+, but that manifest now hashes to \w+ \(altered after it was chained\)$/)]);
    expect(await expectExit4(file)).toContain('✗ snapshots.chain');
  });

  test('a snapshot manifest removed from the middle of the chain (signed)', async () => {
    const root = path.join(tmp.dir, 'store-gap');
    const { snapshots } = await buildStore(root, 3);
    const entries = bundleEntries(root, snapshots).filter((e) => !(e.source?.snapshotId === snapshots[1].manifest.snapshotId) && e.path !== `snapshots/${snapshots[1].manifest.snapshotId}/manifest.json`);
    const file = path.join(tmp.dir, 'gap-chain.zip');
    await writeBundle({ outFile: file, entries, metadata: METADATA, signingKey: key });
    const f = failed(await verifyBundle(file));
    expect(f['snapshots.chain']).toEqual([`snapshot 20260315T020000Z-a2: names previous snapshot 20260215T020000Z-a1, which is missing`]);
  });

  test('evidence that no longer matches its schema (bundle otherwise consistent and signed)', async () => {
    const root = path.join(tmp.dir, 'store-schema');
    const { snapshots } = await buildStore(root, 1);
    const id = snapshots[0].manifest.snapshotId;
    const entries = bundleEntries(root, snapshots);
    const evidence = entries.find((e) => e.role === 'evidence')!;
    const envelope = JSON.parse(await readFile(evidence.file!, 'utf8')) as { data: { buckets: Array<Record<string, unknown>> } };
    envelope.data.buckets[0].versioning = { Status: 'Sometimes' };
    const bytes = Buffer.from(canonicalJson(envelope));
    // A consistent forgery: the snapshot manifest is rewritten to record the altered file.
    const manifestFile = path.join(root, 'snapshots', id, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { files: Array<{ path: string; sha256: string; size: number }> };
    const record = manifest.files.find((f) => f.path === evidence.source!.path)!;
    record.sha256 = sha256Hex(bytes);
    record.size = bytes.length;
    await writeFile(manifestFile, canonicalJson(manifest));
    await writeFile(evidence.file!, bytes);
    const file = path.join(tmp.dir, 'schema.zip');
    await writeBundle({ outFile: file, entries, metadata: METADATA, signingKey: key });
    const f = failed(await verifyBundle(file));
    expect(Object.keys(f)).toEqual(['evidence.schemas']);
    expect(f['evidence.schemas']).toEqual([expect.stringMatching(new RegExp(`^${escape(evidence.path)}: data does not match s3.buckets.v1: data.buckets\\[0\\].versioning.Status: must be one of "Enabled", "Suspended"`))]);
  });

  test('a zip-slip entry (../x)', async () => {
    const file = await tampered((entries) => [...entries, { name: '../x', data: Buffer.from('escape') }]);
    const f = failed(await verifyBundle(file));
    expect(f['zip.safety']).toEqual(['"../x": unsafe name: parent-directory segment ("..")']);
    expect(await expectExit4(file)).toContain('"../x": unsafe name');
  });

  test('a zip-slip entry deeper in a path', async () => {
    const file = await tampered((entries) => [...entries, { name: 'evidence/../../etc/cron.d/x', data: Buffer.from('escape') }]);
    expect(failed(await verifyBundle(file))['zip.safety']).toEqual([expect.stringContaining('parent-directory segment')]);
  });

  test('an absolute path', async () => {
    const file = await tampered((entries) => [...entries, { name: '/etc/passwd', data: Buffer.from('root:x:0:0') }]);
    expect(failed(await verifyBundle(file))['zip.safety']).toEqual(['"/etc/passwd": unsafe name: absolute path']);
    await expectExit4(file);
  });

  test('a drive-letter path and a backslash path', async () => {
    const file = await tampered((entries) => [...entries, { name: 'C:/Windows/x', data: Buffer.from('x') }, { name: 'evidence\\..\\x', data: Buffer.from('x') }]);
    const safety = failed(await verifyBundle(file))['zip.safety'];
    expect(safety).toEqual([expect.stringContaining('absolute path (drive letter)'), expect.stringContaining('backslash in name')]);
  });

  test('a symlink entry (external attributes)', async () => {
    const file = await tampered((entries) => [...entries, { name: 'evidence/link.json', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]);
    expect(failed(await verifyBundle(file))['zip.safety']).toEqual(['evidence/link.json: a symbolic link (external attributes); links are refused']);
    expect(await expectExit4(file)).toContain('symbolic link');
  });

  test('duplicate names', async () => {
    const file = await tampered((entries) => [...entries, { name: '01_System_Description.pdf', data: Buffer.from('%PDF-1.7 the other one') }]);
    expect(failed(await verifyBundle(file))['zip.safety']).toEqual(['01_System_Description.pdf: duplicate name: the zip holds two entries with this name']);
    await expectExit4(file);
  });

  test('an encrypted entry', async () => {
    // Traditional PKWARE encryption: a 12-byte header precedes the 10 encrypted bytes.
    const file = await tampered((entries) => [...entries, { name: 'secret.bin', data: Buffer.alloc(22, 7), declaredSize: 10, flags: 0x1 }]);
    expect(failed(await verifyBundle(file))['zip.safety']).toEqual(['secret.bin: encrypted']);
  });

  test('a zip bomb: an entry expanding far beyond the ratio limit is refused without being inflated', async () => {
    const zeros = Buffer.alloc(64 * 2 ** 20);
    const file = await tampered((entries) => [...entries, { name: 'populations/bomb.csv', data: zeros, method: 8 }]);
    expect(deflateRawSync(zeros).length * 200).toBeLessThan(zeros.length);
    const result = await verifyBundle(file);
    expect(failed(result)['zip.safety']).toEqual([expect.stringMatching(/^populations\/bomb\.csv: expands \d+:1 .* over the 200:1 limit \(zip bomb\?\)$/)]);
    expect(result.bytes).toBeLessThan(10 * 2 ** 20);
  });

  test('an entry whose data is longer than its declared size', async () => {
    const file = await tampered((entries) => {
      const csv = entries.find((e) => e.name === '05_Exceptions.csv')!;
      csv.method = 8;
      csv.declaredSize = csv.data.length - 10;
      return entries;
    });
    const f = failed(await verifyBundle(file));
    expect(f['entries.readable']).toEqual([expect.stringMatching(/^05_Exceptions\.csv: too many bytes in the stream/)]);
  });

  test('a local header that names another file than the central directory', async () => {
    const zip = buildRawZip([...goodEntries, { name: 'evidence/aa.txt', data: Buffer.from('x') }]);
    // Same length, so every offset stays right: only extractors that trust local headers are fooled.
    const at = zip.indexOf('evidence/aa.txt');
    zip.write('../../evil1.txt', at);
    expect(zip.indexOf('evidence/aa.txt')).toBeGreaterThan(at);
    const file = path.join(tmp.dir, 'local-name.zip');
    await writeFile(file, zip);
    expect(failed(await verifyBundle(file))['zip.safety']).toEqual(['evidence/aa.txt: the local header names "../../evil1.txt" (extractors that read local headers would write that)']);
  });

  test('an Info-ZIP Unicode Path extra field carrying another name', async () => {
    const unicode = Buffer.from('../evil.txt', 'utf8');
    const extra = Buffer.alloc(4 + 5 + unicode.length);
    extra.writeUInt16LE(0x7075, 0);
    extra.writeUInt16LE(5 + unicode.length, 2);
    extra.writeUInt8(1, 4);
    extra.writeUInt32LE(crc32(Buffer.from('notes.txt')) >>> 0, 5);
    unicode.copy(extra, 9);
    const file = await tampered((entries) => [...entries, { name: 'notes.txt', data: Buffer.from('x'), extra }]);
    const safety = failed(await verifyBundle(file))['zip.safety'];
    expect(safety).toEqual(expect.arrayContaining([expect.stringContaining('notes.txt: carries a second (Unicode Path) name "../evil.txt" that extractors may use instead: parent-directory segment')]));
  });

  test('overlapping entries (one entry\'s data spans the next entry)', async () => {
    const a = { name: 'populations/a.csv', data: Buffer.from('a,b\r\n1,2\r\n') };
    const b = { name: 'populations/b.csv', data: Buffer.from('c,d\r\n3,4\r\n') };
    const zip = buildRawZip([...goodEntries, a, b]);
    // Stretch a's sizes in the central directory over b's local header and data.
    const central = zip.lastIndexOf(Buffer.concat([Buffer.from([0x50, 0x4b, 0x01, 0x02])]), zip.lastIndexOf(Buffer.from(a.name)));
    const span = a.data.length + 30 + Buffer.byteLength(b.name) + b.data.length;
    zip.writeUInt32LE(span, central + 20);
    zip.writeUInt32LE(span, central + 24);
    const file = path.join(tmp.dir, 'overlap.zip');
    await writeFile(file, zip);
    expect(failed(await verifyBundle(file))['zip.safety']).toEqual(
      expect.arrayContaining(['populations/a.csv: its data overlaps "populations/b.csv" (overlapping entries are a zip-bomb technique)']),
    );
  });

  test('a bundle signed by the right key but presented with a different expected key', async () => {
    const elsewhere = path.join(tmp.dir, 'someone-else.pub');
    await writeFile(elsewhere, exportPublicKeyPem(generateSigningKeyPair().publicKey));
    const { stdout } = await runCliCaptured(['verify', goodZip, '--public-key', elsewhere]);
    expect(stdout).toMatch(/✗ signer\s+FAILED/);
  });
});

describe('unreadable input exits 2', () => {
  test('a missing file', async () => {
    const { code, stderr } = await runCliCaptured(['verify', path.join(tmp.dir, 'no-such.zip')]);
    expect(code).toBe(2);
    expect(stderr).toContain('no-such.zip: no such file');
  });

  test('a file that is not a zip', async () => {
    const file = path.join(tmp.dir, 'not-a-zip.zip');
    await writeFile(file, 'just text, no central directory');
    const { code, stderr } = await runCliCaptured(['verify', file]);
    expect(code).toBe(2);
    expect(stderr).toContain('not a zip file');
  });

  test('a public key file that is not a key', async () => {
    const bad = path.join(tmp.dir, 'bad.pub');
    await writeFile(bad, 'not a key');
    const { code, stderr } = await runCliCaptured(['verify', goodZip, '--public-key', bad]);
    expect(code).toBe(2);
    expect(stderr).toContain('bad.pub: not a PEM public key');
  });
});

test('--json prints every check by name', async () => {
  const file = await tampered((entries) => [...entries, { name: '../x', data: Buffer.from('x') }]);
  const { code, stdout } = await runCliCaptured(['verify', file, '--json']);
  expect(code).toBe(4);
  const result = JSON.parse(stdout) as BundleVerification;
  expect(result.valid).toBe(false);
  expect(result.checks.map((c) => c.name)).toContain('zip.safety');
  expect(result.checks.find((c) => c.name === 'zip.safety')!.status).toBe('fail');
  expect(result.manifest?.organization).toBe(METADATA.organization);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

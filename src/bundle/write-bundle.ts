import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { InputError, StoreError, type InputIssue } from '../errors.js';
import { parseManifest } from '../evidence/manifest.js';
import type { ManifestFile } from '../evidence/types.js';
import { sha256Hex } from '../util/hash.js';
import { TOOL_VERSION } from '../version.js';
import { bundlePathProblem, compareBytewise, pathCollisionKey } from './entry-path.js';
import { serializeBundleManifest } from './manifest.js';
import { renderBundleReadme, type ReadmeInput } from './readme.js';
import { formatSha256Sums } from './sha256sums.js';
import { exportPublicKeyPem, generateSigningKeyPair, parsePrivateKey, publicKeyFingerprint, signBytes, type SigningKeyPair } from './signing.js';
import {
  BUNDLE_MANIFEST_FILE,
  BUNDLE_ROLES,
  CONTROL_FILES,
  PUBLIC_KEY_FILE,
  README_FILE,
  SHA256SUMS_FILE,
  SIGNATURE_FILE,
  type BundleEntryInput,
  type BundleManifest,
  type BundleManifestEntry,
  type BundleMetadata,
  type BundleSigning,
  type WrittenBundle,
} from './types.js';
import { PROOFPACK_NAMESPACE, uuidV5 } from './uuid.js';

export interface WriteBundleOptions {
  /** The zip to write. Written to a temporary sibling and renamed when complete. */
  outFile: string;
  entries: readonly BundleEntryInput[];
  metadata: BundleMetadata;
  /** Ed25519 private key (KeyObject or PEM text). Without one, a one-time key is generated and the README says so. */
  signingKey?: KeyObject | string | SigningKeyPair;
  /**
   * `deflate` (default): level 6, except files that are compressed already (PDF, images, archives),
   * which are stored. `store`: no compression at all.
   */
  compression?: 'deflate' | 'store';
  /**
   * Writes 00_README.txt when no readme entry is given (default: renderBundleReadme). Given the
   * same facts (bundle id, signing key fingerprint, entries), so a caller can add its own sections.
   */
  readme?: (input: ReadmeInput) => string;
}

/** Path of a snapshot's manifest inside a bundle. */
export function snapshotManifestPath(snapshotId: string): string {
  return `snapshots/${snapshotId}/manifest.json`;
}

const DEFLATE_LEVEL = 6;
const PRECOMPRESSED = /\.(pdf|png|jpe?g|gif|webp|zip|gz|tgz|bz2|xz|zst|woff2?)$/i;
/** Every entry is a regular file, rw-r--r--. */
const ENTRY_MODE = 0o644;

interface PreparedEntry {
  input: BundleEntryInput;
  bytes?: Buffer;
}

/**
 * Writes the auditor's bundle: the entries (in byte-wise path order, the README first), then
 * manifest.json, SHA256SUMS, SHA256SUMS.sig and signing-key.pub. The same entries, metadata and
 * key give the same bytes: fixed order, every timestamp = metadata.generatedAt, mode 0644, no
 * extra fields, fixed deflate level (bytes are identical for the same Node.js zlib build; the
 * SHA-256 of every entry, and so SHA256SUMS and its signature, are identical everywhere).
 * Each file is read once, while it is zipped: its SHA-256 is of exactly the bytes in the zip.
 */
export async function writeBundle(options: WriteBundleOptions): Promise<WrittenBundle> {
  const outFile = path.resolve(options.outFile);
  const metadata = checkMetadata(options.metadata, outFile);
  const keys = resolveSigningKey(options.signingKey);
  const signing: BundleSigning = {
    algorithm: 'Ed25519',
    key: options.signingKey ? 'provided' : 'one-time',
    publicKeyFile: PUBLIC_KEY_FILE,
    publicKeySha256: publicKeyFingerprint(keys.publicKey),
    signatureFile: SIGNATURE_FILE,
    signedFile: SHA256SUMS_FILE,
  };
  const bundleId =
    metadata.bundleId ??
    uuidV5(['bundle', metadata.organization, metadata.system, metadata.period.start, metadata.period.end, metadata.generatedAt].join('\n'), PROOFPACK_NAMESPACE);
  const toolVersion = metadata.toolVersion ?? TOOL_VERSION;

  const prepared = await prepareEntries(options.entries, outFile);
  if (!prepared.some((e) => e.input.role === 'readme')) {
    const readme = (options.readme ?? renderBundleReadme)({
      bundleId,
      organization: metadata.organization,
      system: metadata.system,
      period: metadata.period,
      generatedAt: metadata.generatedAt,
      toolVersion,
      signing,
      entries: [{ path: README_FILE, role: 'readme' }, ...prepared.map((e) => e.input)],
    });
    prepared.push({ input: { path: README_FILE, role: 'readme' }, bytes: Buffer.from(readme, 'utf8') });
  }
  const ordered = orderEntries(prepared);
  const snapshotRecords = indexSnapshotManifests(ordered, outFile);
  for (const entry of ordered) {
    if (entry.input.source && !snapshotRecords.has(entry.input.source.snapshotId)) {
      throw invalid(outFile, `entries[${entry.input.path}].source.snapshotId`, `snapshot ${entry.input.source.snapshotId} has no ${snapshotManifestPath(entry.input.source.snapshotId)} entry in the bundle`);
    }
  }

  const date = new Date(metadata.generatedAt);
  const store = options.compression === 'store';
  await mkdir(path.dirname(outFile), { recursive: true });
  const tmp = path.join(path.dirname(outFile), `.${path.basename(outFile)}.${randomBytes(6).toString('hex')}.partial`);
  const archive = new ZipArchive({ zlib: { level: DEFLATE_LEVEL }, forceLocalTime: false });
  const zipHash = createHash('sha256');
  let zipSize = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      zipHash.update(chunk);
      zipSize += chunk.length;
      callback(null, chunk);
    },
  });
  const written = pipeline(archive, tap, createWriteStream(tmp, { mode: 0o644 }));
  // Surface a failure of the output (disk full…) to whoever awaits an entry.
  let failure: Error | undefined;
  written.catch((error: Error) => {
    failure ??= error;
  });

  try {
    const manifestEntries: BundleManifestEntry[] = [];
    for (const entry of ordered) {
      const { input } = entry;
      const data = { name: input.path, date, mode: ENTRY_MODE, store: store || PRECOMPRESSED.test(input.path) };
      let sha256: string;
      let size: number;
      if (entry.bytes) {
        await appendEntry(archive, entry.bytes, data, () => failure);
        sha256 = sha256Hex(entry.bytes);
        size = entry.bytes.length;
      } else {
        const source = new HashingFileReadable(input.file!);
        await appendEntry(archive, source, data, () => failure);
        ({ sha256, size } = source.result());
      }
      const record: BundleManifestEntry = { path: input.path, role: input.role, size, sha256 };
      if (input.source) {
        const recorded = snapshotRecords.get(input.source.snapshotId)!.get(input.source.path);
        if (!recorded) {
          throw new StoreError(`${input.path}: snapshot ${input.source.snapshotId} does not list ${input.source.path} in its manifest`);
        }
        if (recorded.sha256 !== sha256 || recorded.size !== size) {
          throw new StoreError(
            `${input.path}: differs from ${input.source.path} as snapshot ${input.source.snapshotId} recorded it (SHA-256 ${sha256}, recorded ${recorded.sha256}); the store was altered after the snapshot was committed`,
          );
        }
        record.snapshot = { id: input.source.snapshotId, path: input.source.path, sha256: recorded.sha256 };
      }
      manifestEntries.push(record);
    }

    const manifest: BundleManifest = {
      bundle: 'proofpack.bundle/v1',
      bundleId,
      organization: metadata.organization,
      system: metadata.system,
      period: { start: metadata.period.start, end: metadata.period.end },
      toolVersion,
      generatedAt: metadata.generatedAt,
      signing,
      entries: manifestEntries,
    };
    const manifestBytes = serializeBundleManifest(manifest);
    const sums = Buffer.from(
      formatSha256Sums([...manifestEntries, { path: BUNDLE_MANIFEST_FILE, sha256: sha256Hex(manifestBytes) }]),
      'utf8',
    );
    const signature = signBytes(sums, keys.privateKey);
    const publicKeyPem = exportPublicKeyPem(keys.publicKey);
    const control: Array<[string, Buffer]> = [
      [BUNDLE_MANIFEST_FILE, manifestBytes],
      [SHA256SUMS_FILE, sums],
      [SIGNATURE_FILE, signature],
      [PUBLIC_KEY_FILE, Buffer.from(publicKeyPem, 'utf8')],
    ];
    for (const [name, bytes] of control) {
      await appendEntry(archive, bytes, { name, date, mode: ENTRY_MODE, store: store || name === SIGNATURE_FILE }, () => failure);
    }
    await archive.finalize();
    await written;
    const handle = await open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, outFile);
    return { file: outFile, sha256: zipHash.digest('hex'), size: zipSize, manifest, publicKeyPem };
  } catch (error) {
    archive.destroy();
    await written.catch(() => undefined);
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Appends one entry and waits until archiver has written it, so that at most one input file is open. */
function appendEntry(
  archive: ZipArchive,
  source: Buffer | Readable,
  data: { name: string; date: Date; mode: number; store: boolean },
  failed: () => Error | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const early = failed();
    if (early) {
      reject(early);
      return;
    }
    const onEntry = (entry: { name: string }) => {
      if (entry.name !== data.name) return;
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // The output failed and the pipeline tore the archive down: no entry event will come.
    const onClose = () => onError(failed() ?? new Error(`the zip stream closed before ${data.name} was written`));
    const cleanup = () => {
      archive.off('entry', onEntry);
      archive.off('error', onError);
      archive.off('warning', onError);
      archive.off('close', onClose);
      if (source instanceof Readable) source.off('error', onError);
    };
    archive.on('entry', onEntry);
    archive.on('error', onError);
    archive.on('warning', onError);
    archive.on('close', onClose);
    if (source instanceof Readable) source.on('error', onError);
    archive.append(source, data);
  });
}

/**
 * A file read lazily (opened on the first read, after archiver reaches the entry) that hashes what
 * it passes on. Archiver pipes every appended stream into a PassThrough at once, so a plain read
 * stream would open every file up front.
 */
class HashingFileReadable extends Readable {
  private readonly hash = createHash('sha256');
  private size = 0;
  private digest: string | undefined;
  private source: ReadStream | undefined;

  constructor(private readonly file: string) {
    super({ highWaterMark: 1 << 20 });
  }

  override _read(): void {
    if (this.source) {
      this.source.resume();
      return;
    }
    const source = createReadStream(this.file, { highWaterMark: 1 << 20 });
    this.source = source;
    source.on('data', (data: string | Buffer) => {
      const chunk = data as Buffer; // no encoding set: always a Buffer
      this.hash.update(chunk);
      this.size += chunk.length;
      if (!this.push(chunk)) source.pause();
    });
    source.on('end', () => {
      this.digest = this.hash.digest('hex');
      this.push(null);
    });
    source.on('error', (error) => this.destroy(new InputError([{ file: this.file, path: '', message: `cannot read (${error.message})` }], { cause: error })));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.source?.destroy();
    callback(error);
  }

  result(): { sha256: string; size: number } {
    if (this.digest === undefined) throw new Error(`${this.file}: read was not completed`);
    return { sha256: this.digest, size: this.size };
  }
}

function invalid(outFile: string, where: string, message: string): InputError {
  return new InputError([{ file: outFile, path: where, message }]);
}

function checkMetadata(metadata: BundleMetadata, outFile: string): BundleMetadata {
  const issues: InputIssue[] = [];
  for (const key of ['organization', 'system', 'generatedAt'] as const) {
    if (typeof metadata[key] !== 'string' || !metadata[key].trim()) issues.push({ file: outFile, path: `metadata.${key}`, message: 'expected a non-empty string' });
  }
  if (typeof metadata.generatedAt === 'string' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(metadata.generatedAt)) {
    issues.push({ file: outFile, path: 'metadata.generatedAt', message: `expected an ISO 8601 UTC time such as 2026-07-01T00:00:00Z, got ${JSON.stringify(metadata.generatedAt)}` });
  }
  if (!metadata.period || typeof metadata.period.start !== 'string' || typeof metadata.period.end !== 'string') {
    issues.push({ file: outFile, path: 'metadata.period', message: 'expected { start, end }' });
  }
  if (issues.length) throw new InputError(issues);
  return metadata;
}

function resolveSigningKey(key: WriteBundleOptions['signingKey']): SigningKeyPair {
  if (!key) return generateSigningKeyPair();
  if (typeof key === 'string') return parsePrivateKey(key, 'signing key');
  if ('privateKey' in key) return key;
  return parsePrivateKey(key.export({ type: 'pkcs8', format: 'pem' }), 'signing key');
}

async function prepareEntries(entries: readonly BundleEntryInput[], outFile: string): Promise<PreparedEntry[]> {
  const issues: InputIssue[] = [];
  const seen = new Map<string, string>();
  const prepared: PreparedEntry[] = [];
  for (const [index, entry] of entries.entries()) {
    const where = `entries[${index}]`;
    const problem = bundlePathProblem(entry.path);
    if (problem) issues.push({ file: outFile, path: `${where}.path`, message: `${JSON.stringify(entry.path)}: ${problem}` });
    if (CONTROL_FILES.includes(entry.path)) issues.push({ file: outFile, path: `${where}.path`, message: `${entry.path} is written by writeBundle itself` });
    const key = pathCollisionKey(entry.path);
    const clash = seen.get(key);
    if (clash !== undefined) issues.push({ file: outFile, path: `${where}.path`, message: `${entry.path} collides with ${clash}${clash === entry.path ? '' : ' on case-insensitive file systems'}` });
    seen.set(key, entry.path);
    if (!BUNDLE_ROLES.includes(entry.role)) issues.push({ file: outFile, path: `${where}.role`, message: `expected one of ${BUNDLE_ROLES.join(', ')}` });
    if (entry.role === 'readme' && entry.path !== README_FILE) issues.push({ file: outFile, path: `${where}.path`, message: `the readme must be ${README_FILE}` });
    if (entry.role === 'evidence' && !entry.source) issues.push({ file: outFile, path: `${where}.source`, message: 'evidence entries name the snapshot file they copy' });
    if ((entry.file === undefined) === (entry.bytes === undefined)) {
      issues.push({ file: outFile, path: where, message: 'give exactly one of file or bytes' });
      continue;
    }
    if (entry.file !== undefined) {
      if (!path.isAbsolute(entry.file)) {
        issues.push({ file: outFile, path: `${where}.file`, message: `expected an absolute path, got ${entry.file}` });
        continue;
      }
      let problem: string | undefined;
      try {
        if (!(await stat(entry.file)).isFile()) problem = 'not a regular file';
      } catch (error) {
        problem = `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
      }
      if (problem) {
        issues.push({ file: entry.file, path: '', message: problem });
        continue;
      }
      // Snapshot manifests are small and needed before zipping (to check evidence against them).
      if (entry.role === 'snapshot-manifest') prepared.push({ input: entry, bytes: await readFile(entry.file) });
      else prepared.push({ input: entry });
    } else {
      prepared.push({ input: entry, bytes: typeof entry.bytes === 'string' ? Buffer.from(entry.bytes, 'utf8') : entry.bytes });
    }
  }
  if (issues.length) throw new InputError(issues);
  return prepared;
}

function orderEntries(entries: PreparedEntry[]): PreparedEntry[] {
  return [...entries].sort((a, b) => {
    const ra = a.input.role === 'readme' ? 0 : 1;
    const rb = b.input.role === 'readme' ? 0 : 1;
    return ra - rb || compareBytewise(a.input.path, b.input.path);
  });
}

/** snapshot id → (path in the snapshot → what its manifest recorded), from the bundle's snapshot-manifest entries. */
function indexSnapshotManifests(entries: PreparedEntry[], outFile: string): Map<string, Map<string, ManifestFile>> {
  const index = new Map<string, Map<string, ManifestFile>>();
  for (const entry of entries) {
    if (entry.input.role !== 'snapshot-manifest') continue;
    const manifest = parseManifest(entry.bytes!, entry.input.file ?? entry.input.path);
    if (entry.input.path !== snapshotManifestPath(manifest.snapshotId)) {
      throw invalid(outFile, `entries[${entry.input.path}].path`, `the manifest of snapshot ${manifest.snapshotId} must be at ${snapshotManifestPath(manifest.snapshotId)}`);
    }
    index.set(manifest.snapshotId, new Map(manifest.files.map((f) => [f.path, f])));
  }
  return index;
}

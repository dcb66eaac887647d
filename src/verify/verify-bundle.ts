import { createHash, type KeyObject } from 'node:crypto';
import { unsafePathProblem } from '../bundle/entry-path.js';
import { parseBundleManifest } from '../bundle/manifest.js';
import { validateAssessmentResults } from '../bundle/oscal-schema.js';
import { parseSha256Sums } from '../bundle/sha256sums.js';
import { parsePublicKey, publicKeyFingerprint, verifySignature } from '../bundle/signing.js';
import {
  BUNDLE_MANIFEST_FILE,
  PUBLIC_KEY_FILE,
  SHA256SUMS_FILE,
  SIGNATURE_FILE,
  type BundleManifest,
  type BundleRole,
  type BundleSigning,
} from '../bundle/types.js';
import { snapshotManifestPath } from '../bundle/write-bundle.js';
import { verifyChain } from '../evidence/chain.js';
import { validateEnvelope } from '../evidence/envelope.js';
import { parseManifest } from '../evidence/manifest.js';
import type { StoredManifest } from '../evidence/store.js';
import { sha256Hex } from '../util/hash.js';
import { mapWithConcurrency } from '../util/limiter.js';
import { DEFAULT_ZIP_LIMITS, ZipReader, type ZipEntryInfo, type ZipLimits } from './zip-reader.js';

export type CheckStatus = 'pass' | 'fail' | 'skip';

/** One named check of `proofpack verify`. Names are stable (scripts and tests match on them). */
export interface VerifyCheck {
  name: string;
  status: CheckStatus;
  /** One line: what was checked (pass), or why it was skipped. */
  detail: string;
  /** Every problem found, each naming the entry it is about. */
  failures: string[];
}

export interface BundleVerification {
  bundle: string;
  valid: boolean;
  checks: VerifyCheck[];
  /** What manifest.json says (when it could be read). */
  manifest: Omit<BundleManifest, 'entries'> | null;
  signer: { publicKeySha256: string | null; key: BundleSigning['key'] | null; matchesExpectedKey: boolean | null };
  entries: number;
  /** Uncompressed bytes hashed. */
  bytes: number;
}

export interface VerifyBundleOptions {
  /** The signer's public key the auditor expects (KeyObject or PEM). Without it, the signature is checked against the key inside the bundle. */
  publicKey?: KeyObject | string;
  limits?: Partial<VerifyLimits>;
}

export interface VerifyLimits extends ZipLimits {
  /** Largest JSON entry (evidence, snapshot manifest, manifest.json, OSCAL) read into memory to be parsed. */
  maxJsonBytes: number;
  /** Entries read at once. Memory is bounded by concurrency × maxJsonBytes (JSON entries) plus stream buffers. */
  concurrency: number;
}

export const DEFAULT_VERIFY_LIMITS: VerifyLimits = { ...DEFAULT_ZIP_LIMITS, maxJsonBytes: 256 * 2 ** 20, concurrency: 4 };

/** Files outside SHA256SUMS: itself, its signature and the public key (manifest.json records the key's fingerprint). */
const UNSUMMED = new Set([SHA256SUMS_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE]);
const CONTROL = new Set([BUNDLE_MANIFEST_FILE, ...UNSUMMED]);
const CONTROL_MAX_BYTES = 64 * 2 ** 20;

/** The checks, in the order they are reported. */
export const VERIFY_CHECKS = [
  'zip.safety',
  'entries.readable',
  'sha256sums.hashes',
  'sha256sums.complete',
  'manifest.format',
  'manifest.entries',
  'signature',
  'signer',
  'snapshots.manifests',
  'snapshots.chain',
  'evidence.snapshot-match',
  'evidence.schemas',
  'oscal.schema',
] as const;
export type VerifyCheckName = (typeof VERIFY_CHECKS)[number];

/**
 * Verifies a bundle offline: every entry against SHA256SUMS and manifest.json, nothing missing or
 * extra, the Ed25519 signature (and, given `publicKey`, that the bundle was signed by that key),
 * each snapshot manifest and the chain between them, evidence byte-identical to what its snapshot
 * recorded, every evidence envelope against its schema, OSCAL against NIST's schema; and refuses
 * unsafe zip entries. Entries are streamed (bounded memory). Throws InputError only when the file
 * cannot be read as a zip at all; everything else is a failed check in the result.
 */
export async function verifyBundle(zipPath: string, options: VerifyBundleOptions = {}): Promise<BundleVerification> {
  const limits = { ...DEFAULT_VERIFY_LIMITS, ...options.limits };
  const expectedKey = typeof options.publicKey === 'string' ? parsePublicKey(options.publicKey, 'public key') : options.publicKey;
  const zip = await ZipReader.open(zipPath, limits);
  try {
    return await runChecks(zip, limits, expectedKey);
  } finally {
    zip.close();
  }
}

class Checks {
  private readonly byName = new Map<VerifyCheckName, VerifyCheck>();

  constructor() {
    for (const name of VERIFY_CHECKS) this.byName.set(name, { name, status: 'pass', detail: '', failures: [] });
  }

  fail(name: VerifyCheckName, message: string): void {
    const check = this.byName.get(name)!;
    check.status = 'fail';
    check.failures.push(message);
  }

  pass(name: VerifyCheckName, detail: string): void {
    this.byName.get(name)!.detail = detail;
  }

  skip(name: VerifyCheckName, detail: string): void {
    const check = this.byName.get(name)!;
    if (check.status !== 'fail') check.status = 'skip';
    check.detail = detail;
  }

  list(): VerifyCheck[] {
    return VERIFY_CHECKS.map((name) => this.byName.get(name)!);
  }
}

interface Hashed {
  sha256: string;
  size: number;
}

async function runChecks(zip: ZipReader, limits: VerifyLimits, expectedKey: KeyObject | undefined): Promise<BundleVerification> {
  const checks = new Checks();
  const refused = new Set<ZipEntryInfo>();
  for (const problem of zip.problems) checks.fail('zip.safety', problem.entry ? `${displayName(problem.entry)}: ${problem.message}` : problem.message);
  for (const e of zip.entries) {
    if (e.encrypted || (e.compressionMethod !== 0 && e.compressionMethod !== 8)) refused.add(e);
    if (zip.problems.some((p) => p.entry === e.name && /limit|overlaps|local header/.test(p.message))) refused.add(e);
  }
  checks.pass('zip.safety', `${zip.entries.length} entries: no unsafe names, links, duplicates, encryption, overlaps or oversized entries`);

  // Entries by name; duplicates are already a zip.safety failure, the first one is used.
  const byName = new Map<string, ZipEntryInfo>();
  for (const e of zip.entries) if (!byName.has(e.name)) byName.set(e.name, e);

  // 1. The control files, read first: they say what the other entries are.
  const control = new Map<string, Buffer>();
  for (const name of CONTROL) {
    const entry = byName.get(name);
    if (!entry || refused.has(entry)) continue;
    try {
      control.set(name, await zip.readEntry(entry, CONTROL_MAX_BYTES));
    } catch (error) {
      checks.fail('entries.readable', `${name}: ${(error as Error).message}`);
    }
  }
  const manifestBytes = control.get(BUNDLE_MANIFEST_FILE);
  const parsedManifest = manifestBytes ? parseBundleManifest(manifestBytes) : null;
  if (!manifestBytes) checks.fail('manifest.format', `${BUNDLE_MANIFEST_FILE} is missing`);
  for (const problem of parsedManifest?.problems ?? []) checks.fail('manifest.format', `${BUNDLE_MANIFEST_FILE}: ${problem}`);
  const manifest = parsedManifest?.manifest ?? null;
  if (manifest) checks.pass('manifest.format', `bundle ${manifest.bundleId}: ${manifest.organization}, ${manifest.system}, ${manifest.period.start} to ${manifest.period.end}`);
  const roles = new Map<string, BundleRole>(manifest?.entries.map((e) => [e.path, e.role]) ?? []);
  const roleOf = (name: string): BundleRole | undefined => {
    const role = roles.get(name);
    // Path conventions too, so that a role edited in manifest.json cannot switch a check off.
    if (role === 'evidence' || /^evidence\/.+\.json$/.test(name)) return 'evidence';
    if (role === 'snapshot-manifest' || /^snapshots\/[^/]+\/manifest\.json$/.test(name)) return 'snapshot-manifest';
    if (role === 'oscal' || /^oscal\/.+\.json$/.test(name)) return 'oscal';
    return role;
  };

  // 2. One pass over every entry: hash it; parse what needs parsing. A few entries at once, so
  // that inflating (zlib's thread pool) overlaps hashing and parsing; outcomes are applied in
  // zip order, so the report does not depend on timing.
  const hashes = new Map<string, Hashed>();
  const snapshotManifests: Array<{ path: string; stored: StoredManifest }> = [];
  const envelopes: Array<{ path: string; snapshotId: string }> = [];
  let oscalChecked = 0;
  let evidenceChecked = 0;
  let bytes = 0;
  const seen = new Set<string>();
  const toRead = zip.entries.filter((e) => {
    if (refused.has(e) || seen.has(e.name) || e.type !== 'file') return false;
    seen.add(e.name);
    return true;
  });
  const outcomes = await mapWithConcurrency(toRead, limits.concurrency, (e) => inspectEntry(zip, e, roleOf(e.name), control.get(e.name), limits));
  for (const [i, outcome] of outcomes.entries()) {
    const name = toRead[i].name;
    for (const [check, message] of outcome.failures) checks.fail(check, message);
    if (!outcome.hashed) continue;
    hashes.set(name, outcome.hashed);
    bytes += outcome.hashed.size;
    if (outcome.snapshotManifest) snapshotManifests.push({ path: name, stored: outcome.snapshotManifest });
    if (outcome.envelopeSnapshotId !== undefined) envelopes.push({ path: name, snapshotId: outcome.envelopeSnapshotId });
    if (outcome.role === 'evidence') evidenceChecked += 1;
    if (outcome.role === 'oscal') oscalChecked += 1;
  }
  checks.pass('entries.readable', `${hashes.size} entries read, ${bytes} bytes, each exactly its declared size`);

  // 3. SHA256SUMS: every line matches, and it covers exactly the entries that are not control files.
  const sumsBytes = control.get(SHA256SUMS_FILE);
  const sums = sumsBytes ? parseSha256Sums(sumsBytes.toString('utf8')) : null;
  if (!sumsBytes) {
    checks.fail('sha256sums.hashes', `${SHA256SUMS_FILE} is missing`);
    checks.fail('sha256sums.complete', `${SHA256SUMS_FILE} is missing`);
  } else {
    for (const p of sums!.problems) checks.fail('sha256sums.hashes', `${SHA256SUMS_FILE} ${p}`);
    for (const [name, expected] of sums!.sums) {
      const actual = hashes.get(name);
      if (!byName.has(name)) checks.fail('sha256sums.complete', `${name}: listed in ${SHA256SUMS_FILE} but missing from the zip`);
      else if (!actual) continue;
      else if (actual.sha256 !== expected) checks.fail('sha256sums.hashes', `${name}: SHA-256 is ${actual.sha256}, ${SHA256SUMS_FILE} says ${expected}`);
    }
    for (const e of zip.entries) {
      if (!UNSUMMED.has(e.name) && !sums!.sums.has(e.name)) checks.fail('sha256sums.complete', `${e.name}: in the zip but not listed in ${SHA256SUMS_FILE} (an added entry)`);
    }
    checks.pass('sha256sums.hashes', `${sums!.sums.size} files match ${SHA256SUMS_FILE}`);
    checks.pass('sha256sums.complete', `the zip holds exactly the files ${SHA256SUMS_FILE} lists, plus ${[...UNSUMMED].filter((n) => n !== SHA256SUMS_FILE).join(' and ')}`);
  }
  for (const name of [SIGNATURE_FILE, PUBLIC_KEY_FILE]) {
    if (!byName.has(name)) checks.fail('sha256sums.complete', `${name} is missing`);
  }

  // 4. manifest.json: its entries are the zip's content entries, each with the right size and hash.
  if (manifest) {
    const listed = new Set<string>();
    for (const entry of manifest.entries) {
      listed.add(entry.path);
      if (CONTROL.has(entry.path)) checks.fail('manifest.entries', `${entry.path}: a control file must not be listed as an entry`);
      const actual = hashes.get(entry.path);
      if (!byName.has(entry.path)) checks.fail('manifest.entries', `${entry.path}: listed in ${BUNDLE_MANIFEST_FILE} but missing from the zip`);
      else if (!actual) continue;
      else if (actual.sha256 !== entry.sha256 || actual.size !== entry.size) {
        checks.fail('manifest.entries', `${entry.path}: SHA-256 ${actual.sha256} (${actual.size} bytes), ${BUNDLE_MANIFEST_FILE} says ${entry.sha256} (${entry.size} bytes)`);
      }
    }
    for (const e of zip.entries) {
      if (!CONTROL.has(e.name) && !listed.has(e.name)) checks.fail('manifest.entries', `${e.name}: in the zip but not listed in ${BUNDLE_MANIFEST_FILE}`);
    }
    if (sums && !sums.sums.has(BUNDLE_MANIFEST_FILE)) checks.fail('sha256sums.complete', `${BUNDLE_MANIFEST_FILE} is not listed in ${SHA256SUMS_FILE}`);
    checks.pass('manifest.entries', `${manifest.entries.length} entries match ${BUNDLE_MANIFEST_FILE} (path, size, SHA-256)`);
  } else {
    checks.skip('manifest.entries', `${BUNDLE_MANIFEST_FILE} could not be read`);
  }

  // 5. The signature over SHA256SUMS, by the key in the bundle, which manifest.json names by fingerprint.
  const signer = verifySigner(control, manifest, expectedKey, checks);

  // 6. Snapshots and the chain between them.
  if (snapshotManifests.length === 0) {
    checks.skip('snapshots.manifests', 'the bundle holds no snapshot manifests');
    checks.skip('snapshots.chain', 'the bundle holds no snapshot manifests');
  } else {
    checks.pass('snapshots.manifests', `${snapshotManifests.length} snapshot manifests valid against manifest.v1`);
    for (const problem of verifyChain(snapshotManifests.map((s) => s.stored))) {
      checks.fail('snapshots.chain', `snapshot ${problem.snapshotId}: ${problem.message}`);
    }
    const ordered = [...snapshotManifests].sort((a, b) => a.stored.manifest.createdAt.localeCompare(b.stored.manifest.createdAt));
    checks.pass('snapshots.chain', `${ordered.length} snapshots chained, ${ordered[0].stored.manifest.snapshotId} … ${ordered.at(-1)!.stored.manifest.snapshotId}`);
  }

  // 7. Evidence is byte-identical to what its snapshot recorded.
  const snapshotFiles = new Map(snapshotManifests.map((s) => [s.stored.manifest.snapshotId, new Map(s.stored.manifest.files.map((f) => [f.path, f]))]));
  let matched = 0;
  for (const entry of manifest?.entries ?? []) {
    if (entry.role === 'evidence' && !entry.snapshot) checks.fail('evidence.snapshot-match', `${entry.path}: evidence without the snapshot it came from`);
    if (!entry.snapshot) continue;
    const files = snapshotFiles.get(entry.snapshot.id);
    const actual = hashes.get(entry.path);
    if (!files) {
      checks.fail('evidence.snapshot-match', `${entry.path}: snapshot ${entry.snapshot.id} is not in the bundle (${snapshotManifestPath(entry.snapshot.id)})`);
      continue;
    }
    const recorded = files.get(entry.snapshot.path);
    if (!recorded) checks.fail('evidence.snapshot-match', `${entry.path}: snapshot ${entry.snapshot.id} does not list ${entry.snapshot.path}`);
    else if (!actual) continue;
    else if (recorded.sha256 !== actual.sha256 || recorded.size !== actual.size) {
      checks.fail('evidence.snapshot-match', `${entry.path}: SHA-256 ${actual.sha256}, but snapshot ${entry.snapshot.id} recorded ${recorded.sha256} for ${entry.snapshot.path}`);
    } else if (recorded.sha256 !== entry.snapshot.sha256) {
      checks.fail('evidence.snapshot-match', `${entry.path}: ${BUNDLE_MANIFEST_FILE} quotes ${entry.snapshot.sha256} for snapshot ${entry.snapshot.id}, which recorded ${recorded.sha256}`);
    } else {
      matched += 1;
    }
  }
  for (const envelope of envelopes) {
    const claimed = manifest?.entries.find((m) => m.path === envelope.path)?.snapshot?.id;
    if (claimed && claimed !== envelope.snapshotId) {
      checks.fail('evidence.snapshot-match', `${envelope.path}: the envelope says snapshot ${envelope.snapshotId}, ${BUNDLE_MANIFEST_FILE} says ${claimed}`);
    }
  }
  if (matched === 0 && !(manifest?.entries.some((e) => e.snapshot) ?? false)) checks.skip('evidence.snapshot-match', 'no entry was copied from a snapshot');
  else checks.pass('evidence.snapshot-match', `${matched} files byte-identical to their snapshot's record`);

  if (evidenceChecked === 0) checks.skip('evidence.schemas', 'the bundle holds no evidence envelopes');
  else checks.pass('evidence.schemas', `${evidenceChecked} evidence envelopes valid against envelope.v1 and their data schemas`);
  if (oscalChecked === 0) checks.skip('oscal.schema', 'the bundle holds no OSCAL document');
  else checks.pass('oscal.schema', `${oscalChecked} OSCAL document valid against NIST's OSCAL 1.1.2 assessment-results schema`);

  const list = checks.list();
  return {
    bundle: zip.file,
    valid: list.every((c) => c.status !== 'fail'),
    checks: list,
    manifest: manifest ? omitEntries(manifest) : null,
    signer,
    entries: zip.entries.length,
    bytes,
  };
}

function verifySigner(
  control: Map<string, Buffer>,
  manifest: BundleManifest | null,
  expectedKey: KeyObject | undefined,
  checks: Checks,
): BundleVerification['signer'] {
  const sums = control.get(SHA256SUMS_FILE);
  const signature = control.get(SIGNATURE_FILE);
  const pem = control.get(PUBLIC_KEY_FILE);
  let fingerprint: string | null = null;
  let key: KeyObject | undefined;
  if (!signature) checks.fail('signature', `${SIGNATURE_FILE} is missing`);
  else if (signature.length !== 64) checks.fail('signature', `${SIGNATURE_FILE} is ${signature.length} bytes; an Ed25519 signature is 64`);
  if (!pem) {
    checks.fail('signature', `${PUBLIC_KEY_FILE} is missing`);
  } else {
    try {
      key = parsePublicKey(pem, PUBLIC_KEY_FILE);
      fingerprint = publicKeyFingerprint(key);
    } catch (error) {
      checks.fail('signature', (error as Error).message);
    }
  }
  if (key && sums && signature?.length === 64) {
    if (!verifySignature(sums, signature, key)) checks.fail('signature', `${SIGNATURE_FILE} is not a valid signature of ${SHA256SUMS_FILE} by ${PUBLIC_KEY_FILE} (${fingerprint})`);
  }
  if (fingerprint && manifest && manifest.signing.publicKeySha256 !== fingerprint) {
    checks.fail('signature', `${PUBLIC_KEY_FILE} has fingerprint ${fingerprint}, but ${BUNDLE_MANIFEST_FILE} names ${manifest.signing.publicKeySha256} (the key was replaced)`);
  }
  checks.pass('signature', `${SHA256SUMS_FILE} is signed by ${PUBLIC_KEY_FILE} (Ed25519, fingerprint ${fingerprint})`);

  let matchesExpectedKey: boolean | null = null;
  if (expectedKey) {
    const expected = publicKeyFingerprint(expectedKey);
    matchesExpectedKey = expected === fingerprint;
    if (!matchesExpectedKey) checks.fail('signer', `the bundle is signed by key ${fingerprint ?? '(none)'}, not by the expected key ${expected}`);
    else checks.pass('signer', `signed by the expected key ${expected}`);
  } else {
    const kind = manifest?.signing.key === 'one-time' ? 'a one-time key (not any known key)' : 'a key';
    checks.skip('signer', `signed by ${kind}, fingerprint ${fingerprint ?? 'unknown'}; not compared with a known key (give --public-key)`);
  }
  return { publicKeySha256: fingerprint, key: manifest?.signing.key ?? null, matchesExpectedKey };
}

interface EntryOutcome {
  role: BundleRole | undefined;
  hashed?: Hashed;
  failures: Array<[VerifyCheckName, string]>;
  snapshotManifest?: StoredManifest;
  envelopeSnapshotId?: string;
}

/** Reads one entry: its SHA-256 and size; for snapshot manifests, evidence and OSCAL, its parsed checks. */
async function inspectEntry(zip: ZipReader, e: ZipEntryInfo, role: BundleRole | undefined, preloaded: Buffer | undefined, limits: VerifyLimits): Promise<EntryOutcome> {
  const outcome: EntryOutcome = { role, failures: [] };
  const parse = role === 'evidence' || role === 'snapshot-manifest' || role === 'oscal';
  let content = preloaded;
  try {
    if (!content && parse) content = await zip.readEntry(e, limits.maxJsonBytes);
    outcome.hashed = content ? { sha256: sha256Hex(content), size: content.length } : await hashStream(zip, e);
  } catch (error) {
    outcome.failures.push(['entries.readable', `${e.name}: ${(error as Error).message}`]);
    return outcome;
  }
  if (!content || !parse) return outcome;
  if (role === 'snapshot-manifest') {
    try {
      const parsed = parseManifest(content, e.name);
      if (e.name !== snapshotManifestPath(parsed.snapshotId)) {
        outcome.failures.push(['snapshots.manifests', `${e.name}: is the manifest of snapshot ${parsed.snapshotId}, expected at ${snapshotManifestPath(parsed.snapshotId)}`]);
      }
      outcome.snapshotManifest = { manifest: parsed, bytes: content, sha256: outcome.hashed.sha256 };
    } catch (error) {
      outcome.failures.push(['snapshots.manifests', `${e.name}: ${(error as Error).message}`]);
    }
  } else if (role === 'evidence') {
    try {
      const value = JSON.parse(content.toString('utf8')) as unknown;
      validateEnvelope(value, e.name);
      outcome.envelopeSnapshotId = value.snapshotId;
    } catch (error) {
      outcome.failures.push(['evidence.schemas', error instanceof SyntaxError ? `${e.name}: not JSON (${error.message})` : (error as Error).message]);
    }
  } else {
    try {
      const problems = validateAssessmentResults(JSON.parse(content.toString('utf8')));
      for (const p of problems.slice(0, 20)) outcome.failures.push(['oscal.schema', `${e.name}: ${p}`]);
      if (problems.length > 20) outcome.failures.push(['oscal.schema', `${e.name}: … and ${problems.length - 20} more`]);
    } catch (error) {
      outcome.failures.push(['oscal.schema', `${e.name}: not JSON (${(error as Error).message})`]);
    }
  }
  return outcome;
}

async function hashStream(zip: ZipReader, entry: ZipEntryInfo): Promise<Hashed> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of await zip.openStream(entry)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** An entry name as printed: quoted when it could mislead (control characters, leading or trailing spaces, unsafe). */
function displayName(name: string): string {
  return unsafePathProblem(name) || /^\s|\s$/.test(name) ? JSON.stringify(name) : name;
}

function omitEntries(manifest: BundleManifest): Omit<BundleManifest, 'entries'> {
  const { entries: _entries, ...rest } = manifest;
  return rest;
}

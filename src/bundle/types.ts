/** Plain-data types of the auditor's bundle (docs/BUNDLE.md describes the format). */

/** What an entry is, recorded in manifest.json so that verify knows which checks apply. */
export const BUNDLE_ROLES = [
  'readme',
  'pdf',
  'diagram',
  'csv',
  'population',
  'population-provenance',
  'control-results',
  'evidence',
  'snapshot-manifest',
  'oscal',
  'other',
] as const;
export type BundleRole = (typeof BUNDLE_ROLES)[number];

/** Files every bundle has, written by writeBundle itself (never passed as entries). */
export const BUNDLE_MANIFEST_FILE = 'manifest.json';
export const SHA256SUMS_FILE = 'SHA256SUMS';
export const SIGNATURE_FILE = 'SHA256SUMS.sig';
export const PUBLIC_KEY_FILE = 'signing-key.pub';
export const README_FILE = '00_README.txt';
/** Written last, in this order, after the content entries. */
export const CONTROL_FILES: readonly string[] = [BUNDLE_MANIFEST_FILE, SHA256SUMS_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE];

/** Where a bundle entry came from inside a snapshot of the evidence store. */
export interface SnapshotSource {
  snapshotId: string;
  /** Path inside the snapshot folder, e.g. `evidence/123456789012/us-east-1/backup.vaults.json`. */
  path: string;
}

/** One file to put in the bundle: its bytes (in memory, or a file read once while zipping) and its role. */
export interface BundleEntryInput {
  /** Path inside the zip: relative, `/`-separated, portable (see checkBundlePath). */
  path: string;
  role: BundleRole;
  /** Absolute path of a file on disk (streamed; bounded memory). */
  file?: string;
  /** The bytes themselves (strings are UTF-8). */
  bytes?: Buffer | string;
  /**
   * For evidence (required) and any other file copied from a snapshot: where it lives there. The
   * bundle must also hold `snapshots/<snapshotId>/manifest.json`; the entry's bytes must match what
   * that manifest recorded.
   */
  source?: SnapshotSource;
}

export interface BundlePeriod {
  /** Inclusive UTC days, `YYYY-MM-DD` (or ISO date-times). */
  start: string;
  end: string;
}

/** What the caller says about the bundle. Nothing here is read from the clock: the same input gives the same bytes. */
export interface BundleMetadata {
  organization: string;
  system: string;
  period: BundlePeriod;
  /** ISO 8601 UTC; also the timestamp of every zip entry. Supplied by the caller for determinism. */
  generatedAt: string;
  /** Default: this proofpack's version. */
  toolVersion?: string;
  /** Default: a UUID v5 derived from the metadata and the SHA-256 of every entry. */
  bundleId?: string;
}

/** How the bundle was signed, as recorded in manifest.json and the README. */
export interface BundleSigning {
  algorithm: 'Ed25519';
  /** `provided`: the caller's key (e.g. `report --signing-key`); `one-time`: generated for this bundle and thrown away. */
  key: 'provided' | 'one-time';
  publicKeyFile: typeof PUBLIC_KEY_FILE;
  /** SHA-256 of the public key's DER (SPKI) encoding: `openssl pkey -pubin -in signing-key.pub -outform DER | sha256sum`. */
  publicKeySha256: string;
  signatureFile: typeof SIGNATURE_FILE;
  signedFile: typeof SHA256SUMS_FILE;
}

export interface BundleManifestEntry {
  path: string;
  role: BundleRole;
  size: number;
  sha256: string;
  /** For entries copied from a snapshot: the snapshot, the path there, and the SHA-256 its manifest recorded. */
  snapshot?: { id: string; path: string; sha256: string };
}

/** `manifest.json` of a bundle. */
export interface BundleManifest {
  bundle: 'proofpack.bundle/v1';
  bundleId: string;
  organization: string;
  system: string;
  period: BundlePeriod;
  toolVersion: string;
  generatedAt: string;
  signing: BundleSigning;
  /** Every entry except manifest.json, SHA256SUMS, SHA256SUMS.sig and signing-key.pub, in zip order. */
  entries: BundleManifestEntry[];
}

/** What writeBundle returns. */
export interface WrittenBundle {
  file: string;
  /** SHA-256 of the zip file. */
  sha256: string;
  size: number;
  manifest: BundleManifest;
  /** PEM (SPKI) of the key that signed SHA256SUMS. */
  publicKeyPem: string;
}

/** Plain-data types of the evidence layer (see evidence-schemas/envelope.v1, gap.v1, manifest.v1). */

export interface TimeWindow {
  /** ISO 8601 UTC. */
  start: string;
  end: string;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId?: string;
}

export type CallOutcome = 'ok' | 'absent' | 'error';

/** One API operation as a collector made it: what was asked, how many pages and records came back. */
export interface CallRecord {
  /** IAM action form: `backup:ListBackupVaults`. */
  operation: string;
  parameters: Record<string, unknown>;
  region?: string;
  pages: number;
  records: number;
  requestIds?: string[];
  outcome: CallOutcome;
  errorCode?: string;
}

export interface Provenance {
  toolVersion: string;
  callerIdentity: CallerIdentity | null;
  endpoint?: string;
  startedAt: string;
  endedAt: string;
  source?: string;
  /** An organization-wide listing made with another account's role (callerIdentity), filtered to this envelope's account. */
  view?: string;
  calls: CallRecord[];
}

export type GapKind = 'denied' | 'throttled' | 'failed' | 'unsupported' | 'window' | 'account' | 'invalid';

/** Evidence that should exist and does not, and why. */
export interface Gap {
  collector: string;
  account: string;
  region: string;
  kind: GapKind;
  operation?: string;
  errorCode?: string;
  message: string;
  resource?: string;
  window?: TimeWindow;
  at?: string;
}

export interface Envelope<T = unknown> {
  envelope: 'proofpack.evidence/v1';
  id: string;
  snapshotId: string;
  collector: string;
  schema: string;
  account: string;
  region: string;
  window: TimeWindow;
  complete: boolean;
  provenance: Provenance;
  recordCount: number;
  gaps: Gap[];
  data: T;
}

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

export interface ManifestAccount {
  id: string;
  name?: string;
  callerIdentity?: CallerIdentity | null;
}

export interface ChainLink {
  snapshotId: string;
  manifestSha256: string;
}

export interface Manifest {
  manifest: 'proofpack.manifest/v1';
  snapshotId: string;
  runId?: string;
  createdAt: string;
  startedAt: string;
  toolVersion: string;
  organization?: string;
  system?: string;
  sources: string[];
  accounts: ManifestAccount[];
  regions: string[];
  shard?: string;
  previous: ChainLink | null;
  files: ManifestFile[];
}

/** Metadata a snapshot is started with; `files` and `previous` are filled in on commit. */
export type SnapshotMetadata = Omit<Manifest, 'manifest' | 'files' | 'previous' | 'createdAt'>;

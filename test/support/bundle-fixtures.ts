import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { runCli } from '../../src/cli/main.js';
import { buildAssessmentResults, OSCAL_DOCUMENT_PATH, type EvaluationForBundle } from '../../src/bundle/oscal.js';
import { buildPopulationFiles } from '../../src/bundle/population.js';
import { snapshotManifestPath } from '../../src/bundle/write-bundle.js';
import type { BundleEntryInput, BundleMetadata } from '../../src/bundle/types.js';
import { canonicalJson } from '../../src/util/canonical-json.js';
import { envelopePath, evidenceId, validateEnvelope } from '../../src/evidence/envelope.js';
import { LocalEvidenceStore } from '../../src/evidence/local-store.js';
import type { CommittedSnapshot } from '../../src/evidence/store.js';
import type { Envelope } from '../../src/evidence/types.js';

/**
 * Real inputs for bundle tests: a local evidence store with chained snapshots whose envelopes
 * validate against s3.buckets.v1, and the entries a report would put in a bundle.
 */

export const ACCOUNT = '111111111111';
export const REGIONS = ['us-east-1', 'us-west-2'] as const;
export const METADATA: BundleMetadata = {
  organization: 'Larkspur Health, Inc.',
  system: 'Larkspur Care Platform',
  period: { start: '2026-01-01', end: '2026-06-30' },
  generatedAt: '2026-07-01T06:00:00Z',
};

export async function makeTempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function s3Envelope(snapshotId: string, region: string, day: string, buckets: string[]): Envelope {
  const envelope: Envelope = {
    envelope: 'proofpack.evidence/v1',
    id: evidenceId(snapshotId, ACCOUNT, region, 's3.buckets'),
    snapshotId,
    collector: 's3.buckets',
    schema: 's3.buckets.v1',
    account: ACCOUNT,
    region,
    window: { start: `${day}T02:00:00Z`, end: `${day}T02:00:00Z` },
    complete: true,
    provenance: {
      toolVersion: '0.1.0',
      callerIdentity: { account: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/proofpack-read/proofpack` },
      startedAt: `${day}T02:00:00Z`,
      endedAt: `${day}T02:00:05Z`,
      calls: [{ operation: 's3:ListBuckets', parameters: {}, pages: 1, records: buckets.length, outcome: 'ok', requestIds: ['REQ1'] }],
    },
    recordCount: buckets.length,
    gaps: [],
    data: { buckets: buckets.map((name) => ({ name, region, tags: null, versioning: { Status: 'Enabled' }, replication: null })) },
  };
  validateEnvelope(envelope);
  return envelope;
}

/** Commits `count` snapshots (one a month from January), each with an envelope per region, chained. */
export async function buildStore(root: string, count = 3): Promise<{ store: LocalEvidenceStore; snapshots: CommittedSnapshot[] }> {
  const store = new LocalEvidenceStore(root);
  const snapshots: CommittedSnapshot[] = [];
  for (let i = 0; i < count; i++) {
    const day = `2026-0${i + 1}-15`;
    const id = `2026${String(i + 1).padStart(2, '0')}15T020000Z-a${i}`;
    const writer = await store.beginSnapshot(id);
    for (const region of REGIONS) {
      await writer.writeFile(envelopePath(ACCOUNT, region, 's3.buckets'), canonicalJson(s3Envelope(id, region, day, [`records-${region}`, `logs-${region}-${i}`])));
    }
    await writer.writeFile('index.json', canonicalJson({ index: 'proofpack.snapshot-index/v1', snapshotId: id, envelopes: [] }));
    snapshots.push(
      await writer.commit(
        { snapshotId: id, startedAt: `${day}T02:00:00.000Z`, toolVersion: '0.1.0', organization: METADATA.organization, system: METADATA.system, sources: ['s3.buckets'], accounts: [{ id: ACCOUNT, name: 'prod' }], regions: [...REGIONS] },
        { createdAt: new Date(`${day}T02:10:00Z`) },
      ),
    );
  }
  return { store, snapshots };
}

export const EVALUATION: EvaluationForBundle = {
  period: { start: '2026-01-01', end: '2026-06-30' },
  controls: [
    {
      id: 'replication.s3',
      title: 'In-scope buckets are versioned and replicate to another approved region',
      criteria: ['A1.2'],
      status: 'fail',
      summary: '1 of 2 in-scope buckets does not replicate.',
      exceptions: [
        {
          resource: 'arn:aws:s3:::records-us-west-2',
          account: ACCOUNT,
          region: 'us-west-2',
          from: '2026-01-15T02:00:00Z',
          to: '2026-03-15T02:00:00Z',
          message: 'Bucket records-us-west-2 has no replication configuration.',
          evidence: [evidenceId('20260315T020000Z-a2', ACCOUNT, 'us-west-2', 's3.buckets')],
        },
      ],
    },
    { id: 'monitoring.cloudtrail', title: 'A multi-region trail logs with log file validation throughout the period', criteria: ['CC7.2'], status: 'pass', summary: 'org-trail logged all period.', exceptions: [] },
  ],
};

/** What `proofpack report` will pass to writeBundle: documents, a population, evidence, snapshot manifests, OSCAL. */
export function bundleEntries(storeRoot: string, snapshots: readonly CommittedSnapshot[]): BundleEntryInput[] {
  const entries: BundleEntryInput[] = [
    { path: '01_System_Description.pdf', role: 'pdf', bytes: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n') },
    { path: '03_Control_Results.json', role: 'control-results', bytes: canonicalJson(EVALUATION) },
    { path: '05_Exceptions.csv', role: 'csv', bytes: 'control,resource\r\nreplication.s3,arn:aws:s3:::records-us-west-2\r\n' },
  ];
  const evidence: Array<{ id: string; path: string; sha256: string; snapshotId: string }> = [];
  for (const snapshot of snapshots) {
    const id = snapshot.manifest.snapshotId;
    entries.push({ path: snapshotManifestPath(id), role: 'snapshot-manifest', file: path.join(storeRoot, 'snapshots', id, 'manifest.json') });
    for (const region of REGIONS) {
      const rel = envelopePath(ACCOUNT, region, 's3.buckets');
      const eid = evidenceId(id, ACCOUNT, region, 's3.buckets');
      const bundlePath = `evidence/A1.2/replication.s3/${eid}.json`;
      const recorded = snapshot.manifest.files.find((f) => f.path === rel)!;
      evidence.push({ id: eid, path: bundlePath, sha256: recorded.sha256, snapshotId: id });
      entries.push({ path: bundlePath, role: 'evidence', file: path.join(storeRoot, 'snapshots', id, rel), source: { snapshotId: id, path: rel } });
    }
  }
  const population = buildPopulationFiles({
    name: 'backup-jobs',
    description: 'Every AWS Backup job that started in the period',
    period: METADATA.period,
    generatedAt: METADATA.generatedAt,
    columns: ['job_id', 'account', 'region', 'state', 'started'],
    rows: Array.from({ length: 40 }, (_, i) => ({
      job_id: `job-${String(i).padStart(3, '0')}`,
      account: ACCOUNT,
      region: REGIONS[i % 2],
      state: i % 9 === 0 ? 'FAILED' : 'COMPLETED',
      started: `2026-01-${String((i % 28) + 1).padStart(2, '0')}T05:00:00Z`,
    })),
    snapshotIds: snapshots.map((s) => s.manifest.snapshotId),
    sources: [],
  });
  entries.push(...population.entries);
  const oscal = buildAssessmentResults(
    EVALUATION,
    evidence.map((e) => ({ ...e, schema: 's3.buckets.v1', collector: 's3.buckets', account: ACCOUNT, controls: ['replication.s3'] })),
    { organization: METADATA.organization, system: METADATA.system, generatedAt: METADATA.generatedAt },
  );
  entries.push({ path: OSCAL_DOCUMENT_PATH, role: 'oscal', bytes: canonicalJson(oscal) });
  return entries;
}

// ---- raw zip reading and writing, to tamper with bundles the way an attacker could ----

export interface RawZipEntry {
  name: string;
  data: Buffer;
  /** 0 stored (default) or 8 deflated. */
  method?: 0 | 8;
  /** Uncompressed size to declare, when it should lie. */
  declaredSize?: number;
  /** Unix mode including the file type bits; default a regular file, 0644. */
  mode?: number;
  /** Raw general purpose bit flag (bit 0 = encrypted). */
  flags?: number;
  /** Extra field bytes, in both the local header and the central directory. */
  extra?: Buffer;
}

/** Reads every entry of a zip (names as stored, data uncompressed). */
export async function readRawZip(file: string): Promise<RawZipEntry[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true, decodeStrings: false }, (e, z) => (e ? reject(e) : resolve(z))));
  const entries: RawZipEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          entries.push({ name: Buffer.from(entry.fileNameRaw).toString('utf8'), data: Buffer.concat(chunks), mode: entry.externalFileAttributes >>> 16 });
          zip.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  zip.close();
  return entries;
}

/** Writes entries as a plain stored zip, names and attributes exactly as given (no sanitizing). */
export function buildRawZip(entries: readonly RawZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(entry.data) >>> 0;
    const method = entry.method ?? 0;
    const body = method === 8 ? deflateRawSync(entry.data) : entry.data;
    const size = entry.declaredSize ?? entry.data.length;
    const flags = (entry.flags ?? 0) | 0x800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(0x00210000, 10);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    const extra = entry.extra ?? Buffer.alloc(0);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    locals.push(local, name, extra, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(0x00210000, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name, extra);
    offset += 30 + name.length + extra.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Runs the CLI in-process and returns what it printed and its exit code. */
export async function runCliCaptured(argv: string[], cwd = process.cwd()): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false, env: {}, cwd });
  return { code, stdout, stderr };
}

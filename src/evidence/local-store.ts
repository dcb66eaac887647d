import { randomBytes } from 'node:crypto';
import { appendFile, link, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { StoreError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { sha256Hex } from '../util/hash.js';
import { MANIFEST_FILE, parseManifest } from './manifest.js';
import { isSnapshotId } from './snapshot-id.js';
import { StoreSnapshotWriter } from './snapshot-writer.js';
import {
  assertSafeRelativePath,
  assertStoreFilePath,
  type BeginSnapshotOptions,
  type EvidenceStore,
  type RunLogEntry,
  type SnapshotWriter,
  type StoredManifest,
} from './store.js';
import type { ChainLink, ManifestFile } from './types.js';

const PARTIAL = '.partial';
const LOCK_STALE_MS = 10 * 60_000;
const LOCK_WAIT_MS = 60_000;

/**
 * The default evidence store: a folder. `snapshots/<id>.partial/` while a snapshot is written,
 * renamed to `snapshots/<id>/` once its manifest (written last) is in place.
 */
export class LocalEvidenceStore implements EvidenceStore {
  readonly location: string;
  private readonly snapshotsDir: string;

  constructor(root: string) {
    this.location = path.resolve(root);
    this.snapshotsDir = path.join(this.location, 'snapshots');
  }

  async listSnapshotIds(): Promise<string[]> {
    const names = await readdirIfExists(this.snapshotsDir);
    const ids: string[] = [];
    for (const name of names) {
      if (!isSnapshotId(name)) continue;
      if (await exists(path.join(this.snapshotsDir, name, MANIFEST_FILE))) ids.push(name);
    }
    return ids.sort();
  }

  async listPartialSnapshotIds(): Promise<string[]> {
    const names = await readdirIfExists(this.snapshotsDir);
    return names
      .filter((n) => n.endsWith(PARTIAL) && isSnapshotId(n.slice(0, -PARTIAL.length)))
      .map((n) => n.slice(0, -PARTIAL.length))
      .sort();
  }

  async readManifest(snapshotId: string): Promise<StoredManifest> {
    const file = path.join(this.snapshotDir(snapshotId), MANIFEST_FILE);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new StoreError(`${file}: cannot read the snapshot manifest (${(error as Error).message})`, { cause: error });
    }
    return { manifest: parseManifest(bytes, file), bytes, sha256: sha256Hex(bytes) };
  }

  async readSnapshotFile(snapshotId: string, relPath: string): Promise<Buffer> {
    assertSafeRelativePath(relPath);
    const file = path.join(this.snapshotDir(snapshotId), relPath);
    try {
      return await readFile(file);
    } catch (error) {
      throw new StoreError(`${file}: cannot read (${(error as Error).message})`, { cause: error });
    }
  }

  async listSnapshotFiles(snapshotId: string): Promise<string[]> {
    return listFilesRecursive(this.snapshotDir(snapshotId));
  }

  async beginSnapshot(id: string, options: BeginSnapshotOptions = {}): Promise<SnapshotWriter> {
    if (!isSnapshotId(id)) throw new StoreError(`invalid snapshot id ${JSON.stringify(id)}`);
    const partialDir = path.join(this.snapshotsDir, id + PARTIAL);
    const finalDir = this.snapshotDir(id);
    if (await exists(finalDir)) throw new StoreError(`${finalDir} already exists: snapshot ids are never reused`);
    const files = new Map<string, ManifestFile>();
    if (options.join) await mkdir(partialDir, { recursive: true });
    // Local files are cheap to re-read, so `knownFiles` is not needed: every file is hashed again.
    if (options.resume) {
      if (!(await exists(partialDir))) throw new StoreError(`${partialDir}: no partial snapshot to resume`);
      for (const rel of await listFilesRecursive(partialDir)) {
        const bytes = await readFile(path.join(partialDir, rel));
        files.set(rel, { path: rel, sha256: sha256Hex(bytes), size: bytes.length });
      }
    } else if (!options.join) {
      await mkdir(this.snapshotsDir, { recursive: true });
      try {
        await mkdir(partialDir);
      } catch (error) {
        throw new StoreError(`${partialDir}: cannot start a snapshot (${(error as Error).message})`, { cause: error });
      }
    }
    return new LocalSnapshotWriter(this, id, partialDir, finalDir, files);
  }

  async appendRunLog(entry: RunLogEntry): Promise<void> {
    await mkdir(this.location, { recursive: true });
    // One write call per line: O_APPEND keeps concurrent lines whole.
    await appendFile(path.join(this.location, 'runs.jsonl'), JSON.stringify(entry) + '\n', 'utf8');
  }

  async readRunLog(): Promise<RunLogEntry[]> {
    let text: string;
    try {
      text = await readFile(path.join(this.location, 'runs.jsonl'), 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((line) => line.trim())
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as RunLogEntry];
        } catch {
          return [];
        }
      });
  }

  async readStoreFile(relPath: string): Promise<Buffer | null> {
    assertStoreFilePath(relPath);
    try {
      return await readFile(path.join(this.location, relPath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StoreError(`${path.join(this.location, relPath)}: cannot read (${(error as Error).message})`, { cause: error });
    }
  }

  async writeStoreFile(relPath: string, data: string | Uint8Array, options: { ifAbsent?: boolean } = {}): Promise<boolean> {
    assertStoreFilePath(relPath);
    const file = path.join(this.location, relPath);
    if (!options.ifAbsent) {
      await writeFileAtomic(file, data);
      return true;
    }
    // Create-if-absent with the whole content at once: write a temporary file, then link() it to
    // the name, which fails if the name exists (atomic on POSIX file systems).
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFileAtomic(tmp, data);
    try {
      await link(tmp, file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new StoreError(`${file}: cannot create (${(error as Error).message})`, { cause: error });
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async listStoreFiles(prefix: string): Promise<string[]> {
    assertStoreFilePath(prefix);
    const dir = path.join(this.location, prefix);
    if (!(await exists(dir))) return [];
    return (await listFilesRecursive(dir)).map((rel) => `${prefix.replace(/\/+$/, '')}/${rel}`);
  }

  /** The newest committed snapshot by commit time: what a new manifest chains to. */
  async chainHead(): Promise<ChainLink | null> {
    let head: { link: ChainLink; createdAt: string } | null = null;
    for (const id of await this.listSnapshotIds()) {
      const { manifest, sha256 } = await this.readManifest(id);
      const key = manifest.createdAt;
      if (!head || key > head.createdAt || (key === head.createdAt && id > head.link.snapshotId)) {
        head = { link: { snapshotId: id, manifestSha256: sha256 }, createdAt: key };
      }
    }
    return head?.link ?? null;
  }

  /** Serializes commits so that two snapshots never chain to the same predecessor. */
  async withLock<T>(task: () => Promise<T>): Promise<T> {
    await mkdir(this.location, { recursive: true });
    const lock = path.join(this.location, '.lock');
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const handle = await open(lock, 'wx');
        await handle.writeFile(JSON.stringify({ pid: process.pid, at: new Date().toISOString() }));
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const info = await stat(lock).catch(() => undefined);
        if (info && Date.now() - info.mtimeMs > LOCK_STALE_MS) {
          await rm(lock, { force: true });
          continue;
        }
        if (Date.now() > deadline) {
          throw new StoreError(`${lock}: another proofpack run holds the store lock; remove the file if no run is active`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    try {
      return await task();
    } finally {
      await rm(lock, { force: true });
    }
  }

  snapshotDir(snapshotId: string): string {
    if (!isSnapshotId(snapshotId)) throw new StoreError(`invalid snapshot id ${JSON.stringify(snapshotId)}`);
    return path.join(this.snapshotsDir, snapshotId);
  }
}

class LocalSnapshotWriter extends StoreSnapshotWriter {
  constructor(
    store: LocalEvidenceStore,
    snapshotId: string,
    private readonly partialDir: string,
    private readonly finalDir: string,
    files: Map<string, ManifestFile>,
  ) {
    super(store, snapshotId, files);
  }

  protected async putFile(relPath: string, bytes: Uint8Array): Promise<void> {
    await writeFileAtomic(path.join(this.partialDir, relPath), bytes);
  }

  /** The manifest goes into the partial folder, which is then renamed to the snapshot's own. */
  protected async publish(manifestBytes: Buffer): Promise<string> {
    await writeFileAtomic(path.join(this.partialDir, MANIFEST_FILE), manifestBytes);
    await rename(this.partialDir, this.finalDir);
    return this.finalDir;
  }

  async readFile(relPath: string): Promise<Buffer> {
    assertSafeRelativePath(relPath);
    return readFile(path.join(this.partialDir, relPath));
  }

  async suspend(): Promise<void> {
    // Nothing to do: the partial folder stays for `collect --resume`.
  }

  async abort(): Promise<void> {
    await rm(this.partialDir, { recursive: true, force: true });
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function readdirIfExists(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new StoreError(`${dir}: cannot list (${(error as Error).message})`, { cause: error });
  }
}

async function listFilesRecursive(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFilesRecursive(root, rel)));
    else if (!entry.name.startsWith('.') || !entry.name.endsWith('.tmp')) out.push(rel);
  }
  return out.sort();
}

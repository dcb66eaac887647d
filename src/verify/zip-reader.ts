import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { unsafePathProblem } from '../bundle/entry-path.js';
import { InputError } from '../errors.js';

/**
 * A zip read for checking, never for extracting: names are decoded here (not by yauzl, which
 * would stop at the first unsafe name instead of letting us report it), every entry's local
 * header is compared with its central directory record, and entry data is streamed, inflated
 * and size-checked by yauzl (declared size = actual size, or the stream errors).
 */

export type ZipEntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface ZipEntryInfo {
  /** Position in the central directory, 0-based. */
  index: number;
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  compressionMethod: number;
  encrypted: boolean;
  type: ZipEntryType;
  /** Set when an Info-ZIP Unicode Path extra field gives another name (which extractors may use). */
  unicodePathName?: string;
  localHeaderOffset: number;
  /** The yauzl entry, to open its data. */
  raw: yauzl.Entry;
}

export interface ZipLimits {
  /** Most entries read from the central directory. */
  maxEntries: number;
  /** Largest uncompressed size of one entry. */
  maxEntryBytes: number;
  /** Largest sum of uncompressed sizes. */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio of an entry over 1 MiB (deflate's own ceiling is about 1032). */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 1_000_000,
  maxEntryBytes: 64 * 2 ** 30,
  maxTotalBytes: 1024 * 2 ** 30,
  maxRatio: 200,
};

const RATIO_FLOOR = 2 ** 20;
const UNIX_PLATFORMS = new Set([3, 19]);

export interface ZipProblem {
  /** Entry name, or '' for the archive as a whole. */
  entry: string;
  message: string;
}

export class ZipReader {
  private constructor(
    readonly file: string,
    private readonly zip: yauzl.ZipFile,
    readonly entries: ZipEntryInfo[],
    /** Unsafe or inconsistent entries and archive structure problems, each naming its entry. */
    readonly problems: ZipProblem[],
  ) {}

  /**
   * Opens a zip and reads its central directory. Throws InputError (exit 2) when the file cannot
   * be read or is not a zip at all; structure problems after that are returned in `problems`.
   */
  static async open(file: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipReader> {
    let zip: yauzl.ZipFile;
    try {
      zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
        yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (error, z) => (error ? reject(error) : resolve(z))),
      );
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const message = e.code === 'ENOENT' ? 'no such file' : e.code ? `cannot read (${e.code})` : `not a zip file (${e.message})`;
      throw new InputError([{ file, path: '', message }], { cause: error });
    }
    const problems: ZipProblem[] = [];
    const centralDirectoryOffset = (zip as unknown as { readEntryCursor: number }).readEntryCursor;
    if (zip.entryCount > limits.maxEntries) {
      problems.push({ entry: '', message: `declares ${zip.entryCount} entries, more than the limit of ${limits.maxEntries}` });
      return new ZipReader(file, zip, [], problems);
    }
    const entries = await readCentralDirectory(zip, problems);
    const reader = new ZipReader(file, zip, entries, problems);
    await reader.checkEntries(limits, centralDirectoryOffset);
    return reader;
  }

  /** The entry's uncompressed bytes as a stream; errors if they differ in length from the declared size. */
  openStream(entry: ZipEntryInfo): Promise<Readable> {
    return new Promise((resolve, reject) => {
      try {
        this.zip.openReadStream(entry.raw, (error, stream) => (error ? reject(error) : resolve(stream)));
      } catch (error) {
        reject(error as Error);
      }
    });
  }

  /** Reads a whole entry into memory, refusing entries larger than `maxBytes`. */
  async readEntry(entry: ZipEntryInfo, maxBytes: number): Promise<Buffer> {
    if (entry.uncompressedSize > maxBytes) throw new Error(`${entry.name} is ${entry.uncompressedSize} bytes, more than ${maxBytes} allowed for this kind of entry`);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openStream(entry)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  close(): void {
    this.zip.close();
  }

  /** Safety of every entry: name, type, encryption, method, sizes, local header, overlaps. */
  private async checkEntries(limits: ZipLimits, centralDirectoryOffset: number): Promise<void> {
    const add = (entry: string, message: string) => this.problems.push({ entry, message });
    const seen = new Map<string, number>();
    let total = 0;
    const spans: Array<{ name: string; start: number; end: number }> = [];
    for (const e of this.entries) {
      const unsafe = unsafePathProblem(e.name);
      if (unsafe) add(e.name, `unsafe name: ${unsafe}`);
      if (e.unicodePathName !== undefined && e.unicodePathName !== e.name) {
        const alt = unsafePathProblem(e.unicodePathName);
        add(e.name, `carries a second (Unicode Path) name ${JSON.stringify(e.unicodePathName)} that extractors may use instead${alt ? `: ${alt}` : ''}`);
      }
      const count = (seen.get(e.name) ?? 0) + 1;
      seen.set(e.name, count);
      if (count === 2) add(e.name, 'duplicate name: the zip holds two entries with this name');
      if (e.type === 'symlink') add(e.name, 'a symbolic link (external attributes); links are refused');
      if (e.type === 'other') add(e.name, 'not a regular file (external attributes)');
      if (e.encrypted) add(e.name, 'encrypted');
      if (e.compressionMethod !== 0 && e.compressionMethod !== 8) add(e.name, `compression method ${e.compressionMethod} (only stored and deflated are accepted)`);
      if (e.uncompressedSize > limits.maxEntryBytes) add(e.name, `declares ${e.uncompressedSize} bytes, more than the limit of ${limits.maxEntryBytes}`);
      if (e.uncompressedSize > RATIO_FLOOR && e.uncompressedSize > e.compressedSize * limits.maxRatio) {
        add(e.name, `expands ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}:1 (${e.compressedSize} → ${e.uncompressedSize} bytes), over the ${limits.maxRatio}:1 limit (zip bomb?)`);
      }
      total += e.uncompressedSize;
      try {
        const local = await new Promise<yauzl.LocalFileHeader>((resolve, reject) =>
          this.zip.readLocalFileHeader(e.raw, {}, (error, header) => (error ? reject(error) : resolve(header))),
        );
        if (!Buffer.from(local.fileName).equals(e.raw.fileNameRaw)) {
          add(e.name, `the local header names ${JSON.stringify(Buffer.from(local.fileName).toString('utf8'))} (extractors that read local headers would write that)`);
        }
        if (local.compressionMethod !== e.compressionMethod || (local.generalPurposeBitFlag & 0x41) !== (e.raw.generalPurposeBitFlag & 0x41)) {
          add(e.name, 'the local header disagrees with the central directory (method or encryption)');
        }
        const localUnicode = unicodePathFromExtra(Buffer.from(local.extraField));
        if (localUnicode !== undefined && localUnicode !== e.name) {
          add(e.name, `the local header carries another (Unicode Path) name ${JSON.stringify(localUnicode)}`);
        }
        spans.push({ name: e.name, start: e.localHeaderOffset, end: local.fileDataStart + e.compressedSize });
      } catch (error) {
        add(e.name, `unreadable local header (${(error as Error).message})`);
      }
    }
    if (total > limits.maxTotalBytes) add('', `entries declare ${total} bytes in all, more than the limit of ${limits.maxTotalBytes}`);
    spans.sort((a, b) => a.start - b.start);
    spans.forEach((span, i) => {
      const next = spans[i + 1];
      const limit = next ? next.start : centralDirectoryOffset;
      if (span.end > limit) add(span.name, `its data overlaps ${next ? JSON.stringify(next.name) : 'the central directory'} (overlapping entries are a zip-bomb technique)`);
    });
  }
}

function readCentralDirectory(zip: yauzl.ZipFile, problems: ZipProblem[]): Promise<ZipEntryInfo[]> {
  return new Promise((resolve) => {
    const entries: ZipEntryInfo[] = [];
    zip.on('entry', (raw: yauzl.Entry) => {
      entries.push(describeEntry(raw, entries.length));
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (error: Error) => {
      problems.push({ entry: '', message: `central directory unreadable after ${entries.length} entries: ${error.message}` });
      resolve(entries);
    });
    zip.readEntry();
  });
}

function describeEntry(raw: yauzl.Entry, index: number): ZipEntryInfo {
  const nameRaw = raw.fileNameRaw;
  const utf8 = (raw.generalPurposeBitFlag & 0x800) !== 0;
  // Names without the UTF-8 flag are CP437 by the spec; every byte below 0x80 is ASCII in both,
  // which is all the safety checks look at.
  const name = nameRaw.toString(utf8 ? 'utf8' : 'latin1');
  const platform = raw.versionMadeBy >> 8;
  const mode = raw.externalFileAttributes >>> 16;
  const kind = mode & 0o170000;
  let type: ZipEntryType = name.endsWith('/') || (!UNIX_PLATFORMS.has(platform) && (raw.externalFileAttributes & 0x10) !== 0) ? 'directory' : 'file';
  if (kind === 0o120000) type = 'symlink';
  else if (kind === 0o040000) type = 'directory';
  else if (kind !== 0 && kind !== 0o100000) type = 'other';
  return {
    index,
    name,
    compressedSize: raw.compressedSize,
    uncompressedSize: raw.uncompressedSize,
    compressionMethod: raw.compressionMethod,
    encrypted: (raw.generalPurposeBitFlag & 0x41) !== 0,
    type,
    unicodePathName: unicodePathFromExtra(raw.extraFields),
    localHeaderOffset: raw.relativeOffsetOfLocalHeader,
    raw,
  };
}

/** The name in an Info-ZIP Unicode Path extra field (0x7075), if any. */
function unicodePathFromExtra(extra: Buffer | ReadonlyArray<{ id: number; data: Buffer }>): string | undefined {
  const fields = Buffer.isBuffer(extra) ? parseExtra(extra) : extra;
  const field = fields.find((f) => f.id === 0x7075 && f.data.length >= 5);
  return field ? field.data.subarray(5).toString('utf8') : undefined;
}

function parseExtra(buffer: Buffer): Array<{ id: number; data: Buffer }> {
  const fields: Array<{ id: number; data: Buffer }> = [];
  let i = 0;
  while (i + 4 <= buffer.length) {
    const id = buffer.readUInt16LE(i);
    const size = buffer.readUInt16LE(i + 2);
    fields.push({ id, data: buffer.subarray(i + 4, Math.min(buffer.length, i + 4 + size)) });
    i += 4 + size;
  }
  return fields;
}

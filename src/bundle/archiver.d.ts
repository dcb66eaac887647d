/** The part of archiver 8 (ESM, ships no types) that the bundle writer uses. */
declare module 'archiver' {
  import type { Readable, Transform } from 'node:stream';

  export interface ZipEntryData {
    name: string;
    date?: Date | string;
    mode?: number;
    store?: boolean;
    type?: 'file' | 'directory' | 'symlink';
  }

  export interface ZipArchiveOptions {
    comment?: string;
    forceLocalTime?: boolean;
    forceZip64?: boolean;
    namePrependSlash?: boolean;
    store?: boolean;
    zlib?: { level?: number; memLevel?: number; windowBits?: number; strategy?: number };
  }

  export class ZipArchive extends Transform {
    constructor(options?: ZipArchiveOptions);
    append(source: Buffer | Readable | string, data: ZipEntryData): this;
    file(filepath: string, data: ZipEntryData): this;
    finalize(): Promise<void>;
    abort(): this;
    pointer(): number;
    on(event: 'entry', listener: (data: ZipEntryData) => void): this;
    on(event: 'warning' | 'error', listener: (error: Error) => void): this;
    on(event: string | symbol, listener: (...args: unknown[]) => void): this;
    off(event: string | symbol, listener: (...args: never[]) => void): this;
  }
}

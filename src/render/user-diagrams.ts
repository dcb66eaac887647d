import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { bundlePathProblem, compareBytewise, pathCollisionKey } from '../bundle/entry-path.js';
import type { Config } from '../config/types.js';
import { InputError, type InputIssue } from '../errors.js';
import { sha256Hex } from '../util/hash.js';
import { parseUserFile } from '../config/user-file.js';

/**
 * The user's diagrams: every file at the top of the config's `diagrams` folder (hidden files
 * skipped), each with its SHA-256, a title and description from an optional sidecar
 * (`<name>.yaml`, `.yml` or `.json`, evidence-schemas/diagram-sidecar.schema.json) or from the file
 * name, and its last change (the sidecar's `lastChanged`, else the file's modification time).
 * PNG, JPEG, GIF, WebP and SVG files whose bytes are what their name says are embedded in the
 * Diagrams Index as images (SVG only ever as an image, never inline).
 */

export type DiagramFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'svg' | 'other';

export interface UserDiagram {
  /** The file's name in the folder, as written. */
  file: string;
  /** Absolute path. */
  path: string;
  /** A name that is a safe, portable bundle path segment (the file name unless it has characters some systems refuse). */
  bundleName: string;
  title: string;
  titleFrom: 'sidecar' | 'file name';
  description?: string;
  /** ISO date or date-time. */
  lastChanged: string;
  lastChangedFrom: 'sidecar' | 'file modification time';
  sidecar?: string;
  sha256: string;
  size: number;
  format: DiagramFormat;
  /** A base64 data: URI when the file is an image the index embeds. */
  dataUri?: string;
  /** Why it is not embedded (not an image format, bytes do not match, too large). */
  note?: string;
}

export interface UserDiagrams {
  /** The folder as the config names it, or null when the config names none. */
  folder: string | null;
  diagrams: UserDiagram[];
}

export const DIAGRAMS_BUNDLE_FOLDER = '02_Diagrams';
const SIDECAR = /\.(ya?ml|json)$/i;
const MAX_EMBED_BYTES = 15 * 1024 * 1024;
const MIME: Record<Exclude<DiagramFormat, 'other'>, string> = { png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml' };
const EXTENSIONS: Record<string, Exclude<DiagramFormat, 'other'>> = { png: 'png', jpg: 'jpeg', jpeg: 'jpeg', gif: 'gif', webp: 'webp', svg: 'svg' };

/** The format the bytes actually have (magic numbers; SVG: XML whose root element is svg). */
export function sniffImage(bytes: Buffer): DiagramFormat {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString('latin1'))) return 'gif';
  if (bytes.length >= 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  const head = bytes.subarray(0, 4096).toString('utf8').replace(/^\uFEFF/, '');
  // Prolog: XML declaration, comments, processing instructions and a DOCTYPE may precede the root.
  const withoutProlog = head.replace(/^(\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>)*/i, '');
  if (/^<svg[\s>]/.test(withoutProlog)) return 'svg';
  return 'other';
}

/** A file name that can be a bundle path segment on every system; `taken` holds the collision keys already used. */
export function safeBundleName(name: string, taken: Set<string>): string {
  let safe = name
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f:*?"<>|\\/]/g, '_')
    .replace(/[. ]+$/, '');
  if (!safe || safe === '..') safe = 'diagram';
  if (/^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i.test(safe)) safe = `_${safe}`;
  if (Buffer.byteLength(safe, 'utf8') > 200) {
    const ext = path.extname(safe).slice(0, 10);
    safe = `${Buffer.from(safe, 'utf8').subarray(0, 180).toString('utf8').replace(/\uFFFD+$/, '')}${ext}`;
  }
  let candidate = safe;
  for (let i = 2; taken.has(pathCollisionKey(candidate)) || bundlePathProblem(`${DIAGRAMS_BUNDLE_FOLDER}/${candidate}`) !== null; i++) {
    const ext = path.extname(safe);
    candidate = `${safe.slice(0, safe.length - ext.length)}-${i}${ext}`;
    if (i > 1000) throw new Error(`cannot find a bundle name for diagram ${JSON.stringify(name)}`);
  }
  taken.add(pathCollisionKey(candidate));
  return candidate;
}

/** "network-overview_v2.png" → "network overview v2". */
export function titleFromFileName(name: string): string {
  const base = name.replace(/\.[^.]+$/, '');
  return base.replace(/[-_]+/g, ' ').replace(/\s+/g, ' ').trim() || name;
}

interface Sidecar {
  title: string;
  description?: string;
  lastChanged?: string;
}

/** Reads the config's `diagrams` folder. A missing folder or a bad sidecar is an InputError naming the file and field. */
export async function readUserDiagrams(config: Pick<Config, 'diagrams' | 'configDir' | 'configPath'>): Promise<UserDiagrams> {
  if (!config.diagrams) return { folder: null, diagrams: [] };
  const folder = config.diagrams;
  const shownFolder = (config.configDir ? path.relative(config.configDir, folder) : folder) || '.';
  const configFile = config.configPath ? path.basename(config.configPath) : 'config';
  const info = await stat(folder).catch(() => undefined);
  if (!info) throw new InputError([{ file: configFile, path: 'diagrams', message: `folder "${shownFolder}" does not exist (expected a folder of diagram files, relative to the config file)` }]);
  if (!info.isDirectory()) throw new InputError([{ file: configFile, path: 'diagrams', message: `"${shownFolder}" is a file; expected a folder of diagram files` }]);

  const entries = (await readdir(folder, { withFileTypes: true }))
    .filter((e) => !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(compareBytewise);
  const files: string[] = [];
  for (const name of entries) {
    const s = await stat(path.join(folder, name)).catch(() => undefined);
    if (s?.isFile()) files.push(name);
  }
  const shown = (name: string) => `${shownFolder === '.' ? '' : `${shownFolder}/`}${name}`;
  const sidecarNames = files.filter((f) => SIDECAR.test(f));
  const diagramNames = files.filter((f) => !SIDECAR.test(f));
  const issues: InputIssue[] = [];
  const sidecars = new Map<string, { name: string; value: Sidecar }>();
  for (const name of sidecarNames) {
    const stem = name.replace(SIDECAR, '');
    const targets = diagramNames.filter((d) => d === stem || d.replace(/\.[^.]+$/, '') === stem);
    if (targets.length === 0) {
      issues.push({ file: shown(name), path: '', message: `no diagram named "${stem}" or "${stem}.<ext>" next to this sidecar; expected a sidecar to be named like its diagram (network.png → network.yaml)` });
      continue;
    }
    const parsed = parseUserFile((await readFile(path.join(folder, name))).toString('utf8'), shown(name), 'diagram-sidecar', 'a diagram sidecar: a mapping with title (and optionally description, lastChanged)');
    if (!parsed.ok) {
      issues.push(...parsed.issues);
      continue;
    }
    for (const t of targets) {
      const existing = sidecars.get(t);
      // network.png.yaml (exact) wins over network.yaml (stem).
      if (!existing || stem === t) sidecars.set(t, { name, value: parsed.value as Sidecar });
    }
  }
  if (issues.length > 0) throw new InputError(issues);

  const taken = new Set<string>();
  const diagrams: UserDiagram[] = [];
  for (const name of diagramNames) {
    const file = path.join(folder, name);
    const [bytes, s] = await Promise.all([readFile(file), stat(file)]);
    const sidecar = sidecars.get(name);
    const extension = EXTENSIONS[path.extname(name).slice(1).toLowerCase()];
    const actual = sniffImage(bytes);
    let dataUri: string | undefined;
    let note: string | undefined;
    if (!extension) note = 'not an image format the index embeds (PNG, JPEG, GIF, WebP, SVG); the file is in the bundle';
    else if (actual !== extension) note = `the file's bytes are not ${extension.toUpperCase()}, so it is not shown; the file is in the bundle`;
    else if (bytes.length > MAX_EMBED_BYTES) note = `larger than ${MAX_EMBED_BYTES / 1024 / 1024} MB, so it is not shown; the file is in the bundle`;
    else dataUri = `data:${MIME[extension]};base64,${bytes.toString('base64')}`;
    diagrams.push({
      file: name,
      path: file,
      bundleName: safeBundleName(name, taken),
      title: sidecar?.value.title ?? titleFromFileName(name),
      titleFrom: sidecar ? 'sidecar' : 'file name',
      ...(sidecar?.value.description ? { description: sidecar.value.description } : {}),
      lastChanged: sidecar?.value.lastChanged ?? s.mtime.toISOString(),
      lastChangedFrom: sidecar?.value.lastChanged ? 'sidecar' : 'file modification time',
      ...(sidecar ? { sidecar: sidecar.name } : {}),
      sha256: sha256Hex(bytes),
      size: bytes.length,
      format: actual === extension ? actual : 'other',
      ...(dataUri ? { dataUri } : {}),
      ...(note ? { note } : {}),
    });
  }
  return { folder: shownFolder, diagrams };
}

import { compareBytewise } from './entry-path.js';

/**
 * SHA256SUMS in GNU coreutils format (`sha256sum -c SHA256SUMS` checks it): one `<hex>  <path>`
 * line per file, sorted byte-wise by path, LF line ends. Paths never contain a backslash or a
 * newline (entry-path.ts), so no line needs sha256sum's escaping.
 */
export function formatSha256Sums(files: ReadonlyArray<{ path: string; sha256: string }>): string {
  return [...files]
    .sort((a, b) => compareBytewise(a.path, b.path))
    .map((f) => `${f.sha256}  ${f.path}\n`)
    .join('');
}

export interface ParsedSha256Sums {
  /** path → lowercase hex digest. */
  sums: Map<string, string>;
  problems: string[];
}

const LINE = /^([0-9a-fA-F]{64}) [ *](.+)$/;

/** Parses SHA256SUMS; every malformed or duplicated line is a problem naming its line number. */
export function parseSha256Sums(text: string): ParsedSha256Sums {
  const sums = new Map<string, string>();
  const problems: string[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, index) => {
    const match = LINE.exec(line);
    if (!match) {
      problems.push(`line ${index + 1}: not "<64 hex digits>  <path>"`);
      return;
    }
    const [, hex, file] = match;
    if (sums.has(file)) problems.push(`line ${index + 1}: ${file} is listed twice`);
    sums.set(file, hex.toLowerCase());
  });
  return { sums, problems };
}

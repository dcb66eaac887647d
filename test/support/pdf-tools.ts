import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Reading rendered PDFs back with poppler's command-line tools (pdftotext, pdfinfo, pdfimages). */

/** Writes PDF bytes to a fresh temporary file and returns its path. */
export function writeTempPdf(bytes: Uint8Array, name = 'document.pdf'): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'proofpack-pdf-')), name);
  writeFileSync(file, bytes);
  return file;
}

/** The text of each page (pdftotext -layout), index 0 = page 1. */
export function readPdfPages(file: string): string[] {
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const pages = text.split('\f');
  if (pages[pages.length - 1].trim() === '') pages.pop();
  return pages;
}

/** pdfinfo's fields (`Pages`, `Page size`, `Producer`…), dates in ISO 8601 whatever the local time zone. */
export function readPdfInfo(file: string): Record<string, string> {
  const out = execFileSync('pdfinfo', ['-isodates', file], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
}

/** The images the PDF draws (pdfimages -list): type (`image`, `smask`…) and pixel size. */
export function listPdfImages(file: string): Array<{ page: number; type: string; width: number; height: number }> {
  const out = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' });
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/))
    .map(([page, , type, width, height]) => ({ page: Number(page), type, width: Number(width), height: Number(height) }));
}

/** Text without any whitespace, to find strings that wrapped across lines. */
export function squash(text: string): string {
  return text.replace(/\s+/g, '');
}

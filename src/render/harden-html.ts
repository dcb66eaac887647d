/**
 * What the renderer does to every HTML page before Chromium sees it (pure). The page may load
 * nothing: a Content-Security-Policy allows only inline styles and `data:` images and fonts, and a
 * `<meta http-equiv=refresh>` (which could navigate away) is removed.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:";

const CSP_META = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`;
const META_REFRESH = /<meta\b[^>]*\bhttp-equiv\s*=\s*(["']?)\s*refresh\s*\1[^>]*>/gi;

/** Removes every meta refresh, then puts the CSP meta first in <head> (creating one if needed), before anything could load. */
export function hardenHtml(html: string): string {
  let stripped = html;
  // Repeat: removing one tag must not leave the pieces of another behind.
  for (let previous = ''; previous !== stripped; ) {
    previous = stripped;
    stripped = stripped.replace(META_REFRESH, '');
  }
  const head = /<head(\s[^>]*)?>/i.exec(stripped);
  if (head) return insertAt(stripped, head.index + head[0].length, CSP_META);
  const root = /<html(\s[^>]*)?>/i.exec(stripped);
  if (root) return insertAt(stripped, root.index + root[0].length, `<head>${CSP_META}</head>`);
  const doctype = /^\s*<!doctype[^>]*>/i.exec(stripped);
  const at = doctype ? doctype[0].length : 0;
  return insertAt(stripped, at, `<head>${CSP_META}</head>`);
}

function insertAt(text: string, index: number, insert: string): string {
  return `${text.slice(0, index)}${insert}${text.slice(index)}`;
}

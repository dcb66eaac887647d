/**
 * Names of entries inside a bundle zip. verify refuses the unsafe ones (they could write outside the
 * folder an auditor unzips into); writeBundle also refuses names that would not unzip the same way
 * on every operating system.
 */

/** Why an entry name is unsafe to extract, or null when it is safe. */
export function unsafePathProblem(name: string): string | null {
  if (name.length === 0) return 'empty name';
  if (name.startsWith('/')) return 'absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'absolute path (drive letter)';
  if (name.includes('\\')) return 'backslash in name';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'control character in name';
  if (name.split('/').includes('..')) return 'parent-directory segment ("..")';
  return null;
}

const WINDOWS_FORBIDDEN = /[:*?"<>|]/;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Why `name` cannot be a bundle entry path, or null when it can: safe, and the same on Linux, macOS and Windows. */
export function bundlePathProblem(name: string): string | null {
  const unsafe = unsafePathProblem(name);
  if (unsafe) return unsafe;
  if (Buffer.byteLength(name, 'utf8') > 1024) return 'longer than 1024 bytes';
  if (name !== name.normalize('NFC')) return 'not in Unicode normal form C';
  for (const segment of name.split('/')) {
    if (segment === '') return 'empty segment (leading, trailing or doubled "/")';
    if (segment === '.') return '"." segment';
    if (WINDOWS_FORBIDDEN.test(segment)) return 'character not allowed on Windows (: * ? " < > |)';
    if (WINDOWS_RESERVED.test(segment)) return `"${segment}" is a reserved name on Windows`;
    if (/[. ]$/.test(segment)) return 'segment ends with "." or a space';
  }
  return null;
}

/** Key under which two names would land on the same file of a case-insensitive file system. */
export function pathCollisionKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** Byte-wise (code unit) order: the order of `LC_ALL=C sort`, independent of locale. */
export function compareBytewise(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}

/**
 * Deterministic randomness for the sample estate: a seeded PRNG (sfc32, seeded from the SHA-256 of
 * a text) and ids that look like AWS's, derived either from the PRNG stream or from a stable hash
 * of what they identify (so an id does not change when unrelated parts of the estate change).
 * Nothing here reads the clock or Math.random.
 */
import { createHash } from 'node:crypto';

/** A small, fast PRNG with a 128-bit state (Chris Doty-Humphrey's sfc32). */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    const h = createHash('sha256').update(seed).digest();
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12);
    for (let i = 0; i < 12; i += 1) this.next();
  }

  /** A uniform number in [0, 1). */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A number in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Lowercase hex digits. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }

  /** A derived generator: the same (seed, label) always gives the same stream, whatever else was drawn. */
  fork(label: string): Random {
    return new Random(`${this.a}:${this.b}:${this.c}:${this.d}:${label}`);
  }
}

/** SHA-256 hex of the parts joined (stable ids from what they identify). */
export function stableHash(...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** A UUID (version 4 layout) derived from the parts. */
export function stableUuid(...parts: Array<string | number>): string {
  const h = stableHash(...parts);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Hex digits derived from the parts. */
export function stableHex(length: number, ...parts: Array<string | number>): string {
  let out = '';
  let round = 0;
  while (out.length < length) out += stableHash(...parts, round++);
  return out.slice(0, length);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Upper-case letters and digits (RDS resource ids, IAM unique ids), derived from the parts. */
export function stableBase32(length: number, ...parts: Array<string | number>): string {
  const hex = stableHex(length * 2, ...parts);
  let out = '';
  for (let i = 0; i < length; i += 1) out += BASE32[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 32];
  return out;
}

/**
 * Orders texts by UTF-16 code units, like a plain `<`: unlike localeCompare, the same on every
 * machine whatever its locale (the checked-in estate must regenerate byte for byte anywhere).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

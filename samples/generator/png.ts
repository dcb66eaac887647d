/**
 * A tiny deterministic PNG writer for the sample's raster diagram: an indexed-colour canvas with
 * rectangles, lines and a 5×7 bitmap font, compressed with our own deflate (fixed Huffman codes,
 * matches against the previous pixel and the previous row). zlib is not used on purpose: its
 * output differs between builds (Node versions, CPU-specific code paths), and the checked-in
 * estate must regenerate byte for byte.
 */

export class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly palette: ReadonlyArray<readonly [number, number, number]>,
    background = 0,
  ) {
    this.pixels = new Uint8Array(width * height).fill(background);
  }

  fillRect(x: number, y: number, w: number, h: number, color: number): void {
    for (let j = Math.max(0, y); j < Math.min(this.height, y + h); j += 1) {
      this.pixels.fill(color, j * this.width + Math.max(0, x), j * this.width + Math.min(this.width, x + w));
    }
  }

  strokeRect(x: number, y: number, w: number, h: number, color: number, thickness = 2): void {
    this.fillRect(x, y, w, thickness, color);
    this.fillRect(x, y + h - thickness, w, thickness, color);
    this.fillRect(x, y, thickness, h, color);
    this.fillRect(x + w - thickness, y, thickness, h, color);
  }

  /** A horizontal arrow from x1 to x2 at y (pointing right when x2 > x1). */
  arrowH(x1: number, x2: number, y: number, color: number, dashed = false): void {
    const dir = x2 > x1 ? 1 : -1;
    for (let x = x1; x !== x2; x += dir) {
      if (dashed && Math.floor(Math.abs(x - x1) / 8) % 2 === 1) continue;
      this.fillRect(x, y - 1, 1, 3, color);
    }
    for (let i = 0; i < 9; i += 1) this.fillRect(x2 - dir * i, y - i, 1, 2 * i + 1, color);
  }

  /** A vertical arrow from y1 to y2 at x. */
  arrowV(x: number, y1: number, y2: number, color: number, dashed = false): void {
    const dir = y2 > y1 ? 1 : -1;
    for (let y = y1; y !== y2; y += dir) {
      if (dashed && Math.floor(Math.abs(y - y1) / 8) % 2 === 1) continue;
      this.fillRect(x - 1, y, 3, 1, color);
    }
    for (let i = 0; i < 9; i += 1) this.fillRect(x - i, y2 - dir * i, 2 * i + 1, 1, color);
  }

  /** Text in the 5×7 font, `scale` pixels per dot; unknown characters print as blanks. */
  text(x: number, y: number, value: string, color: number, scale = 2): number {
    let cx = x;
    for (const ch of value.toUpperCase()) {
      const glyph = FONT[ch];
      if (glyph) {
        glyph.forEach((row, j) => {
          for (let i = 0; i < 5; i += 1) if (row & (1 << (4 - i))) this.fillRect(cx + i * scale, y + j * scale, scale, scale, color);
        });
      }
      cx += 6 * scale;
    }
    return cx;
  }

  static textWidth(value: string, scale = 2): number {
    return value.length * 6 * scale - scale;
  }
}

/** 5×7 glyphs, one 5-bit row per line, most significant bit on the left. */
const FONT: Record<string, number[]> = {
  A: [14, 17, 17, 31, 17, 17, 17], B: [30, 17, 17, 30, 17, 17, 30], C: [14, 17, 16, 16, 16, 17, 14], D: [30, 17, 17, 17, 17, 17, 30],
  E: [31, 16, 16, 30, 16, 16, 31], F: [31, 16, 16, 30, 16, 16, 16], G: [14, 17, 16, 23, 17, 17, 15], H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14], J: [7, 2, 2, 2, 2, 18, 12], K: [17, 18, 20, 24, 20, 18, 17], L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17], N: [17, 17, 25, 21, 19, 17, 17], O: [14, 17, 17, 17, 17, 17, 14], P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13], R: [30, 17, 17, 30, 20, 18, 17], S: [15, 16, 16, 14, 1, 1, 30], T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14], V: [17, 17, 17, 17, 17, 10, 4], W: [17, 17, 17, 21, 21, 21, 10], X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 10, 4, 4, 4, 4], Z: [31, 1, 2, 4, 8, 16, 31],
  '0': [14, 17, 19, 21, 25, 17, 14], '1': [4, 12, 4, 4, 4, 4, 14], '2': [14, 17, 1, 2, 4, 8, 31], '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2], '5': [31, 16, 30, 1, 1, 17, 14], '6': [6, 8, 16, 30, 17, 17, 14], '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14], '9': [14, 17, 17, 15, 1, 2, 12],
  ' ': [0, 0, 0, 0, 0, 0, 0], '-': [0, 0, 0, 31, 0, 0, 0], '.': [0, 0, 0, 0, 0, 12, 12], ':': [0, 12, 12, 0, 12, 12, 0],
  '/': [1, 1, 2, 4, 8, 16, 16], '(': [2, 4, 8, 8, 8, 4, 2], ')': [8, 4, 2, 2, 2, 4, 8], '>': [8, 4, 2, 1, 2, 4, 8],
  '<': [2, 4, 8, 16, 8, 4, 2], ',': [0, 0, 0, 0, 12, 4, 8], '&': [12, 18, 20, 8, 21, 18, 13], '=': [0, 0, 31, 0, 31, 0, 0],
  '+': [0, 4, 4, 31, 4, 4, 0], "'": [12, 4, 8, 0, 0, 0, 0], '%': [24, 25, 2, 4, 8, 19, 3], '#': [10, 10, 31, 10, 31, 10, 10],
};

// ---- PNG --------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const x of bytes) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const body = Buffer.concat([head.subarray(4), Buffer.from(data)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([head.subarray(0, 4), body, crc]);
}

/** Encodes the canvas as an 8-bit indexed PNG. */
export function encodePng(canvas: Canvas): Buffer {
  const stride = canvas.width + 1;
  const raw = new Uint8Array(stride * canvas.height);
  for (let y = 0; y < canvas.height; y += 1) {
    raw[y * stride] = 0; // filter: none
    raw.set(canvas.pixels.subarray(y * canvas.width, (y + 1) * canvas.width), y * stride + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(canvas.width, 0);
  ihdr.writeUInt32BE(canvas.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // indexed colour
  const plte = Buffer.from(canvas.palette.flatMap((c) => [...c]));
  const zlib = Buffer.concat([Buffer.from([0x78, 0x01]), deflateFixed(raw, stride), (() => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(adler32(raw), 0);
    return b;
  })()]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', plte),
    chunk('IDAT', zlib),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

class BitWriter {
  private readonly bytes: number[] = [];
  private bit = 0;
  private current = 0;

  /** Writes `count` bits of `value`, least significant first (deflate's order for extra bits). */
  bits(value: number, count: number): void {
    for (let i = 0; i < count; i += 1) {
      this.current |= ((value >>> i) & 1) << this.bit;
      this.bit += 1;
      if (this.bit === 8) {
        this.bytes.push(this.current);
        this.current = 0;
        this.bit = 0;
      }
    }
  }

  /** Writes a Huffman code, most significant bit first. */
  code(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i -= 1) this.bits((value >>> i) & 1, 1);
  }

  finish(): Buffer {
    if (this.bit > 0) this.bytes.push(this.current);
    return Buffer.from(this.bytes);
  }
}

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

function writeLiteral(w: BitWriter, symbol: number): void {
  if (symbol < 144) w.code(0x30 + symbol, 8);
  else if (symbol < 256) w.code(0x190 + symbol - 144, 9);
  else if (symbol < 280) w.code(symbol - 256, 7);
  else w.code(0xc0 + symbol - 280, 8);
}

function writeMatch(w: BitWriter, length: number, distance: number): void {
  let li = LENGTH_BASE.length - 1;
  while (LENGTH_BASE[li] > length) li -= 1;
  writeLiteral(w, 257 + li);
  w.bits(length - LENGTH_BASE[li], LENGTH_EXTRA[li]);
  let di = DIST_BASE.length - 1;
  while (DIST_BASE[di] > distance) di -= 1;
  w.code(di, 5);
  w.bits(distance - DIST_BASE[di], DIST_EXTRA[di]);
}

/** One deflate block with the fixed Huffman codes; matches at distance 1 (runs) and one row up. */
function deflateFixed(data: Uint8Array, stride: number): Buffer {
  const w = new BitWriter();
  w.bits(1, 1); // final block
  w.bits(1, 2); // fixed Huffman
  let i = 0;
  const matchLength = (distance: number) => {
    if (i < distance) return 0;
    let n = 0;
    while (n < 258 && i + n < data.length && data[i + n] === data[i + n - distance]) n += 1;
    return n;
  };
  while (i < data.length) {
    const up = stride <= 32768 ? matchLength(stride) : 0;
    const run = matchLength(1);
    if (up >= 3 && up >= run) {
      writeMatch(w, up, stride);
      i += up;
    } else if (run >= 3) {
      writeMatch(w, run, 1);
      i += run;
    } else {
      writeLiteral(w, data[i]);
      i += 1;
    }
  }
  writeLiteral(w, 256);
  return w.finish();
}

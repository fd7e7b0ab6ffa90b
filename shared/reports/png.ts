import { deflateSync } from 'node:zlib';

/**
 * A small raster for the mail charts and its PNG encoding, in plain TypeScript: Lambda runs on arm64 and packages
 * offline, so a native renderer (resvg-js, sharp, canvas) would need a prebuilt binary for another platform, a
 * WASM renderer a file copied next to the bundle, and either of them fonts, which Lambda has none of. Bar
 * charts need only rectangles and short labels: a 5×7 bitmap font covers them.
 */

/** 5×7 glyphs, 35 bits each, row by row from the top, most significant bit first. Lower case is drawn as upper. */
const GLYPHS: Record<string, number> = {
  "0": 15623448110, "1": 4701950094, "2": 15603929375, "3": 33357366830, "4": 2359917634, "5": 33854359086, "6": 6728664622, "7": 33321787656, "8": 15621113390, "9": 15621129292, "A": 15621670449, "B": 32801506878, "C": 15620129326, "D": 30687151708, "E": 33840644639, "F": 33840644624, "G": 15620359727, "H": 18842895921, "I": 15170932878, "J": 7585466956, "K": 18879369809, "L": 17734058527, "M": 19182306865, "N": 18850958897, "O": 15621211694, "P": 32801505808, "Q": 15621215821, "R": 32801509969, "S": 16660235326, "T": 33424543876, "U": 18842437166, "V": 18842436932, "W": 18842572458, "X": 18834663985, "Y": 18834657412, "Z": 33321787935, "-": 1015808, "_": 31, ".": 396, ":": 415248768, "/": 35791360, "(": 2290360450, ")": 8726317192, "%": 26610901603, ",": 12424, "'": 4437573632, "&": 13510137421, "#": 11105828170, "+": 139432064,
};

export type Rgb = readonly [number, number, number];

export class Raster {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    this.rect(0, 0, width, height, background);
  }

  rect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let py = y0; py < y1; py++) for (let px = x0; px < x1; px++) this.pixels.set(color, (py * this.width + px) * 3);
  }

  /** Text with its top-left corner at (x, y); `scale` 1 is 7 px high, 6 px per character. */
  text(x: number, y: number, s: string, color: Rgb, scale = 1): void {
    let cx = Math.round(x);
    for (const ch of s.toUpperCase()) {
      const g = GLYPHS[ch] ?? (ch === ' ' ? 0 : GLYPHS['#']);
      for (let row = 0; row < 7; row++)
        for (let col = 0; col < 5; col++) if (Math.floor(g / 2 ** (34 - row * 5 - col)) % 2) this.rect(cx + col * scale, Math.round(y) + row * scale, scale, scale, color);
      cx += 6 * scale;
    }
  }

  /** PNG: 8-bit RGB, no interlace, each row with filter 0, one zlib stream. */
  png(): Buffer {
    const row = this.width * 3;
    const raw = Buffer.alloc((row + 1) * this.height);
    for (let y = 0; y < this.height; y++) raw.set(this.pixels.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header.set([8, 2, 0, 0, 0], 8);
    return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  }
}

export const textWidth = (s: string, scale = 1) => s.length * 6 * scale - scale;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

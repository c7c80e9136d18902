import { deflateSync } from 'node:zlib';

/**
 * Grayscale PNG and animated PNG (APNG) files from pixel arrays, with nothing but node:zlib:
 * the chunks of the PNG specification (W3C, 2nd ed., 2003) and of APNG (acTL, fcTL, fdAT;
 * Mozilla's APNG specification), each with its CRC-32.
 */

/** An 8-bit grayscale image: `pixels` row-major, width × height values in 0 … 255. */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309) of bytes, as PNG computes it over a chunk's type and data. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function u32(...values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    view.setUint32(4 * i, v >>> 0);
  });
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** One chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const body = concat([new TextEncoder().encode(type), data]);
  return concat([u32(data.length), body, u32(crc32(body))]);
}

/** The compressed scanlines of an image (filter type 0 on every row). */
function imageData(image: GrayImage): Uint8Array {
  const { width, height, pixels } = image;
  const raw = new Uint8Array(height * (width + 1));
  for (let r = 0; r < height; r++) raw.set(pixels.subarray(r * width, (r + 1) * width), r * (width + 1) + 1);
  return deflateSync(raw);
}

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function header(width: number, height: number): Uint8Array {
  // bit depth 8, colour type 0 (grayscale), deflate, adaptive filtering, no interlace
  return chunk('IHDR', concat([u32(width, height), Uint8Array.from([8, 0, 0, 0, 0])]));
}

/** A grayscale PNG file. */
export function encodePng(image: GrayImage): Uint8Array {
  return concat([
    SIGNATURE,
    header(image.width, image.height),
    chunk('IDAT', imageData(image)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * An animated PNG looping forever over `frames` (all of one size), each shown `delayMs`; viewers
 * without APNG support show the first frame.
 */
export function encodeApng(frames: readonly GrayImage[], delayMs: number): Uint8Array {
  const { width, height } = frames[0];
  const parts: Uint8Array[] = [SIGNATURE, header(width, height), chunk('acTL', u32(frames.length, 0))];
  let sequence = 0;
  frames.forEach((frame, i) => {
    const control = concat([
      u32(sequence++, width, height, 0, 0),
      Uint8Array.from([delayMs >> 8, delayMs & 0xff, 0x03, 0xe8, 0, 0]),
    ]);
    parts.push(chunk('fcTL', control));
    const data = imageData(frame);
    parts.push(i === 0 ? chunk('IDAT', data) : chunk('fdAT', concat([u32(sequence++), data])));
  });
  parts.push(chunk('IEND', new Uint8Array(0)));
  return concat(parts);
}

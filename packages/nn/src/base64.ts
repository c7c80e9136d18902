// Base64 (RFC 4648 §4, with padding) in plain TypeScript: the encoding of a parameter file's data
// field, written and read the same way in Node and in a browser.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/** `bytes` as padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  const out: string[] = [];
  // Chunks keep each String.fromCharCode call far below engines' argument-count limits.
  const CHUNK = 3 * 4096;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, bytes.length);
    const codes: number[] = [];
    for (let i = start; i < end; i += 3) {
      const n = (bytes[i] << 16) | ((i + 1 < end ? bytes[i + 1] : 0) << 8) | (i + 2 < end ? bytes[i + 2] : 0);
      codes.push(ALPHABET.charCodeAt(n >>> 18), ALPHABET.charCodeAt((n >>> 12) & 63));
      codes.push(
        i + 1 < end ? ALPHABET.charCodeAt((n >>> 6) & 63) : 61,
        i + 2 < end ? ALPHABET.charCodeAt(n & 63) : 61,
      );
    }
    out.push(String.fromCharCode(...codes));
  }
  return out.join('');
}

/**
 * The bytes of canonical padded base64, or undefined for anything else: a length that is not a
 * multiple of 4, a character outside the alphabet, misplaced padding, or non-zero padding bits
 * (which a lenient decoder would silently drop, so two texts would give the same bytes).
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const code = text.charCodeAt(i + k);
      const isPad = last && code === 61 && k >= 4 - padding;
      const value = isPad ? 0 : code < 128 ? VALUE[code] : -1;
      if (value < 0) return undefined;
      n = (n << 6) | value;
    }
    if (last && padding === 2 && (n & 0xffff) !== 0) return undefined;
    if (last && padding === 1 && (n & 0xff) !== 0) return undefined;
    bytes[o++] = n >>> 16;
    if (o < bytes.length) bytes[o++] = (n >>> 8) & 255;
    if (o < bytes.length) bytes[o++] = n & 255;
  }
  return bytes;
}

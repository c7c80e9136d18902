import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { type DType, Tensor, tensor } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { decodeBase64, encodeBase64 } from '../src/base64.js';
import { ParamsFileError, paramsEqual, parseParams, serializeParams, sha256Hex } from '../src/index.js';

// The parameter-file format's own SHA-256 and base64 (no node:crypto, no Buffer, so the main entry
// runs in a browser), checked against Node's implementations as the independent truth.

const nodeSha256 = (...parts: Uint8Array[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};
const ascii = (text: string) => new TextEncoder().encode(text);

describe('sha256Hex', () => {
  test('gives the FIPS 180-4 example digests', () => {
    expect(sha256Hex(ascii('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(ascii(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  test('agrees with node:crypto on any bytes, in any split into parts', () => {
    // Lengths up to 300 cross the 55/56-byte padding boundary and several 64-byte blocks.
    const parts = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 5 });
    fc.assert(
      fc.property(parts, (ps) => {
        expect(sha256Hex(...ps)).toBe(nodeSha256(...ps));
      }),
    );
  });

  test('agrees with node:crypto on every length from 0 to 200 bytes', () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 255);
      expect(sha256Hex(bytes)).toBe(nodeSha256(bytes));
    }
  });
});

describe('base64', () => {
  test('encodes as Node does, and decodes back to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40_000 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(decodeBase64(text)).toEqual(bytes);
      }),
      { numRuns: 60 },
    );
  });

  test('accepts exactly the canonical texts: those Node re-encodes unchanged', () => {
    const chars = fc.constantFrom(...'ABCDQRSTgwxyz0189+/=-_ \n'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 12 }), (text) => {
        const canonical = Buffer.from(text, 'base64').toString('base64') === text;
        const decoded = decodeBase64(text);
        expect(decoded !== undefined).toBe(canonical);
        if (decoded !== undefined) expect(decoded).toEqual(new Uint8Array(Buffer.from(text, 'base64')));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseParams', () => {
  const params = {
    W0: tensor([
      [1, 2],
      [3, -0],
    ]),
    b0: tensor([0.5, Number.NaN], undefined, 'float32' as DType),
  };

  test('reads what serializeParams writes, from text and from UTF-8 bytes', () => {
    const text = serializeParams(params, { note: 'é' });
    for (const input of [text, ascii(text)]) {
      const loaded = parseParams<typeof params>(input, 'model.json');
      expect(paramsEqual(loaded.params, params)).toBe(true);
      expect(loaded.params.W0).toBeInstanceOf(Tensor);
      expect(loaded.meta).toEqual({ note: 'é' });
    }
  });

  test("writes the checksum node:crypto computes by the format's rule", () => {
    const doc = JSON.parse(serializeParams(params, [1, 'x']));
    const header = { format: doc.format, version: doc.version, tree: doc.tree, leaves: doc.leaves, meta: doc.meta };
    const expected = nodeSha256(ascii(`${JSON.stringify(header)}\n`), Buffer.from(doc.data, 'base64'));
    expect(doc.checksum).toBe(`sha256:${expected}`);
  });

  test('rejects bytes that are not UTF-8, and any truncation, with ParamsFileError naming the source', () => {
    const text = serializeParams(params);
    const bad = ascii(text);
    bad[5] = 0xff;
    for (const input of [bad, text.slice(0, 40), text.slice(0, -3)]) {
      let caught: unknown;
      try {
        parseParams(input, 'https://example.org/model.json');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ParamsFileError);
      expect((caught as ParamsFileError).path).toBe('https://example.org/model.json');
    }
  });
});

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { type DType, InvalidArgumentError, Tensor, tensor } from '@liouville/linalg';
import { afterAll, describe, expect, test } from 'vitest';
import {
  type JsonValue,
  type ParamTree,
  ParamsFileError,
  describeTree,
  paramsEqual,
  serializeParams,
} from '../src/index.js';
import { loadParams, saveParams } from '../src/node/index.js';

const folder = mkdtempSync(join(tmpdir(), 'liouville-nn-io-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let fileCounter = 0;
const freshPath = () => join(folder, `params-${++fileCounter}.json`);

/** A tensor of any bit patterns (NaN payloads, −0, infinities, subnormals included). */
const leafArb = fc
  .record({
    dtype: fc.constantFrom<DType>('float64', 'float32'),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
  })
  .chain(({ dtype, shape }) => {
    const bytes = shape.reduce((a, b) => a * b, 1) * (dtype === 'float64' ? 8 : 4);
    return fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((raw) => {
      const buffer = raw.slice().buffer;
      return new Tensor(dtype === 'float64' ? new Float64Array(buffer) : new Float32Array(buffer), shape);
    });
  });

const keyArb = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('W0', 'b0', '0', '10', '__proto__', 'é∂'));

const treeArb: fc.Arbitrary<ParamTree> = fc.letrec<{ tree: ParamTree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    leafArb,
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.dictionary(keyArb, tie('tree'), { maxKeys: 3, noNullPrototype: true }),
  ),
})).tree;

const expectParamsFileError = (action: () => unknown, path: string, pattern?: RegExp): void => {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ParamsFileError);
  expect((caught as ParamsFileError).message).toContain(path);
  expect((caught as ParamsFileError).path).toBe(path);
  if (pattern) expect((caught as ParamsFileError).message).toMatch(pattern);
};

/** A small valid file's text and its path. */
function sampleFile(): { path: string; text: string } {
  const path = freshPath();
  saveParams(
    path,
    {
      W0: tensor([
        [1, 2],
        [3, 4],
      ]),
      b0: tensor([0.5, -0.5], undefined, 'float32'),
    },
    { epoch: 3 },
  );
  return { path, text: readFileSync(path, 'utf8') };
}

describe('saveParams', () => {
  test('round-trips any tree of float64/float32 tensors and its metadata bit-exactly', () => {
    fc.assert(
      fc.property(treeArb, fc.jsonValue({ maxDepth: 2 }), (params, meta) => {
        const path = freshPath();
        saveParams(path, params, meta as JsonValue);
        const loaded = loadParams(path);
        expect(paramsEqual(loaded.params, params)).toBe(true);
        expect(describeTree(loaded.params)).toBe(describeTree(params));
        expect(loaded.meta).toEqual(JSON.parse(JSON.stringify(meta)));
      }),
      { numRuns: 150 },
    );
  });

  test('keeps record keys such as "__proto__" and numeric strings as own keys', () => {
    const params: Record<string, ParamTree> = { '10': tensor([1]), '2': [tensor([2])] };
    Object.defineProperty(params, '__proto__', { value: tensor([3]), enumerable: true });
    const path = freshPath();
    saveParams(path, params);
    const loaded = loadParams<Record<string, Tensor>>(path).params;
    expect(Object.keys(loaded).sort()).toEqual(['10', '2', '__proto__']);
    expect(Object.getPrototypeOf(loaded)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(loaded, '__proto__')?.value.item()).toBe(3);
    expect(paramsEqual(loaded, params)).toBe(true);
  });

  test('replaces an existing file and leaves no temporary file behind', () => {
    const path = freshPath();
    saveParams(path, { a: tensor([1]) });
    saveParams(path, { a: tensor([2]) }, 'second');
    const loaded = loadParams<{ a: Tensor }>(path);
    expect(loaded.params.a.item()).toBe(2);
    expect(loaded.meta).toBe('second');
    expect(readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('reports a missing or non-folder parent with ParamsFileError naming the path', () => {
    const missing = join(folder, 'no-such-folder', 'p.json');
    expectParamsFileError(() => saveParams(missing, { a: tensor([1]) }), missing, /cannot create a file in folder/);
    const { path: file } = sampleFile();
    const under = join(file, 'p.json');
    expectParamsFileError(() => saveParams(under, { a: tensor([1]) }), under);
  });

  test('rejects metadata that is not JSON data and leaves that are not tensors', () => {
    expect(() => saveParams(freshPath(), { a: tensor([1]) }, { x: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => saveParams(freshPath(), { a: tensor([1]) }, { when: new Date() } as never)).toThrow(/meta\.when/);
    expect(() => saveParams(freshPath(), { a: [1, 2] } as never)).toThrow(/params\.a\[0\]/);
  });
});

describe('loadParams', () => {
  test('reports a missing file with ParamsFileError naming the path', () => {
    const path = join(folder, 'absent.json');
    expectParamsFileError(() => loadParams(path), path, /cannot read/);
  });

  test('reports every truncation with ParamsFileError', () => {
    const { path, text } = sampleFile();
    const bytes = Buffer.from(text);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), (length) => {
        writeFileSync(path, bytes.subarray(0, length));
        expectParamsFileError(() => loadParams(path), path);
      }),
    );
  });

  test('reports every single-byte corruption with ParamsFileError', () => {
    const { path, text } = sampleFile();
    const bytes = Buffer.from(text);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (position, mask) => {
        const corrupt = Buffer.from(bytes);
        corrupt[position] ^= mask;
        writeFileSync(path, corrupt);
        expectParamsFileError(() => loadParams(path), path);
      }),
      { numRuns: 300 },
    );
  });

  test('reports another version or format by name', () => {
    const { path, text } = sampleFile();
    writeFileSync(path, text.replace('"version":1', '"version":2'));
    expectParamsFileError(() => loadParams(path), path, /unsupported version 2/);
    writeFileSync(path, text.replace('"liouville-params"', '"other-format"'));
    expectParamsFileError(() => loadParams(path), path, /not a liouville-params file/);
  });

  test('reports changed numbers as a checksum mismatch', () => {
    const { path, text } = sampleFile();
    const doc = JSON.parse(text);
    const data = Buffer.from(doc.data, 'base64');
    data[3] ^= 1;
    writeFileSync(path, JSON.stringify({ ...doc, data: data.toString('base64') }));
    expectParamsFileError(() => loadParams(path), path, /checksum mismatch/);
  });

  test('reports leaf lengths that disagree with the data even under a valid checksum', () => {
    const { path, text } = sampleFile();
    const doc = JSON.parse(text);
    doc.leaves[0].byteLength = 24;
    // Re-sign with the documented rule: SHA-256 of the header JSON, "\n", then the data bytes.
    const header = { format: doc.format, version: doc.version, tree: doc.tree, leaves: doc.leaves, meta: doc.meta };
    const hash = createHash('sha256')
      .update(JSON.stringify(header))
      .update('\n')
      .update(Buffer.from(doc.data, 'base64'));
    writeFileSync(path, JSON.stringify({ ...doc, checksum: `sha256:${hash.digest('hex')}` }));
    expectParamsFileError(() => loadParams(path), path, /leaf 0: byteLength must be 32/);
  });

  test('reads what serializeParams writes', () => {
    const path = freshPath();
    const params = { w: tensor([1.5, -0]) };
    writeFileSync(path, serializeParams(params, { note: 'x' }));
    const loaded = loadParams(path);
    expect(paramsEqual(loaded.params, params)).toBe(true);
    expect(loaded.meta).toEqual({ note: 'x' });
  });
});

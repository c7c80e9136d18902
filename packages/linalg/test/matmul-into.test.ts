import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type DType,
  InvalidArgumentError,
  MatmulArena,
  type Tensor,
  type MatmulBackend,
  ShapeError,
  allocate,
  cast,
  matmul,
  matmulInto,
  randomKey,
  randomNormal,
  sizeOf,
  transpose,
} from '../src/index.js';
import { WasmGemm } from '../src/wasm/wasmMatmulKernel.js';
import { broadcastShapesArb, tensorOfShape, withMatmulBackend } from './helpers.js';

// matmulInto runs the kernels of matmul in the same order; a transposed operand changes only where
// its elements are read (or how they are copied into the kernel's memory), never the sums, so
// every comparison with matmul of the materialised transpose is bitwise (Object.is per entry).

const BACKENDS: MatmulBackend[] = ['wasm', 'js'];
const DTYPES: DType[] = ['float64', 'float32'];
const CASES = BACKENDS.flatMap((backend) => DTYPES.map((dtype) => [backend, dtype] as const));

/** A tensor of `shape` with values from a fixed seed (for the cases outside a property). */
function tensorOfShapeSample(shape: number[]): Tensor {
  return randomNormal(randomKey(3), shape);
}

/** The tensor with its last two axes swapped (materialised). */
function swapLast(x: Tensor): Tensor {
  const permutation = [...x.shape.keys()];
  const r = permutation.length;
  [permutation[r - 2], permutation[r - 1]] = [r - 1, r - 2];
  return transpose(x, permutation);
}

function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`entry ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

// Sizes cross both the small-product limit (m·k·n <= 512) and the kernels' 4×4 / 4×8 tiles.
const dim = fc.integer({ min: 1, max: 19 });

describe('matmulInto', () => {
  test.each(CASES)('with operands read transposed in place equals matmul bit for bit (%s, %s)', (backend, dtype) => {
    const arb = fc
      .tuple(broadcastShapesArb(2, { maxRank: 2, maxDim: 3 }), dim, dim, dim, fc.boolean(), fc.boolean())
      .chain(([[aBatch, bBatch], m, k, n, ta, tb]) =>
        fc.tuple(tensorOfShape([...aBatch, m, k]), tensorOfShape([...bBatch, k, n]), fc.constant(ta), fc.constant(tb)),
      );
    fc.assert(
      fc.property(arb, ([a0, b0, ta, tb]) => {
        const [a, b] = [cast(a0, dtype), cast(b0, dtype)];
        const expected = withMatmulBackend(backend, () => matmul(a, b));
        const operand = (x: Tensor, t: boolean) =>
          t ? { data: swapLast(x).data, shape: x.shape, transposed: true } : { data: x.data, shape: x.shape };
        const out = allocate(dtype, sizeOf(expected.shape));
        withMatmulBackend(backend, () => matmulInto(operand(a, ta), operand(b, tb), out));
        expectSameBits(out, expected.data);
      }),
      { numRuns: 150 },
    );
  });

  test.each(['float64', 'float32'] as const)(
    'on an arena, with operands and result in its memory or not, equals matmul bit for bit (%s)',
    (dtype) => {
      const arena = MatmulArena.create(3 * 40 * 40 * 8, MatmulArena.scratchBytes(dtype, 40, 40, 40)) as MatmulArena;
      expect(arena).not.toBeNull();
      const arb = fc
        .tuple(dim, dim, dim, fc.boolean(), fc.boolean(), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }))
        .chain(([m, k, n, ta, tb, resident]) =>
          fc.tuple(tensorOfShape([m, k]), tensorOfShape([k, n]), fc.constant([ta, tb, resident] as const)),
        );
      fc.assert(
        fc.property(arb, ([a0, b0, [ta, tb, resident]]) => {
          const [a, b] = [cast(a0, dtype), cast(b0, dtype)];
          const expected = matmul(a, b);
          // Arrays in the arena at 16-byte aligned slots of 40·40 elements; the others are ordinary arrays.
          const place = (data: Float64Array | Float32Array, slot: number, inArena: boolean) => {
            if (!inArena) return data.slice();
            const view = arena.array(dtype, slot * 40 * 40 * 8, data.length);
            view.set(data);
            return view;
          };
          const operand = (x: Tensor, t: boolean, slot: number) => ({
            data: place(t ? swapLast(x).data : x.data, slot, resident[slot]),
            shape: x.shape,
            transposed: t,
          });
          const out = place(allocate(dtype, sizeOf(expected.shape)), 2, resident[2]);
          matmulInto(operand(a, ta, 0), operand(b, tb, 1), out, { arena });
          expectSameBits(out, expected.data);
        }),
        { numRuns: 100 },
      );
      // Scratch too small for the product: the shared kernel runs instead, with the same bits.
      const tiny = MatmulArena.create(64, 16) as MatmulArena;
      const [a, b] = [cast(tensorOfShapeSample([30, 20]), dtype), cast(tensorOfShapeSample([20, 10]), dtype)];
      const out = allocate(dtype, 300);
      matmulInto({ data: a.data, shape: a.shape }, { data: b.data, shape: b.shape }, out, { arena: tiny });
      expectSameBits(out, matmul(a, b).data);
    },
  );

  test.each(['float64', 'float32'] as const)(
    'packs a transposed A into the slivers of A under any cache blocking (%s)',
    (dtype) => {
      // Small blocks of k and m: several k blocks continue the sums, and slivers of every remainder.
      const gemm = new WasmGemm(undefined, { kc: 5, aBlockBytes: 0 });
      fc.assert(
        fc.property(fc.tuple(dim, dim, dim), fc.integer({ min: 1, max: 1000 }), ([m, k, n], seed) => {
          const a = cast(randomNormal(randomKey(seed), [m, k]), dtype);
          const b = cast(randomNormal(randomKey(seed + 1), [k, n]), dtype);
          const c = allocate(dtype, m * n);
          expect(gemm.run(dtype, swapLast(a).data, 0, b.data, 0, c, 0, m, k, n, true, false)).toBe(true);
          expectSameBits(c, withMatmulBackend('wasm', () => matmul(a, b)).data);
        }),
        { numRuns: 60 },
      );
    },
  );

  test('multiplies vectors as matmul does', () => {
    const arb = dim.chain((k) => fc.tuple(tensorOfShape([k]), tensorOfShape([k, 3]), tensorOfShape([3, k])));
    fc.assert(
      fc.property(arb, ([v, b, c]) => {
        const out = allocate('float64', 3);
        matmulInto({ data: v.data, shape: v.shape }, { data: b.data, shape: b.shape }, out);
        expectSameBits(out, matmul(v, b).data);
        matmulInto({ data: c.data, shape: c.shape }, { data: v.data, shape: v.shape }, out);
        expectSameBits(out, matmul(c, v).data);
      }),
    );
  });

  test('rejects an output of the wrong dtype or size, a transposed vector and mismatched data', () => {
    const a = { data: new Float64Array(6), shape: [2, 3] };
    const b = { data: new Float64Array(12), shape: [3, 4] };
    expect(() => matmulInto(a, b, new Float32Array(8))).toThrow(InvalidArgumentError);
    expect(() => matmulInto(a, b, new Float64Array(7))).toThrow(/matmulInto: out.*float64 array of 8/);
    expect(() =>
      matmulInto({ data: new Float64Array(3), shape: [3], transposed: true }, b, new Float64Array(4)),
    ).toThrow(/a.transposed/);
    expect(() => matmulInto({ data: new Float64Array(5), shape: [2, 3] }, b, new Float64Array(8))).toThrow(ShapeError);
    expect(() => matmulInto(a, { data: new Float64Array(8), shape: [4, 2] }, new Float64Array(4))).toThrow(
      /inner dimensions differ/,
    );
  });

  test.each(['float64', 'float32'] as const)(
    'a row times a transposed matrix (a learned field at one state) equals matmul bit for bit, on the arena or not (%s)',
    (dtype) => {
      // Sizes above the small-product limit, so the WebAssembly kernel runs x·Bᵀ as B·xᵀ.
      const arena = MatmulArena.create(3 * 300 * 300 * 8, MatmulArena.scratchBytes(dtype, 1, 300, 300)) as MatmulArena;
      const arb = fc
        .tuple(fc.integer({ min: 24, max: 300 }), fc.integer({ min: 24, max: 300 }), fc.boolean(), fc.boolean())
        .chain(([k, n, ta, onArena]) =>
          fc.tuple(tensorOfShape([1, k]), tensorOfShape([k, n]), fc.constant([ta, onArena] as const)),
        );
      fc.assert(
        fc.property(arb, ([a0, b0, [ta, onArena]]) => {
          const [a, b] = [cast(a0, dtype), cast(b0, dtype)];
          const expected = matmul(a, b);
          const out = allocate(dtype, sizeOf(expected.shape));
          const bT = { data: swapLast(b).data, shape: b.shape, transposed: true };
          const aT = { data: ta ? swapLast(a).data : a.data, shape: a.shape, transposed: ta };
          matmulInto(aT, bT, out, { arena: onArena ? arena : null });
          expectSameBits(out, expected.data);
        }),
        { numRuns: 60 },
      );
    },
  );
});

import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import {
  type DType,
  InvalidArgumentError,
  type MatmulBackend,
  type Tensor,
  type TypedArray,
  allocate,
  availableMatmulBackends,
  getMatmulBackend,
  getMatmulKernel,
  matmul,
  setMatmulBackend,
  tensor,
} from '../src/index.js';
import { WasmGemm } from '../src/wasm/wasmMatmulKernel.js';
import { expectSameValues, gamma, naiveBatched, naiveMatmul, valueArb, withMatmulBackend } from './helpers.js';

// Error bounds. Whatever the order of summation, a dot product of length k computed with one
// rounding per product and per addition satisfies |ĉ − c| ≤ γₖ·Σₚ|aₚ||bₚ| with γₖ = ku/(1 − ku)
// (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.1, eq. 3.5). The reference
// is the naive loop in float64, itself within γₖ(u = 2⁻⁵³) of the exact product, so:
//  - float64 kernel vs reference: |Δ| ≤ 2γₖ·Σ|a||b| ≈ k·ε·Σ|a||b| (ε = 2⁻⁵², the bound quoted for
//    gemm), whichever order the kernel sums in;
//  - float32 kernel vs reference: |Δ| ≤ (γₖ(2⁻²⁴) + γₖ(2⁻⁵³))·Σ|a||b|, covering both the wasm kernel
//    (f32 accumulation: k roundings to float32) and the js kernel (one rounding of a float64 sum).
// The bounds assume no underflow, so the generated values have no tiny magnitudes (noTiny).

const BACKENDS: MatmulBackend[] = ['wasm', 'js'];
const DTYPES: DType[] = ['float64', 'float32'];
const CASES = BACKENDS.flatMap((backend) => DTYPES.map((dtype) => [backend, dtype] as const));

const F32_UNIT_ROUNDOFF = 2 ** -24;
const gamma32 = (k: number) => (k * F32_UNIT_ROUNDOFF) / (1 - k * F32_UNIT_ROUNDOFF);

/** The dot-product bound above for every entry of C = A·B. */
function errorBounds(dtype: DType, a: TypedArray, b: TypedArray, m: number, k: number, n: number): number[] {
  const absolute = naiveMatmul(a.map(Math.abs), b.map(Math.abs), m, k, n);
  const factor = dtype === 'float64' ? 2 * gamma(k) : gamma32(k) + gamma(k);
  return absolute.map((s) => factor * s);
}

function expectWithinBounds(actual: ArrayLike<number>, expected: number[], bounds: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= bounds[i])) expect.fail(`entry ${i}: got ${actual[i]}, expected ${expected[i]} ± ${bounds[i]}`);
  }
}

/** A typed array of `dtype` with `size` generated values. */
function arrayArb(dtype: DType, size: number, integer: boolean): fc.Arbitrary<TypedArray> {
  const values = valueArb(integer ? { bound: 8, integer: true } : { bound: 4, noTiny: true });
  return fc.array(values, { minLength: size, maxLength: size }).map((v) => allocate(dtype, size).map((_, i) => v[i]));
}

interface Problem {
  m: number;
  k: number;
  n: number;
  a: TypedArray;
  b: TypedArray;
  /** Element offsets of A, B and C in their arrays (the arrays have this many extra leading entries). */
  offsets: [number, number, number];
}

/** m, k, n in 1..37: every residue modulo the 4-row and 4- or 8-column tiles, and several tiles. */
function problemArb(dtype: DType, integer = false): fc.Arbitrary<Problem> {
  const dim = fc.integer({ min: 1, max: 37 });
  const offset = fc.integer({ min: 0, max: 3 });
  return fc
    .record({ m: dim, k: dim, n: dim, offsets: fc.tuple(offset, offset, offset) })
    .chain(({ m, k, n, offsets }) =>
      fc.record({
        m: fc.constant(m),
        k: fc.constant(k),
        n: fc.constant(n),
        offsets: fc.constant(offsets),
        a: arrayArb(dtype, offsets[0] + m * k, integer),
        b: arrayArb(dtype, offsets[1] + k * n, integer),
      }),
    );
}

/** Runs a kernel on a problem into an output pre-filled with a sentinel; returns the whole output array. */
function runKernel(backend: MatmulBackend, dtype: DType, { m, k, n, a, b, offsets }: Problem): TypedArray {
  const c = allocate(dtype, offsets[2] + m * n + 2).fill(-7);
  getMatmulKernel(dtype, backend).matmulNN(a, offsets[0], b, offsets[1], c, offsets[2], m, k, n);
  return c;
}

function block(x: TypedArray, offset: number, size: number): TypedArray {
  return x.subarray(offset, offset + size);
}

/** Sequential float32 dot products, p = 0, 1, …, k−1: each product and each sum rounded to float32. */
function sequentialFloat32(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): number[] {
  const c: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      // Rounding float64 results of float32 operands to float32 gives the correctly rounded float32
      // product and sum: 53 ≥ 2·24 + 2, so double rounding is innocuous (Figueroa, 1995).
      let acc = 0;
      for (let p = 0; p < k; p++) acc = Math.fround(acc + Math.fround(a[i * k + p] * b[p * n + j]));
      c.push(acc);
    }
  }
  return c;
}

describe('getMatmulKernel', () => {
  test.each(CASES)(
    '%s %s kernel agrees with the naive loop within the dot-product bound, at any offsets',
    (backend, dtype) => {
      fc.assert(
        fc.property(problemArb(dtype), (problem) => {
          const { m, k, n, a, b, offsets } = problem;
          const c = runKernel(backend, dtype, problem);
          const [aBlock, bBlock] = [block(a, offsets[0], m * k), block(b, offsets[1], k * n)];
          expectWithinBounds(
            block(c, offsets[2], m * n),
            naiveMatmul(aBlock, bBlock, m, k, n),
            errorBounds(dtype, aBlock, bBlock, m, k, n),
          );
          // Nothing outside C's block is written.
          expect([...c.subarray(0, offsets[2]), ...c.subarray(offsets[2] + m * n)].every((x) => x === -7)).toBe(true);
        }),
        { numRuns: 150 },
      );
    },
  );

  test.each(CASES)('%s %s kernel is exact on small integers', (backend, dtype) => {
    // |entries| ≤ 8 and k ≤ 37: every product and partial sum is an integer of magnitude at most
    // 37·64 < 2¹², which float32 and float64 represent exactly, so any summation order is exact.
    fc.assert(
      fc.property(problemArb(dtype, true), (problem) => {
        const { m, k, n, a, b, offsets } = problem;
        const c = runKernel(backend, dtype, problem);
        expectSameValues(
          block(c, offsets[2], m * n),
          naiveMatmul(block(a, offsets[0], m * k), block(b, offsets[1], k * n), m, k, n),
        );
      }),
      { numRuns: 100 },
    );
  });

  test('float64 kernels are bit-identical to each other and to the naive loop', () => {
    // Both kernels accumulate each entry as ((0 + a₀b₀) + a₁b₁) + … in the order p = 0, 1, …,
    // with a separate multiply and add (f64x2.mul then f64x2.add: WebAssembly never fuses them),
    // exactly as the naive loop does, so any difference is a tiling or indexing error.
    fc.assert(
      fc.property(problemArb('float64'), (problem) => {
        const { m, k, n, a, b, offsets } = problem;
        const wasm = block(runKernel('wasm', 'float64', problem), offsets[2], m * n);
        expectSameValues(wasm, block(runKernel('js', 'float64', problem), offsets[2], m * n));
        expectSameValues(wasm, naiveMatmul(block(a, offsets[0], m * k), block(b, offsets[1], k * n), m, k, n));
      }),
      { numRuns: 100 },
    );
  });

  test('the float32 wasm kernel accumulates in float32, in the order p = 0, 1, …, k−1', () => {
    fc.assert(
      fc.property(problemArb('float32'), (problem) => {
        const { m, k, n, a, b, offsets } = problem;
        const c = block(runKernel('wasm', 'float32', problem), offsets[2], m * n);
        expectSameValues(c, sequentialFloat32(block(a, offsets[0], m * k), block(b, offsets[1], k * n), m, k, n));
      }),
      { numRuns: 100 },
    );
  });

  test('the float32 js kernel rounds the float64 sum once', () => {
    fc.assert(
      fc.property(problemArb('float32'), (problem) => {
        const { m, k, n, a, b, offsets } = problem;
        const c = block(runKernel('js', 'float32', problem), offsets[2], m * n);
        expectSameValues(
          c,
          naiveMatmul(block(a, offsets[0], m * k), block(b, offsets[1], k * n), m, k, n).map(Math.fround),
        );
      }),
      { numRuns: 100 },
    );
  });

  test.each(CASES)('%s %s kernel writes zeros for k = 0 and nothing for m = 0 or n = 0', (backend, dtype) => {
    const kernel = getMatmulKernel(dtype, backend);
    const c = allocate(dtype, 8).fill(5);
    kernel.matmulNN(allocate(dtype, 0), 0, allocate(dtype, 0), 0, c, 1, 2, 0, 3);
    expect(Array.from(c)).toEqual([5, 0, 0, 0, 0, 0, 0, 5]);
    kernel.matmulNN(allocate(dtype, 4), 0, allocate(dtype, 0), 0, c, 0, 0, 4, 0);
    kernel.matmulNN(allocate(dtype, 0), 0, allocate(dtype, 12), 0, c, 0, 0, 4, 3);
    expect(Array.from(c)).toEqual([5, 0, 0, 0, 0, 0, 0, 5]);
  });

  test('the float64 wasm kernel widens float32 operands exactly', () => {
    fc.assert(
      fc.property(problemArb('float32'), (problem) => {
        const { m, k, n } = problem;
        const c = allocate('float64', m * n);
        getMatmulKernel('float64', 'wasm').matmulNN(
          problem.a,
          problem.offsets[0],
          problem.b,
          problem.offsets[1],
          c,
          0,
          m,
          k,
          n,
        );
        const a64 = Float64Array.from(block(problem.a, problem.offsets[0], m * k));
        const b64 = Float64Array.from(block(problem.b, problem.offsets[1], k * n));
        expectSameValues(c, naiveMatmul(a64, b64, m, k, n));
      }),
      { numRuns: 30 },
    );
  });

  test('the wasm kernel grows its memory for a large product and stays correct for later small ones', () => {
    const sizes: Array<[number, number, number]> = [
      [3, 5, 7],
      [301, 203, 157],
      [2, 3, 4],
      [129, 515, 67],
    ];
    let seed = 1;
    const next = () => {
      seed = (seed * 16807) % 2147483647; // Park–Miller minimal standard generator
      return (seed / 2147483647) * 2 - 1;
    };
    for (const [m, k, n] of sizes) {
      const a = Float64Array.from({ length: m * k }, next);
      const b = Float64Array.from({ length: k * n }, next);
      const [wasm, js] = [new Float64Array(m * n), new Float64Array(m * n)];
      getMatmulKernel('float64', 'wasm').matmulNN(a, 0, b, 0, wasm, 0, m, k, n);
      getMatmulKernel('float64', 'js').matmulNN(a, 0, b, 0, js, 0, m, k, n);
      expectSameValues(wasm, js);
    }
  });
});

describe('WasmGemm', () => {
  test('keeps float64 results bit-identical under any cache blocking (blocks of k continue the same sums)', () => {
    const blockings = fc.record({ kc: fc.integer({ min: 1, max: 9 }), aBlockBytes: fc.integer({ min: 0, max: 4096 }) });
    const gemms = new Map<string, WasmGemm>();
    fc.assert(
      fc.property(problemArb('float64'), blockings, (problem, blocking) => {
        const key = `${blocking.kc}/${blocking.aBlockBytes}`;
        if (!gemms.has(key)) gemms.set(key, new WasmGemm(undefined, blocking));
        const { m, k, n, a, b, offsets } = problem;
        const c = new Float64Array(m * n);
        expect(gemms.get(key)?.run('float64', a, offsets[0], b, offsets[1], c, 0, m, k, n)).toBe(true);
        expectSameValues(c, naiveMatmul(block(a, offsets[0], m * k), block(b, offsets[1], k * n), m, k, n));
      }),
      { numRuns: 100 },
    );
  });

  test('keeps the float32 accumulation order under any cache blocking', () => {
    const gemm = new WasmGemm(undefined, { kc: 5, aBlockBytes: 0 });
    fc.assert(
      fc.property(problemArb('float32'), (problem) => {
        const { m, k, n, a, b, offsets } = problem;
        const c = new Float32Array(m * n);
        gemm.run('float32', a, offsets[0], b, offsets[1], c, 0, m, k, n);
        expectSameValues(c, sequentialFloat32(block(a, offsets[0], m * k), block(b, offsets[1], k * n), m, k, n));
      }),
      { numRuns: 50 },
    );
  });
});

describe('matmul', () => {
  /** Batch shapes (a, b): both batched, B shared (one product of stacked rows), A shared, broadcast both ways. */
  const batchShapes = fc.constantFrom<[number[], number[]]>(
    [[3], [3]],
    [[2, 3], []],
    [[], [4]],
    [
      [2, 1],
      [1, 3],
    ],
    [[1], [2]],
    [[0], []],
  );

  test.each(CASES)('%s %s agrees with the naive batched product within the dot-product bound', (backend, dtype) => {
    const dim = fc.integer({ min: 1, max: 13 });
    const arb = fc.tuple(batchShapes, dim, dim, dim).chain(([[aBatch, bBatch], m, k, n]) => {
      const aSize = aBatch.reduce((x, y) => x * y, 1) * m * k;
      const bSize = bBatch.reduce((x, y) => x * y, 1) * k * n;
      return fc
        .tuple(arrayArb(dtype, aSize, false), arrayArb(dtype, bSize, false))
        .map(
          ([a, b]) =>
            [tensor(Array.from(a), [...aBatch, m, k], dtype), tensor(Array.from(b), [...bBatch, k, n], dtype)] as const,
        );
    });
    withMatmulBackend(backend, () =>
      fc.assert(
        fc.property(arb, ([a, b]) => {
          const expected = naiveBatched(a, b);
          const c = matmul(a, b);
          expect(c.shape).toEqual(expected.shape);
          expect(c.dtype).toBe(dtype);
          const bounds = batchedBounds(dtype, a, b);
          expectWithinBounds(c.data, expected.values, bounds);
        }),
        { numRuns: 60 },
      ),
    );
  });
});

/** The dot-product bound for every entry of a batched product: the same formula on |a| and |b|. */
function batchedBounds(dtype: DType, a: Tensor, b: Tensor): number[] {
  const abs = (x: Tensor) => tensor(Array.from(x.data, Math.abs), [...x.shape], 'float64');
  const k = a.shape[a.rank - 1];
  const factor = dtype === 'float64' ? 2 * gamma(k) : gamma32(k) + gamma(k);
  return naiveBatched(abs(a), abs(b)).values.map((s) => factor * s);
}

describe('setMatmulBackend', () => {
  const initial = getMatmulBackend();
  afterEach(() => setMatmulBackend(initial));

  test('defaults to wasm on an engine with WebAssembly SIMD', () => {
    expect(availableMatmulBackends()).toEqual(['wasm', 'js']);
    expect(initial).toBe('wasm');
    expect(getMatmulKernel('float64').name).toBe('wasm-simd-float64');
  });

  test('switches the kernels that matmul uses', () => {
    // [1, 1, 1] · [1, 2⁻²⁴, 2⁻²⁴]ᵀ in float32: accumulating in float32, 1 + 2⁻²⁴ rounds to 1 (ties to
    // even) twice; the js kernel sums exactly in float64 and rounds 1 + 2⁻²³ once, which is a float32.
    const a = tensor([[1, 1, 1]], undefined, 'float32');
    const b = tensor([[1], [2 ** -24], [2 ** -24]], undefined, 'float32');
    setMatmulBackend('js');
    expect(getMatmulBackend()).toBe('js');
    expect(getMatmulKernel('float32').name).toBe('js-float32');
    expect(matmul(a, b).data[0]).toBe(1 + 2 ** -23);
    setMatmulBackend('wasm');
    expect(getMatmulKernel('float32').name).toBe('wasm-simd-float32');
    expect(matmul(a, b).data[0]).toBe(1);
  });

  test('throws an InvalidArgumentError naming the accepted backends for an unknown one', () => {
    expect(() => setMatmulBackend('gpu' as MatmulBackend)).toThrow(InvalidArgumentError);
    expect(() => setMatmulBackend('gpu' as MatmulBackend)).toThrow(
      `setMatmulBackend: backend: expected one of 'wasm', 'js', got "gpu"`,
    );
    expect(getMatmulBackend()).toBe(initial);
  });
});

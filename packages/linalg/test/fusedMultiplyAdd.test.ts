import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  type DType,
  InvalidArgumentError,
  MatmulArena,
  type MatmulBackend,
  type TypedArray,
  WasmFeatureUnavailableError,
  allocate,
  fusedMultiplyAdd,
  matmulInto,
  useFusedMultiplyAdd,
} from '../src/index.js';
import { enableRelaxedSimd, matmulThreadsReady, useMatmulThreads } from '../src/node/index.js';
import { helperJobCount } from '../src/wasm/gemmThreads.js';
import { filled, withMatmulBackend } from './helpers.js';

// With useFusedMultiplyAdd(true) the WebAssembly kernels compute each step of a dot product as
// relaxed_madd, which rounds once where the hardware fuses (two roundings elsewhere): the bits are
// the machine's, so the fused products are compared within an error bound, and the unfused ones
// (the default, and after turning the setting off) bit for bit with the naive triple loop.

/** Whether this x86-64 CPU has FMA (so V8 fuses relaxed_madd, and some products must change bits). */
const cpuHasFma = (() => {
  try {
    return /^flags\s*:.*\bfma\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
})();

/** Node 20 needs the V8 flag; Node 22 and later validate relaxed SIMD as they are. */
const relaxedSimd = enableRelaxedSimd();

afterEach(() => {
  useFusedMultiplyAdd(false);
  useMatmulThreads(1);
});

const unitRoundoff = (dtype: DType) => (dtype === 'float64' ? 2 ** -53 : 2 ** -24);

/** γ_k = k·u / (1 − k·u) (Higham, Accuracy and Stability of Numerical Algorithms, §3.1). */
const gamma = (k: number, u: number) => (k * u) / (1 - k * u);

/** A product C = op(A)·op(B), m×k by k×n: `a` holds A (m×k) or, with `ta`, its transpose (k×m); likewise `b`. */
interface Case {
  dtype: DType;
  a: TypedArray;
  ta: boolean;
  b: TypedArray;
  tb: boolean;
  m: number;
  k: number;
  n: number;
}

const entryOfA = (c: Case, i: number, p: number) => (c.ta ? c.a[p * c.m + i] : c.a[i * c.k + p]);
const entryOfB = (c: Case, p: number, j: number) => (c.tb ? c.b[j * c.k + p] : c.b[p * c.n + j]);

/** The product through the public matmulInto on `backend` (with `arena`, on its kernel). */
function product(c: Case, arena?: MatmulArena, backend: MatmulBackend = 'wasm'): TypedArray {
  const out = allocate(c.dtype, c.m * c.n);
  withMatmulBackend(backend, () =>
    matmulInto(
      { data: c.a, shape: [c.m, c.k], transposed: c.ta },
      { data: c.b, shape: [c.k, c.n], transposed: c.tb },
      out,
      { arena },
    ),
  );
  return out;
}

/** The naive triple loop in the dtype's arithmetic, a separate multiply and add per step: the unfused kernels' bits. */
function naive(c: Case): TypedArray {
  const round = c.dtype === 'float64' ? (x: number) => x : Math.fround;
  const out = allocate(c.dtype, c.m * c.n);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      for (let p = 0; p < c.k; p++) s = round(s + round(entryOfA(c, i, p) * entryOfB(c, p, j)));
      out[i * c.n + j] = s;
    }
  }
  return out;
}

/** x = hi + lo exactly, hi with 26 significant bits (Dekker's split). */
function split(x: number): [number, number] {
  const t = 134217729 * x; // 2^27 + 1
  const hi = t - (t - x);
  return [hi, x - hi];
}

/**
 * Σ_p A[i, p]·B[p, j] as if in twice the working precision, and Σ|A[i, p]|·|B[p, j]|: Dot2 of
 * Ogita, Rump & Oishi, "Accurate sum and dot product", SIAM J. Sci. Comput. 26(6), 2005, Alg. 5.3
 * (TwoProduct by Dekker's split, TwoSum by Knuth), whose error is at most u|Σ| + γ²_k·Σ|a||b|.
 */
function accurateEntry(c: Case, i: number, j: number): { sum: number; abs: number } {
  let [sum, tail, abs] = [0, 0, 0];
  for (let p = 0; p < c.k; p++) {
    const [x, y] = [entryOfA(c, i, p), entryOfB(c, p, j)];
    const prod = x * y;
    const [xh, xl] = split(x);
    const [yh, yl] = split(y);
    const prodError = xl * yl - (prod - xh * yh - xl * yh - xh * yl);
    const next = sum + prod;
    const z = next - sum;
    const sumError = sum - (next - z) + (prod - z);
    sum = next;
    tail += sumError + prodError;
    abs += Math.abs(prod);
  }
  return { sum: sum + tail, abs };
}

/**
 * Checks every entry of the fused product against the accurate sum. Each entry of C is a length-k
 * dot product accumulated in the order p = 0, 1, …, k−1 (also across the blocks of k), each step
 * rounding once (fused) or twice (multiply, then add): either way |ĉ − c| ≤ γ_k·Σ|a||b| with u of
 * the dtype (Higham §3.1, eq. 3.5, no underflow: the values here are in [-1, 1) and not tiny).
 * The accurate sum's own error, at most u₆₄·Σ|a||b| (plus γ²_k·Σ), is added to the bound.
 */
function expectWithinDotBound(c: Case, fused: TypedArray): void {
  const g = gamma(c.k, unitRoundoff(c.dtype));
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      const { sum, abs } = accurateEntry(c, i, j);
      const bound = (g + 2 ** -52) * abs;
      const error = Math.abs(fused[i * c.n + j] - sum);
      if (!(error <= bound)) expect.fail(`entry (${i}, ${j}): error ${error} exceeds γ_k·Σ|a||b| = ${bound}`);
    }
  }
}

function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`entry ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Entries whose bits differ. */
function differences(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) count++;
  return count;
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** An arena with room for C of the case (resident) and the scratch of the product. */
function arenaFor(c: Case): MatmulArena {
  const bytes = c.dtype === 'float64' ? 8 : 4;
  const arena = MatmulArena.create(align16(c.m * c.n * bytes), MatmulArena.scratchBytes(c.dtype, c.m, c.k, c.n));
  if (arena === null) throw new Error('WebAssembly SIMD is required for these tests');
  return arena;
}

function caseOf(dtype: DType, [m, k, n]: readonly number[], seed: number, ta = false, tb = false): Case {
  return { dtype, a: filled(dtype, m * k, seed), ta, b: filled(dtype, k * n, seed + 1), tb, m, k, n };
}

describe('useFusedMultiplyAdd', () => {
  test('is off by default, and a typed error for anything but a boolean', () => {
    expect(fusedMultiplyAdd()).toBe(false);
    for (const bad of [1, 'yes', undefined]) {
      expect(() => useFusedMultiplyAdd(bad as unknown as boolean)).toThrow(InvalidArgumentError);
    }
    expect(fusedMultiplyAdd()).toBe(false);
  });

  test('enableRelaxedSimd makes relaxed SIMD available on this Node', () => {
    expect(relaxedSimd).toBe(true);
    expect(enableRelaxedSimd()).toBe(true); // a second call changes nothing
    useFusedMultiplyAdd(true);
    expect(fusedMultiplyAdd()).toBe(true);
    useFusedMultiplyAdd(false);
    expect(fusedMultiplyAdd()).toBe(false);
  });

  test('without relaxed SIMD, turning it on is a typed error that says what is needed', () => {
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    try {
      expect(() => useFusedMultiplyAdd(true)).toThrow(WasmFeatureUnavailableError);
      expect(() => useFusedMultiplyAdd(true)).toThrow(
        /^useFusedMultiplyAdd: this engine does not support WebAssembly relaxed SIMD .*enableRelaxedSimd\(\) from '@liouville\/linalg\/node'.*--experimental-wasm-relaxed-simd; Node 22 and later, and Chrome 114 and later, need nothing$/,
      );
      expect(fusedMultiplyAdd()).toBe(false);
      useFusedMultiplyAdd(false); // turning it off needs nothing
      expect(fusedMultiplyAdd()).toBe(false);
    } finally {
      validate.mockRestore();
    }
  });

  test.skipIf(!relaxedSimd).each(['float64', 'float32'] as const)(
    'products stay within the bound of a length-k dot product, and off again give the naive bits (%s)',
    (dtype) => {
      // m from 1 to 40: in-place B (up to 8 rows) and packed panels, every remainder of the 4-row
      // slivers; n across the vector tiles and the scalar columns; k across the blocks of 256.
      const shape = fc.tuple(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 40 }),
      );
      let differing = 0;
      fc.assert(
        fc.property(shape, fc.boolean(), fc.boolean(), fc.integer(), (mkn, ta, tb, seed) => {
          const c = caseOf(dtype, mkn, seed, ta, tb);
          useFusedMultiplyAdd(true);
          const fused = product(c);
          useFusedMultiplyAdd(false);
          const plain = product(c);
          expectWithinDotBound(c, fused);
          expectSameBits(plain, naive(c));
          // The JavaScript kernel accumulates float32 products in float64; in float64 it is the naive loop.
          if (dtype === 'float64') expectSameBits(plain, product(c, undefined, 'js'));
          differing += differences(fused, plain);
        }),
        { numRuns: 80 },
      );
      // On a CPU with FMA, V8 fuses relaxed_madd: some products must round differently.
      if (cpuHasFma) expect(differing).toBeGreaterThan(0);
    },
  );

  test.skipIf(!relaxedSimd).each(['float64', 'float32'] as const)(
    'an arena keeps the setting it was created with (%s)',
    (dtype) => {
      const c = caseOf(dtype, [30, 200, 20], 7);
      const plainArena = arenaFor(c);
      useFusedMultiplyAdd(true);
      const fusedArena = arenaFor(c);
      const fused = product(c);
      expectSameBits(product(c, plainArena), naive(c));
      useFusedMultiplyAdd(false);
      expectSameBits(product(c, fusedArena), fused);
      expectSameBits(product(c, plainArena), naive(c));
      expectSameBits(product(c), naive(c));
      if (cpuHasFma) expect(differences(fused, naive(c))).toBeGreaterThan(0);
    },
  );

  test.skipIf(!relaxedSimd).each(['float64', 'float32'] as const)(
    'an arena on two threads runs the fused kernel on both (%s)',
    async (dtype) => {
      useMatmulThreads(2);
      await matmulThreadsReady();
      useFusedMultiplyAdd(true);
      // 2²¹ multiply-adds and more are cut into chunks of rows shared with the helper thread; this
      // one has 2²⁴ (a few ms of work on each side), so that the helper has time to wake up.
      const c = caseOf(dtype, [512, 256, 128], 11, true, false);
      const arena = arenaFor(c);
      const fused = product(c);
      const before = helperJobCount();
      let split = false;
      // On a busy machine the helper may not be scheduled before the caller has taken every chunk
      // (the product is then correct, on one thread): retry, yielding between tries so that it
      // gets the processor back.
      for (let attempt = 0; attempt < 50 && !split; attempt++) {
        expectSameBits(product(c, arena), fused);
        split = helperJobCount() > before;
        if (!split) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(split).toBe(true);
      if (cpuHasFma) expect(differences(fused, naive(c))).toBeGreaterThan(0);
    },
  );
});

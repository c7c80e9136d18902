import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { type DType, InvalidArgumentError, MatmulArena, type TypedArray, matmulInto } from '../src/index.js';
import { matmulThreads, matmulThreadsReady, useMatmulThreads } from '../src/node/index.js';
import { filled } from './helpers.js';
import {
  PARALLEL_MIN_MULTIPLY_ADDS,
  ThreadsUnavailableError,
  helperJobCount,
  waitForHelper,
} from '../src/wasm/gemmThreads.js';

// Products of arenas split over two threads (useMatmulThreads(2)) must give the bits of one thread:
// each entry of C is computed by the same instructions in the same order, only on another thread.
// So every comparison here is bitwise (Object.is per entry), in both dtypes.

afterAll(() => useMatmulThreads(1));

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** C = op(A)·op(B) through a new arena made with `threads`: A (m×k, or k×m when transposed) resident in it, B copied in, C resident. */
function arenaProduct(
  threads: 1 | 2,
  dtype: DType,
  a: TypedArray,
  ta: boolean,
  b: TypedArray,
  tb: boolean,
  [m, k, n]: readonly number[],
): TypedArray {
  useMatmulThreads(threads);
  const bytes = dtype === 'float64' ? 8 : 4;
  const arena = MatmulArena.create(align16(m * k * bytes) + m * n * bytes, MatmulArena.scratchBytes(dtype, m, k, n));
  if (arena === null) throw new Error('WebAssembly SIMD is required for these tests');
  const aIn = arena.array(dtype, 0, m * k);
  aIn.set(a);
  const c = arena.array(dtype, align16(m * k * bytes), m * n);
  // Shapes are the operands' own; `transposed` says their data holds the transpose.
  matmulInto({ data: aIn, shape: [m, k], transposed: ta }, { data: b, shape: [k, n], transposed: tb }, c, { arena });
  return c.slice();
}

function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`entry ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

describe('matrix products on two threads', () => {
  afterEach(() => useMatmulThreads(1));

  test.each(['float64', 'float32'] as const)('equal one thread bit for bit (%s)', async (dtype) => {
    useMatmulThreads(2);
    await matmulThreadsReady();
    const jobsBefore = helperJobCount();
    // Shapes on both sides of the split threshold (2²¹ multiply-adds), m not always a multiple of
    // the 4-row slivers, n across the 4- and 8-wide tiles and their edges, k across kc = 256.
    const shape = fc.tuple(
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 1, max: 100 }),
    );
    fc.assert(
      fc.property(shape, fc.boolean(), fc.boolean(), fc.integer(), ([m, k, n], ta, tb, seed) => {
        const a = filled(dtype, m * k, seed);
        const b = filled(dtype, k * n, seed + 1);
        const one = arenaProduct(1, dtype, a, ta, b, tb, [m, k, n]);
        const two = arenaProduct(2, dtype, a, ta, b, tb, [m, k, n]);
        expectSameBits(two, one);
      }),
      { numRuns: 60 },
    );
    // The property must have run split products, not only single-threaded ones: the helper took
    // part in some (it may leave one to the caller when the machine is busy, never all of them).
    expect(helperJobCount()).toBeGreaterThan(jobsBefore);
  });

  test('a product below the threshold stays on one thread', () => {
    useMatmulThreads(2);
    expect(waitForHelper(30_000)).toBe(true);
    const before = helperJobCount();
    const [m, k, n] = [100, 100, 100]; // about half the threshold
    expect(m * k * n).toBeLessThan(PARALLEL_MIN_MULTIPLY_ADDS);
    arenaProduct(2, 'float64', filled('float64', m * k, 3), false, filled('float64', k * n, 4), false, [m, k, n]);
    expect(helperJobCount()).toBe(before);
  });

  test('the setting: 1 or 2 threads, anything else is a typed error', () => {
    useMatmulThreads(2);
    expect(matmulThreads()).toBe(2);
    useMatmulThreads(1);
    expect(matmulThreads()).toBe(1);
    for (const bad of [0, 3, 1.5, Number.NaN]) {
      expect(() => useMatmulThreads(bad)).toThrow(InvalidArgumentError);
      expect(() => useMatmulThreads(bad)).toThrow(/useMatmulThreads: count: expected 1 or 2/);
    }
  });

  test('without shared memory, asking for two threads names what is missing', () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    try {
      expect(() => useMatmulThreads(2)).toThrow(ThreadsUnavailableError);
      expect(() => useMatmulThreads(2)).toThrow(
        /useMatmulThreads: threads are unavailable here \(no SharedArrayBuffer/,
      );
      expect(matmulThreads()).toBe(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  test('a process that used the helper thread exits by itself', () => {
    const script = fileURLToPath(new URL('./fixtures/threadedProduct.ts', import.meta.url));
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.signal, result.stderr).toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const { jobs, sum } = JSON.parse(result.stdout) as { jobs: number; sum: number };
    expect(jobs).toBeGreaterThan(0);
    // Every entry is Σ 0.5·0.25 over k = 128, exactly 16 in binary floating point.
    expect(sum).toBe(256 * 128 * 16);
  });
});

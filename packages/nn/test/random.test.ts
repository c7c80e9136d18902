import fc from 'fast-check';
import { InvalidArgumentError, randomKey } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { epochBatches, permutation, sampleBatch } from '../src/index.js';
import { keyOf, seedArb } from './helpers.js';

const sorted = (a: Int32Array) => Array.from(a).sort((x, y) => x - y);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('permutation', () => {
  test('contains every index 0..n−1 exactly once, the same for the same key', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 0, max: 200 }), (seed, n) => {
        const p = permutation(keyOf(seed), n);
        expect(sorted(p)).toEqual(range(n));
        expect(Array.from(permutation(keyOf(seed), n))).toEqual(Array.from(p));
      }),
    );
  });

  test('is uniform: each index lands in each position with frequency 1/n', () => {
    // n = 4, N = 8000 draws: each of the 16 (index, position) counts is Binomial(N, 1/4), standard
    // deviation √(N·3/16) ≈ 38.7; 6 standard deviations (≈ 232) bound a false failure by ~1e-9 each.
    const n = 4;
    const N = 8000;
    const counts = new Array(n * n).fill(0);
    for (let s = 0; s < N; s++) {
      const p = permutation(randomKey(s), n);
      for (let pos = 0; pos < n; pos++) counts[p[pos] * n + pos]++;
    }
    for (const c of counts) expect(Math.abs(c - N / n)).toBeLessThan(232);
  });

  test('rejects a negative or fractional n', () => {
    expect(() => permutation(randomKey(0), -1)).toThrow(InvalidArgumentError);
    expect(() => permutation(randomKey(0), 2.5)).toThrow(/permutation: n/);
  });
});

describe('sampleBatch', () => {
  test('draws batchSize distinct indices in [0, n)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), (seed, n, b) => {
        const batchSize = Math.min(n, b);
        const batch = sampleBatch(keyOf(seed), n, batchSize);
        expect(batch.length).toBe(batchSize);
        expect(new Set(batch).size).toBe(batchSize);
        for (const i of batch) expect(i >= 0 && i < n).toBe(true);
      }),
    );
  });

  test('rejects a batch larger than the data', () => {
    expect(() => sampleBatch(randomKey(0), 5, 6)).toThrow(/batchSize: expected at most n = 5, got 6/);
    expect(() => sampleBatch(randomKey(0), 5, 0)).toThrow(InvalidArgumentError);
  });
});

describe('epochBatches', () => {
  test('covers every index once in batches of batchSize (last one shorter unless dropLast)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 30 }), (seed, n, batchSize) => {
        const batches = epochBatches(keyOf(seed), n, batchSize);
        expect(sorted(Int32Array.from(batches.flatMap((b) => Array.from(b))))).toEqual(range(n));
        expect(batches.slice(0, -1).every((b) => b.length === batchSize)).toBe(true);
        const full = epochBatches(keyOf(seed), n, batchSize, { dropLast: true });
        expect(full.length).toBe(Math.floor(n / batchSize));
        expect(full.every((b) => b.length === batchSize)).toBe(true);
      }),
    );
  });
});

import fc from 'fast-check';
import { InvalidArgumentError, randomNormal } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { haarOrthonormalColumns, thinQR } from '../src/index.js';
import { EPS, distanceFromIdentity, keyOf, naiveMatmul, naiveTranspose, seedArb } from './helpers.js';

// Tall shapes m ≥ n up to 12×12.
const tallArb = fc
  .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 11 }), seedArb)
  .map(([n, extra, seed]) => ({ m: n + extra, n, seed }));

describe('thinQR', () => {
  test('reproduces A = QR with orthonormal Q and upper-triangular R', () => {
    fc.assert(
      fc.property(tallArb, ({ m, n, seed }) => {
        const a = randomNormal(keyOf(seed), [m, n]).data as Float64Array;
        const { q, r } = thinQR(a, m, n);
        // Householder QR is backward stable: ‖A − QR‖ ≲ c·m·n·ε‖A‖ (Higham, Accuracy and
        // Stability, Thm 19.4); with Gaussian entries |A| < 9, 1e-12 leaves a wide margin.
        const qr = naiveMatmul(q, r, m, n, n);
        for (let i = 0; i < a.length; i++) expect(Math.abs(qr[i] - a[i])).toBeLessThan(1e-12);
        expect(distanceFromIdentity(naiveMatmul(naiveTranspose(q, m, n), q, n, m, n), n)).toBeLessThan(100 * m * EPS);
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(r[i * n + j]).toBe(0);
      }),
    );
  });

  test('rejects wide shapes and mismatched lengths with InvalidArgumentError', () => {
    expect(() => thinQR(new Float64Array(6), 2, 3)).toThrow(InvalidArgumentError);
    expect(() => thinQR(new Float64Array(5), 3, 2)).toThrow(/6 elements/);
  });
});

describe('haarOrthonormalColumns', () => {
  test('returns the Q whose R = QᵀA has a positive diagonal (the unique QR)', () => {
    fc.assert(
      fc.property(tallArb, ({ m, n, seed }) => {
        const a = randomNormal(keyOf(seed), [m, n]).data as Float64Array;
        const q = haarOrthonormalColumns(a, m, n);
        const r = naiveMatmul(naiveTranspose(q, m, n), a, n, m, n);
        for (let j = 0; j < n; j++) expect(r[j * n + j]).toBeGreaterThan(0);
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError, eye, matmul, neg, symplecticJ, tensor, transpose } from '../src/index.js';
import { expectSameValues } from './helpers.js';

// J has entries 0 and ±1 and each row has one non-zero, so all the identities below hold exactly.
const order = fc.integer({ min: 0, max: 12 });

describe('symplecticJ', () => {
  test('is the 2n×2n block matrix [[0, I], [−I, 0]]', () => {
    fc.assert(
      fc.property(order, (n) => {
        const J = symplecticJ(n);
        expect(J.shape).toEqual([2 * n, 2 * n]);
        for (let i = 0; i < 2 * n; i++) {
          for (let j = 0; j < 2 * n; j++) {
            const expected = j === i + n ? 1 : i === j + n ? -1 : 0;
            expect(J.get(i, j)).toBe(expected);
          }
        }
      }),
    );
  });

  test('is antisymmetric: Jᵀ = −J', () => {
    fc.assert(
      fc.property(order, (n) => {
        const J = symplecticJ(n);
        expectSameValues(transpose(J).data, neg(J).data);
      }),
    );
  });

  test('squares to −I, so J⁻¹ = Jᵀ', () => {
    fc.assert(
      fc.property(order, (n) => {
        const J = symplecticJ(n);
        expectSameValues(matmul(J, J).data, neg(eye(2 * n)).data);
        expectSameValues(matmul(transpose(J), J).data, eye(2 * n).data);
      }),
    );
  });

  test('turns ∇H into Hamilton’s equations q̇ = ∂H/∂p, ṗ = −∂H/∂q', () => {
    // H = (q² + p²)/2 at (q, p) = (2, 3): ∇H = (q, p) = (2, 3), so ẋ = (p, −q) = (3, −2).
    expect(matmul(symplecticJ(1), tensor([2, 3])).toArray()).toEqual([3, -2]);
  });

  test('honours the dtype', () => {
    expect(symplecticJ(2, 'float32').dtype).toBe('float32');
  });

  test('rejects a negative or fractional n naming it', () => {
    expect(() => symplecticJ(-1)).toThrow(InvalidArgumentError);
    expect(() => symplecticJ(1.5)).toThrow(/^symplecticJ: n: expected a non-negative integer, got 1.5/);
    expect(() => symplecticJ(1, 'int8' as never)).toThrow(/^symplecticJ: dtype/);
  });
});

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  LiouvilleError,
  ShapeError,
  SingularMatrixError,
  type Tensor,
  det,
  eye,
  inv,
  lu,
  matmul,
  solve,
  tensor,
  zeros,
} from '../src/index.js';
import {
  diagonallyDominantArb,
  expectAllClose,
  expectSameValues,
  gamma,
  infNorm,
  naiveMatmul,
  squareMatrixArb,
  tensorOfShape,
} from './helpers.js';

/**
 * Backward-error bound for Gaussian elimination with partial pivoting (Higham, Accuracy and
 * Stability of Numerical Algorithms, 2nd ed., §9.3, Thm 9.4 with the bound on ‖|L||U|‖∞ there):
 * the computed x̂ solves (A + ΔA)x̂ = b with ‖ΔA‖∞ ≤ γ₃ₙ(1 + 2(n² − n)ρₙ)‖A‖∞, where ρₙ is the growth
 * factor: ≤ 2 for diagonally dominant matrices, ≤ 2ⁿ⁻¹ in general. Hence the residual satisfies
 * ‖b − Ax̂‖∞ ≤ bound·‖A‖∞‖x̂‖∞, independently of the condition number.
 */
function backwardErrorBound(n: number, rho: number): number {
  return gamma(3 * n) * (1 + 2 * (n * n - n) * rho);
}

/** max over right-hand sides j of ‖b_j − A x_j‖∞ / (‖A‖∞ ‖x_j‖∞), residual computed in float64. */
function relativeResidual(a: Tensor, x: Tensor, b: Tensor): number {
  const n = a.shape[0];
  const m = x.rank === 1 ? 1 : x.shape[1];
  const ax = naiveMatmul(a.data, x.data, n, n, m);
  const normA = infNorm(a.data, n, n);
  let worst = 0;
  for (let j = 0; j < m; j++) {
    let residual = 0;
    let normX = 0;
    for (let i = 0; i < n; i++) {
      residual = Math.max(residual, Math.abs(b.data[i * m + j] - ax[i * m + j]));
      normX = Math.max(normX, Math.abs(x.data[i * m + j]));
    }
    // The product Ax itself carries error ≤ γₙ‖A‖∞‖x‖∞, absorbed by the bound's slack (γ₃ₙ ≥ γₙ).
    if (normX > 0) worst = Math.max(worst, residual / (normA * normX));
  }
  return worst;
}

/** A matrix and one or several right-hand sides. */
function systemArb(matrices: fc.Arbitrary<Tensor>): fc.Arbitrary<[Tensor, Tensor]> {
  return matrices.chain((a) => {
    const n = a.shape[0];
    const values = { noTiny: true };
    const rhs = fc.oneof(
      tensorOfShape([n], values),
      fc.integer({ min: 1, max: 4 }).chain((m) => tensorOfShape([n, m], values)),
    );
    return fc.tuple(fc.constant(a), rhs);
  });
}

/** Unpacks the LU result into L (unit lower), U (upper) and P·A. */
function unpack(a: Tensor) {
  const n = a.shape[0];
  const { lu: packed, pivots, sign } = lu(a);
  const L = new Float64Array(n * n);
  const U = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j < i) L[i * n + j] = packed.data[i * n + j];
      else U[i * n + j] = packed.data[i * n + j];
    }
    L[i * n + i] = 1;
  }
  const PA = Float64Array.from(a.data);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const t = PA[k * n + j];
      PA[k * n + j] = PA[pivots[k] * n + j];
      PA[pivots[k] * n + j] = t;
    }
  }
  return { n, L, U, PA, pivots, sign };
}

describe('lu', () => {
  test('factors PA = LU with unit-lower L, |lᵢⱼ| ≤ 1, to within rounding', () => {
    fc.assert(
      fc.property(squareMatrixArb(1, 8), (a) => {
        const { n, L, U, PA } = unpack(a);
        const product = naiveMatmul(L, U, n, n, n);
        const absProduct = naiveMatmul(L.map(Math.abs), U.map(Math.abs), n, n, n);
        for (let i = 0; i < n * n; i++) {
          expect(Math.abs(L[i])).toBeLessThanOrEqual(1);
          // Higham Thm 9.3: L̂Û = PA + ΔA with |ΔA| ≤ γₙ|L̂||Û|; forming L̂Û again adds at most as much.
          expect(Math.abs(product[i] - PA[i])).toBeLessThanOrEqual(2 * gamma(n) * absProduct[i]);
        }
      }),
    );
  });

  test('reports the permutation parity in sign', () => {
    fc.assert(
      fc.property(squareMatrixArb(1, 8), (a) => {
        const { pivots, sign } = unpack(a);
        const swaps = Array.from(pivots).filter((p, k) => p !== k).length;
        expect(sign).toBe(swaps % 2 === 0 ? 1 : -1);
        for (let k = 0; k < pivots.length; k++) expect(pivots[k]).toBeGreaterThanOrEqual(k);
      }),
    );
  });

  test('pivots on the largest entry of the column', () => {
    const { pivots, sign } = lu(
      tensor([
        [0, 1],
        [2, 3],
      ]),
    );
    expect(Array.from(pivots)).toEqual([1, 1]);
    expect(sign).toBe(-1);
  });

  test('factors a singular matrix without throwing', () => {
    expect(() => lu(zeros([3, 3]))).not.toThrow();
  });

  test('throws a ShapeError naming the shape for a non-square matrix', () => {
    expect(() => lu(zeros([2, 3]))).toThrow(ShapeError);
    expect(() => lu(zeros([2, 3]))).toThrow('lu: expected a square matrix a, got shape [2, 3]');
    expect(() => lu(zeros([4]))).toThrow(ShapeError);
  });

  test('keeps float32', () => {
    expect(lu(eye(2, 2, 'float32')).lu.dtype).toBe('float32');
  });
});

describe('solve', () => {
  test('leaves a residual within the backward-error bound for diagonally dominant matrices', () => {
    fc.assert(
      fc.property(systemArb(diagonallyDominantArb(1, 8)), ([a, b]) => {
        const x = solve(a, b);
        expect(x.shape).toEqual(b.shape);
        expect(relativeResidual(a, x, b)).toBeLessThanOrEqual(backwardErrorBound(a.shape[0], 2));
      }),
    );
  });

  test('leaves a residual within the backward-error bound for general matrices (with pivoting)', () => {
    fc.assert(
      fc.property(systemArb(squareMatrixArb(1, 8)), ([a, b]) => {
        const n = a.shape[0];
        // A random matrix is singular only with probability 0, but an exact zero pivot can occur.
        fc.pre(Array.from({ length: n }, (_, k) => lu(a).lu.get(k, k)).every((u) => u !== 0));
        const x = solve(a, b);
        expect(relativeResidual(a, x, b)).toBeLessThanOrEqual(backwardErrorBound(n, 2 ** (n - 1)));
      }),
    );
  });

  test('recovers an exactly representable solution of a small integer system', () => {
    const a = tensor([
      [2, 1, 1],
      [4, -6, 0],
      [-2, 7, 2],
    ]);
    // x = (1, 1, 2); every intermediate here is a dyadic rational, so elimination is exact.
    expectSameValues(solve(a, tensor([5, -2, 9])).data, [1, 1, 2]);
  });

  test('throws a SingularMatrixError naming the operation for an exactly singular matrix', () => {
    const singular = tensor([
      [1, 2],
      [2, 4],
    ]);
    expect(() => solve(singular, tensor([1, 1]))).toThrow(SingularMatrixError);
    expect(() => solve(singular, tensor([1, 1]))).toThrow(/^solve: matrix a is singular/);
    expect(() => solve(zeros([3, 3]), zeros([3]))).toThrow(SingularMatrixError);
    expect(new SingularMatrixError('solve', 'x')).toBeInstanceOf(LiouvilleError);
  });

  test('throws a SingularMatrixError for any matrix with two equal rows', () => {
    // Equal rows stay equal under identical elimination steps, so one of them reaches an exact zero pivot.
    const arb = squareMatrixArb(2, 6).chain((a) =>
      fc.tuple(fc.constant(a), fc.nat(), fc.nat()).map(([m, i, j]) => {
        const n = m.shape[0];
        const [from, to] = [i % n, (i + 1 + (j % (n - 1))) % n];
        const data = Float64Array.from(m.data);
        data.copyWithin(to * n, from * n, from * n + n);
        return tensor(data, [n, n]);
      }),
    );
    fc.assert(
      fc.property(arb, (a) => {
        expect(() => solve(a, zeros([a.shape[0]]))).toThrow(SingularMatrixError);
        expect(Math.abs(det(a).item())).toBe(0);
      }),
    );
  });

  test('throws a ShapeError naming both shapes when a is not square or b does not match', () => {
    expect(() => solve(zeros([2, 3]), zeros([2]))).toThrow(ShapeError);
    expect(() => solve(zeros([2, 3]), zeros([2]))).toThrow(
      'solve: expected a square matrix a, got shapes [2, 3] and [2]',
    );
    expect(() => solve(eye(3), zeros([2]))).toThrow('got a [3, 3] and b [2]');
    expect(() => solve(eye(2), zeros([2, 2, 2]))).toThrow(ShapeError);
  });

  test('returns float32 for float32 operands', () => {
    const x = solve(tensor([[2]], undefined, 'float32'), tensor([1], undefined, 'float32'));
    expect(x.dtype).toBe('float32');
    expect(x.item()).toBe(0.5);
  });

  test('handles the empty system', () => {
    expect(solve(zeros([0, 0]), zeros([0])).shape).toEqual([0]);
  });
});

describe('det', () => {
  test('is the product of the diagonal for an upper-triangular matrix', () => {
    // No row is ever interchanged and every multiplier is 0, so U = A and the product is formed in
    // the same order as the reference: the results agree exactly.
    const arb = squareMatrixArb(1, 8).map((a) => {
      const n = a.shape[0];
      return tensor(
        Array.from(a.data, (v, i) => (Math.floor(i / n) <= i % n ? v : 0)),
        [n, n],
      );
    });
    fc.assert(
      fc.property(arb, (a) => {
        let product = 1;
        for (let k = 0; k < a.shape[0]; k++) product *= a.get(k, k);
        expectSameValues([det(a).item()], [product]);
      }),
    );
  });

  test('is the product of the diagonal for a diagonally dominant lower-triangular matrix', () => {
    // Column dominance means no interchanges, and each row k is zero right of column k, so
    // elimination never changes the diagonal: the results agree exactly.
    const arb = diagonallyDominantArb(1, 8).map((a) => {
      const n = a.shape[0];
      return tensor(
        Array.from(a.data, (v, i) => (Math.floor(i / n) >= i % n ? v : 0)),
        [n, n],
      );
    });
    fc.assert(
      fc.property(arb, (a) => {
        let product = 1;
        for (let k = 0; k < a.shape[0]; k++) product *= a.get(k, k);
        expectSameValues([det(a).item()], [product]);
      }),
    );
  });

  test('matches the closed forms for 2×2 and 3×3 matrices', () => {
    const closedForm = (a: Tensor): number => {
      const g = (i: number, j: number) => a.get(i, j);
      if (a.shape[0] === 2) return g(0, 0) * g(1, 1) - g(0, 1) * g(1, 0);
      return (
        g(0, 0) * (g(1, 1) * g(2, 2) - g(1, 2) * g(2, 1)) -
        g(0, 1) * (g(1, 0) * g(2, 2) - g(1, 2) * g(2, 0)) +
        g(0, 2) * (g(1, 0) * g(2, 1) - g(1, 1) * g(2, 0))
      );
    };
    fc.assert(
      fc.property(squareMatrixArb(2, 3), (a) => {
        const n = a.shape[0];
        const maxAbs = Math.max(...Array.from(a.data, Math.abs));
        // Every term of the Leibniz expansion is at most max|aᵢⱼ|ⁿ, so S = n!·max|aᵢⱼ|ⁿ bounds |det|
        // and the closed form's error is ≤ γₙ₊₁·S. For LU, det(A + ΔA) − det(A) ≈ Σ Cᵢⱼ ΔAᵢⱼ with
        // cofactors |Cᵢⱼ| ≤ (n−1)!·maxⁿ⁻¹ and |ΔA| ≤ γ₃ₙ|L||U| ≤ γ₃ₙ·n·ρ·max (ρ ≤ 2ⁿ⁻¹), giving
        // ≤ n²ρ·γ₃ₙ·S. Twice the sum covers second-order terms.
        const S = [1, 1, 2, 6][n] * maxAbs ** n;
        const tolerance = 2 * (n * n * 2 ** (n - 1) * gamma(3 * n) + gamma(n + 1)) * S;
        expectAllClose([det(a).item()], [closedForm(a)], tolerance);
      }),
    );
  });

  test('is 1 for the empty matrix and flips sign under a row swap', () => {
    expect(det(zeros([0, 0])).item()).toBe(1);
    expect(
      det(
        tensor([
          [0, 1],
          [1, 0],
        ]),
      ).item(),
    ).toBe(-1);
  });

  test('throws a ShapeError for a non-square matrix', () => {
    expect(() => det(zeros([3, 2]))).toThrow('det: expected a square matrix a, got shape [3, 2]');
  });
});

describe('inv', () => {
  test('gives A·inv(A) ≈ I and inv(A)·A ≈ I for diagonally dominant matrices', () => {
    fc.assert(
      fc.property(diagonallyDominantArb(1, 8), (a) => {
        const n = a.shape[0];
        const x = inv(a);
        const normA = infNorm(a.data, n, n);
        const normX = infNorm(x.data, n, n);
        // Column j of X solves Ax = eⱼ, so each entry of AX − I is at most the backward-error
        // bound times ‖A‖∞‖X‖∞ (plus γₙ‖A‖∞‖X‖∞ for forming AX, covered by its slack).
        const right = backwardErrorBound(n, 2) * normA * normX;
        expectAllClose(matmul(a, x).data, eye(n).data, right);
        // XA − I = A⁻¹(AX − I)A, so it can be κ∞(A) = ‖A‖∞‖A⁻¹‖∞ times larger (row sums: × n).
        expectAllClose(matmul(x, a).data, eye(n).data, 2 * n * normA * normX * right);
      }),
    );
  });

  test('throws a SingularMatrixError naming the operation', () => {
    expect(() => inv(zeros([2, 2]))).toThrow(SingularMatrixError);
    expect(() => inv(zeros([2, 2]))).toThrow(/^inv: matrix a is singular/);
  });

  test('throws a ShapeError for a non-square matrix', () => {
    expect(() => inv(zeros([1, 2]))).toThrow(ShapeError);
  });

  test('keeps float32', () => {
    expect(inv(eye(3, 3, 'float32')).dtype).toBe('float32');
  });
});

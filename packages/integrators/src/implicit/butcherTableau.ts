import { InvalidArgumentError } from '@liouville/linalg';

/** A Runge–Kutta method's coefficients: stages Xᵢ = x₀ + dt Σⱼ aᵢⱼ f(Xⱼ), x₁ = x₀ + dt Σᵢ bᵢ f(Xᵢ). */
export interface ButcherTableau {
  readonly name: string;
  /** Classical order of the method. */
  readonly order: number;
  readonly a: readonly (readonly number[])[];
  readonly b: readonly number[];
  readonly c: readonly number[];
}

// Conditions hold in exact arithmetic; the closed-form coefficients carry a few ulps of rounding.
const exactness = 1e-14;

/** Validates shapes and consistency (Σ bᵢ = 1, Σⱼ aᵢⱼ = cᵢ); throws InvalidArgumentError otherwise. */
export function checkTableau(tableau: ButcherTableau): ButcherTableau {
  const { a, b, c, name } = tableau;
  const s = b.length;
  if (s === 0 || c.length !== s || a.length !== s || a.some((r) => r.length !== s)) {
    throw new InvalidArgumentError(`${name}: tableau`, `a square s×s matrix a with b and c of length s`, [
      a.length,
      b.length,
      c.length,
    ]);
  }
  const bSum = b.reduce((x, y) => x + y, 0);
  if (Math.abs(bSum - 1) > exactness)
    throw new InvalidArgumentError(`${name}: b`, 'weights summing to 1 (consistency)', bSum);
  a.forEach((r, i) => {
    const rowSum = r.reduce((x, y) => x + y, 0);
    if (Math.abs(rowSum - c[i]) > exactness) {
      throw new InvalidArgumentError(`${name}: a[${i}]`, `a row summing to c[${i}] = ${c[i]}`, rowSum);
    }
  });
  return tableau;
}

/**
 * Whether the method is symplectic: bᵢaᵢⱼ + bⱼaⱼᵢ = bᵢbⱼ for all i, j (Hairer, Lubich & Wanner,
 * Geometric Numerical Integration, 2nd ed., Theorem VI.4.3).
 */
export function isSymplecticTableau({ a, b }: ButcherTableau): boolean {
  return a.every((r, i) => r.every((aij, j) => Math.abs(b[i] * aij + b[j] * a[j][i] - b[i] * b[j]) <= exactness));
}

/**
 * Whether the method is symmetric: a_{s+1−i, s+1−j} + aᵢⱼ = bⱼ and b_{s+1−i} = bᵢ (Hairer, Lubich &
 * Wanner, GNI, 2nd ed., Theorem V.2.3, the sufficient condition satisfied by Gauss methods).
 */
export function isSymmetricTableau({ a, b }: ButcherTableau): boolean {
  const s = b.length;
  const weights = b.every((bi, i) => Math.abs(b[s - 1 - i] - bi) <= exactness);
  return weights && a.every((r, i) => r.every((aij, j) => Math.abs(a[s - 1 - i][s - 1 - j] + aij - b[j]) <= exactness));
}

import { InvalidArgumentError } from '@liouville/linalg';
import { type ButcherTableau, checkTableau } from '../implicit/butcherTableau.js';

/**
 * Explicit Runge–Kutta methods as data: coefficients written as exact fractions (so their order
 * conditions can be checked in exact arithmetic), and the floating-point tableau the stepper reads.
 */

/** A rational coefficient numerator/denominator (two integers, |n|, |d| < 2⁵³). */
export type Fraction = readonly [numerator: number, denominator: number];

/**
 * Weights written as integers over one denominator, b = (n₁, …, nₛ)/d, as RK4's (1, 2, 2, 1)/6.
 * The update is then evaluated as written by hand: x + (h/d)·Σ nᵢkᵢ, adjacent stages with equal
 * numerators added before their common factor is applied (RK4: h/6·(k₁ + 2(k₂ + k₃) + k₄)).
 */
export interface CommonDenominator {
  readonly numerators: readonly number[];
  readonly denominator: number;
}

/** An embedded lower-order solution x̂₁ = x₀ + h Σ b̂ᵢkᵢ for error estimation. */
export interface RationalEmbedding {
  /** Order of the embedded solution. */
  readonly order: number;
  readonly bHat: readonly Fraction[];
  /**
   * e = b − b̂, written out as fractions: the error estimate h Σ eᵢkᵢ then rounds each coefficient
   * once instead of subtracting two rounded weights (as in Hairer's dopri5.f, E1…E7).
   */
  readonly error: readonly Fraction[];
}

/** An explicit method's coefficients as exact fractions. */
export interface RationalTableau {
  readonly name: string;
  /** Classical order of the method. */
  readonly order: number;
  /** Row i holds aᵢ₀ … aᵢ,ᵢ₋₁, the entries below the diagonal (row 0 is empty). */
  readonly a: readonly (readonly Fraction[])[];
  readonly b: readonly Fraction[] | CommonDenominator;
  readonly c: readonly Fraction[];
  readonly embedded?: RationalEmbedding;
}

/** An embedded pair's weights in floating point. */
export interface EmbeddedWeights {
  readonly order: number;
  readonly bHat: readonly number[];
  readonly error: readonly number[];
}

/** An explicit Runge–Kutta tableau: a square, strictly lower triangular `a`, with its exact form. */
export interface ExplicitTableau extends ButcherTableau {
  readonly exact: RationalTableau;
  /** b over a common denominator when written so (see CommonDenominator), else null. */
  readonly weights: CommonDenominator | null;
  /** The last stage is the solution (its row of a is b, its c is 1): its slope starts the next step. */
  readonly fsal: boolean;
  readonly embedded: EmbeddedWeights | null;
}

/** The fraction as the nearest double: n/d rounds once, exactly as the literal `n / d` does. */
export const fractionValue = ([n, d]: Fraction): number => n / d;

const isFraction = (f: unknown): f is Fraction =>
  Array.isArray(f) && f.length === 2 && f.every(Number.isSafeInteger) && f[1] !== 0;

function checkFractions(name: string, what: string, fractions: readonly Fraction[], length: number): number[] {
  if (fractions.length !== length || !fractions.every(isFraction)) {
    throw new InvalidArgumentError(
      `${name}: ${what}`,
      `${length} fractions [numerator, denominator] of integers`,
      fractions,
    );
  }
  return fractions.map(fractionValue);
}

function commonDenominator(name: string, b: RationalTableau['b'], s: number): CommonDenominator | null {
  if (Array.isArray(b)) return null;
  const { numerators, denominator } = b as CommonDenominator;
  checkFractions(
    name,
    'b',
    numerators.map((n) => [n, denominator] as const),
    s,
  );
  return { numerators: [...numerators], denominator };
}

function embedding(name: string, embedded: RationalEmbedding | undefined, s: number): EmbeddedWeights | null {
  if (embedded === undefined) return null;
  return {
    order: embedded.order,
    bHat: checkFractions(name, 'bHat', embedded.bHat, s),
    error: checkFractions(name, 'error', embedded.error, s),
  };
}

/** Square a from the rows below the diagonal, zeros on and above it. */
function squareA(name: string, rows: RationalTableau['a'], s: number): number[][] {
  if (rows.length !== s) throw new InvalidArgumentError(`${name}: a`, `${s} rows, row i with i entries`, rows.length);
  return rows.map((row, i) => {
    const values = checkFractions(name, `a[${i}]`, row, i);
    return [...values, ...new Array<number>(s - i).fill(0)];
  });
}

/**
 * The floating-point tableau of an explicit method given as fractions; validates shapes and
 * consistency (Σ bᵢ = 1, Σⱼ aᵢⱼ = cᵢ), throwing InvalidArgumentError naming the field otherwise.
 */
export function explicitTableau(exact: RationalTableau): ExplicitTableau {
  const { name, order } = exact;
  const s = exact.c.length;
  const weights = commonDenominator(name, exact.b, s);
  const b = weights
    ? weights.numerators.map((n) => n / weights.denominator)
    : checkFractions(name, 'b', exact.b as readonly Fraction[], s);
  const c = checkFractions(name, 'c', exact.c, s);
  const a = squareA(name, exact.a, s);
  checkTableau({ name, order, a, b, c });
  const fsal = s > 1 && c[s - 1] === 1 && a[s - 1].every((aij, j) => aij === b[j]);
  return { name, order, a, b, c, exact, weights, fsal, embedded: embedding(name, exact.embedded, s) };
}

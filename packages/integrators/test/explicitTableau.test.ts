import { InvalidArgumentError } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { EXPLICIT_TABLEAUX, rk4Tableau } from '../src/explicit/classical.js';
import { dopri5DenseCoefficients, dopri5DenseFractions, dopri5Tableau } from '../src/explicit/dopri5Tableau.js';
import {
  type CommonDenominator,
  type Fraction,
  type RationalTableau,
  explicitTableau,
} from '../src/explicit/tableau.js';

// Every condition is checked in exact rational arithmetic (BigInt numerators and denominators) on
// the fractions the tableaux are written with: an identity, not a comparison within a tolerance.

/** An exact rational n/d, d > 0, in lowest terms. */
class Q {
  readonly n: bigint;
  readonly d: bigint;
  constructor(n: bigint | number, d: bigint | number = 1n) {
    let [num, den] = [BigInt(n), BigInt(d)];
    if (den < 0n) [num, den] = [-num, -den];
    const g = gcd(num < 0n ? -num : num, den);
    [this.n, this.d] = [num / g, den / g];
  }
  add = (o: Q): Q => new Q(this.n * o.d + o.n * this.d, this.d * o.d);
  sub = (o: Q): Q => new Q(this.n * o.d - o.n * this.d, this.d * o.d);
  mul = (o: Q): Q => new Q(this.n * o.n, this.d * o.d);
  equals = (o: Q): boolean => this.n === o.n && this.d === o.d;
  toString = (): string => `${this.n}/${this.d}`;
}
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a === 0n ? 1n : a) : gcd(b, a % b));
const ZERO = new Q(0);
const ONE = new Q(1);
const q = ([n, d]: Fraction): Q => new Q(n, d);
const sumQ = (xs: readonly Q[]): Q => xs.reduce((s, x) => s.add(x), ZERO);
const dot = (x: readonly Q[], y: readonly Q[]): Q => sumQ(x.map((xi, i) => xi.mul(y[i])));

/** The tableau's b as fractions, also when written over a common denominator. */
function exactB({ b }: RationalTableau): Q[] {
  if (Array.isArray(b)) return (b as readonly Fraction[]).map(q);
  const { numerators, denominator } = b as CommonDenominator;
  return numerators.map((n) => new Q(n, denominator));
}

/** The square matrix a (zeros on and above the diagonal). */
const exactA = ({ a, c }: RationalTableau): Q[][] => c.map((_, i) => c.map((_, j) => (j < i ? q(a[i][j]) : ZERO)));

/** A rooted tree as the list of its root's subtrees, in a canonical order. */
type Tree = readonly Tree[];

/** All rooted trees with 1 … maxOrder nodes, by order (Butcher; HNW I, §II.2). */
function rootedTrees(maxOrder: number): Tree[][] {
  const byOrder: Tree[][] = [[], [[]]];
  for (let n = 2; n <= maxOrder; n++) {
    const smaller = byOrder.slice(1, n).flatMap((trees, i) => trees.map((t) => ({ t, order: i + 1 })));
    const out: Tree[] = [];
    // Children as multisets: nondecreasing indices into `smaller`, orders summing to n − 1.
    const choose = (left: number, from: number, children: Tree[]) => {
      if (left === 0) out.push(children);
      for (let k = from; k < smaller.length; k++) {
        if (smaller[k].order <= left) choose(left - smaller[k].order, k, [...children, smaller[k].t]);
      }
    };
    choose(n - 1, 0, []);
    byOrder.push(out);
  }
  return byOrder;
}

const treeOrder = (t: Tree): number => 1 + t.reduce((s, c) => s + treeOrder(c), 0);
/** γ(t) = |t|·Π γ(children): the exact solution's weight is 1/γ(t). */
const density = (t: Tree): bigint => BigInt(treeOrder(t)) * t.reduce((p, c) => p * density(c), 1n);

/** The internal elementary weights Φᵢ(t) = Πₖ Σⱼ aᵢⱼ Φⱼ(tₖ), one per stage. */
function elementaryWeights(a: Q[][], t: Tree): Q[] {
  const children = t.map((child) => elementaryWeights(a, child));
  return a.map((row) => children.reduce((prod, phi) => prod.mul(dot(row, phi)), ONE));
}

const TREES = rootedTrees(6);

/** The trees of order ≤ maxOrder whose condition Σ bᵢΦᵢ(t) = 1/γ(t) fails. */
function failedConditions(a: Q[][], b: Q[], maxOrder: number): Tree[] {
  return TREES.slice(1, maxOrder + 1)
    .flat()
    .filter((t) => !dot(b, elementaryWeights(a, t)).equals(new Q(1n, density(t))));
}

describe('rooted trees', () => {
  test('number 1, 1, 2, 4, 9, 20 for orders 1 to 6 (OEIS A000081), with the densities γ(t) of HNW I, Table II.2.1', () => {
    expect(TREES.slice(1).map((ts) => ts.length)).toEqual([1, 1, 2, 4, 9, 20]);
    // The bushy tree [τ, …, τ] of order n has γ = n; the tall tree of order n has γ = n!.
    expect(density(TREES[4].find((t) => t.length === 3) as Tree)).toBe(4n);
    expect(TREES[5].map(density).sort((x, y) => Number(x - y))).toEqual([5n, 10n, 15n, 20n, 20n, 30n, 40n, 60n, 120n]);
  });
});

describe.each(EXPLICIT_TABLEAUX.map((t) => [t.name, t] as const))('%s tableau', (_name, tableau) => {
  const a = exactA(tableau.exact);
  const b = exactB(tableau.exact);
  const c = tableau.exact.c.map(q);

  test('is explicit and consistent: a strictly lower triangular, rows of a summing to c, Σ b = 1', () => {
    tableau.a.forEach((row, i) => {
      row.forEach((aij, j) => {
        if (j >= i) expect(aij).toBe(0);
      });
    });
    a.forEach((row, i) => {
      expect(sumQ(row).equals(c[i])).toBe(true);
    });
    expect(sumQ(b).equals(ONE)).toBe(true);
  });

  test('satisfies every order condition up to its stated order, and not all of the next', () => {
    expect(failedConditions(a, b, tableau.order).map(String)).toEqual([]);
    expect(failedConditions(a, b, tableau.order + 1).length).toBeGreaterThan(0);
  });

  test('holds in floating point the nearest double of each fraction', () => {
    const exactValues = (fs: readonly Q[]) => fs.map((f) => Number(f.n) / Number(f.d));
    expect(tableau.b).toEqual(exactValues(b));
    expect(tableau.c).toEqual(exactValues(c));
    expect(tableau.a).toEqual(a.map(exactValues));
  });
});

describe('dopri5 tableau', () => {
  const a = exactA(dopri5Tableau.exact);
  const b = exactB(dopri5Tableau.exact);
  const embedded = dopri5Tableau.exact.embedded as NonNullable<RationalTableau['embedded']>;
  const bHat = embedded.bHat.map(q);

  test('has an embedded solution of order exactly 4, and error weights e = b − b̂ exactly', () => {
    expect(sumQ(bHat).equals(ONE)).toBe(true);
    expect(failedConditions(a, bHat, 4)).toEqual([]);
    expect(failedConditions(a, bHat, 5).length).toBeGreaterThan(0);
    embedded.error.map(q).forEach((e, i) => {
      expect(e.equals(b[i].sub(bHat[i]))).toBe(true);
    });
  });

  test('is FSAL: the last row of a is b and its node is 1, so the last stage is the solution', () => {
    expect(dopri5Tableau.fsal).toBe(true);
    expect(rk4Tableau.fsal).toBe(false);
    a[6].forEach((aij, j) => {
      expect(aij.equals(b[j])).toBe(true);
    });
  });

  // Hairer's form y(θ) = y₀ + θ(r₂ + (1−θ)(r₃ + θ(r₄ + (1−θ)r₅))) with r₂ = hΣbᵢkᵢ, r₃ = hk₁ − r₂,
  // r₄ = r₂ − hk₇ − r₃, r₅ = hΣdᵢkᵢ has stage weights
  // bᵢ(θ) = θ(bᵢ + (1−θ)(δᵢ₁ − bᵢ + θ(2bᵢ − δᵢ₁ − δᵢ₇ + (1−θ)dᵢ))).
  const denseWeights = (theta: Q): Q[] => {
    const t1 = ONE.sub(theta);
    const d = dopri5DenseFractions.map(q);
    return b.map((bi, i) => {
      const first = i === 0 ? ONE : ZERO;
      const last = i === 6 ? ONE : ZERO;
      const inner = bi.add(bi).sub(first).sub(last).add(t1.mul(d[i]));
      return theta.mul(bi.add(t1.mul(first.sub(bi).add(theta.mul(inner)))));
    });
  };

  test('has a continuous extension of order 4: Σ bᵢ(θ)Φᵢ(t) = θ^|t|/γ(t) as polynomials in θ', () => {
    // Both sides are polynomials of degree ≤ 5 in θ: equal at 6 distinct points, equal everywhere.
    const thetas = [new Q(1, 5), new Q(1, 3), new Q(1, 2), new Q(3, 5), new Q(3, 4), ONE];
    for (const theta of thetas) {
      for (const t of TREES.slice(1, 5).flat()) {
        const power = Array.from({ length: treeOrder(t) }).reduce<Q>((p) => p.mul(theta), ONE);
        expect(dot(denseWeights(theta), elementaryWeights(a, t)).equals(power.mul(new Q(1n, density(t))))).toBe(true);
      }
    }
    // Not of order 5 in between the steps: some order-5 condition fails at θ = 1/2.
    const half = new Q(1, 2);
    const failing = TREES[5].filter(
      (t) => !dot(denseWeights(half), elementaryWeights(a, t)).equals(new Q(1n, 32n * density(t))),
    );
    expect(failing.length).toBeGreaterThan(0);
    expect(dopri5DenseCoefficients).toEqual(dopri5DenseFractions.map(([n, d]) => n / d));
  });
});

describe('explicitTableau', () => {
  const valid: RationalTableau = rk4Tableau.exact;

  test('rejects a row of a with the wrong number of entries, naming the row', () => {
    const a = [
      [],
      [[1, 2]],
      [[1, 2]],
      [
        [0, 1],
        [0, 1],
        [1, 1],
      ],
    ] as const;
    expect(() => explicitTableau({ ...valid, a })).toThrow(InvalidArgumentError);
    expect(() => explicitTableau({ ...valid, a })).toThrow(/a\[2\]/);
  });

  test('rejects a zero denominator, a non-integer numerator and weights that do not sum to 1', () => {
    expect(() =>
      explicitTableau({
        ...valid,
        c: [
          [0, 1],
          [1, 0],
          [1, 2],
          [1, 1],
        ],
      }),
    ).toThrow(/rk4: c/);
    expect(() => explicitTableau({ ...valid, b: { numerators: [1, 2, 2.5, 1], denominator: 6 } })).toThrow(/rk4: b/);
    expect(() => explicitTableau({ ...valid, b: { numerators: [1, 2, 2, 2], denominator: 6 } })).toThrow(
      InvalidArgumentError,
    );
  });

  test('rejects rows of a that do not sum to c (inconsistent stages)', () => {
    expect(() =>
      explicitTableau({
        ...valid,
        c: [
          [0, 1],
          [1, 3],
          [1, 2],
          [1, 1],
        ],
      }),
    ).toThrow(/rk4: a\[1\]/);
  });
});

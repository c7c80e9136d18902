import { type Value, add, jit, mul, primalTensor, sin, sum } from '@liouville/ad';
import { tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { EXPLICIT_TABLEAUX, rule38Tableau } from '../src/explicit/classical.js';
import { dopri5Tableau } from '../src/explicit/dopri5Tableau.js';
import { explicitRungeKutta } from '../src/explicit/explicitRungeKutta.js';
import { arrayOps, explicitStep, valueOps } from '../src/explicit/stepper.js';
import { type ExplicitTableau, explicitTableau } from '../src/explicit/tableau.js';
import { rk4, rk4Step } from '../src/rk4.js';

/** The bit patterns of a list of doubles: equal lists of patterns are the same bits, signed zeros included. */
const bits = (xs: ArrayLike<number>): bigint[] => Array.from(new BigUint64Array(Float64Array.from(xs).buffer));

const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true });
const vectorOf = (n: number, bound = 2) => fc.array(finite(-bound, bound), { minLength: n, maxLength: n });

/** A nonlinear field on values and the same field on arrays (elementwise sin(x)·(1 + x)). */
const field = (x: Value): Value => mul(sin(x), add(1, x));

// ——— The expressions the methods were written with by hand, kept to pin their bits ———

/** RK4 as written before it became tableau data: x + h/6·(k₁ + 2(k₂ + k₃) + k₄). */
function handWrittenRk4(f: (x: Value) => Value, h: number, x: Value): Value {
  const axpy = (y: Value, c: number, v: Value): Value => add(y, mul(c, v));
  const k1 = f(x);
  const k2 = f(axpy(x, h / 2, k1));
  const k3 = f(axpy(x, h / 2, k2));
  const k4 = f(axpy(x, h, k3));
  return axpy(x, h / 6, add(add(k1, mul(2, add(k2, k3))), k4));
}

/** DOPRI5's attempted step as written before, with its coefficient literals (y₁, slopes, error estimate). */
function handWrittenDopri5(rhs: (t: number, y: Float64Array) => Float64Array, t: number, y: Float64Array, h: number) {
  const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
  const A = [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
  ];
  const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];
  const combine = (x: Float64Array, coefficients: number[], k: Float64Array[]) => {
    const out = Float64Array.from(x);
    coefficients.forEach((c, j) => {
      if (c !== 0) for (let i = 0; i < out.length; i++) out[i] += h * c * k[j][i];
    });
    return out;
  };
  const k = [rhs(t, y)];
  let yNew = y;
  for (let s = 1; s < 7; s++) {
    const ys = combine(y, A[s], k);
    if (s === 6) yNew = ys;
    k.push(rhs(t + C[s] * h, ys));
  }
  return { yNew, k, error: combine(new Float64Array(y.length), E, k) };
}

/** A non-autonomous nonlinear field on arrays: the forced pendulum y' = (y₂, −sin y₁ + 0.3 cos t). */
const forcedPendulum = (t: number, y: Float64Array): Float64Array =>
  Float64Array.from([y[1], -Math.sin(y[0]) + 0.3 * Math.cos(t)]);

describe('the generic explicit stepper', () => {
  test('gives RK4 the bits of its hand-written formula, eager and compiled, one state or a batch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), vectorOf(6), finite(-0.5, 0.5), (rows, values, h) => {
        const x = tensor(Array.from({ length: rows }, (_, r) => values.slice(2 * r, 2 * r + 2)));
        const expected = bits(primalTensor(handWrittenRk4(field, h, x)).data);
        expect(bits(primalTensor(rk4Step(field, h, x)).data)).toEqual(expected);
        const compiled = jit((y: Value) => rk4Step(field, h, y));
        expect(bits(primalTensor(compiled(x) as Value).data)).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });

  test("gives DOPRI5's attempted step the bits of its hand-written stages and error estimate", () => {
    const errorWeights = dopri5Tableau.embedded?.error ?? [];
    fc.assert(
      fc.property(finite(-3, 3), vectorOf(2), finite(-0.7, 0.7), (t, y0, h) => {
        const y = Float64Array.from(y0);
        const old = handWrittenDopri5(forcedPendulum, t, y, h);
        const { slopes, next } = explicitStep(arrayOps, dopri5Tableau, forcedPendulum, t, y, h);
        const error = arrayOps.combine(new Float64Array(2), h, errorWeights, slopes);
        expect(bits(next)).toEqual(bits(old.yNew));
        expect(slopes.map(bits)).toEqual(old.k.map(bits));
        expect(bits(error)).toEqual(bits(old.error));
      }),
      { numRuns: 50 },
    );
  });

  test.each(EXPLICIT_TABLEAUX.map((t) => [t.name, t] as const))(
    '%s: the same bits on differentiable values as on plain arrays',
    (_name, tableau) => {
      const arrayField = (_t: number, y: Float64Array) => y.map((v) => Math.sin(v) * (1 + v));
      fc.assert(
        fc.property(vectorOf(3), finite(-0.5, 0.5), (x0, h) => {
          const onArrays = explicitStep(arrayOps, tableau, arrayField, 0, Float64Array.from(x0), h).next;
          const onValues = explicitStep(valueOps, tableau, (_t, y) => field(y), 0, tensor(x0), h).next;
          expect(bits(primalTensor(onValues).data)).toEqual(bits(onArrays));
        }),
        { numRuns: 20 },
      );
    },
  );
});

/** dopri5's embedded 4th-order solution as a method of its own (b := b̂, so no longer FSAL). */
const dopri5Embedded: ExplicitTableau = explicitTableau({
  ...dopri5Tableau.exact,
  name: 'dopri5 embedded',
  order: 4,
  b: dopri5Tableau.exact.embedded?.bHat ?? [],
  embedded: undefined,
});

/** The states at tEnd·k/16, k = 1 … 16, stepping with n = 16·refine steps of size tEnd/n from y0 at t = 0. */
function trajectory(tableau: ExplicitTableau, y0: readonly number[], tEnd: number, refine: number): Float64Array[] {
  const n = 16 * refine;
  let y: Float64Array = Float64Array.from(y0);
  const saved: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    y = explicitStep(arrayOps, tableau, forcedPendulum, (i * tEnd) / n, y, tEnd / n).next;
    if ((i + 1) % refine === 0) saved.push(y);
  }
  return saved;
}

/** max over the common output times of the distance between two trajectories. */
const maxDistance = (u: Float64Array[], v: Float64Array[]) =>
  Math.max(...u.map((ui, k) => Math.hypot(...ui.map((x, i) => x - v[k][i]))));

// DOPRI5's 5th-order error coefficients were made small on purpose (Dormand & Prince 1980), so at
// these steps its h⁶ term still lifts the measured slope: measured 4.9–5.6 over 300 draws.
const upperSlack: Readonly<Record<string, number>> = { dopri5: 0.7 };

describe.each([...EXPLICIT_TABLEAUX, dopri5Embedded].map((t) => [t.name, t] as const))('%s', (name, tableau) => {
  test('converges at its stated order on a forced pendulum (non-autonomous, nonlinear)', () => {
    // Richardson's estimate needs no exact solution: with global error C(t)·hᵖ + O(hᵖ⁺¹), the
    // differences of the runs with h, h/2, h/4 (16, 32, 64 steps) have the ratio 2ᵖ(1 + O(h)).
    // The maximum over 16 output times keeps a time where C(t) happens to be small from
    // dominating, and |y₀| ≤ 1, t ≤ 2 keeps the pendulum away from its chaotic separatrix. Over
    // 300 draws every classical tableau and DOPRI5's embedded order-4 solution measured within
    // ±0.12 of its order; an order mistake moves the slope by ≥ 1. The smallest difference
    // (≥ 1e-12, for dopri5) stays far above the rounding of 64 steps (~1e-14).
    fc.assert(
      fc.property(vectorOf(2, 1), finite(1, 2), (y0, tEnd) => {
        const [coarse, middle, fine] = [1, 2, 4].map((refine) => trajectory(tableau, y0, tEnd, refine));
        const order = Math.log2(maxDistance(coarse, middle) / maxDistance(middle, fine));
        expect(order).toBeGreaterThanOrEqual(tableau.order - 0.2);
        expect(order).toBeLessThanOrEqual(tableau.order + (upperSlack[name] ?? 0.2));
      }),
      { numRuns: 15 },
    );
  });
});

describe('explicitRungeKutta', () => {
  test('builds a method on Hamilton equations from a tableau, with its info from the tableau', () => {
    const method = explicitRungeKutta(rule38Tableau);
    expect(method.info).toEqual({
      name: 'rule38',
      order: 4,
      symplectic: false,
      symmetric: false,
      requires: 'any',
      implicit: false,
    });
    expect(rk4.tableau.name).toBe('rk4');
    // The oscillator H = (q² + p²)/2 over one step: both 4th-order methods multiply by the same
    // degree-4 Taylor polynomial of the rotation on a linear problem, to rounding.
    const oscillator = {
      kind: 'general' as const,
      dim: 1,
      H: (q: Value, p: Value) => sum(mul(0.5, add(mul(q, q), mul(p, p))), -1),
    };
    const start = { q: tensor([0.7]), p: tensor([-0.2]) };
    const a = method(oscillator, 0.1)(start);
    const b = rk4(oscillator, 0.1)(start);
    expect(Math.abs(primalTensor(a.q).item() - primalTensor(b.q).item())).toBeLessThanOrEqual(1e-15);
    expect(Math.abs(primalTensor(a.p).item() - primalTensor(b.p).item())).toBeLessThanOrEqual(1e-15);
  });
});

import {
  type Value,
  add,
  concat,
  cos,
  grad,
  jacfwd,
  jvp,
  mul,
  primalTensor,
  reshape,
  slice,
  square,
  sub,
  sum,
} from '@liouville/ad';
import {
  InvalidArgumentError,
  ShapeError,
  type Tensor,
  matmul,
  symplecticJ,
  tensor,
  transpose,
} from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type ButcherTableau, checkTableau } from '../src/implicit/butcherTableau.js';
import { type ImplicitRungeKuttaMethod, implicitRungeKutta } from '../src/implicit/collocation.js';
import { gaussLegendre, gaussLegendre4, gaussLegendre6 } from '../src/implicit/gaussLegendre.js';
import { implicitMidpoint } from '../src/implicit/implicitMidpoint.js';
import type { GeneralMethod, GeneralSystem, SeparableSystem, State, Step } from '../src/system.js';
import { expectReversible, expectSymplectic } from '../src/testing/index.js';

// Small systems, written here so the tests read on their own.
const halfSquare = (x: Value): Value => mul(0.5, sum(square(x), -1));

/** The unit harmonic oscillator as a general system: exact flow is a rotation of (q, p). */
const oscillator: GeneralSystem = { kind: 'general', dim: 1, H: (q, p) => add(halfSquare(q), halfSquare(p)) };

/** The pendulum H = p²/2 + 1 − cos q (separable, so both system kinds are exercised). */
const pendulum: SeparableSystem = { kind: 'separable', dim: 1, T: halfSquare, V: (q) => sum(sub(1, cos(q)), -1) };

/** A non-separable H = (|q|² + 1)(|p|² + 1)/2 in two degrees of freedom. */
const coupled: GeneralSystem = {
  kind: 'general',
  dim: 2,
  H: (q, p) => mul(0.5, mul(add(sum(square(q), -1), 1), add(sum(square(p), -1), 1))),
};

const methods: readonly [string, ImplicitRungeKuttaMethod][] = [
  ['implicitMidpoint', implicitMidpoint],
  ['gaussLegendre4', gaussLegendre4],
  ['gaussLegendre6', gaussLegendre6],
];

/** The step as a map of the flat phase-space vector x = (q, p) of one state. */
function flatStep(step: Step, dim: number): (x: Value) => Value {
  return (x) => {
    const next = step({ q: slice(x, [0], [dim]), p: slice(x, [dim], [2 * dim]) });
    return concat([next.q, next.p], 0);
  };
}

/** max |MᵀJM − J| for the Jacobian M of the step at x, by forward-mode AD. */
function symplecticDefect(step: Step, dim: number, x: Tensor): number {
  const M = primalTensor(jacfwd(flatStep(step, dim))(x) as Value);
  const J = symplecticJ(dim);
  const MtJM = matmul(matmul(transpose(M), J), M);
  return Math.max(...Array.from(MtJM.data, (v, i) => Math.abs(v - J.data[i])));
}

const flat = (s: State): number[] => [...primalTensor(s.q).data, ...primalTensor(s.p).data];
const maxDiff = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
const coordinate = (bound: number) => fc.double({ min: -bound, max: bound, noNaN: true });
const phasePoint = (dim: number, bound: number) =>
  fc.array(coordinate(bound), { minLength: 2 * dim, maxLength: 2 * dim });

/** Global error at t = 10 on the oscillator from (1, 0), against the exact rotation. */
function oscillatorError(method: ImplicitRungeKuttaMethod, dt: number): number {
  const step = method(oscillator, dt);
  let s: State = { q: tensor([1]), p: tensor([0]) };
  const steps = Math.round(10 / dt);
  for (let i = 0; i < steps; i++) s = step(s);
  const [q, p] = flat(s);
  return Math.hypot(q - Math.cos(10), p + Math.sin(10));
}

/** Numerator coefficients of the diagonal Padé approximants P(z)/P(−z) of eᶻ of degree s = 1, 2, 3. */
const pade: Record<string, number[]> = {
  implicitMidpoint: [1, 1 / 2],
  gaussLegendre4: [1, 1 / 2, 1 / 12],
  gaussLegendre6: [1, 1 / 2, 1 / 10, 1 / 120],
};

/** P(ih)/P(−ih) as [real, imaginary] for real coefficients of P. */
function padeAtImaginary(coefficients: number[], h: number): [number, number] {
  // iᵏ cycles through 1, i, −1, −i.
  const re = [1, 0, -1, 0];
  const im = [0, 1, 0, -1];
  let [pr, pi, qr, qi] = [0, 0, 0, 0];
  coefficients.forEach((c, k) => {
    const term = c * h ** k;
    pr += term * re[k % 4];
    pi += term * im[k % 4];
    qr += term * (-1) ** k * re[k % 4];
    qi += term * (-1) ** k * im[k % 4];
  });
  const den = qr * qr + qi * qi;
  return [(pr * qr + pi * qi) / den, (pi * qr - pr * qi) / den];
}

// dt ranges where each method is already asymptotic on the oscillator over t = 10, with the
// smallest error (GL6, dt = 0.125: ~4e-10) still 1e3× above Newton tolerance plus rounding (~1e-13).
const orderDts: Record<string, number[]> = {
  implicitMidpoint: [0.2, 0.1, 0.05],
  gaussLegendre4: [0.5, 0.25, 0.125],
  gaussLegendre6: [0.5, 0.25, 0.125],
};

describe.each(methods)('%s', (name, method) => {
  test('converges with its declared order within 0.2 on the oscillator', () => {
    const errors = orderDts[name].map((dt) => oscillatorError(method, dt));
    for (let i = 1; i < errors.length; i++) {
      expect(Math.abs(Math.log2(errors[i - 1] / errors[i]) - method.info.order)).toBeLessThanOrEqual(0.2);
    }
  });

  test('declares itself symplectic, symmetric, implicit and usable on any system', () => {
    expect(method.info).toMatchObject({ name, symplectic: true, symmetric: true, requires: 'any', implicit: true });
  });

  test('is symplectic at random states of a non-separable system to solver tolerance', () => {
    // The step's Jacobian is the implicit-function derivative at the Newton iterate, which solves the
    // stage equations to ‖Δz‖ ≤ 1e-14·(1 + scale); with states |x| ≤ 1.5 and dt ≤ 0.3, dt·‖∇²H‖ ≤ 1.1,
    // so the stage Jacobian is well conditioned and MᵀJM − J is perturbed by ~1e-13 (measured ≤ 3e-15).
    // 1e-10 leaves a wide margin while a non-symplectic method fails by > 1e-6 (see rk4, Radau IIA).
    fc.assert(
      fc.property(phasePoint(2, 1.5), fc.double({ min: 0.01, max: 0.3, noNaN: true }), (x, dt) => {
        expect(symplecticDefect(method(coupled, dt), 2, tensor(x))).toBeLessThanOrEqual(1e-10);
      }),
      { numRuns: 15 },
    );
  });

  test('is symplectic on a separable system (the pendulum)', () => {
    fc.assert(
      fc.property(phasePoint(1, 2), fc.double({ min: 0.05, max: 0.5, noNaN: true }), (x, dt) => {
        expect(symplecticDefect(method(pendulum, dt), 1, tensor(x))).toBeLessThanOrEqual(1e-10);
      }),
      { numRuns: 10 },
    );
  });

  test('returns to the start when a step is followed by a backward step', () => {
    // Each solve is accurate to rounding after the final Newton correction (increments ≤ 1e-14 and
    // quadratic convergence); two steps with |d| = |bᵀA⁻¹| ≤ 4 amplify that to ≲ 1e-13·(1 + |x|).
    fc.assert(
      fc.property(phasePoint(2, 1.5), fc.double({ min: 0.01, max: 0.3, noNaN: true }), (x, dt) => {
        const start: State = { q: tensor(x.slice(0, 2)), p: tensor(x.slice(2)) };
        const back = method(coupled, dt, { backward: true })(method(coupled, dt)(start));
        const scale = 1 + Math.max(...x.map(Math.abs));
        expect(maxDiff(flat(back), x)).toBeLessThanOrEqual(1e-12 * scale);
      }),
      { numRuns: 15 },
    );
  });

  test('steps a batch exactly as it steps each state alone', () => {
    fc.assert(
      fc.property(fc.array(phasePoint(2, 1.5), { minLength: 2, maxLength: 4 }), (rows) => {
        const step = method(coupled, 0.2);
        const batch = step({ q: tensor(rows.map((r) => r.slice(0, 2))), p: tensor(rows.map((r) => r.slice(2))) });
        const q = primalTensor(batch.q).toArray() as number[][];
        const p = primalTensor(batch.p).toArray() as number[][];
        expect(batch.q.shape).toEqual([rows.length, 2]);
        rows.forEach((r, b) => {
          const alone = flat(step({ q: tensor(r.slice(0, 2)), p: tensor(r.slice(2)) }));
          // Rows of a batch may take one more Newton iteration than alone: a rounding-level change.
          expect(maxDiff([...q[b], ...p[b]], alone)).toBeLessThanOrEqual(1e-13);
        });
      }),
      { numRuns: 5 },
    );
  });

  test('multiplies by its stability function on the oscillator, in value and forward derivative', () => {
    // For ẋ = Lx, L = J, a Gauss method is x₁ = R(hL)x₀ with R the diagonal Padé approximant of eᶻ
    // (Hairer & Wanner, Solving ODEs II, §IV.3 and §IV.5); as L² = −I, R(hL) = a·I + b·L
    // with a + ib = R(ih). The derivative goes through the final Newton correction; both agree to
    // rounding (measured ≤ 1e-15; a few ulps of the O(1) entries, times the state size for the value).
    fc.assert(
      fc.property(phasePoint(1, 3), fc.double({ min: 0.01, max: 1, noNaN: true }), (x, h) => {
        const [a, b] = padeAtImaginary(pade[name], h);
        const step = flatStep(method(oscillator, h), 1);
        const value = Array.from(primalTensor(step(tensor(x))).data);
        expect(maxDiff(value, [a * x[0] + b * x[1], a * x[1] - b * x[0]])).toBeLessThanOrEqual(
          1e-14 * (1 + Math.hypot(x[0], x[1])),
        );
        const M = primalTensor(jacfwd(step)(tensor(x)) as Value).toArray() as number[][];
        expect(maxDiff(M.flat(), [a, b, -b, a])).toBeLessThanOrEqual(1e-14);
      }),
      { numRuns: 15 },
    );
  });

  test('differentiates through a parameter of H, matching central finite differences', () => {
    // H = (k|q|² + 1)(|p|² + 1)/2 with k traced: d(step)/dk = −(∂F/∂Z)⁻¹ ∂F/∂k through the final Newton
    // correction. Central differences with δ = 1e-5 carry truncation ~δ²·|∂³/∂k³| ~ 1e-10 and
    // rounding ~1e-16/δ ~ 1e-11 (solver noise ~1e-15/δ included): agreement to 1e-8 is significant.
    const system = (k: Value): GeneralSystem => ({
      kind: 'general',
      dim: 1,
      H: (q, p) => mul(0.5, mul(add(mul(k, sum(square(q), -1)), 1), add(sum(square(p), -1), 1))),
    });
    const start: State = { q: tensor([0.6]), p: tensor([-0.4]) };
    const after = (k: Value) => {
      const s = method(system(k), 0.2)(start);
      return concat([s.q, s.p], 0);
    };
    const [, tangent] = jvp(after, tensor(1.3), tensor(1));
    const delta = 1e-5;
    const plus = Array.from(primalTensor(after(tensor(1.3 + delta))).data);
    const minus = Array.from(primalTensor(after(tensor(1.3 - delta))).data);
    const central = plus.map((v, i) => (v - minus[i]) / (2 * delta));
    expect(maxDiff(Array.from(primalTensor(tangent).data), central)).toBeLessThanOrEqual(1e-8);
  });

  test('passes the shared checks of the testing kit as a GeneralMethod', () => {
    const general: GeneralMethod = method; // the type accepts it where any-system methods are expected
    const start: State = { q: tensor([0.4, -0.2]), p: tensor([0.1, 0.7]) };
    expect(expectSymplectic(general(coupled, 0.2), start, 1e-10)).toBeLessThanOrEqual(1e-10);
    expect(expectReversible(general, coupled, start, 0.2, 1e-12)).toBeLessThanOrEqual(1e-12);
  });

  test('rejects a state whose shape does not match the system', () => {
    const step = method(coupled, 0.1);
    expect(() => step({ q: tensor([1, 2, 3]), p: tensor([1, 2, 3]) })).toThrow(ShapeError);
    expect(() => step({ q: tensor([1, 2]), p: tensor([[1, 2]]) })).toThrow(/same shape/);
  });

  test('rejects a non-positive or non-finite step size', () => {
    for (const dt of [0, -0.1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => method(coupled, dt)).toThrow(InvalidArgumentError);
  });
});

describe('implicitMidpoint', () => {
  test('is differentiable in reverse mode: ∇ of H after a step equals Mᵀ∇H(x₁)', () => {
    const x = tensor([0.3, -0.8, 0.5, 0.1]);
    const step = flatStep(implicitMidpoint(coupled, 0.2), 2);
    const energyAfter = (y: Value) => {
      const x1 = step(y);
      return sum(coupled.H(slice(x1, [0], [2]), slice(x1, [2], [4])));
    };
    const reverse = Array.from(primalTensor(grad(energyAfter)(x)).data);
    const M = primalTensor(jacfwd(step)(x) as Value);
    const x1 = primalTensor(step(x));
    const dH = primalTensor(grad((y: Value) => sum(coupled.H(slice(y, [0], [2]), slice(y, [2], [4]))))(x1));
    const chain = Array.from(primalTensor(matmul(transpose(M), reshape(dH, [4, 1]) as Tensor)).data);
    // Two AD paths through the same constant inverse Jacobian: agreement to rounding.
    expect(maxDiff(reverse, chain)).toBeLessThanOrEqual(1e-13);
  });
});

/** Radau IIA with 2 stages (order 3): not symplectic, not symmetric (Hairer & Wanner, ODEs II, Table IV.5.5). */
const radau3: ButcherTableau = {
  name: 'radauIIA3',
  order: 3,
  a: [
    [5 / 12, -1 / 12],
    [3 / 4, 1 / 4],
  ],
  b: [3 / 4, 1 / 4],
  c: [1 / 3, 1],
};

describe('implicitRungeKutta', () => {
  test('computes the symplectic and symmetric flags from the tableau', () => {
    expect(implicitRungeKutta(radau3).info).toMatchObject({
      name: 'radauIIA3',
      order: 3,
      symplectic: false,
      symmetric: false,
    });
  });

  test('builds a method whose step is measurably non-symplectic when its tableau is not', () => {
    // Radau IIA damps: det M < 1 by O(dt⁴) per step; at dt = 0.5 on the pendulum that is ≫ 1e-6.
    fc.assert(
      fc.property(phasePoint(1, 1), (x) => {
        expect(symplecticDefect(implicitRungeKutta(radau3)(pendulum, 0.5), 1, tensor(x))).toBeGreaterThan(1e-6);
      }),
      { numRuns: 5 },
    );
  });

  test('rejects inconsistent tableaux, naming the coefficient', () => {
    expect(() => implicitRungeKutta({ ...radau3, b: [0.7, 0.2] })).toThrow(/radauIIA3: b/);
    expect(() => implicitRungeKutta({ ...radau3, c: [0.3, 1] })).toThrow(/radauIIA3: a\[0\]/);
    expect(() => checkTableau({ ...radau3, a: [[1]] })).toThrow(InvalidArgumentError);
  });
});

describe('gaussLegendre', () => {
  test.each([1, 2, 3])('with %i stages satisfies the collocation conditions B(2s) and C(s)', (s) => {
    // Σ bᵢcᵢ^(k−1) = 1/k for k ≤ 2s and Σⱼ aᵢⱼcⱼ^(k−1) = cᵢᵏ/k for k ≤ s characterise Gauss collocation
    // (Hairer, Lubich & Wanner, GNI, §II.1.3); the closed forms hold to a few ulps.
    const { a, b, c } = gaussLegendre(s).tableau;
    for (let k = 1; k <= 2 * s; k++)
      expect(Math.abs(b.reduce((acc, bi, i) => acc + bi * c[i] ** (k - 1), 0) - 1 / k)).toBeLessThan(1e-15);
    for (let k = 1; k <= s; k++) {
      a.forEach((row, i) => {
        expect(Math.abs(row.reduce((acc, aij, j) => acc + aij * c[j] ** (k - 1), 0) - c[i] ** k / k)).toBeLessThan(
          1e-15,
        );
      });
    }
    expect(gaussLegendre(s).info.order).toBe(2 * s);
  });

  test('rejects unsupported stage counts', () => {
    for (const s of [0, 4, 1.5]) expect(() => gaussLegendre(s)).toThrow(InvalidArgumentError);
  });
});

import { type Value, add, hessian, mul, square, sum } from '@liouville/ad';
import { type Tensor, solve, tensor, zeros } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  doublePendulum,
  energy,
  fput,
  kepler,
  keplerInitialState,
  massSpring,
  pendulum,
  threeBody,
  twoBody,
  vectorField,
} from '../src/index.js';
import { arbitraryState } from '../src/testing/index.js';
import { expectClose, numbers } from './helpers.js';

const scale = fc.double({ min: 0.5, max: 2, noNaN: true });

describe('keplerInitialState', () => {
  // The state is built from a square root and a product; energy and the Laplace–Runge–Lenz
  // vector are sums of O(μ) terms, so they match to a few ulps: rel / abs 1e-12 leaves a margin.
  test('gives an orbit of energy −μ/2a and Laplace–Runge–Lenz eccentricity e, at periapsis', () => {
    const cases = fc.record({ e: fc.double({ min: 0, max: 0.99, noNaN: true }), mu: scale, a: scale });
    fc.assert(
      fc.property(cases, ({ e, mu, a }) => {
        const state = keplerInitialState(e, { mu, semiMajorAxis: a });
        const [x, y] = numbers(state.q);
        const [px, py] = numbers(state.p);
        expectClose(numbers(energy(kepler({ mu }))(state)), [-mu / (2 * a)], 1e-12, mu / a);
        // A = p × L − μ q/|q| with L = x p_y − y p_x (unit mass); |A| = μe (Goldstein, ch. 3).
        const L = x * py - y * px;
        const r = Math.hypot(x, y);
        const A = [py * L - (mu * x) / r, -px * L - (mu * y) / r];
        expect(Math.abs(Math.hypot(A[0], A[1]) / mu - e)).toBeLessThanOrEqual(1e-12);
        expectClose([r, x * px + y * py], [a * (1 - e), 0], 1e-12);
      }),
    );
  });

  test('defaults to μ = 1 and a = 1: a circular orbit of unit radius and speed for e = 0', () => {
    const state = keplerInitialState(0);
    expect(numbers(state.q)).toEqual([1, 0]);
    expect(numbers(state.p)).toEqual([0, 1]);
  });
});

/**
 * The double pendulum's energy in Cartesian form, independent of the Hamiltonian's formula:
 * bob velocities from θ̇ by the chain rule (x₁ = l₁ sin θ₁, y₁ = −l₁ cos θ₁, bob 2 hung from
 * bob 1), heights measured from the hanging rest position.
 */
function cartesian(P: Record<string, number>, [q1, q2]: number[]) {
  const { m1, m2, l1, l2, g } = P;
  const rows = [
    [l1 * Math.cos(q1), 0],
    [l1 * Math.sin(q1), 0],
    [l1 * Math.cos(q1), l2 * Math.cos(q2)],
    [l1 * Math.sin(q1), l2 * Math.sin(q2)],
  ].map((r) => tensor(r));
  const along = (r: Tensor, v: Value) => square(sum(mul(r, v)));
  const T = (v: Value) =>
    add(mul(m1 / 2, add(along(rows[0], v), along(rows[1], v))), mul(m2 / 2, add(along(rows[2], v), along(rows[3], v))));
  const y1 = -l1 * Math.cos(q1);
  const y2 = y1 - l2 * Math.cos(q2);
  const V = m1 * g * (y1 + l1) + m2 * g * (y2 + l1 + l2);
  return { T, V };
}

describe('doublePendulum', () => {
  const cases = fc
    .record({ m1: scale, m2: scale, l1: scale, l2: scale, g: scale })
    .chain((P) => fc.record({ P: fc.constant(P), state: arbitraryState(doublePendulum(P), { radius: 3 }) }));

  // The mass matrix comes from AD (the Hessian in θ̇ of the Cartesian kinetic energy), the
  // velocities from an LU solve: a different computation of the same O(1) energy, so rel 1e-12.
  test('H equals the Lagrangian energy T + V with velocities θ̇ = M(θ)⁻¹p', () => {
    fc.assert(
      fc.property(cases, ({ P, state }) => {
        const { T, V } = cartesian(P, numbers(state.q));
        const M = hessian(T)(zeros([2])) as Tensor;
        const v = solve(M, state.p as Tensor);
        const expected = numbers(T(v))[0] + V;
        expectClose(numbers(energy(doublePendulum(P))(state)), [expected], 1e-12);
      }),
    );
  });

  test('its vector field moves the angles with the velocities θ̇ = M(θ)⁻¹p', () => {
    fc.assert(
      fc.property(cases, ({ P, state }) => {
        const { T } = cartesian(P, numbers(state.q));
        const v = solve(hessian(T)(zeros([2])) as Tensor, state.p as Tensor);
        expectClose(numbers(vectorField(doublePendulum(P))(state).dq), numbers(v), 1e-12);
      }),
    );
  });

  test('is a general (non-separable) system of dimension 2', () => {
    const h = doublePendulum();
    expect(h.kind).toBe('general');
    expect(h.dim).toBe(2);
    expect(h.params).toEqual({ m1: 1, m2: 1, l1: 1, l2: 1, g: 1 });
  });
});

describe('fput', () => {
  const chains = fc.record({
    n: fc.integer({ min: 1, max: 12 }),
    k: scale,
    alpha: fc.double({ min: -1, max: 1, noNaN: true }),
    beta: scale,
  });

  /** Asserts the normal modes uⱼ(i) = sin(ijπ/(n+1)) are eigenvectors of K with eigenvalues ωⱼ² = 4k sin²(jπ/(2(n+1))). */
  function expectNormalModes(K: number[], n: number, k: number): void {
    for (let j = 1; j <= n; j++) {
      const u = Array.from({ length: n }, (_, i) => Math.sin(((i + 1) * j * Math.PI) / (n + 1)));
      const omega = 2 * Math.sqrt(k) * Math.sin((j * Math.PI) / (2 * (n + 1)));
      const Ku = u.map((_, r) => u.reduce((acc, uc, c) => acc + K[r * n + c] * uc, 0));
      // Entries of K are ≤ 2k ≤ 4 and |u| ≤ 1: rounding is a few ulps of 4k.
      expectClose(
        Ku,
        u.map((x) => omega * omega * x),
        1e-12,
        4 * k,
      );
    }
  }

  test('with α = β = 0 is the linear chain: sin(ijπ/(n+1)) are normal modes of frequency 2√k sin(jπ/(2(n+1)))', () => {
    const cases = chains.chain(({ n, k }) =>
      fc.record({ n: fc.constant(n), k: fc.constant(k), state: arbitraryState(fput({ n, k }), { radius: 2 }) }),
    );
    fc.assert(
      fc.property(cases, ({ n, k, state }) => {
        const h = fput({ n, k });
        const K = numbers(hessian(h.V)(state.q) as Tensor);
        expectNormalModes(K, n, k);
      }),
    );
  });

  test('with α, β ≠ 0 linearises at rest to the same chain', () => {
    fc.assert(
      fc.property(chains, ({ n, k, alpha, beta }) => {
        const K = numbers(hessian(fput({ n, k, alpha, beta }).V)(zeros([n])) as Tensor);
        expectNormalModes(K, n, k);
      }),
    );
  });
});

describe('massSpring', () => {
  const states = arbitraryState(massSpring(), { radius: 3, batch: 4 });

  test("variant 'hnnCode' is H = q² + p², the standard spring with k = 2, m = ½", () => {
    fc.assert(
      fc.property(states, (state) => {
        expectClose(
          numbers(energy(massSpring({ variant: 'hnnCode' }))(state)),
          numbers(energy(massSpring({ k: 2, m: 0.5 }))(state)),
          1e-12,
        );
        const [q, p] = [numbers(state.q), numbers(state.p)];
        expectClose(
          numbers(energy(massSpring({ variant: 'hnnCode' }))(state)),
          q.map((x, i) => x * x + p[i] * p[i]),
          1e-12,
        );
      }),
    );
  });

  test("variant 'hnnPaper' is the standard spring ½kq² + p²/2m", () => {
    fc.assert(
      fc.property(states, scale, scale, (state, k, m) => {
        expectClose(
          numbers(energy(massSpring({ k, m, variant: 'hnnPaper' }))(state)),
          numbers(energy(massSpring({ k, m }))(state)),
          1e-12,
        );
      }),
    );
  });
});

describe('pendulum', () => {
  const states = arbitraryState(pendulum(), { radius: 3, batch: 4 });

  test("variant 'hnnCode' is H = 3(1 − cos q) + p², the standard pendulum with m = ½, l = 1, g = 6", () => {
    fc.assert(
      fc.property(states, (state) => {
        expectClose(
          numbers(energy(pendulum({ variant: 'hnnCode' }))(state)),
          numbers(energy(pendulum({ m: 0.5, l: 1, g: 6 }))(state)),
          1e-12,
        );
      }),
    );
  });

  test("variant 'hnnPaper' is 2mgl(1 − cos q) + l²p²/2m: for l = 1, the standard pendulum with gravity 2g", () => {
    fc.assert(
      fc.property(states, scale, scale, (state, m, g) => {
        expectClose(
          numbers(energy(pendulum({ m, g, variant: 'hnnPaper' }))(state)),
          numbers(energy(pendulum({ m, g: 2 * g }))(state)),
          1e-12,
        );
      }),
    );
  });

  test("variant 'hnnPaper' defaults to the paper's m = l = 1, g = 3; the standard pendulum to m = l = g = 1", () => {
    expect(pendulum({ variant: 'hnnPaper' }).params).toEqual({ m: 1, l: 1, g: 3 });
    expect(pendulum().params).toEqual({ m: 1, l: 1, g: 1 });
    expect(pendulum({ variant: 'hnnCode' }).name).toBe('pendulum:hnnCode');
  });
});

describe('twoBody', () => {
  test('is the planar two-body problem with unit masses and G = 1', () => {
    const h = twoBody();
    expect([h.dim, h.bodies, h.spatialDim, [...h.masses], h.params.G]).toEqual([4, 2, 2, [1, 1], 1]);
    // Bodies at (±1, 0) at rest: H = −G m₁m₂/2.
    expect(numbers(energy(h)({ q: tensor([1, 0, -1, 0]), p: zeros([4]) }))).toEqual([-0.5]);
  });
});

describe('threeBody', () => {
  test('is the planar three-body problem with unit masses and G = 1', () => {
    const h = threeBody();
    expect([h.dim, h.bodies, h.spatialDim, [...h.masses], h.params.G]).toEqual([6, 3, 2, [1, 1, 1], 1]);
  });
});

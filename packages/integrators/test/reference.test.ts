import { type Value, add, concat, cos, jacfwd, mul, primalTensor, slice, square, sub, sum } from '@liouville/ad';
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
import { rk4, rk4Step } from '../src/rk4.js';
import type { GeneralSystem, SeparableSystem, State, Step } from '../src/system.js';

const halfSquare = (x: Value): Value => mul(0.5, sum(square(x), -1));

/** The unit harmonic oscillator (separable form): the exact flow rotates (q, p) by angle t. */
const oscillator: SeparableSystem = { kind: 'separable', dim: 1, T: halfSquare, V: halfSquare };

/** A non-separable H = (|q|² + 1)(|p|² + 1)/2 in two degrees of freedom. */
const coupled: GeneralSystem = {
  kind: 'general',
  dim: 2,
  H: (q, p) => mul(0.5, mul(add(sum(square(q), -1), 1), add(sum(square(p), -1), 1))),
};

/** The pendulum as a general system. */
const pendulum: GeneralSystem = { kind: 'general', dim: 1, H: (q, p) => add(halfSquare(p), sum(sub(1, cos(q)), -1)) };

const flat = (s: State): number[] => [...primalTensor(s.q).data, ...primalTensor(s.p).data];
const maxDiff = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
const phasePoint = (dim: number, bound: number) =>
  fc.array(fc.double({ min: -bound, max: bound, noNaN: true }), { minLength: 2 * dim, maxLength: 2 * dim });

/** max |MᵀJM − J| of the step's Jacobian at x = (q, p), by forward-mode AD. */
function symplecticDefect(step: Step, dim: number, x: Tensor): number {
  const map = (v: Value) => {
    const s = step({ q: slice(v, [0], [dim]), p: slice(v, [dim], [2 * dim]) });
    return concat([s.q, s.p], 0);
  };
  const M = primalTensor(jacfwd(map)(x) as Value);
  const J = symplecticJ(dim);
  const MtJM = matmul(matmul(transpose(M), J), M);
  return Math.max(...Array.from(MtJM.data, (v, i) => Math.abs(v - J.data[i])));
}

describe('rk4', () => {
  test('declares order 4, explicit, neither symplectic nor symmetric', () => {
    expect(rk4.info).toEqual({
      name: 'rk4',
      order: 4,
      symplectic: false,
      symmetric: false,
      requires: 'any',
      implicit: false,
    });
  });

  test('converges with order 4 within 0.2 on the harmonic oscillator', () => {
    // Over t = 10 the errors (1e-5 … 3e-8) are asymptotic and far above rounding (~1e-14).
    const errors = [0.1, 0.05, 0.025].map((dt) => {
      const step = rk4(oscillator, dt);
      let s: State = { q: tensor([1]), p: tensor([0]) };
      for (let i = 0; i < Math.round(10 / dt); i++) s = step(s);
      const [q, p] = flat(s);
      return Math.hypot(q - Math.cos(10), p + Math.sin(10));
    });
    for (let i = 1; i < errors.length; i++)
      expect(Math.abs(Math.log2(errors[i - 1] / errors[i]) - 4)).toBeLessThanOrEqual(0.2);
  });

  test('fails the symplecticity check by more than 1e-6 at dt = 0.5 (the negative control)', () => {
    // The symplectic methods pass the same check at 1e-10; RK4's defect is O(dt⁵) per step, measured
    // ≥ 2e-3 at dt = 0.5 on this system, so a check that could not tell them apart would fail here.
    fc.assert(
      fc.property(phasePoint(2, 1.5), (x) => {
        expect(symplecticDefect(rk4(coupled, 0.5), 2, tensor(x))).toBeGreaterThan(1e-6);
      }),
      { numRuns: 20 },
    );
  });

  test('has the symplecticity defect |1 − |R(ih)|²| of its stability function on the oscillator', () => {
    // For ẋ = Jx the step is multiplication by R(ih) with R(z) = 1 + z + z²/2 + z³/6 + z⁴/24, so
    // MᵀJM = det(M)·J = |R(ih)|²·J: the defect is known in closed form (to rounding, ~1e-16).
    fc.assert(
      fc.property(phasePoint(1, 2), fc.double({ min: 0.05, max: 1, noNaN: true }), (x, h) => {
        const re = 1 - (h * h) / 2 + h ** 4 / 24;
        const im = h - h ** 3 / 6;
        const expected = Math.abs(1 - (re * re + im * im));
        expect(Math.abs(symplecticDefect(rk4(oscillator, h), 1, tensor(x)) - expected)).toBeLessThanOrEqual(1e-15);
      }),
      { numRuns: 20 },
    );
  });

  test('steps a batch exactly as it steps each state alone', () => {
    fc.assert(
      fc.property(fc.array(phasePoint(1, 2), { minLength: 1, maxLength: 5 }), (rows) => {
        const step = rk4(pendulum, 0.1);
        const batch = step({ q: tensor(rows.map((r) => [r[0]])), p: tensor(rows.map((r) => [r[1]])) });
        const q = primalTensor(batch.q).toFlatArray();
        const p = primalTensor(batch.p).toFlatArray();
        // Same operations row by row: equal to the last bit up to summation order (≤ 1 ulp).
        rows.forEach((r, b) => {
          expect(maxDiff([q[b], p[b]], flat(step({ q: tensor([r[0]]), p: tensor([r[1]]) })))).toBeLessThanOrEqual(
            1e-15,
          );
        });
      }),
      { numRuns: 10 },
    );
  });

  test('rejects a bad step size or a state of the wrong shape', () => {
    expect(() => rk4(pendulum, 0)).toThrow(InvalidArgumentError);
    expect(() => rk4(pendulum, 0.1)({ q: tensor([1, 2]), p: tensor([1, 2]) })).toThrow(ShapeError);
  });
});

describe('rk4Step', () => {
  test('multiplies a linear system by the degree-4 Taylor polynomial of e^(hλ)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        (lambda, h, x0) => {
          const z = h * lambda;
          const expected = (1 + z + z ** 2 / 2 + z ** 3 / 6 + z ** 4 / 24) * x0;
          const got = primalTensor(rk4Step((x) => mul(lambda, x), h, tensor([x0]))).item();
          // Evaluated in a different order: each of ~10 roundings is at most ε times a partial sum, so
          // the difference is bounded by 8ε·Σ|terms|·|x₀| (the terms' magnitudes bound every partial sum).
          const terms = 1 + Math.abs(z) + z ** 2 / 2 + Math.abs(z) ** 3 / 6 + z ** 4 / 24;
          expect(Math.abs(got - expected)).toBeLessThanOrEqual(8 * Number.EPSILON * terms * Math.abs(x0));
        },
      ),
    );
  });
});

import { type Value, concat, cos, div, grad, mul, primalTensor, square, sub, sum } from '@liouville/ad';
import { InvalidArgumentError, ShapeError, type Tensor, scalar, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { NonFiniteStateError, type SeparableSystem, type State, flow, integrate, leapfrog } from '../src/index.js';
import { arbitraryState, arbitraryStepSize, maxAbsDifference } from '../src/testing/index.js';
import { henonHeiles, methodTable } from './helpers.js';

const values = (x: Value): number[] => Array.from(primalTensor(x).data);

describe('integrate', () => {
  test('stacks every saveEvery-th state of the rollout, with its time', () => {
    fc.assert(
      fc.property(arbitraryState(2), fc.constantFrom(1, 2, 3, 6), (x0, saveEvery) => {
        const step = leapfrog(henonHeiles, 0.1);
        const traj = integrate(step, x0, { steps: 6, dt: 0.1 }, { saveEvery });
        const n = 6 / saveEvery + 1;
        expect(traj.q.shape).toEqual([n, 2]);
        expect(traj.p.shape).toEqual([n, 2]);
        expect(Array.from(traj.t.data)).toEqual(Array.from({ length: n }, (_, i) => i * saveEvery * 0.1));
        let x: State = x0;
        for (let k = 1; k <= 6; k++) {
          x = step(x);
          if (k % saveEvery === 0)
            expect(values(traj.q).slice(2 * (k / saveEvery), 2 * (k / saveEvery) + 2)).toEqual(values(x.q));
        }
        expect(values(traj.final.p)).toEqual(values(x.p));
      }),
      { numRuns: 10 },
    );
  });

  test('takes tEnd / dt steps when given an end time', () => {
    const traj = integrate(
      leapfrog(henonHeiles, 0.25),
      { q: tensor([0.1, 0.2]), p: tensor([0, 0]) },
      { tEnd: 2, dt: 0.25 },
    );
    expect(traj.t.shape).toEqual([9]);
    expect(traj.t.data[8]).toBeCloseTo(2, 14);
  });

  test('rolls out a batch of states along a second axis', () => {
    const traj = integrate(
      leapfrog(henonHeiles, 0.1),
      {
        q: tensor([
          [0.1, 0.2],
          [0.3, 0.4],
          [0, 0],
        ]),
        p: tensor([
          [0, 0],
          [0, 0],
          [0, 0],
        ]),
      },
      { steps: 4 },
    );
    expect(traj.q.shape).toEqual([5, 3, 2]);
    expect(Array.from(traj.t.data)).toEqual([0, 1, 2, 3, 4]);
  });

  test('rejects a number of steps that is not a positive integer', () => {
    const step = leapfrog(henonHeiles, 0.1);
    const x0 = { q: tensor([0, 0]), p: tensor([0, 0]) };
    for (const steps of [0, -3, 2.5, Number.NaN]) {
      expect(() => integrate(step, x0, { steps })).toThrow(InvalidArgumentError);
      expect(() => integrate(step, x0, { steps })).toThrow('integrate: steps: expected a positive integer');
    }
  });

  test('rejects an end time that is not a whole number of steps, and bad step sizes', () => {
    const step = leapfrog(henonHeiles, 0.3);
    const x0 = { q: tensor([0, 0]), p: tensor([0, 0]) };
    expect(() => integrate(step, x0, { tEnd: 1, dt: 0.3 })).toThrow(
      'integrate: tEnd: expected a whole number of steps dt = 0.3, got 1',
    );
    expect(() => integrate(step, x0, { tEnd: 1, dt: 0 })).toThrow('integrate: dt: expected a finite number > 0, got 0');
    expect(() => integrate(step, x0, { tEnd: -1, dt: 0.1 })).toThrow(/integrate: tEnd/);
    expect(() => integrate(step, x0, {} as never)).toThrow(/integrate: span: expected \{ steps \} or \{ tEnd, dt \}/);
  });

  test('rejects a saveEvery that does not divide the number of steps', () => {
    const x0 = { q: tensor([0, 0]), p: tensor([0, 0]) };
    expect(() => integrate(leapfrog(henonHeiles, 0.1), x0, { steps: 10 }, { saveEvery: 3 })).toThrow(
      'integrate: saveEvery: expected a divisor of the number of steps (10), got 3',
    );
    expect(() => integrate(leapfrog(henonHeiles, 0.1), x0, { steps: 10 }, { saveEvery: 0 })).toThrow(
      InvalidArgumentError,
    );
  });
});

/** q ← q − 1, p ← p / q: from q₀ = k the momentum divides by zero at step k (p₀ ≠ 0: ±Infinity, p₀ = 0: NaN). */
const towardsPole = (s: State): State => {
  const q = sub(s.q, 1);
  return { q, p: div(s.p, q) };
};

describe('integrate with checkFinite', () => {
  test('names the first step whose state is non-finite, compiled or eager', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.constantFrom(0, 0.5), fc.boolean(), (k, p0, compile) => {
        const start = { q: tensor([k]), p: tensor([p0]) };
        const dt = 0.25;
        let caught: unknown;
        try {
          integrate(towardsPole, start, { steps: 10, dt }, { checkFinite: true, compile });
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(NonFiniteStateError);
        expect((caught as NonFiniteStateError).step).toBe(k);
        expect((caught as NonFiniteStateError).t).toBe(k * dt);
        expect((caught as Error).message).toContain(`at step ${k}, t = ${k * dt}`);
        // Fewer steps than k never meet the pole: the same rollout passes the check.
        if (k > 1) integrate(towardsPole, start, { steps: k - 1, dt }, { checkFinite: true, compile });
      }),
      { numRuns: 20 },
    );
  });

  test('checks the initial state as step 0', () => {
    const start = { q: tensor([1]), p: tensor([Number.NaN]) };
    expect(() => integrate(towardsPole, start, { steps: 2 }, { checkFinite: true })).toThrow(
      /non-finite \(NaN or infinite\) at step 0, t = 0/,
    );
  });

  test('is off by default: the non-finite states are returned', () => {
    const traj = integrate(towardsPole, { q: tensor([2]), p: tensor([1]) }, { steps: 3 });
    expect(values(traj.p)).toEqual([1, 1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  });
});

describe('flow', () => {
  test('is the step map on flat phase vectors [q, p], for one state and for a batch', () => {
    fc.assert(
      fc.property(arbitraryState(2, { batch: 2 }), arbitraryStepSize(0.01, 0.3), (x, dt) => {
        const step = leapfrog(henonHeiles, dt);
        const next = step(x);
        const flat = flow(step)(concat([x.q, x.p], 1));
        expect(flat.shape).toEqual([2, 4]);
        expect(maxAbsDifference('flow', flat, concat([next.q, next.p], 1))).toBe(0);
        const single = flow(step)(tensor([...values(x.q).slice(0, 2), ...values(x.p).slice(0, 2)]));
        expect(values(single)).toEqual([...values(next.q).slice(0, 2), ...values(next.p).slice(0, 2)]);
      }),
      { numRuns: 10 },
    );
  });

  test('rejects a phase vector whose last axis is not even', () => {
    const f = flow(leapfrog(henonHeiles, 0.1));
    expect(() => f(tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => f(tensor([1, 2, 3]))).toThrow(
      'flow: x must have an even, non-zero last axis [..., 2·dim] holding [q, p], got [3]',
    );
    expect(() => f(scalar(1))).toThrow(ShapeError);
  });
});

/** A pendulum of strength k in two uncoupled coordinates: V = k Σ (1 − cos q). */
function pendulumOfStrength(k: Value): SeparableSystem {
  return {
    kind: 'separable',
    dim: 2,
    T: (p) => mul(0.5, sum(square(p), -1)),
    V: (q) => mul(k, sum(sub(1, cos(q)), -1)),
  };
}

/** A loss of the whole trajectory: Σ over saved states of |q|² + p₀. */
function loss(method: (typeof methodTable)[number][1], q0: Value, k: Value): Value {
  const traj = integrate(
    method(pendulumOfStrength(k), 0.2),
    { q: q0, p: tensor([0.3, -0.2]) },
    { steps: 8 },
    { saveEvery: 2 },
  );
  return sum(square(traj.q));
}

// Central differences with h = 1e-5: truncation h²·|L'''|/6 ≈ 1e-11 and rounding ε·|L|/h ≈ 1e-10
// for |L| ≲ 10, so they agree with the exact AD gradient to ~1e-9 relative; 1e-6 is DESIGN.md §4.6.
describe.each(methodTable)('%s', (_name, method) => {
  test('has rollouts whose gradient in the initial state and in a potential parameter matches central differences', () => {
    fc.assert(
      fc.property(arbitraryState(2), fc.double({ min: 0.5, max: 2, noNaN: true }), ({ q }, k) => {
        const q0 = primalTensor(q);
        const g = grad((x: { q0: Value; k: Value }) => loss(method, x.q0, x.k))({ q0, k: scalar(k) }) as {
          q0: Tensor;
          k: Tensor;
        };
        const h = 1e-5;
        const at = (dq: number[], dk: number) =>
          primalTensor(loss(method, tensor(values(q0).map((v, i) => v + dq[i])), scalar(k + dk))).item();
        const fd = [
          (at([h, 0], 0) - at([-h, 0], 0)) / (2 * h),
          (at([0, h], 0) - at([0, -h], 0)) / (2 * h),
          (at([0, 0], h) - at([0, 0], -h)) / (2 * h),
        ];
        const ad = [...values(g.q0), g.k.item()];
        ad.forEach((a, i) => {
          expect(Math.abs(a - fd[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fd[i])));
        });
      }),
      { numRuns: 3 },
    );
  });
});

import { type Value, add, mul, primalTensor, sub, sum } from '@liouville/ad';
import { InvalidArgumentError, ShapeError, Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type SeparableMethod,
  type SeparableSystem,
  type State,
  type Step,
  dTdp,
  dVdq,
  integrate,
  leapfrog,
  symplecticEuler,
} from '../src/index.js';
import {
  PropertyCheckError,
  arbitraryState,
  arbitraryStepSize,
  expectBoundedEnergyError,
  expectOrder,
  expectReversible,
  expectSymplectic,
  leastSquaresSlope,
} from '../src/testing/index.js';
import { energyOf, harmonicExact, harmonicOscillator, henonHeiles, pendulum, state } from './helpers.js';

/** Explicit Euler on Hamilton's equations: both updates from the old state. Not symplectic, energy grows. */
function explicitEuler(system: SeparableSystem, h: number): Step {
  const force = dVdq(system);
  const velocity = dTdp(system);
  return ({ q, p }) => ({ q: add(q, mul(h, velocity(p))), p: sub(p, mul(h, force(q))) });
}

/** The leapfrog claiming an order it does not have. */
const overclaimingLeapfrog: SeparableMethod = Object.assign((s: SeparableSystem, dt: number) => leapfrog(s, dt), {
  info: { ...leapfrog.info, name: 'overclaiming', order: 3 },
});

describe('expectSymplectic', () => {
  test('returns the measured defect for a symplectic step', () => {
    expect(expectSymplectic(leapfrog(henonHeiles, 0.2), state([0.1, 0.2], [0.3, -0.1]))).toBeLessThanOrEqual(1e-12);
  });

  test('throws a PropertyCheckError naming the defect for a non-symplectic step', () => {
    fc.assert(
      fc.property(arbitraryState(1), arbitraryStepSize(0.05, 0.3), (x, h) => {
        // On the oscillator explicit Euler has M = [[1, h], [−h, 1]], so MᵀJM = (1 + h²)J: defect h².
        const run = () => expectSymplectic(explicitEuler(harmonicOscillator(), h), x);
        expect(run).toThrow(PropertyCheckError);
        expect(run).toThrow(/expectSymplectic: max \|MᵀJM − J\| = .* exceeds the tolerance 1\.0e-12/);
        try {
          run();
        } catch (e) {
          expect(Math.abs((e as PropertyCheckError).measured - h * h)).toBeLessThanOrEqual(1e-15);
        }
      }),
      { numRuns: 10 },
    );
  });

  test('rejects a batch of states', () => {
    expect(() => expectSymplectic(leapfrog(henonHeiles, 0.1), { q: tensor([[0, 0]]), p: tensor([[0, 0]]) })).toThrow(
      ShapeError,
    );
  });
});

describe('expectReversible', () => {
  test('returns the round-trip error of a symmetric method and throws for a non-symmetric one', () => {
    const x = state([0.2, 0.1], [0.5, -0.4]);
    expect(expectReversible(leapfrog, henonHeiles, x, 0.2)).toBeLessThanOrEqual(1e-12);
    expect(() => expectReversible(symplecticEuler, henonHeiles, x, 0.2)).toThrow(PropertyCheckError);
  });
});

describe('expectOrder', () => {
  const oscillator = harmonicOscillator();
  const x0 = state([1], [0.5]);

  test('measures the order of the leapfrog as 2', () => {
    const { order, errors } = expectOrder(leapfrog, oscillator, x0, harmonicExact(x0), {
      tEnd: 10,
      dts: [0.2, 0.1, 0.05],
    });
    expect(Math.abs(order - 2)).toBeLessThanOrEqual(0.01);
    expect(errors).toHaveLength(3);
  });

  test('throws when the measured order differs from the declared one by more than the tolerance', () => {
    const run = () =>
      expectOrder(overclaimingLeapfrog, oscillator, x0, harmonicExact(x0), { tEnd: 10, dts: [0.2, 0.1, 0.05] });
    expect(run).toThrow(PropertyCheckError);
    expect(run).toThrow(/overclaiming: measured order 2\.0\d\d differs from the declared 3 by more than 0.2/);
  });

  test('refuses errors below minError, where rounding dominates', () => {
    expect(() =>
      expectOrder(leapfrog, oscillator, x0, harmonicExact(x0), { tEnd: 1, dts: [0.1, 0.05], minError: 1 }),
    ).toThrow(/is below 1, where rounding dominates/);
  });

  test('rejects fewer than two distinct step sizes', () => {
    expect(() => expectOrder(leapfrog, oscillator, x0, harmonicExact(x0), { tEnd: 1, dts: [0.1] })).toThrow(
      InvalidArgumentError,
    );
    expect(() => expectOrder(leapfrog, oscillator, x0, harmonicExact(x0), { tEnd: 1, dts: [0.1, 0.1] })).toThrow(
      /at least two distinct step sizes/,
    );
  });
});

describe('leastSquaresSlope', () => {
  test('recovers the exponent of an exact power law', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -8, max: 8, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (p, c) => {
          const dts = [0.4, 0.2, 0.1, 0.05];
          const slope = leastSquaresSlope(
            dts.map(Math.log),
            dts.map((h) => Math.log(c * h ** p)),
          );
          // Logarithms of exact powers carry ~1e-15 relative rounding; over a log-range of 2.1 that is ≲ 1e-13.
          expect(Math.abs(slope - p)).toBeLessThanOrEqual(1e-12);
        },
      ),
    );
  });
});

describe('expectBoundedEnergyError', () => {
  const system = pendulum();
  const H = energyOf(system);

  test('returns bounded first- and second-half errors for a symplectic method', () => {
    const { firstHalf, secondHalf, ratio } = expectBoundedEnergyError(leapfrog(system, 0.1), H, state([0], [1.2]), 400);
    expect(firstHalf).toBeGreaterThan(0);
    expect(ratio).toBeCloseTo(secondHalf / firstHalf, 12);
  });

  test('throws for explicit Euler, whose energy error grows', () => {
    const run = () => expectBoundedEnergyError(explicitEuler(system, 0.1), H, state([0], [1.2]), 400);
    expect(run).toThrow(PropertyCheckError);
    expect(run).toThrow(/the energy error grows: .* a ratio \d+\.\d+ > 1.5/);
  });

  test('rejects fewer than two steps', () => {
    expect(() => expectBoundedEnergyError(leapfrog(system, 0.1), H, state([0], [1]), 1)).toThrow(InvalidArgumentError);
  });

  /**
   * The two maxima by their definition, H of each state alone, from one rollout of all the steps
   * (integrate gives the bits of stepping one step at a time; see hamiltonian's sweep.compiled).
   */
  function stepByStep(energy: typeof H, step: Step, start: State, steps: number): number[] {
    const { q, p } = integrate(step, start, { steps });
    const [qs, ps] = [primalTensor(q), primalTensor(p)];
    const size = qs.size / (steps + 1);
    const row = (x: Tensor, k: number) => new Tensor(x.data.slice(k * size, (k + 1) * size), x.shape.slice(1));
    const h0 = primalTensor(energy(start.q, start.p)).data;
    const maxima = [0, 0];
    for (let k = 1; k <= steps; k++) {
      const e = primalTensor(energy(row(qs, k), row(ps, k))).data;
      const half = k <= Math.floor(steps / 2) ? 0 : 1;
      for (let i = 0; i < e.length; i++) maxima[half] = Math.max(maxima[half], Math.abs(e[i] - h0[i]));
    }
    return maxima;
  }

  test('measures every step exactly as stepping and reading H state by state, across rollout chunks and for a batch', () => {
    // 20 003 steps span three chunks of the rollout (10 000 steps each, the last shorter).
    const batch = { q: tensor([[0.3], [-1], [2]]), p: tensor([[1.2], [0], [0.5]]) };
    for (const [start, steps] of [
      [state([0.3], [1.2]), 20_003],
      [batch, 101],
    ] as const) {
      const { firstHalf, secondHalf } = expectBoundedEnergyError(leapfrog(system, 0.1), H, start, steps);
      expect([firstHalf, secondHalf]).toEqual(stepByStep(H, leapfrog(system, 0.1), start, steps));
    }
    // Explicit Euler's error grows at every step, so each half's maximum is its last step: step
    // 10 001, the first of the second chunk, and step 20 003, the last of the third.
    const growing = expectBoundedEnergyError(explicitEuler(system, 0.01), H, state([0.3], [1.2]), 20_003, {
      ratio: Number.POSITIVE_INFINITY,
    });
    expect([growing.firstHalf, growing.secondHalf]).toEqual(
      stepByStep(H, explicitEuler(system, 0.01), state([0.3], [1.2]), 20_003),
    );
  });

  test('reads H state by state when H does not return one energy per stacked state', () => {
    // Σ over every axis: a scalar for a stack of states, so it must be called on each alone.
    const total = (q: Value, p: Value) => sum(H(q, p));
    const start = state([0.3], [1.2]);
    const measured = expectBoundedEnergyError(leapfrog(system, 0.1), total, start, 400);
    expect([measured.firstHalf, measured.secondHalf]).toEqual(stepByStep(total, leapfrog(system, 0.1), start, 400));
  });
});

describe('arbitraryState', () => {
  test('draws states of the requested shape within [−scale, scale]', () => {
    fc.assert(
      fc.property(arbitraryState(3, { scale: 2, batch: 2 }), ({ q, p }: { q: Value; p: Value }) => {
        expect(q.shape).toEqual([2, 3]);
        expect(p.shape).toEqual([2, 3]);
        for (const x of [...primalTensor(q).data, ...primalTensor(p).data]) expect(Math.abs(x)).toBeLessThanOrEqual(2);
      }),
    );
  });

  test('rejects a bad dim, batch or scale', () => {
    expect(() => arbitraryState(0)).toThrow('arbitraryState: dim: expected a positive integer, got 0');
    expect(() => arbitraryState(2, { batch: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => arbitraryState(2, { scale: -1 })).toThrow(/arbitraryState: scale/);
  });
});

describe('arbitraryStepSize', () => {
  test('draws step sizes within [min, max]', () => {
    fc.assert(
      fc.property(arbitraryStepSize(0.01, 0.5), (dt) => {
        expect(dt).toBeGreaterThanOrEqual(0.01);
        expect(dt).toBeLessThanOrEqual(0.5);
      }),
    );
  });

  test('rejects bounds that are not 0 < min ≤ max', () => {
    expect(() => arbitraryStepSize(0, 1)).toThrow(InvalidArgumentError);
    expect(() => arbitraryStepSize(0.5, 0.1)).toThrow(
      /arbitraryStepSize: min, max: expected finite bounds with 0 < min ≤ max/,
    );
  });
});

import { InvalidArgumentError, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { pendulumField, springField } from '../src/data/fields.js';
import {
  type Dataset,
  type Split,
  massSpring,
  pendulum,
  pendulumDataset,
  springDataset,
  vectorField,
} from '../src/index.js';
import { closedForm, expectClose, numbers } from './helpers.js';

const generators = [
  { make: springDataset, system: massSpring({ variant: 'hnnCode' }), points: 30, radius: [0.1, 1], rows: 750 },
  { make: pendulumDataset, system: pendulum({ variant: 'hnnCode' }), points: 45, radius: [1.3, 2.3], rows: 1125 },
] as const;

/** The rows of trajectory `k` of a split, as [q, p] pairs. */
function trajectoryRows(split: Split, k: number): number[][] {
  const rows: number[][] = [];
  const x = split.x.data;
  split.trajectory?.forEach((index, r) => {
    if (index === k) rows.push([x[2 * r], x[2 * r + 1]]);
  });
  return rows;
}

const allRows = (d: Dataset) => [...d.train.x.data, ...d.test.x.data];
const allTargets = (d: Dataset) => [...d.train.dxdt.data, ...d.test.dxdt.data];

/** Sample mean and standard deviation. */
function moments(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

for (const { make, system, points, radius, rows } of generators) {
  describe(make.name, () => {
    const H = closedForm(system);

    test('returns the reference sizes, split by trajectory with the first half training', () => {
      const d = make();
      expect([d.dof, d.train.x.shape, d.test.x.shape, d.test.dxdt.shape]).toEqual([1, [rows, 2], [rows, 2], [rows, 2]]);
      expect(d.train.x.dtype).toBe('float64');
      expect(new Set(d.train.trajectory)).toEqual(new Set(Array.from({ length: 25 }, (_, i) => i)));
      expect(new Set(d.test.trajectory)).toEqual(new Set(Array.from({ length: 25 }, (_, i) => 25 + i)));
      // Each trajectory is sampled at linspace(0, 3, points), as the reference's t_eval.
      const times = Array.from(d.test.t?.data.subarray(0, points) ?? []);
      expectClose(
        times,
        Array.from({ length: points }, (_, i) => (i * 3) / (points - 1)),
        1e-15,
        3,
      );
    });

    test('gives bit-identical arrays for the same seed and different arrays for different seeds', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 20 }), (seed, offset) => {
          const a = make({ seed, trajectories: 3 });
          const b = make({ seed, trajectories: 3 });
          const c = make({ seed: seed + offset, trajectories: 3 });
          expect(allRows(b)).toEqual(allRows(a));
          expect(allTargets(b)).toEqual(allTargets(a));
          expect(allRows(c)).not.toEqual(allRows(a));
        }),
        { numRuns: 4 },
      );
    });

    test('builds a smaller dataset from the first trajectories of a larger one', () => {
      const small = make({ seed: 7, trajectories: 2, trainFraction: 1 });
      const large = make({ seed: 7, trajectories: 5, trainFraction: 1 });
      expect(Array.from(small.train.x.data)).toEqual(Array.from(large.train.x.data.subarray(0, 2 * 2 * points)));
    });

    test('gives targets equal to the closed-form J∇H at the noise-free states', () => {
      const d = make({ noise: 0, trajectories: 6 });
      const x = allRows(d);
      const expected = Array.from({ length: x.length / 2 }, (_, r) => {
        const { dHdq, dHdp } = H([x[2 * r]], [x[2 * r + 1]]);
        return [dHdp[0], -dHdq[0]];
      }).flat();
      // AD against a closed form: rel 1e-12 (DESIGN.md §4); targets are O(1), so scale 1.
      expectClose(allTargets(d), expected, 1e-12);
    });

    test('adds noise of standard deviation σ without changing the trajectories', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (seed, sigma) => {
          const clean = make({ seed, noise: 0, trajectories: 20 });
          const noisy = make({ seed, noise: sigma, trajectories: 20 });
          expect(allTargets(noisy)).toEqual(allTargets(clean));
          const residuals = allRows(noisy).map((v, i) => v - allRows(clean)[i]);
          const { mean, std } = moments(residuals);
          // n = 20·points·2 ≥ 1200 normal draws: the sample std has relative standard error
          // 1/√(2n) ≤ 2%, the mean σ/√n ≤ 0.03σ; 5 standard errors leave a 1-in-10⁶ false alarm.
          expect(Math.abs(std / sigma - 1)).toBeLessThan(0.1);
          expect(Math.abs(mean)).toBeLessThan((5 * sigma) / Math.sqrt(residuals.length));
        }),
        { numRuns: 4 },
      );
    });

    test('conserves H along every noise-free trajectory to the solver tolerance', () => {
      const d = make({ noise: 0 });
      for (const split of [d.train, d.test]) {
        for (const k of new Set(split.trajectory)) {
          const energies = trajectoryRows(split, k).map(([q, p]) => H([q], [p]).H);
          const drift = Math.max(...energies) - Math.min(...energies);
          // dopri5 keeps each step's local error below rtol·|x| = 1e-10·|x|; these runs take
          // < 200 steps, and |ΔH| ≤ |∇H|·|Δx| with |∇H| = |ẋ| ≤ 6 and |x| ≤ 2.3 here:
          // worst case 200 · 1e-10 · 2.3 · 6 ≈ 2.8e-7 (observed about 1e-10).
          expect(drift).toBeLessThan(200 * 1e-10 * 2.3 * 6);
        }
      }
    });

    test('starts every trajectory at a radius inside the radius range', () => {
      const reference = make({ noise: 0, points: 2 });
      for (let k = 0; k < 50; k++) {
        const [q, p] = trajectoryRows(k < 25 ? reference.train : reference.test, k)[0];
        expect(Math.hypot(q, p)).toBeGreaterThanOrEqual(radius[0] * (1 - 1e-15));
        expect(Math.hypot(q, p)).toBeLessThanOrEqual(radius[1] * (1 + 1e-15));
      }
      fc.assert(
        fc.property(
          fc.double({ min: 0.05, max: 2, noNaN: true }),
          fc.double({ min: 0.01, max: 1, noNaN: true }),
          (low, width) => {
            const d = make({ noise: 0, trajectories: 5, trainFraction: 1, radius: [low, low + width], points: 2 });
            for (let k = 0; k < 5; k++) {
              const [q, p] = trajectoryRows(d.train, k)[0];
              // The radius is scaled exactly, so only the rounding of hypot and the scaling (a few ulps) remains.
              expect(Math.hypot(q, p)).toBeGreaterThanOrEqual(low * (1 - 1e-15));
              expect(Math.hypot(q, p)).toBeLessThanOrEqual((low + width) * (1 + 1e-15));
            }
          },
        ),
        { numRuns: 10 },
      );
    });

    test('rounds the float64 values once to float32 when asked', () => {
      const a = make({ trajectories: 2 });
      const b = make({ trajectories: 2, dtype: 'float32' });
      expect(b.train.x.dtype).toBe('float32');
      expect(Array.from(b.train.x.data)).toEqual(Array.from(a.train.x.data, Math.fround));
    });

    test('rejects invalid options with InvalidArgumentError', () => {
      const bad = [
        { seed: 0.5 },
        { trajectories: 0 },
        { points: 1 },
        { tSpan: [3, 0] },
        { radius: [-1, 1] },
        { noise: -0.1 },
        { trainFraction: 2 },
        { dtype: 'int8' },
      ] as const;
      for (const options of bad) expect(() => make(options as never)).toThrow(InvalidArgumentError);
    });
  });
}

describe('springField', () => {
  test('agrees with the catalogue vector field of H = q² + p²', () => {
    const field = vectorField(massSpring({ variant: 'hnnCode' }));
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), (q, p) => {
        const { dq, dp } = field({ q: tensor([q]), p: tensor([p]) });
        // Both are exact products by 2 here: rel 1e-12 is generous.
        expectClose(Array.from(springField(Float64Array.of(q, p))), [...numbers(dq), ...numbers(dp)], 1e-12);
      }),
    );
  });
});

describe('pendulumField', () => {
  test('agrees with the catalogue vector field of H = 3(1 − cos q) + p²', () => {
    const field = vectorField(pendulum({ variant: 'hnnCode' }));
    fc.assert(
      fc.property(fc.double({ min: -7, max: 7, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), (q, p) => {
        const { dq, dp } = field({ q: tensor([q]), p: tensor([p]) });
        // AD against a closed form: rel 1e-12 (DESIGN.md §4).
        expectClose(Array.from(pendulumField(Float64Array.of(q, p))), [...numbers(dq), ...numbers(dp)], 1e-12);
      }),
    );
  });
});

// Savitzky–Golay smoothing of observed states (the inputs of a derivative-trained model): exact for
// polynomials of its degree, a third of the noise variance inside a trajectory, and never a sample
// of another trajectory or across a pause.
import { InvalidArgumentError, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { savgolSmooth } from '../src/data/measured/derivatives.js';
import { dampedSpringDataset, smoothedStates } from '../src/index.js';
import { numbers } from './helpers.js';

/** Strictly increasing times with steps in [0.05, 0.15]. */
const unevenTimes = (n: number) =>
  fc.array(fc.double({ min: 0.05, max: 0.15, noNaN: true }), { minLength: n - 1, maxLength: n - 1 }).map((steps) => {
    const t = [0.3];
    for (const s of steps) t.push(t[t.length - 1] + s);
    return t;
  });

describe('savgolSmooth', () => {
  test('leaves a polynomial of its degree unchanged on any uneven grid', () => {
    const cases = fc.record({
      degree: fc.integer({ min: 1, max: 3 }),
      extra: fc.integer({ min: 1, max: 6 }),
      t: fc.integer({ min: 8, max: 20 }).chain(unevenTimes),
      c: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 4, maxLength: 4 }),
    });
    fc.assert(
      fc.property(cases, ({ degree, extra, t, c }) => {
        const x = t.map((s) => c.slice(0, degree + 1).reduce((sum, a, k) => sum + a * s ** k, 0));
        // The local fit reproduces its own polynomial class; scaled normal equations keep errors ≈ 1e-12.
        const smoothed = savgolSmooth(t, x, degree + 1 + extra, degree);
        Array.from(smoothed).forEach((v, i) => {
          expect(Math.abs(v - x[i])).toBeLessThan(1e-9);
        });
      }),
    );
  });
});

describe('smoothedStates', () => {
  test('cuts the observation noise of a damped spring to about a third of its variance', () => {
    const noisy = dampedSpringDataset({ seed: 0, damping: 0.2, noise: 0.1 });
    // The noise-free states of the same seed (the noise key is separate from the states').
    const clean = numbers(dampedSpringDataset({ seed: 0, damping: 0.2, noise: 0 }).train.x);
    const meanSquare = (x: number[]) => x.reduce((a, v, i) => a + (v - clean[i]) ** 2, 0) / x.length / 0.01;
    const smoothed = smoothedStates(noisy.train);
    expect(numbers(smoothed.dxdt)).toEqual(numbers(noisy.train.dxdt));
    expect(meanSquare(numbers(noisy.train.x))).toBeGreaterThan(0.85);
    // Window 7, degree 2: Σc² = 1/3 at the 24 inner samples of a 30-sample trajectory, 0.76 and
    // 2/7 at the shifted end windows (0.356 averaged over a trajectory); the smooth signal's own
    // fit error is below 1e-4 of σ² at ωΔt = 0.2. Over 1500 correlated values the sample mean
    // strays by about ±10%, so 0.45 fails only if the noise is not cut.
    expect(meanSquare(numbers(smoothed.x))).toBeLessThan(0.45);
  });

  test('never mixes two trajectories or reaches across a pause', () => {
    // Trajectory 7: x = t² on 0.0–0.4, a pause, a lone row at 0.9 off the parabola (x = 3);
    // trajectory 8: x = 1 − t on 0–0.5.
    const times = [0, 0.1, 0.2, 0.3, 0.4, 0.9, 0, 0.1, 0.2, 0.3, 0.4, 0.5];
    const ids = [7, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 8];
    const x = times.map((t, i) => (ids[i] === 8 ? [1 - t, -5] : [t < 0.5 ? t * t : 3, 5]));
    const split = { x: tensor(x), dxdt: tensor(x), t: tensor(times), trajectory: Int32Array.from(ids) };
    // Each stretch alone is a polynomial of degree ≤ 2, so it passes unchanged; any mixing would not.
    const smoothed = numbers(smoothedStates(split).x);
    expect(smoothed.map((v) => Number(v.toFixed(12)))).toEqual(x.flat().map((v) => Number(v.toFixed(12))));
    expect(() => smoothedStates(split, { window: 3, degree: 2 })).toThrow(InvalidArgumentError);
    expect(() => smoothedStates(split, { window: 3, degree: 2 })).toThrow(/smoothedStates: window/);
  });
});

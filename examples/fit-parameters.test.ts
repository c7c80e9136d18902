// The parameter fit of examples/fit-parameters.ts recovers the length and gravity its noisy
// measurements were simulated with.
import { describe, expect, test } from 'vitest';
import { fitPendulum } from './fit-parameters.js';

describe('fitPendulum', () => {
  test('recovers l and g from a noisy trajectory', () => {
    const sigma = 0.01;
    const fit = fitPendulum({ truth: { l: 1.3, g: 9.81 }, guess: { l: 1, g: 8 }, noise: sigma, seed: 0 });
    // 82 readings with σ = 0.01 pin l and g to a few parts in 10⁴ (the least-squares standard
    // error of each is about σ / (√82 · |∂x/∂θ|) with |∂x/∂θ| of order 1); 0.5% is far outside
    // the noise and far inside the initial error (23% in l, 18% in g).
    expect(Math.abs(fit.l - 1.3) / 1.3).toBeLessThan(5e-3);
    expect(Math.abs(fit.g - 9.81) / 9.81).toBeLessThan(5e-3);
    // At the optimum the mean squared misfit is the noise variance σ² (up to the χ² spread of
    // 82 samples, ±16% at one standard deviation, and the two fitted degrees of freedom).
    expect(fit.loss / sigma ** 2).toBeGreaterThan(0.5);
    expect(fit.loss / sigma ** 2).toBeLessThan(1.5);
  });
});

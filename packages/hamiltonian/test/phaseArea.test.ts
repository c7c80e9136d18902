import { type Value, concat, primalTensor, slice } from '@liouville/ad';
import { integrate, leapfrog, rk4 } from '@liouville/integrators';
import type { Tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { enclosedArea, massSpring, pendulum, phaseCircle } from '../src/index.js';

/** The final states of a rollout of the rows (q, p) [N, 2], as rows again. */
function evolve(step: ReturnType<typeof leapfrog>, rows: Tensor, steps: number): Tensor {
  const n = rows.shape[0];
  const start = { q: slice(rows, [0, 0], [n, 1]) as Value, p: slice(rows, [0, 1], [n, 2]) as Value };
  const { final } = integrate(step, start, { steps });
  return primalTensor(concat([final.q, final.p], 1));
}

describe('phaseCircle and enclosedArea', () => {
  test('give the inscribed polygon’s area (N/2) r² sin(2π/N)', () => {
    const cases = fc.record({
      q: fc.double({ min: -3, max: 3, noNaN: true }),
      p: fc.double({ min: -3, max: 3, noNaN: true }),
      r: fc.double({ min: 0.01, max: 2, noNaN: true }),
      n: fc.integer({ min: 3, max: 500 }),
    });
    fc.assert(
      fc.property(cases, ({ q, p, r, n }) => {
        const area = enclosedArea(phaseCircle([q, p], r, n));
        const exact = (n / 2) * r * r * Math.sin((2 * Math.PI) / n);
        // N terms of size ≈ |centre|·r: rounding ≈ N·ε·|centre|·r, far inside 1e-10 relative to r².
        expect(Math.abs(area - exact)).toBeLessThan(1e-10 * r * (r + Math.abs(q) + Math.abs(p)));
      }),
    );
  });
});

describe('Liouville’s theorem on a linear system, where polygons map to polygons exactly', () => {
  // H = (q² + p²)/2 (massSpring with k = m = 1): every method's step is a linear map, so the image
  // of the polygon is the polygon of the images and its area is multiplied by the map's determinant.
  const spring = massSpring({ k: 1, m: 1 });
  const circle = phaseCircle([0.7, -0.2], 0.3, 64);
  const area0 = enclosedArea(circle);

  test('leapfrog keeps the area (its step map has determinant 1)', () => {
    const area = enclosedArea(evolve(leapfrog(spring, 0.3), circle, 100));
    // 100 steps of a linear map with entries ≈ 1: rounding only.
    expect(Math.abs(area / area0 - 1)).toBeLessThan(1e-12);
  });

  test('RK4 multiplies it by |R(ih)|² per step, R(z) = 1 + z + z²/2 + z³/6 + z⁴/24', () => {
    const h = 0.4;
    const [re, im] = [1 - h ** 2 / 2 + h ** 4 / 24, h - h ** 3 / 6];
    const perStep = re * re + im * im; // = 1 − h⁶/72 + h⁸/576 < 1
    const area = enclosedArea(evolve(rk4(spring, h), circle, 50));
    expect(perStep).toBeLessThan(1);
    expect(area / area0).toBeCloseTo(perStep ** 50, 12);
  });
});

describe('Liouville’s theorem on the pendulum', () => {
  test('leapfrog keeps a sheared disc’s area to the chords’ error, RK4 at the same step does not', () => {
    const system = pendulum({ g: 6, m: 0.5 });
    const circle = phaseCircle([1, 0], 0.3, 2000);
    const area0 = enclosedArea(circle);
    const symplectic = enclosedArea(evolve(leapfrog(system, 0.2), circle, 20)) / area0;
    const classical = enclosedArea(evolve(rk4(system, 0.2), circle, 20)) / area0;
    // 2000 points on a curve stretched a few times: chords lose < 1e-5 of the area.
    expect(Math.abs(symplectic - 1)).toBeLessThan(1e-5);
    // RK4 loses about (ωh)⁶/72 ≈ 2e-4 of the area per step (ω² = 6, h = 0.2; the linearisation above).
    expect(Math.abs(classical - 1)).toBeGreaterThan(1e-3);
  });
});

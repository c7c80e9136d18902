import { expectOrder } from '@liouville/integrators/testing';
import { tensor } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { massSpring } from '../src/index.js';
import { anyMethodTable, massSpringExact, separableMethodTable } from './helpers.js';

// The catalogue's mass-spring with k = m = 4: ω = √(k/m) = 1, so the step sizes below are in
// units of the period / 2π, while m ≠ 1 exercises the momentum scale mω of the exact solution.
const system = massSpring({ k: 4, m: 4 });
const start = { q: tensor([1]), p: tensor([0.5]) };
const exact = massSpringExact(system.params, start);

/**
 * Step sizes per method over tEnd = 10 (each divides 10). The largest is in the asymptotic regime
 * (the local slopes log(e₁/e₂)/log(dt₁/dt₂) are within 0.12 of the declared order, measured),
 * and the smallest keeps the global error ≥ 6e-11 (measured), far above rounding (~1e-14 after
 * ≤ 4000 steps). High-order methods reach that floor fast, so they get larger steps; Tao's methods need
 * 2ω_Tao·dt ≤ 0.4 with their binding constant ω_Tao = 20 to be asymptotic (see TaoOptions).
 */
const dts: Readonly<Record<string, readonly number[]>> = {
  // At dt = 0.1 the first-order error of the momentum still carries an O(dt²) part (local slope 1.26).
  symplecticEuler: [0.05, 0.025, 0.0125],
  symplecticEulerQ: [0.05, 0.025, 0.0125],
  leapfrog: [0.2, 0.1, 0.05],
  leapfrogDKD: [0.2, 0.1, 0.05],
  velocityVerlet: [0.2, 0.1, 0.05],
  ruth3: [0.2, 0.1, 0.05],
  forestRuth: [0.1, 0.05, 0.025],
  yoshida4: [0.1, 0.05, 0.025],
  suzuki4: [0.1, 0.05, 0.025],
  mclachlan4: [0.1, 0.05, 0.025],
  blanesMoan4: [0.1, 0.05, 0.025],
  yoshida6: [0.4, 0.2, 0.1],
  kahanLi6: [0.4, 0.2, 0.1],
  // Yoshida's eighth-order weights are large (|w| up to 2.4): its asymptotic regime starts later.
  yoshida8: [0.1, 0.08, 0.0625, 0.05],
  kahanLi8: [0.4, 0.3125, 0.25, 0.2],
  mclachlan8: [0.25, 0.2, 0.15625],
  implicitMidpoint: [0.2, 0.1, 0.05],
  gaussLegendre4: [0.5, 0.25, 0.125],
  gaussLegendre6: [1, 0.5, 0.25],
  tao: [0.01, 0.005, 0.0025],
  tao4: [0.01, 0.005, 0.0025],
  rk4: [0.2, 0.1, 0.05],
};

describe.each([...separableMethodTable, ...anyMethodTable])('%s', (name, method) => {
  test('converges at its declared order on the catalogue mass-spring, against the exact solution', () => {
    const { order, errors } = expectOrder(method, system, start, exact, {
      tEnd: 10,
      dts: dts[name],
      minError: 1e-11,
    });
    expect(Math.abs(order - method.info.order)).toBeLessThanOrEqual(0.2);
    expect(Math.min(...errors)).toBeGreaterThanOrEqual(1e-11);
  });
});

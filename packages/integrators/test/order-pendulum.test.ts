import { describe, expect, test } from 'vitest';
import { expectOrder } from '../src/testing/index.js';
import { methodTable, orderDts, pendulum, pendulumExact, state } from './helpers.js';

// The oscillator is linear, and on linear problems several order conditions coincide, so a
// method can look more accurate there than it is. The pendulum is nonlinear; its exact motion
// from q = 0, p = 1.2 (amplitude ≈ 74°) is given by Jacobi's elliptic functions to a few ulps.
describe.each(methodTable)('%s', (name, method) => {
  test('converges at its declared order on the nonlinear pendulum', () => {
    const p0 = 1.2;
    const { order, errors } = expectOrder(method, pendulum(), state([0], [p0]), pendulumExact(p0), {
      tEnd: 10,
      dts: orderDts[name],
      minError: 1e-11,
    });
    expect(Math.abs(order - method.info.order)).toBeLessThanOrEqual(0.2);
    // Errors fall monotonically as the step shrinks: the measurement is in the asymptotic regime.
    errors.slice(1).forEach((e, i) => {
      expect(e).toBeLessThan(errors[i]);
    });
  });
});

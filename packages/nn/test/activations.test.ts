import fc from 'fast-check';
import { grad, sum } from '@liouville/ad';
import { InvalidArgumentError, type Tensor, tensor } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { type ActivationName, activation, activationNames } from '../src/index.js';
import { expectClose } from './helpers.js';

const sigma = (x: number) => 1 / (1 + Math.exp(-x));

// Closed forms of each activation and its derivative, written independently of @liouville/ad.
const closedForms: Record<ActivationName, [(x: number) => number, (x: number) => number]> = {
  tanh: [Math.tanh, (x) => 1 - Math.tanh(x) ** 2],
  relu: [(x) => Math.max(0, x), (x) => (x > 0 ? 1 : 0)],
  softplus: [(x) => Math.log1p(Math.exp(x)), sigma],
  sigmoid: [sigma, (x) => sigma(x) * (1 - sigma(x))],
  swish: [(x) => x * sigma(x), (x) => sigma(x) + x * sigma(x) * (1 - sigma(x))],
  identity: [(x) => x, () => 1],
};

// Inputs away from 0, where relu is not differentiable; |x| ≤ 8 keeps exp(x) well inside range.
const inputArb = fc.array(
  fc.double({ min: -8, max: 8, noNaN: true }).filter((x) => Math.abs(x) > 1e-3),
  { minLength: 1, maxLength: 8 },
);

describe('activation', () => {
  test.each(activationNames)('%s matches its closed form and so does its derivative', (name) => {
    const f = activation(name);
    const [value, derivative] = closedForms[name];
    fc.assert(
      fc.property(inputArb, (xs) => {
        const x = tensor(xs);
        // Elementwise kernels and the libm functions agree to a few ulps: rel 1e-12 (DESIGN §4.6).
        expectClose((f(x) as Tensor).data, xs.map(value), 1e-12, 1e-300);
        const g = grad((z: Tensor) => sum(f(z)))(x);
        expectClose(g.data, xs.map(derivative), 1e-12, 1e-300);
      }),
      { numRuns: 30 },
    );
  });

  test('names every valid activation when the name is unknown', () => {
    expect(() => activation('gelu' as ActivationName)).toThrow(InvalidArgumentError);
    expect(() => activation('gelu' as ActivationName)).toThrow(/'tanh'.*'relu'.*'softplus'.*'sigmoid'.*'identity'/);
    expect(() => activation('toString' as ActivationName)).toThrow(InvalidArgumentError);
  });
});

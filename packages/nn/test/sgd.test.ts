import fc from 'fast-check';
import {
  InvalidArgumentError,
  ShapeError,
  type Tensor,
  randomKey,
  randomNormal,
  splitKey,
  tensor,
} from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { type ParamTree, TreeMismatchError, sgd } from '../src/index.js';
import { expectClose, keyOf, seedArb } from './helpers.js';

const hyperArb = fc.record({
  lr: fc.double({ min: 1e-4, max: 1, noNaN: true }),
  momentum: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
  weightDecay: fc.constantFrom(0, 1e-3, 0.1),
  nesterov: fc.boolean(),
  steps: fc.integer({ min: 1, max: 8 }),
  seed: seedArb,
});

describe('sgd', () => {
  test('follows PyTorch’s momentum recursion b = μb + g, θ ← θ − γb (or g + μb with Nesterov)', () => {
    fc.assert(
      fc.property(hyperArb, ({ lr, momentum, weightDecay, nesterov, steps, seed }) => {
        const keys = splitKey(keyOf(seed), steps + 1);
        const shape = [3, 2];
        let params: ParamTree = { w: randomNormal(keys[0], shape) };
        const opt = sgd({ lr, momentum, weightDecay, nesterov });
        let state = opt.init(params);
        // Independent reference: torch.optim.SGD's documented algorithm on plain arrays.
        const theta = Array.from((params as { w: Tensor }).w.data);
        const b = theta.map(() => 0);
        for (let t = 1; t <= steps; t++) {
          const g = randomNormal(keys[t], shape);
          ({ params, state } = opt.update({ w: g }, state, params));
          for (let j = 0; j < theta.length; j++) {
            const gj = g.data[j] + weightDecay * theta[j];
            b[j] = t === 1 ? gj : momentum * b[j] + gj;
            theta[j] -= lr * (nesterov ? gj + momentum * b[j] : b[j]);
          }
        }
        expect(state.step).toBe(steps);
        // The same operations in the same order up to association: rel 1e-12 of |θ| + 1.
        expectClose((params as { w: Tensor }).w.data, theta, 1e-12, 1);
      }),
      { numRuns: 60 },
    );
  });

  test('without momentum takes θ − γg exactly and keeps no buffer', () => {
    const opt = sgd({ lr: 0.25 });
    const params = { a: tensor([1, -2, 3]), b: [tensor([[0.5]])] };
    const state = opt.init(params);
    expect(state.velocity).toBeNull();
    const grads = { a: tensor([4, 8, -1]), b: [tensor([[2]])] };
    const next = opt.update(grads, state, params);
    expect(Array.from(next.params.a.data)).toEqual([0, -4, 3.25]);
    expect(Array.from(next.params.b[0].data)).toEqual([0]);
  });

  test('uses the learning rate the schedule gives for each step number', () => {
    const seen: number[] = [];
    const opt = sgd({
      lr: (step) => {
        seen.push(step);
        return 1 / step;
      },
    });
    let params: ParamTree = tensor([0]);
    let state = opt.init(params);
    for (let i = 0; i < 3; i++) ({ params, state } = opt.update(tensor([1]), state, params));
    expect(seen).toEqual([1, 2, 3]);
    expect((params as Tensor).item()).toBeCloseTo(-(1 + 1 / 2 + 1 / 3), 15);
  });

  test('leaves its arguments unchanged and keeps the parameters’ dtype', () => {
    const params = { w: randomNormal(randomKey(1), [4], 'float32') };
    const grads = { w: randomNormal(randomKey(2), [4], 'float32') };
    const before = Array.from(params.w.data);
    const opt = sgd({ lr: 0.1, momentum: 0.9 });
    const state = opt.init(params);
    const next = opt.update(grads, state, params);
    expect(Array.from(params.w.data)).toEqual(before);
    expect(Array.from((state.velocity as { w: Tensor }).w.data)).toEqual([0, 0, 0, 0]);
    expect(next.params.w.dtype).toBe('float32');
    expect((next.state.velocity as { w: Tensor }).w.dtype).toBe('float32');
  });

  test('rejects invalid hyperparameters with InvalidArgumentError', () => {
    for (const lr of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => sgd({ lr })).toThrow(InvalidArgumentError);
    expect(() => sgd({ lr: 0.1, momentum: -0.1 })).toThrow(/momentum/);
    expect(() => sgd({ lr: 0.1, momentum: 1 })).toThrow(/momentum/);
    expect(() => sgd({ lr: 0.1, weightDecay: -1 })).toThrow(/weightDecay/);
    expect(() => sgd({ lr: 0.1, nesterov: true })).toThrow(/nesterov/);
    const opt = sgd({ lr: () => Number.NaN });
    expect(() => opt.update(tensor([1]), opt.init(tensor([0])), tensor([0]))).toThrow(/lr\(1\)/);
  });

  test('rejects grads whose structure or shapes differ from the parameters', () => {
    const opt = sgd({ lr: 0.1, momentum: 0.5 });
    const params = { a: tensor([1, 2]), b: tensor([3]) };
    const state = opt.init(params);
    expect(() => opt.update({ a: tensor([1, 2]) }, state, params)).toThrow(TreeMismatchError);
    expect(() => opt.update({ a: tensor([1, 2]), c: tensor([3]) }, state, params)).toThrow(
      /grads must have the structure of params/,
    );
    expect(() => opt.update({ a: tensor([1, 2, 3]), b: tensor([3]) }, state, params)).toThrow(ShapeError);
    expect(() => opt.update({ a: tensor([1, 2, 3]), b: tensor([3]) }, state, params)).toThrow(
      /grads\.a must have shape \[2\]/,
    );
    expect(() => opt.update(params, opt.init({ a: tensor([1]) }), params)).toThrow(/state\.velocity/);
  });
});

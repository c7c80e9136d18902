// Asking a traced value for a number: where one exists (a derivative's value of one element, a
// value shared by every example of a vmap) it is read; where none exists the error is typed and
// names the operation (never a silent NaN from a comparison).
import { type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  BatchedValueError,
  NotAScalarError,
  type Value,
  grad,
  greater,
  jvp,
  mul,
  primalTensor,
  sin,
  square,
  sum,
  vmap,
  where,
} from '../src/index.js';

const scalar = (x: number): Tensor => tensor(x);

describe('concrete values of traced values', () => {
  test('a one-element value inside grad reads as its number in an if, giving that branch’s derivative', () => {
    // f(x) = x² for x > 0, sin x otherwise: f′ = 2x or cos x (closed forms).
    const f = (x: Value): Value => (x > (0 as unknown as Value) ? square(x) : sin(x));
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }).filter((x) => x !== 0),
        (x) => {
          const g = (grad(f)(scalar(x)) as Tensor).item();
          expect(g).toBe(x > 0 ? 2 * x : Math.cos(x));
        },
      ),
    );
  });

  test('a value of several elements used as a number throws NotAScalarError naming its shape, inside grad and jvp', () => {
    const f = (x: Value): Value => (x > (0 as unknown as Value) ? sum(x) : sum(square(x)));
    expect(() => grad(f)(tensor([1, -2, 3]))).toThrow(NotAScalarError);
    expect(() => grad(f)(tensor([1, -2, 3]))).toThrow('shape [3]');
    expect(() => jvp(f, tensor([1, 2]), tensor([1, 0]))).toThrow(NotAScalarError);
  });

  test('inside vmap a batched value has no single number: item(), toArray(), a comparison and primalTensor throw BatchedValueError', () => {
    const xs = tensor([1, -2, 3]);
    const uses: [string, (x: Value) => unknown][] = [
      ['item()', (x) => x.item()],
      ['toArray()', (x) => x.toArray()],
      ['a comparison', (x) => x > (0 as unknown as Value)],
      ['primalTensor', (x) => primalTensor(x)],
    ];
    for (const [operation, use] of uses) {
      const f = (x: Value): Value => {
        use(x);
        return x;
      };
      expect(() => vmap(f)(xs), operation).toThrow(BatchedValueError);
      expect(() => vmap(f)(xs), operation).toThrow(operation === 'a comparison' ? 'used as a number' : operation);
    }
  });

  test('the per-example choice a comparison cannot make, where(…) makes, equal to the choice made example by example', () => {
    const f = (x: Value): Value => where(greater(x, 0), mul(x, x), sin(x));
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 8 }), (values) => {
        const batched = (vmap(f)(tensor(values)) as Tensor).data;
        for (const [i, x] of values.entries()) expect(batched[i]).toBe(x > 0 ? x * x : Math.sin(x));
      }),
    );
  });
});

import fc from 'fast-check';
import { InvalidArgumentError, randomNormal, tensor } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { takeRows } from '../src/index.js';
import { keyOf, seedArb } from './helpers.js';

describe('takeRows', () => {
  test('gathers the requested rows in order, with repeats', () => {
    fc.assert(
      fc.property(
        seedArb,
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (seed, rows, cols, picks) => {
          const x = randomNormal(keyOf(seed), [rows, 2, cols], 'float32');
          const indices = picks.map((p) => p % rows);
          const out = takeRows(x, indices);
          expect(out.shape).toEqual([indices.length, 2, cols]);
          expect(out.dtype).toBe('float32');
          const nested = x.toArray() as number[][][];
          expect(out.toArray()).toEqual(indices.map((i) => nested[i]));
        },
      ),
    );
  });

  test('rejects indices out of range', () => {
    expect(() => takeRows(tensor([[1], [2]]), [0, 2])).toThrow(InvalidArgumentError);
    expect(() => takeRows(tensor([[1], [2]]), [0, 2])).toThrow(/indices\[1\]: expected an integer in \[0, 2\), got 2/);
  });
});

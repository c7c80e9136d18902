import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  InvalidArgumentError,
  ShapeError,
  checkBoolean,
  checkFiniteNumber,
  checkFinitePositive,
  checkNonNegativeInteger,
  checkPositiveInteger,
  checkShapesEqual,
} from '../src/index.js';

/** Values of every kind a careless caller passes: numbers of every sort and non-numbers. */
const anything = fc.oneof(
  fc.double(),
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 2 ** 53, 0.5, 1e-300),
  fc.constantFrom('1', null, undefined, true, [1], { n: 1 }),
);

describe.each([
  [
    'checkPositiveInteger',
    checkPositiveInteger,
    'a positive integer',
    (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 1,
  ],
  [
    'checkNonNegativeInteger',
    checkNonNegativeInteger,
    'a non-negative integer',
    (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0,
  ],
  [
    'checkFinitePositive',
    checkFinitePositive,
    'a finite number > 0',
    (x: unknown) => Number.isFinite(x) && (x as number) > 0,
  ],
  ['checkFiniteNumber', checkFiniteNumber, 'a finite number', (x: unknown) => Number.isFinite(x)],
  ['checkBoolean', checkBoolean, 'a boolean', (x: unknown) => typeof x === 'boolean'],
] as const)('%s', (_name, check, expected, accepts) => {
  test('returns an accepted value unchanged and names the argument and what was expected otherwise', () => {
    fc.assert(
      fc.property(fc.oneof(anything, fc.boolean()), (x) => {
        if (accepts(x)) {
          expect((check as (a: string, v: unknown) => unknown)('op: n', x)).toBe(x);
          return;
        }
        let thrown: unknown;
        try {
          (check as (a: string, v: unknown) => unknown)('op: n', x);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(InvalidArgumentError);
        expect((thrown as InvalidArgumentError).argument).toBe('op: n');
        expect((thrown as Error).message.startsWith(`op: n: expected ${expected}, got `)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('checkShapesEqual', () => {
  test('passes equal shapes and names both shapes otherwise', () => {
    const shape = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 });
    fc.assert(
      fc.property(shape, shape, (a, b) => {
        const same = a.length === b.length && a.every((n, i) => n === b[i]);
        if (same) expect(() => checkShapesEqual('op', 'q', a, 'p', b)).not.toThrow();
        else
          expect(() => checkShapesEqual('op', 'q', a, 'p', b)).toThrow(
            new ShapeError('op', `q and p must have the same shape, got [${a.join(', ')}] and [${b.join(', ')}]`),
          );
      }),
    );
  });
});

import { type Value, slice } from '@liouville/ad';
import { InvalidArgumentError, ShapeError, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type GeneralSystem, type State, leapfrog, stormerVerlet, velocityVerlet } from '../src/index.js';
import { arbitraryState, arbitraryStepSize, maxAbsDifference } from '../src/testing/index.js';
import { henonHeiles, methodTable } from './helpers.js';

/** A general system (its H happens to ignore p): still not a separable one, so explicit splitting must refuse it. */
const general: GeneralSystem = { kind: 'general', dim: 2, H: (q) => henonHeiles.V(q), name: 'not separable' };

/** Row b of a batch [B, dim]. */
const row = (x: Value, b: number): Value => slice(x, [b, 0], [b + 1, x.shape[1]]);

describe.each(methodTable)('%s', (name, method) => {
  test('declares an explicit symplectic method for separable systems, with a positive integer order', () => {
    expect(method.info).toMatchObject({ name, symplectic: true, requires: 'separable', implicit: false });
    expect(Number.isInteger(method.info.order) && method.info.order >= 1).toBe(true);
  });

  // One state at a time and a batch along a leading axis run the same floating-point operations
  // row by row (forces are gradients of the summed energy, and rows are independent), so the
  // results agree to the last bit; 1e-15 allows one rounding of a different association.
  test('steps a batch of states in one call exactly as it steps each state alone', () => {
    fc.assert(
      fc.property(arbitraryState(2, { batch: 3 }), arbitraryStepSize(0.01, 0.3), (batch, dt) => {
        const step = method(henonHeiles, dt);
        let together: State = batch;
        for (let k = 0; k < 3; k++) together = step(together);
        for (let b = 0; b < 3; b++) {
          const one = method(henonHeiles, dt);
          let alone: State = { q: row(batch.q, b), p: row(batch.p, b) };
          for (let k = 0; k < 3; k++) alone = one(alone);
          expect(maxAbsDifference('batch', row(together.q, b), alone.q)).toBeLessThanOrEqual(1e-15);
          expect(maxAbsDifference('batch', row(together.p, b), alone.p)).toBeLessThanOrEqual(1e-15);
        }
      }),
      { numRuns: 3 },
    );
  });

  test('rejects a step size that is zero, negative, infinite or NaN, naming the method and dt', () => {
    for (const dt of [0, -0.1, Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(() => method(henonHeiles, dt)).toThrow(InvalidArgumentError);
      expect(() => method(henonHeiles, dt)).toThrow(`${name}: dt: expected a finite step size > 0`);
    }
  });

  test('rejects a general system passed at run time, past the type checker', () => {
    expect(() => method(general as never, 0.1)).toThrow(InvalidArgumentError);
    expect(() => method(general as never, 0.1)).toThrow(`${name}: system.kind: expected 'separable'`);
  });

  test('rejects a state whose shape does not fit the system', () => {
    const step = method(henonHeiles, 0.1);
    expect(() => step({ q: tensor([1, 2, 3]), p: tensor([1, 2, 3]) })).toThrow(ShapeError);
    expect(() => step({ q: tensor([1, 2]), p: tensor([[1, 2]]) })).toThrow(`${name}: q and p must have the same shape`);
  });
});

describe('stormerVerlet', () => {
  test('is the leapfrog under its other name', () => {
    expect(stormerVerlet).toBe(leapfrog);
  });
});

describe('velocityVerlet', () => {
  test('steps exactly as the kick–drift–kick leapfrog', () => {
    fc.assert(
      fc.property(arbitraryState(2), arbitraryStepSize(0.01, 0.3), (x, dt) => {
        const a = velocityVerlet(henonHeiles, dt)(x);
        const b = leapfrog(henonHeiles, dt)(x);
        expect(maxAbsDifference('velocityVerlet', a.q, b.q)).toBe(0);
        expect(maxAbsDifference('velocityVerlet', a.p, b.p)).toBe(0);
      }),
      { numRuns: 10 },
    );
  });
});

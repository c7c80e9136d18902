// A compiled rollout (integrate's default: jit of a scan over steps) against the same rollout
// stepped eagerly, for every method of the catalogue on random catalogue systems and states. The
// compiled code runs the eager kernels' arithmetic in the same order, so they must agree bit for
// bit; a method whose step cannot be traced (Newton iterations read numbers) runs eagerly.
import { type Value, makeJaxpr, primalTensor } from '@liouville/ad';
import { type GeneralMethod, type SeparableMethod, type State, integrate } from '@liouville/integrators';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Hamiltonian } from '../src/index.js';
import { arbitrarySeparableSystem, arbitraryState, arbitrarySystem } from '../src/testing/index.js';
import { anyMethodTable, separableMethodTable } from './helpers.js';

function expectSameBits(a: Value, b: Value): void {
  const [x, y] = [primalTensor(a), primalTensor(b)];
  expect(x.shape).toEqual(y.shape);
  const same = Array.from(x.data).every((v, i) => Object.is(v, y.data[i]));
  if (!same) expect(Array.from(x.data)).toEqual(Array.from(y.data));
}

function compareRollouts(method: SeparableMethod | GeneralMethod, system: Hamiltonian, state: State): void {
  const step = (method as GeneralMethod)(system, 0.02);
  // Explicit steps must trace (else the comparison would only compare eager with eager).
  if (!method.info.implicit) expect(makeJaxpr(step)(state).size).toBeGreaterThan(0);
  const span = { steps: 12, dt: 0.02 };
  const eager = integrate(step, state, span, { saveEvery: 3, compile: false });
  const compiled = integrate(step, state, span, { saveEvery: 3 });
  expectSameBits(compiled.q, eager.q);
  expectSameBits(compiled.p, eager.p);
  expectSameBits(compiled.final.q, eager.final.q);
  expectSameBits(compiled.final.p, eager.final.p);
}

const withState = (systems: fc.Arbitrary<Hamiltonian>, batch?: number) =>
  systems.chain((system) =>
    fc.tuple(fc.constant(system), arbitraryState(system, batch === undefined ? {} : { batch })),
  );

describe('integrate, compiled', () => {
  describe.each(separableMethodTable)('%s', (_name, method) => {
    test('gives the eager rollout bit for bit on catalogue systems, one state and a batch', () => {
      fc.assert(
        fc.property(withState(arbitrarySeparableSystem()), ([system, state]) => compareRollouts(method, system, state)),
        { numRuns: 8 },
      );
      fc.assert(
        fc.property(withState(arbitrarySeparableSystem(), 3), ([system, state]) =>
          compareRollouts(method, system, state),
        ),
        { numRuns: 3 },
      );
    });
  });

  describe.each(anyMethodTable)('%s', (_name, method) => {
    test('gives the eager rollout bit for bit on catalogue systems', () => {
      fc.assert(
        fc.property(withState(arbitrarySystem()), ([system, state]) => compareRollouts(method, system, state)),
        { numRuns: 4 },
      );
    });
  });
});

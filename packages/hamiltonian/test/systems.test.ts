import { type Value, grad } from '@liouville/ad';
import { matmul, symplecticJ, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { energy, vectorField } from '../src/index.js';
import { arbitraryState, arbitrarySystem, catalogueNames } from '../src/testing/index.js';
import { closedForm, expectClose, numbers, row } from './helpers.js';

// Tolerances: AD and the closed forms evaluate the same smooth functions in a different order,
// so they differ by a few ulps of the terms summed (states and parameters are O(1), bodies kept
// apart); rel 1e-12 (DESIGN.md §4.6) leaves a margin of ~10³ over that rounding.
const REL = 1e-12;

describe.each(catalogueNames)('%s', (name) => {
  const systems = arbitrarySystem({ only: [name] });
  const cases = systems.chain((system) => fc.record({ system: fc.constant(system), state: arbitraryState(system) }));

  test('energy matches the closed-form H', () => {
    fc.assert(
      fc.property(cases, ({ system, state }) => {
        const expected = closedForm(system)(numbers(state.q), numbers(state.p));
        expectClose(numbers(energy(system)(state)), [expected.H], REL);
      }),
    );
  });

  test('the AD gradient of H matches the closed-form gradient', () => {
    fc.assert(
      fc.property(cases, ({ system, state }) => {
        const g = grad((x: { q: Value; p: Value }) => energy(system)(x))(state);
        const expected = closedForm(system)(numbers(state.q), numbers(state.p));
        expectClose([...numbers(g.q), ...numbers(g.p)], [...expected.dHdq, ...expected.dHdp], REL);
      }),
    );
  });

  test('vectorField equals J times the closed-form gradient', () => {
    fc.assert(
      fc.property(cases, ({ system, state }) => {
        const { dHdq, dHdp } = closedForm(system)(numbers(state.q), numbers(state.p));
        const Jgrad = matmul(symplecticJ(system.dim), tensor([...dHdq, ...dHdp]));
        const { dq, dp } = vectorField(system)(state);
        expectClose([...numbers(dq), ...numbers(dp)], Array.from(Jgrad.data), REL);
      }),
    );
  });

  const batches = systems.chain((system) =>
    fc.record({ system: fc.constant(system), state: arbitraryState(system, { batch: 3 }) }),
  );

  test('energy of a batch equals the energy of each state', () => {
    fc.assert(
      fc.property(batches, ({ system, state }) => {
        const H = energy(system)(state);
        expect(H.shape).toEqual([3]);
        const [q, p] = [numbers(state.q), numbers(state.p)];
        const each = [0, 1, 2].map(
          (b) => numbers(energy(system)({ q: tensor(row(q, b, system.dim)), p: tensor(row(p, b, system.dim)) }))[0],
        );
        expectClose(numbers(H), each, REL);
      }),
      { numRuns: 30 },
    );
  });

  test('vectorField of a batch equals the vector field at each state', () => {
    fc.assert(
      fc.property(batches, ({ system, state }) => {
        const { dq, dp } = vectorField(system)(state);
        expect(dq.shape).toEqual([3, system.dim]);
        expect(dp.shape).toEqual([3, system.dim]);
        const [q, p, n] = [numbers(state.q), numbers(state.p), system.dim];
        for (let b = 0; b < 3; b++) {
          const one = vectorField(system)({ q: tensor(row(q, b, n)), p: tensor(row(p, b, n)) });
          expectClose(
            [...row(numbers(dq), b, n), ...row(numbers(dp), b, n)],
            [...numbers(one.dq), ...numbers(one.dp)],
            REL,
          );
        }
      }),
      { numRuns: 30 },
    );
  });

  test('keeps float32 states in float32', () => {
    fc.assert(
      fc.property(batches, ({ system, state }) => {
        const f32 = (x: Value) => tensor(Float32Array.from(numbers(x)), x.shape);
        const single = { q: f32(state.q), p: f32(state.p) };
        const { dq, dp } = vectorField(system)(single);
        expect([energy(system)(single).dtype, dq.dtype, dp.dtype]).toEqual(['float32', 'float32', 'float32']);
      }),
      { numRuns: 10 },
    );
  });
});

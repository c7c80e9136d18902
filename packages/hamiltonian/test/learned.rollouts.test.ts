// Rollouts of learned models compile: modelField after its first calls, stepRollout through
// integrate (a compiled loop for a traceable step; an implicit step compiles its Newton pieces).
// Compiled programs run the eager kernels' arithmetic in the same order, so every number must
// equal the one computed as written, bit for bit.
import { type Value, primalTensor, withCheckFinite } from '@liouville/ad';
import { gaussLegendre4, leapfrog } from '@liouville/integrators';
import { type Tensor, concat, randomKey, reshape, slice, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { baselineModel, hnn, hnnModel, modelField, pendulum, stepRollout } from '../src/index.js';

const phase = fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }));

describe('modelField', () => {
  test.each([
    ['hnn', hnnModel({ inputDim: 2, hiddenDim: 16 })],
    ['baseline', baselineModel({ inputDim: 2, hiddenDim: 16 })],
  ] as const)('gives the bits of the %s field evaluated as written, before and after it compiles', (_name, model) => {
    const params = model.init(randomKey(3));
    const field = modelField(model, params);
    fc.assert(
      fc.property(fc.array(phase, { minLength: 40, maxLength: 40 }), (points) => {
        for (const [q, p] of points) {
          const x = tensor([q, p]);
          const asWritten = primalTensor(model.timeDerivative(params, reshape(x, [1, 2])));
          expect(Array.from(field(x).data)).toEqual(Array.from(asWritten.data));
        }
      }),
      { numRuns: 3 },
    );
  });
});

/** The rollout by its definition: `substeps` steps between outputs, each output [q, p]. */
function byHand(
  step: (s: { q: Value; p: Value }) => { q: Value; p: Value },
  x0: Tensor,
  outputs: number,
  substeps: number,
) {
  let state = { q: slice(x0, [0], [1]) as Value, p: slice(x0, [1], [2]) as Value };
  const rows = [Array.from(x0.data)];
  for (let i = 1; i < outputs; i++) {
    for (let s = 0; s < substeps; s++) state = step(state);
    rows.push(Array.from(concat([primalTensor(state.q), primalTensor(state.p)], 0).data));
  }
  return rows;
}

describe('stepRollout', () => {
  test('gives the bits of stepping by hand, for an explicit method and for an implicit one on a learned H', () => {
    const model = hnnModel({ inputDim: 2, hiddenDim: 16 });
    const learned = hnn(model, model.init(randomKey(5)));
    const tEval = [0, 0.5, 1, 1.5, 2, 2.5];
    const x0 = tensor([0.4, -0.2]);
    const cases = [
      [(dt: number) => leapfrog(pendulum(), dt), 10],
      [(dt: number) => gaussLegendre4(learned, dt), 4],
    ] as const;
    for (const [make, substeps] of cases) {
      const rolled = stepRollout(make, 1, substeps)(x0, tEval);
      expect(rolled.shape).toEqual([tEval.length, 2]);
      // With finiteness checks on, jit runs every function as written: the eager reference.
      const reference = withCheckFinite(() => byHand(make(0.5 / substeps), x0, tEval.length, substeps));
      expect(rolled.toArray()).toEqual(reference);
    }
  });
});

// The reference rollouts' vector field compiles after its first calls; compiled programs run the
// eager kernels' arithmetic in the same order, so every evaluation must keep its bits.
import { primalTensor } from '@liouville/ad';
import { doublePendulum, kepler, pendulum } from '@liouville/hamiltonian';
import { hamiltonianVectorField } from '@liouville/integrators';
import { tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { trueField } from '../src/simulation.js';

describe('trueField', () => {
  test.each([
    ['pendulum', pendulum()],
    ['kepler', kepler()],
    ['doublePendulum', doublePendulum()],
  ] as const)(
    'gives the bits of the %s vector field evaluated as written, before and after it compiles',
    (_name, system) => {
      const field = trueField(system);
      const asWritten = hamiltonianVectorField(system);
      const point = fc.array(fc.double({ min: 0.2, max: 1.5, noNaN: true }), {
        minLength: 2 * system.dim,
        maxLength: 2 * system.dim,
      });
      fc.assert(
        fc.property(fc.array(point, { minLength: 40, maxLength: 40 }), (points) => {
          for (const x of points.map((p) => tensor(p))) {
            expect(Array.from(field(x).data)).toEqual(Array.from(primalTensor(asWritten(x)).data));
          }
        }),
        { numRuns: 2 },
      );
    },
  );
});

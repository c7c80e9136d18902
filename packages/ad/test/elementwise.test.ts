// First derivatives of the elementwise functions: against central differences on random shapes,
// and against their closed forms to rounding, by every differentiation path.
import * as L from '@liouville/linalg';
import { type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Value, grad, jacfwd, jacrev, jvp } from '../src/index.js';
import { binaryCases, binaryInputsArb, broadcastMap, sumDown, unaryCases } from './cases.js';
import {
  EXACT,
  doubleIn,
  exactFor,
  expectClose,
  expectFirstOrderPaths,
  fillLike,
  poolArb,
  shapeArb,
  tensorArb,
  weighted,
} from './helpers.js';

const RUNS = 25;

/** An input of a random shape (rank 0–3) from the case's domain, weights and a tangent in [−1, 1]. */
const unaryInputs = (element: fc.Arbitrary<number>) =>
  shapeArb().chain((shape) =>
    fc.tuple(tensorArb(shape, element), tensorArb(shape, doubleIn([-1, 1])), tensorArb(shape, doubleIn([-1, 1]))),
  );

const mapElements = (x: Tensor, f: (x: number) => number): Tensor => tensor(x.toFlatArray().map(f), x.shape);

describe.each(unaryCases)('$name', (c) => {
  test('grad matches central finite differences and every other differentiation path', () => {
    fc.assert(
      fc.property(unaryInputs(c.element), ([x, w, v]) => {
        expectFirstOrderPaths((z: Value) => weighted(c.f(z), w), x, v);
      }),
      { numRuns: RUNS },
    );
  });

  test('grad, jacfwd and jacrev equal the closed form w·f′(x)', () => {
    fc.assert(
      fc.property(unaryInputs(c.element), ([x, w]) => {
        const loss = (z: Value) => weighted(c.f(z), w);
        const expected = L.mul(w, mapElements(x, c.d1));
        expectClose(grad(loss)(x), expected, EXACT, 'grad');
        expectClose(jacfwd(loss)(x), expected, EXACT, 'jacfwd');
        expectClose(jacrev(loss)(x), expected, EXACT, 'jacrev');
      }),
      { numRuns: RUNS },
    );
  });

  test('jvp pushes a tangent to f′(x)·v elementwise', () => {
    fc.assert(
      fc.property(unaryInputs(c.element), ([x, _w, v]) => {
        const [y, ydot] = jvp(c.f, x, v);
        expectClose(y, c.f(x), EXACT, 'primal');
        expectClose(ydot, L.mul(v, mapElements(x, c.d1)), EXACT, 'tangent');
      }),
      { numRuns: RUNS },
    );
  });

  test('the Jacobian of a vector input is diagonal with entries f′(xᵢ)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((n) => tensorArb([n], c.element)),
        (x) => {
          const n = x.size;
          const expected = tensor(
            Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? c.d1(x.data[k / (n + 1)]) : 0)),
            [n, n],
          );
          const f = (z: Value) => c.f(z);
          expectClose(jacfwd(f)(x) as Value, expected, EXACT, 'jacfwd');
          expectClose(jacrev(f)(x) as Value, expected, EXACT, 'jacrev');
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe.each(binaryCases)('$name', (c) => {
  test('grad with respect to both broadcasting operands matches central finite differences and every other path', () => {
    fc.assert(
      fc.property(binaryInputsArb(c), poolArb, ([a, b], pool) => {
        const out = c.f(a, b);
        const w = fillLike(out as Tensor, pool);
        const v = fillLike([a, b], pool, 100);
        expectFirstOrderPaths(([p, q]: Value[]) => weighted(c.f(p, q), w), [a, b], v);
      }),
      { numRuns: RUNS },
    );
  });

  test('grad equals the closed-form partial derivatives summed over broadcast axes', () => {
    fc.assert(
      fc.property(binaryInputsArb(c), poolArb, ([a, b], pool) => {
        const w = fillLike(c.f(a, b) as Tensor, pool);
        const termsA = L.mul(w, broadcastMap(a, b, c.da));
        const termsB = L.mul(w, broadcastMap(a, b, c.db));
        const expected = [sumDown(termsA, a.shape), sumDown(termsB, b.shape)];
        // Each entry is a sum of broadcast terms: the rounding scale is Σ|terms|.
        const scale = [sumDown(L.abs(termsA), a.shape), sumDown(L.abs(termsB), b.shape)];
        const loss = ([p, q]: Value[]) => weighted(c.f(p, q), w);
        expectClose(grad(loss)([a, b]), expected, exactFor(scale), 'grad');
        expectClose(jacfwd(loss)([a, b]), expected, exactFor(scale), 'jacfwd');
      }),
      { numRuns: RUNS },
    );
  });

  test('accepts plain numbers as weakly typed constants on either side', () => {
    fc.assert(
      fc.property(
        fc.tuple(c.a, c.b).filter(([p, q]) => Math.abs(p - q) >= Math.max(c.gap, 1e-3)),
        ([p, q]) => {
          const ga = grad((z: Value) => c.f(z, q))(tensor(p));
          const gb = grad((z: Value) => c.f(p, z))(tensor(q));
          expect(ga.shape).toEqual([]);
          expectClose(ga, c.da(p, q), EXACT, 'd/da');
          expectClose(gb, c.db(p, q), EXACT, 'd/db');
        },
      ),
      { numRuns: RUNS },
    );
  });
});

// Second derivatives of every differentiable function: Hessian-vector products against central
// differences of the gradient, closed forms for the elementwise functions, and agreement of all
// nestings of forward and reverse mode. tanh, exp and sigmoid get explicit tests at fixed points:
// their first-derivative rules reuse the output y = f(x), and a rule that treated y as a
// constant would give right first derivatives and silently wrong second ones.
import * as L from '@liouville/linalg';
import { type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { type Tree, type Value, exp, grad, hessian, hvp, jacfwd, jacrev, jvp, sigmoid, tanh } from '../src/index.js';
import { binaryCases, binaryInputsArb, logistic, unaryCases } from './cases.js';
import { structuralCases } from './structural-cases.js';
import {
  EXACT,
  FD,
  doubleIn,
  exactFor,
  expectClose,
  expectSecondOrderPaths,
  fdGrad,
  fillLike,
  num,
  poolArb,
  shapeArb,
  tensorArb,
  weighted,
} from './helpers.js';

const RUNS = 20;

const mapElements = (x: Tensor, f: (x: number) => number): Tensor => tensor(x.toFlatArray().map(f), x.shape);

const unaryInputs = (element: fc.Arbitrary<number>) =>
  shapeArb().chain((shape) =>
    fc.tuple(tensorArb(shape, element), tensorArb(shape, doubleIn([-1, 1])), tensorArb(shape, doubleIn([-1, 1]))),
  );

describe.each(unaryCases)('$name', (c) => {
  test('hvp matches central differences of grad and every nesting of the two modes', () => {
    fc.assert(
      fc.property(unaryInputs(c.element), ([x, w, v]) => {
        expectSecondOrderPaths((z: Value) => weighted(c.f(z), w), x, v);
      }),
      { numRuns: RUNS },
    );
  });

  test('hvp equals the closed form w·f″(x)·v', () => {
    fc.assert(
      fc.property(unaryInputs(c.element), ([x, w, v]) => {
        const expected = L.mul(L.mul(w, v), mapElements(x, c.d2));
        expectClose(
          hvp((z: Value) => weighted(c.f(z), w), x, v),
          expected,
          EXACT,
          'hvp',
        );
      }),
      { numRuns: RUNS },
    );
  });

  test('the Hessian of Σ f(x) is diagonal with entries f″(xᵢ) by jacfwd(grad) and jacrev(grad)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((n) => tensorArb([n], c.element)),
        (x) => {
          const n = x.size;
          const expected = tensor(
            Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? c.d2(x.data[k / (n + 1)]) : 0)),
            [n, n],
          );
          const f = (z: Value) => weighted(c.f(z), L.ones([n]));
          expectClose(hessian(f)(x), expected, EXACT, 'hessian');
          expectClose(jacrev(grad(f))(x), expected, EXACT, 'jacrev(grad)');
        },
      ),
      { numRuns: 20 },
    );
  });
});

/**
 * The second derivative of a scalar function at a scalar point by six routes: forward over
 * reverse (hvp, hessian = jacfwd∘grad), reverse over reverse (grad∘grad, jacrev∘grad), reverse
 * over forward and forward over forward.
 */
function secondDerivatives(f: (x: Value) => Value, x: number): Record<string, number> {
  const at = tensor(x);
  const one = tensor(1);
  const fPrime = (z: Value) => jvp(f, z, one)[1];
  return {
    hvp: num(hvp(f, at, one)),
    hessian: num(hessian(f)(at) as Value),
    'grad(grad)': num(grad(grad(f))(at)),
    'jacrev(grad)': num(jacrev(grad(f))(at) as Value),
    'grad(jvp)': num(grad(fPrime)(at)),
    'jvp(jvp)': num(jvp(fPrime, at, one)[1]),
    'jacfwd(jacfwd)': num(jacfwd(jacfwd(f))(at) as Value),
  };
}

/** Fixed points across the range where each of these functions curves, including 0. */
const points = [-4, -1.3, -0.2, 0, 0.5, 2.1, 5];

describe.each([
  {
    name: 'tanh',
    f: tanh,
    d2: (x: number) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2),
    formula: '−2 tanh x (1 − tanh² x)',
  },
  { name: 'exp', f: exp, d2: Math.exp, formula: 'eˣ' },
  {
    name: 'sigmoid',
    f: sigmoid,
    d2: (x: number) => logistic(x) * logistic(-x) * (1 - 2 * logistic(x)),
    formula: 'σ(x)(1 − σ(x))(1 − 2σ(x))',
  },
])('$name', ({ f, d2, formula }) => {
  test.each(points)(`second derivative at x = %d equals ${formula} by every nesting of the modes`, (x) => {
    const expected = d2(x);
    for (const [route, value] of Object.entries(secondDerivatives(f, x))) {
      expectClose(value, expected, EXACT, route);
    }
  });

  test.each(points)('second derivative at x = %d matches central differences of the first derivative', (x) => {
    const scalarF = (z: Value) => f(z);
    const fd = fdGrad((z: Value) => grad(scalarF)(z), tensor(x));
    expectClose(hvp(scalarF, tensor(x), tensor(1)), fd, FD, 'hvp vs central differences');
  });
});

describe.each(binaryCases)('$name', (c) => {
  test('hvp through both broadcasting operands matches central differences and every nesting of the modes', () => {
    fc.assert(
      fc.property(binaryInputsArb(c), poolArb, ([a, b], pool) => {
        const w = fillLike(c.f(a, b) as Tensor, pool);
        expectSecondOrderPaths(([p, q]: Value[]) => weighted(c.f(p, q), w), [a, b], fillLike([a, b], pool, 100));
      }),
      { numRuns: RUNS },
    );
  });

  test('the Hessian with respect to (a, b) at scalars equals the closed form', () => {
    fc.assert(
      fc.property(
        fc.tuple(c.a, c.b).filter(([p, q]) => Math.abs(p - q) >= Math.max(c.gap, 1e-3)),
        ([p, q]) => {
          const h = hessian(([u, v]: Value[]) => c.f(u, v))([tensor(p), tensor(q)]) as Value[][];
          const expected = [
            [tensor(c.daa(p, q)), tensor(c.dab(p, q))],
            [tensor(c.dab(p, q)), tensor(c.dbb(p, q))],
          ];
          expectClose(h, expected, EXACT, 'hessian');
          expectClose(
            jacrev(grad(([u, v]: Value[]) => c.f(u, v)))([tensor(p), tensor(q)]),
            expected,
            EXACT,
            'jacrev(grad)',
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe.each(structuralCases)('$name', ({ probe }) => {
  test('hvp of Σ w ⊙ tanh(op(x)) matches central differences of grad and every nesting of the modes', () => {
    fc.assert(
      fc.property(probe, poolArb, ({ x, op }, pool) => {
        const f = op as (z: Tree) => Value;
        const w = fillLike(f(x) as Tensor, pool);
        expectSecondOrderPaths((z: Tree) => weighted(tanh(f(z)), w), x, fillLike(x, pool, 128));
      }),
      { numRuns: RUNS },
    );
  });

  test('the Hessian by jacfwd(grad) equals the one by jacrev(grad)', () => {
    fc.assert(
      fc.property(probe, poolArb, ({ x, op }, pool) => {
        const f = op as (z: Tree) => Value;
        const w = fillLike(f(x) as Tensor, pool);
        const loss = (z: Tree) => weighted(tanh(f(z)), w);
        const forward = hessian(loss)(x);
        expectClose(forward, jacrev(grad(loss))(x), exactFor(forward), 'hessian');
      }),
      { numRuns: 20 },
    );
  });
});

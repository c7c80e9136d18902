// Perturbation confusion (Siskind & Pearlmutter, "Perturbation confusion and referential
// transparency", IFL 2005): nested derivatives must keep their perturbations apart. The classic
// d/dx [x · d/dy (x + y)] = 1 must hold for every nesting of the two modes (a confused
// implementation returns 2), and a value escaping a finished transformation must be refused.
import { type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  PerturbationError,
  type Value,
  add,
  grad,
  hvp,
  jacfwd,
  jacrev,
  jvp,
  mul,
  sin,
  sum,
  vjp,
} from '../src/index.js';
import { EXACT, doubleIn, expectClose, num } from './helpers.js';

const one = tensor(1);

/** d/dy at y = x by reverse mode. */
const dReverse = (f: (y: Value) => Value, x: Value): Value => grad(f)(x);
/** d/dy at y = x by forward mode. */
const dForward = (f: (y: Value) => Value, x: Value): Value => jvp(f, x, one)[1];

type Derivative = (f: (y: Value) => Value, x: Value) => Value;

const nestings: Array<{ name: string; outer: Derivative; inner: Derivative }> = [
  { name: 'grad inside grad', outer: dReverse, inner: dReverse },
  { name: 'jvp inside jvp', outer: dForward, inner: dForward },
  { name: 'grad inside jvp', outer: dForward, inner: dReverse },
  { name: 'jvp inside grad', outer: dReverse, inner: dForward },
  { name: 'jacrev inside jacfwd', outer: (f, x) => jacfwd(f)(x) as Value, inner: (f, x) => jacrev(f)(x) as Value },
  { name: 'jacfwd inside jacrev', outer: (f, x) => jacrev(f)(x) as Value, inner: (f, x) => jacfwd(f)(x) as Value },
];

describe.each(nestings)('$name', ({ outer, inner }) => {
  test('d/dx [x · d/dy (x + y)] = 1 at every x', () => {
    fc.assert(
      fc.property(doubleIn([-5, 5]), (t) => {
        const result = outer(
          (x) =>
            mul(
              x,
              inner((y) => add(x, y), x),
            ),
          tensor(t),
        );
        expectClose(result, 1, EXACT, 'd/dx [x · d/dy (x + y)]');
      }),
      { numRuns: 20 },
    );
  });

  test('d/dx [x · d/dy (x · y)] = 2x at every x', () => {
    fc.assert(
      fc.property(doubleIn([-5, 5]), (t) => {
        const result = outer(
          (x) =>
            mul(
              x,
              inner((y) => mul(x, y), x),
            ),
          tensor(t),
        );
        expectClose(result, 2 * t, EXACT, 'd/dx [x · d/dy (x · y)]');
      }),
      { numRuns: 20 },
    );
  });

  test('d/dx sin(x · d/dy (x · y)) = 2x cos(x²) at every x', () => {
    fc.assert(
      fc.property(doubleIn([-2, 2]), (t) => {
        const result = outer(
          (x) =>
            sin(
              mul(
                x,
                inner((y) => mul(x, y), x),
              ),
            ),
          tensor(t),
        );
        expectClose(result, 2 * t * Math.cos(t * t), EXACT, 'd/dx sin(x²)');
      }),
      { numRuns: 20 },
    );
  });
});

describe('PerturbationError', () => {
  const x = tensor([0.5, -1]);

  test('is thrown when a value escaping a finished grad is used', () => {
    let leaked: Value | null = null;
    grad((z: Value) => {
      leaked = z;
      return sum(z);
    })(x);
    expect(() => mul(leaked as unknown as Value, 2)).toThrow(PerturbationError);
    expect(() => sum(leaked as unknown as Value)).toThrow(/already returned/);
  });

  test('is thrown when a value escaping a finished jvp is used', () => {
    let leaked: Value | null = null;
    jvp(
      (z: Value) => {
        leaked = mul(z, z);
        return sum(leaked);
      },
      x,
      x,
    );
    expect(() => add(leaked as unknown as Value, 1)).toThrow(PerturbationError);
  });

  test('is thrown when a value escaping the forward pass of vjp is used, while the pullback still works', () => {
    let leaked: Value | null = null;
    const [, pullback] = vjp((z: Value) => {
      leaked = sin(z);
      return leaked;
    }, x);
    expect(() => mul(leaked as unknown as Value, 2)).toThrow(PerturbationError);
    expectClose(pullback(tensor([1, 1])) as Tensor, tensor([Math.cos(0.5), Math.cos(-1)]), EXACT, 'pullback');
  });

  test('is thrown when an escaped value enters a later transformation', () => {
    let leaked: Value | null = null;
    grad((z: Value) => {
      leaked = z;
      return sum(z);
    })(x);
    expect(() => grad((z: Value) => sum(mul(z, leaked as unknown as Value)))(x)).toThrow(PerturbationError);
    expect(() => hvp((z: Value) => sum(mul(z, leaked as unknown as Value)), x, x)).toThrow(PerturbationError);
  });

  test('is thrown when a value escaping an inner transformation is used by the still-running outer one', () => {
    expect(() =>
      grad((z: Value) => {
        let leaked: Value | null = null;
        grad((y: Value) => {
          leaked = mul(y, z);
          return sum(leaked);
        })(z);
        return sum(mul(z, leaked as unknown as Value));
      })(x),
    ).toThrow(PerturbationError);
  });

  test('is not thrown for values of the outer transformation used inside an inner one', () => {
    const g = grad((z: Value) => sum(mul(z, grad((y: Value) => sum(mul(y, z)))(z))))(x);
    // Σ z ⊙ ∇_y⟨y, z⟩ = Σ z²: gradient 2z.
    expectClose(g, tensor([1, -2]), EXACT, 'grad');
    expect(num(sum(g))).toBe(-1);
  });
});

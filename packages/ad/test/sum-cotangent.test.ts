// The reverse rule of `sum` leaves its cotangent one-element (a summed axis kept as size 1) and
// the reverse pass expands it only where a rule needs the full shape (reverse.ts). These tests
// push that unexpanded cotangent into every kind of consumer (elementwise rules, rules that
// broadcast an operand, structural rules, the variable itself, an accumulation with a full-shape
// cotangent, nested transformations) and check the gradient against forward mode, which never
// meets it: grad(x ↦ Σ g(x)) = 1ᵀ·J_g, the column sums of jacfwd(g).
import * as L from '@liouville/linalg';
import { type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Value,
  add,
  cos,
  exp,
  grad,
  hvp,
  jacfwd,
  max,
  mul,
  neg,
  reshape,
  sin,
  square,
  sum,
  tanh,
  transpose,
} from '../src/index.js';
import { EXACT, expectClose, plain, shapeArb, tensorArb } from './helpers.js';

/** The maps g whose Σ g(x) is differentiated; each receives the unexpanded cotangent of the sum. */
const consumers: ReadonlyArray<readonly [string, (x: Value) => Value]> = [
  ['the variable itself', (x) => x],
  ['neg (keeps the cotangent one-element)', (x) => neg(x)],
  ['sin·x² (elementwise products)', (x) => mul(sin(x), square(x))],
  ['x times a broadcast scalar', (x) => mul(x, tensor([2.5]))],
  ['x plus a broadcast scalar', (x) => add(x, 1.5)],
  ['tanh then exp', (x) => exp(tanh(x))],
  ['reshape to one axis', (x) => reshape(x, [x.size])],
  ['transpose', (x) => transpose(x)],
  ['a partial sum kept, then exp', (x) => (x.shape.length === 0 ? exp(x) : exp(sum(x, [0], { keepDims: true })))],
  ['a partial sum dropped, then cos', (x) => (x.shape.length === 0 ? cos(x) : cos(sum(x, [0])))],
  ['max over everything', (x) => max(x)],
  ['a sum and a full-shape term accumulated', (x) => add(sum(x), mul(x, x))],
];

/** grad(Σ g)(x) by forward mode: the sum over output elements of the Jacobian jacfwd(g)(x). */
function gradByForwardMode(g: (x: Value) => Value, x: Tensor): Tensor {
  const jacobian = plain(jacfwd(g)(x) as Value);
  const outputRank = jacobian.shape.length - x.shape.length;
  const outputAxes = Array.from({ length: outputRank }, (_, i) => i);
  return L.reshape(L.sum(jacobian, outputAxes), x.shape);
}

describe('the unexpanded cotangent of sum', () => {
  test.each(consumers)('reaches %s and gives the forward-mode gradient', (_name, g) => {
    fc.assert(
      fc.property(
        shapeArb(3, 4).chain((shape) => tensorArb(shape)),
        (x) => {
          const reverse = plain(grad((z: Value) => sum(g(z)))(x) as Value);
          expect(reverse.shape).toEqual(x.shape);
          // Both sides add the same O(1) partial derivatives in different orders: a few ulps.
          expectClose(reverse, gradByForwardMode(g, x), EXACT, 'grad');
        },
      ),
      { numRuns: 20 },
    );
  });

  test('keeps float32 gradients float32 with the shape of x', () => {
    const x = tensor([0.5, -1, 2], [3], 'float32');
    const g = plain(grad((z: Value) => sum(mul(sin(z), square(z))))(x) as Value);
    expect(g.dtype).toBe('float32');
    expect(g.shape).toEqual([3]);
    // d/dx sin(x)·x² = cos(x)·x² + 2x·sin(x), rounded to float32 (ε₃₂ ≈ 6e-8, a few operations).
    const expected = [0.5, -1, 2].map((v) => Math.cos(v) * v * v + 2 * v * Math.sin(v));
    expectClose(g, tensor(expected, [3]), { rel: 1e-6, abs: 1e-6 }, 'grad');
  });

  test('composes under hvp and grad of grad (closed forms)', () => {
    const x = tensor([0.3, -1.2, 2.1, 0.7], [2, 2]);
    const v = tensor([1, -0.5, 0.25, 2], [2, 2]);
    const f = (z: Value) => sum(mul(sin(z), square(z)));
    // f'' = −sin(x)·x² + 4x·cos(x) + 2 sin(x), and the Hessian is diagonal.
    const second = Array.from(x.data).map((a) => -Math.sin(a) * a * a + 4 * a * Math.cos(a) + 2 * Math.sin(a));
    const hv = second.map((h, i) => h * v.data[i]);
    expectClose(plain(hvp(f, x, v) as Value), tensor(hv, [2, 2]), EXACT, 'hvp');
    // d/dx Σ (d/dx Σ sin) = d/dx Σ cos = −sin
    const nested = grad((z: Value) => sum(grad((y: Value) => sum(sin(y)))(z) as Value))(x);
    expectClose(plain(nested as Value), L.neg(L.sin(x)), EXACT, 'grad of grad');
  });
});

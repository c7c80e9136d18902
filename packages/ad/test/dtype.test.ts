// float32 inputs stay float32 through every transformation: plain numbers are weakly typed
// scalars and never promote a float32 operand to float64, in the forward pass or in any rule.
import * as L from '@liouville/linalg';
import { type Tensor, scalar, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Tree,
  type Value,
  add,
  div,
  exp,
  expm1,
  grad,
  hessian,
  hvp,
  jacfwd,
  jacrev,
  jvp,
  maximum,
  mean,
  mul,
  pow,
  rowwiseGrad,
  sub,
  sum,
  tanh,
  valueAndGrad,
  vjp,
  where,
} from '../src/index.js';
import { binaryCases, unaryCases } from './cases.js';
import { type Tolerance, expectClose, leaves, shapeArb, tensorArb } from './helpers.js';

/**
 * float32 against a float64 closed form: the unit roundoff of float32 is 6e-8, and the rules
 * here chain a few operations whose conditioning is at most ~10² on these domains (1 − y² for
 * y = tanh x near ±1, for example), so 1e-4 relative with a 1e-6 absolute floor has margin.
 */
const FLOAT32: Tolerance = { rel: 1e-4, abs: 1e-6 };

const f32 = (x: Tensor): Tensor => L.cast(x, 'float32');

/** Every leaf of a result is a plain float32 tensor. */
function expectFloat32(tree: Tree, label: string): void {
  for (const leaf of leaves(tree)) expect(leaf.dtype, label).toBe('float32');
}

describe.each(unaryCases)('$name', (c) => {
  test('keeps float32 through grad, jvp and hvp with weakly typed number constants', () => {
    fc.assert(
      fc.property(
        shapeArb().chain((shape) => tensorArb(shape, c.element)),
        (x64) => {
          const x = f32(x64);
          // Numbers on both sides of the binary functions: none of them may promote.
          const loss = (z: Value) => mean(add(mul(2, c.f(z)), 1));
          const g = grad(loss)(x);
          expectFloat32(g, 'grad');
          const n = x.size;
          expectClose(
            g,
            tensor(
              x.toFlatArray().map((t) => (2 * c.d1(t)) / n),
              x.shape,
            ),
            FLOAT32,
            'grad',
          );
          const [y, ydot] = jvp(loss, x, x);
          expectFloat32([y, ydot], 'jvp');
          expectFloat32(hvp(loss, x, x), 'hvp');
        },
      ),
      { numRuns: 15 },
    );
  });

  test('keeps float32 through grad of a rank-0 float32 input', () => {
    fc.assert(
      fc.property(c.element, (t) => {
        const x = scalar(t, 'float32');
        const [value, g] = valueAndGrad((z: Value) => c.f(z))(x);
        expectFloat32([value, g], 'valueAndGrad');
        expectClose(g, c.d1(Math.fround(t)), FLOAT32, 'grad');
        expectFloat32(grad(grad((z: Value) => c.f(z)))(x), 'grad(grad)');
      }),
      { numRuns: 15 },
    );
  });
});

describe.each(binaryCases)('$name', (c) => {
  test('keeps float32 with a number on either side, at rank 0 and above', () => {
    fc.assert(
      fc.property(c.a, c.b, fc.boolean(), (p, q, vector) => {
        const shape = vector ? [2] : [];
        const a = f32(L.full(shape, p));
        const b = f32(L.full(shape, q));
        expectFloat32(grad((z: Value) => sum(c.f(z, q)))(a), 'number on the right');
        expectFloat32(grad((z: Value) => sum(c.f(p, z)))(b), 'number on the left');
        expectFloat32(hessian((z: Value) => sum(c.f(z, q)))(a), 'hessian, number on the right');
        expectFloat32(hessian((z: Value) => sum(c.f(p, z)))(b), 'hessian, number on the left');
      }),
      { numRuns: 10 },
    );
  });
});

describe('grad', () => {
  test('of a float32 loss mixing every weak-scalar position returns float32 with the right values', () => {
    const x = tensor([0.5, -1, 2], undefined, 'float32');
    // f(x) = mean((eˣ − 1)/2 + x³ − 3)  ⇒  ∇f = (eˣ/2 + 3x²)/3.
    const f = (z: Value) => mean(sub(add(div(expm1(z), 2), pow(z, 3)), 3));
    const g = grad(f)(x);
    expectFloat32(g, 'grad');
    expectClose(g, tensor([0.5, -1, 2].map((t) => (Math.exp(t) / 2 + 3 * t * t) / 3)), FLOAT32, 'grad');
  });

  test('of a float32 loss keeps float32 through where and maximum with number branches', () => {
    const x = tensor([0.5, -1, 2], undefined, 'float32');
    const g = grad((z: Value) => sum(add(where(L.greater(x, L.scalar(0)), mul(z, z), 0), maximum(z, 1))))(x);
    expectFloat32(g, 'grad');
    expectClose(g, tensor([1, 0, 5]), FLOAT32, 'grad');
  });
});

describe('jacfwd', () => {
  test('jacfwd, jacrev, vjp and hessian of a float32 function stay float32', () => {
    const x = tensor([0.3, -0.7], undefined, 'float32');
    const f = (z: Value) => tanh(mul(exp(z), 3));
    expectFloat32(jacfwd(f)(x), 'jacfwd');
    expectFloat32(jacrev(f)(x), 'jacrev');
    const [y, pullback] = vjp(f, x);
    expectFloat32([y, pullback(tensor([1, 1], undefined, 'float32'))], 'vjp');
    expectFloat32(hessian((z: Value) => mean(f(z)))(x), 'hessian');
  });
});

describe('rowwiseGrad', () => {
  test('keeps float32 in both modes', () => {
    const x = tensor(
      [
        [0.1, 0.2],
        [0.3, -0.4],
        [1, 2],
      ],
      undefined,
      'float32',
    );
    const f = (z: Value) => sum(mul(tanh(z), 0.5), 1);
    for (const mode of ['forward', 'reverse'] as const) {
      const g = rowwiseGrad(f, { mode })(x);
      expectFloat32(g, mode);
      expectClose(g, L.mul(L.sub(L.scalar(1), L.square(L.tanh(L.cast(x, 'float64')))), L.scalar(0.5)), FLOAT32, mode);
    }
  });
});

describe('grad (mixed dtypes)', () => {
  test('returns a float32 gradient for a float32 input combined with a float64 tensor', () => {
    const x = tensor([1, 2, 3], undefined, 'float32');
    const w = tensor([0.5, -1, 2]);
    const g = grad((z: Value) => sum(mul(z, w)))(x) as Tensor;
    expect(g.dtype).toBe('float32');
    // d/dz Σ z·w = w, exactly representable in float32
    expect(g.toFlatArray()).toEqual([0.5, -1, 2]);
  });
});

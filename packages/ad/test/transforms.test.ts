// The transformations against each other and against closed forms on a few nontrivial
// functions: Hessians by four routes, Hessian-vector products, third derivatives, Jacobians by
// forward and reverse mode, and pytree inputs and outputs.
import * as L from '@liouville/linalg';
import { type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Value,
  add,
  concat,
  cos,
  exp,
  grad,
  hessian,
  hvp,
  jacfwd,
  jacrev,
  jvp,
  log,
  matmul,
  max,
  mul,
  sin,
  square,
  sub,
  sum,
  tanh,
  valueAndGrad,
  vjp,
} from '../src/index.js';
import { EXACT, doubleIn, exactFor, expectClose, innerValue, mlp, mlpParamsArb, num, tensorArb } from './helpers.js';

const RUNS = 25;

/** Σ sin(xᵢ) xᵢ² */
const sinSquare = (x: Value) => sum(mul(sin(x), square(x)));
/** Stable log-sum-exp: m + log Σ exp(x − m) with m = max x. */
const logSumExp = (x: Value) => {
  const m = max(x);
  return add(m, log(sum(exp(sub(x, m)))));
};

const softmax = (x: Tensor): number[] => {
  const m = Math.max(...x.data);
  const e = x.toFlatArray().map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
};

/** A named scalar function of a vector x, drawn with any parameters it needs. */
interface Subject {
  name: string;
  f: (x: Value) => Value;
  x: Tensor;
}

const vectorArb = fc.integer({ min: 1, max: 5 }).chain((n) => tensorArb([n], doubleIn([-2, 2])));

/** The three test functions at random points (the MLP with random parameters, x ∈ ℝ³). */
const subjectArb: fc.Arbitrary<Subject> = fc.oneof(
  vectorArb.map((x) => ({ name: 'Σ sin(x)·x²', f: sinSquare, x })),
  vectorArb.map((x) => ({ name: 'log-sum-exp', f: logSumExp, x })),
  fc.tuple(mlpParamsArb(3, 4), tensorArb([3], doubleIn([-2, 2]))).map(([theta, x]) => ({
    name: 'tanh MLP',
    f: (z: Value) => mlp(theta, z),
    x,
  })),
);

describe('hessian', () => {
  test('equals jacrev(grad), jacfwd(jacfwd) and jacrev(jacrev)', () => {
    fc.assert(
      fc.property(subjectArb, ({ f, x }) => {
        const h = hessian(f)(x) as Value;
        expect(h.shape).toEqual([x.size, x.size]);
        const tol = exactFor(h);
        expectClose(jacrev(grad(f))(x), h, tol, 'jacrev(grad)');
        expectClose(jacfwd(jacfwd(f))(x), h, tol, 'jacfwd(jacfwd)');
        expectClose(jacrev(jacrev(f))(x), h, tol, 'jacrev(jacrev)');
      }),
      { numRuns: RUNS },
    );
  });

  test('of Σ sin(x)·x² is diagonal with 2 sin x + 4x cos x − x² sin x', () => {
    fc.assert(
      fc.property(vectorArb, (x) => {
        const n = x.size;
        const d2 = (t: number) => 2 * Math.sin(t) + 4 * t * Math.cos(t) - t * t * Math.sin(t);
        const expected = tensor(
          Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? d2(x.data[k / (n + 1)]) : 0)),
          [n, n],
        );
        expectClose(hessian(sinSquare)(x), expected, exactFor(expected), 'hessian');
      }),
      { numRuns: RUNS },
    );
  });

  test('of log-sum-exp is diag(p) − p·pᵀ with p = softmax(x)', () => {
    fc.assert(
      fc.property(vectorArb, (x) => {
        const p = softmax(x);
        const n = p.length;
        const expected = tensor(
          Array.from({ length: n * n }, (_, k) => {
            const i = Math.floor(k / n);
            const j = k % n;
            return (i === j ? p[i] : 0) - p[i] * p[j];
          }),
          [n, n],
        );
        expectClose(hessian(logSumExp)(x), expected, exactFor(expected), 'hessian');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('hvp', () => {
  test('equals hessian(f)(x)·v', () => {
    fc.assert(
      fc.property(
        subjectArb.chain((s) => fc.tuple(fc.constant(s), tensorArb(s.x.shape, doubleIn([-1, 1])))),
        ([{ f, x }, v]) => {
          const expected = L.matmul(hessian(f)(x) as Tensor, v);
          expectClose(hvp(f, x, v), expected, exactFor(expected), 'hvp');
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('grad', () => {
  test('of x ↦ ⟨v, hvp(f, x, u)⟩ gives the third derivative of Σ sin(x)·x² in closed form', () => {
    fc.assert(
      fc.property(
        vectorArb.chain((x) =>
          fc.tuple(fc.constant(x), tensorArb(x.shape, doubleIn([-1, 1])), tensorArb(x.shape, doubleIn([-1, 1]))),
        ),
        ([x, u, v]) => {
          // (x² sin x)‴ = 6 cos x − 6x sin x − x² cos x; the third-derivative tensor is diagonal.
          const d3 = (t: number) => 6 * Math.cos(t) - 6 * t * Math.sin(t) - t * t * Math.cos(t);
          const expected = tensor(x.toFlatArray().map((t, i) => d3(t) * u.data[i] * v.data[i]));
          const third = grad((z: Value) => innerValue(v, hvp(sinSquare, z, u)))(x);
          expectClose(third, expected, exactFor(expected), 'third derivative');
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('of x ↦ ⟨v, hvp(f, x, u)⟩ gives the third derivative of log-sum-exp in closed form', () => {
    fc.assert(
      fc.property(
        vectorArb.chain((x) =>
          fc.tuple(fc.constant(x), tensorArb(x.shape, doubleIn([-1, 1])), tensorArb(x.shape, doubleIn([-1, 1]))),
        ),
        ([x, u, v]) => {
          // With p = softmax(x): Σᵢⱼ uᵢ vⱼ ∂ₖHᵢⱼ = pₖuₖvₖ − pₖ⟨p, u⊙v⟩ − pₖuₖ⟨p, v⟩ − pₖvₖ⟨p, u⟩ + 2pₖ⟨p, u⟩⟨p, v⟩.
          const p = softmax(x);
          const dotP = (a: (i: number) => number) => p.reduce((s, pi, i) => s + pi * a(i), 0);
          const puv = dotP((i) => u.data[i] * v.data[i]);
          const pu = dotP((i) => u.data[i]);
          const pv = dotP((i) => v.data[i]);
          const expected = tensor(
            p.map(
              (pk, k) =>
                pk * u.data[k] * v.data[k] - pk * puv - pk * u.data[k] * pv - pk * v.data[k] * pu + 2 * pk * pu * pv,
            ),
          );
          const third = grad((z: Value) => innerValue(v, hvp(logSumExp, z, u)))(x);
          expectClose(third, expected, exactFor(expected), 'third derivative');
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('of ⟨v, hvp(Σ tanh, x, u)⟩ gives tanh‴ = (1 − tanh²)(6 tanh² − 2) times u ⊙ v', () => {
    fc.assert(
      fc.property(
        vectorArb.chain((x) =>
          fc.tuple(fc.constant(x), tensorArb(x.shape, doubleIn([-1, 1])), tensorArb(x.shape, doubleIn([-1, 1]))),
        ),
        ([x, u, v]) => {
          const d3 = (t: number) => (1 - Math.tanh(t) ** 2) * (6 * Math.tanh(t) ** 2 - 2);
          const expected = tensor(x.toFlatArray().map((t, i) => d3(t) * u.data[i] * v.data[i]));
          const third = grad((z: Value) =>
            innerValue(
              v,
              hvp((y: Value) => sum(tanh(y)), z, u),
            ),
          )(x);
          expectClose(third, expected, exactFor(expected), 'third derivative');
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('nested twice and three times gives f″ and f‴ of x³ sin x', () => {
    fc.assert(
      fc.property(doubleIn([-3, 3]), (t) => {
        const f = (x: Value) => mul(mul(x, square(x)), sin(x));
        const d2 = 6 * t * Math.sin(t) + 6 * t * t * Math.cos(t) - t ** 3 * Math.sin(t);
        const d3 = 6 * Math.sin(t) + 18 * t * Math.cos(t) - 9 * t * t * Math.sin(t) - t ** 3 * Math.cos(t);
        expectClose(grad(grad(f))(tensor(t)), d2, exactFor(d2), 'f″');
        expectClose(grad(grad(grad(f)))(tensor(t)), d3, exactFor(d3), 'f‴');
      }),
      { numRuns: RUNS },
    );
  });
});

/** A vector-valued function ℝⁿ → ℝ^{m+n}: tanh(A x) stacked on sin(x)·|x|². */
const vectorFunction = (a: Tensor) => (x: Value) => concat([tanh(matmul(a, x)), mul(sin(x), sum(square(x)))]);

const jacobianCase = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
  .chain(([m, n]) =>
    fc.tuple(
      tensorArb([m, n]),
      tensorArb([n]),
      tensorArb([n], doubleIn([-1, 1])),
      tensorArb([m + n], doubleIn([-1, 1])),
    ),
  );

describe('jvp', () => {
  test('equals jacfwd(f)(x)·v and jacrev(f)(x)·v', () => {
    fc.assert(
      fc.property(jacobianCase, ([a, x, v]) => {
        const f = vectorFunction(a);
        const [y, ydot] = jvp(f, x, v);
        expectClose(y, f(x), EXACT, 'primal');
        const byForward = L.matmul(jacfwd(f)(x) as Tensor, v);
        const byReverse = L.matmul(jacrev(f)(x) as Tensor, v);
        expectClose(ydot, byForward, exactFor(byForward), 'jacfwd·v');
        expectClose(ydot, byReverse, exactFor(byReverse), 'jacrev·v');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('vjp', () => {
  test('pullback equals uᵀ·J with J from jacfwd, and may be called repeatedly', () => {
    fc.assert(
      fc.property(jacobianCase, ([a, x, _v, u]) => {
        const f = vectorFunction(a);
        const [y, pullback] = vjp(f, x);
        expectClose(y, f(x), EXACT, 'primal');
        const expected = L.matmul(u, jacfwd(f)(x) as Tensor);
        expectClose(pullback(u), expected, exactFor(expected), 'first pullback');
        expectClose(pullback(u), expected, exactFor(expected), 'second pullback');
        const doubled = L.mul(expected, L.scalar(2));
        expectClose(pullback(L.mul(u, L.scalar(2))), doubled, exactFor(doubled), 'linear in the cotangent');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('jacfwd', () => {
  test('of a function with a record input and a record output keeps both structures', () => {
    const q = tensor([0.3, -1.1]);
    const p = tensor([0.7, 0.2]);
    const f = ({ q: qq, p: pp }: { q: Value; p: Value }) => ({
      kinetic: mul(0.5, square(pp)),
      potential: sum(sub(1, cos(qq))),
    });
    const byForward = jacfwd(f)({ q, p }) as Record<string, Record<string, Tensor>>;
    const byReverse = jacrev(f)({ q, p });
    expectClose(byForward, byReverse, EXACT, 'jacfwd vs jacrev');
    expect(byForward.kinetic.p.shape).toEqual([2, 2]);
    expect(byForward.potential.q.shape).toEqual([2]);
    expectClose(
      byForward.kinetic.p,
      tensor([
        [0.7, 0],
        [0, 0.2],
      ]),
      EXACT,
      'd kinetic / dp',
    );
    expectClose(byForward.kinetic.q, L.zeros([2, 2]), EXACT, 'd kinetic / dq');
    expectClose(byForward.potential.q, L.sin(q), EXACT, 'd potential / dq');
  });
});

describe('valueAndGrad', () => {
  test('on a record of tensors returns the value and a gradient record of the same keys and shapes', () => {
    fc.assert(
      fc.property(tensorArb([3]), tensorArb([3]), doubleIn([-1, 1]), (q, p, k) => {
        // H(q, p) = ½|p|² + Σ (1 − cos q) + k⟨q, p⟩: ∇_q H = sin q + k p, ∇_p H = p + k q.
        const h = ({ q: qq, p: pp }: { q: Value; p: Value }) =>
          add(add(mul(0.5, sum(square(pp))), sum(sub(1, cos(qq)))), mul(k, sum(mul(qq, pp))));
        const [value, g] = valueAndGrad(h)({ q, p });
        expect(Object.keys(g).sort()).toEqual(['p', 'q']);
        expectClose(value, h({ q, p }), EXACT, 'value');
        expectClose(g.q, L.add(L.sin(q), L.mul(p, L.scalar(k))), EXACT, '∂H/∂q');
        expectClose(g.p, L.add(p, L.mul(q, L.scalar(k))), EXACT, '∂H/∂p');
        const hess = hessian(h)({ q, p }) as Record<string, Record<string, Tensor>>;
        expectClose(hess.q.p, L.mul(L.eye(3), L.scalar(k)), EXACT, '∂²H/∂q∂p');
        expectClose(hess.p.p, L.eye(3), EXACT, '∂²H/∂p²');
        expectClose(hess, jacrev(grad(h))({ q, p }), EXACT, 'hessian vs jacrev(grad)');
      }),
      { numRuns: RUNS },
    );
  });

  test('on an array of tensors returns an array gradient, and jvp and hvp accept array tangents', () => {
    const a = tensor([1, 2]);
    const b = tensor([
      [0.5, -1],
      [2, 0.25],
    ]);
    // f(a, B) = aᵀ B a: ∇_a f = (B + Bᵀ) a, ∇_B f = a aᵀ.
    const f = ([u, m]: Value[]) => sum(mul(matmul(m, u), u));
    const [value, [ga, gb]] = valueAndGrad(f)([a, b]);
    expect(num(value)).toBe(0.5 - 2 + 4 + 1);
    expectClose(ga, L.matmul(L.add(b, L.transpose(b)), a), EXACT, '∇_a');
    expectClose(gb, L.mul(L.reshape(a, [2, 1]), L.reshape(a, [1, 2])), EXACT, '∇_B');
    const va = tensor([1, 0]);
    const vb = tensor([
      [0, 1],
      [0, 0],
    ]);
    const [, ydot] = jvp(f, [a, b], [va, vb]);
    expectClose(ydot, L.sum(L.mul(ga as Tensor, va)).item() + L.sum(L.mul(gb as Tensor, vb)).item(), EXACT, 'jvp');
    const [ha, hb] = hvp(f, [a, b], [va, vb]);
    // ∂/∂a [(B + Bᵀ) a]·va + ∂/∂B[(B + Bᵀ) a]·vb = (B + Bᵀ) va + (vb + vbᵀ) a;  ∂(a aᵀ)·va = va aᵀ + a vaᵀ.
    expectClose(
      ha,
      L.add(L.matmul(L.add(b, L.transpose(b)), va), L.matmul(L.add(vb, L.transpose(vb)), a)),
      EXACT,
      'hvp a',
    );
    expectClose(
      hb,
      L.add(
        L.matmul(L.reshape(va, [2, 1]), L.reshape(a, [1, 2])),
        L.matmul(L.reshape(a, [2, 1]), L.reshape(va, [1, 2])),
      ),
      EXACT,
      'hvp B',
    );
  });
});

import fc from 'fast-check';
import { type Value, grad, matmul, mul, sub, sum, transpose } from '@liouville/ad';
import {
  InvalidArgumentError,
  NonFiniteError,
  type Tensor,
  randomKey,
  randomNormal,
  randomUniform,
  splitKey,
  tensor,
} from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import {
  type AdamOptions,
  type Optimizer,
  type ParamTree,
  TreeMismatchError,
  adam,
  adamW,
  orthogonal,
  sgd,
} from '../src/index.js';
import { expectSameBits, keyOf, seedArb } from './helpers.js';

const vectorArb = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 6 });
const lrArb = fc.double({ min: 1e-5, max: 0.5, noNaN: true });

/** Runs `steps` updates with gradients from `gradient(θ)`; returns the final θ. */
function run(
  options: AdamOptions,
  theta0: number[],
  steps: number,
  gradient: (theta: Float64Array) => number[],
  decoupled = false,
): Float64Array {
  const opt = decoupled ? adamW(options) : adam(options);
  let params: ParamTree = tensor(theta0);
  let state = opt.init(params);
  for (let t = 0; t < steps; t++) {
    ({ params, state } = opt.update(tensor(gradient((params as Tensor).data as Float64Array)), state, params));
  }
  expect(state.step).toBe(steps);
  return (params as Tensor).data as Float64Array;
}

/** Kingma & Ba 2015, Algorithm 1, verbatim on plain arrays, with λθ added to g when λ ≠ 0. */
function paperAdam(
  theta0: number[],
  steps: number,
  gradient: (theta: number[]) => number[],
  o: Required<Omit<AdamOptions, 'allowNonFinite'>> & { lr: number },
): number[] {
  const theta = [...theta0];
  const m = theta.map(() => 0);
  const v = theta.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const g = gradient(theta).map((gi, i) => gi + o.weightDecay * theta[i]);
    for (let i = 0; i < theta.length; i++) {
      m[i] = o.beta1 * m[i] + (1 - o.beta1) * g[i];
      v[i] = o.beta2 * v[i] + (1 - o.beta2) * g[i] * g[i];
      const mHat = m[i] / (1 - o.beta1 ** t);
      const vHat = v[i] / (1 - o.beta2 ** t);
      theta[i] -= (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
    }
  }
  return theta;
}

/** |actual − expected| ≤ tol·scale elementwise. */
function expectWithin(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  scale: (i: number) => number,
): void {
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(tol * scale(i));
}

describe('adam', () => {
  test('takes the first step θ₁ = θ₀ − α·g/(|g| + ε) (m̂₁ = g, v̂₁ = g²)', () => {
    fc.assert(
      fc.property(vectorArb, vectorArb, lrArb, (theta0, g0, lr) => {
        const g = theta0.map((_, i) => g0[i % g0.length]);
        const theta1 = run({ lr }, theta0, 1, () => g);
        const expected = theta0.map((th, i) => th - (lr * g[i]) / (Math.abs(g[i]) + 1e-8));
        // A handful of roundings on |θ₀| and on the step α: rel 1e-12 of |θ₀| + α.
        expectWithin(theta1, expected, 1e-12, (i) => Math.abs(theta0[i]) + lr);
      }),
    );
  });

  test('moves by α·g/(|g| + ε) per step under a constant gradient (m̂ₜ = g, v̂ₜ = g² exactly in exact arithmetic)', () => {
    fc.assert(
      fc.property(vectorArb, lrArb, fc.integer({ min: 1, max: 30 }), (g, lr, steps) => {
        const theta0 = g.map(() => 1);
        const theta = run({ lr }, theta0, steps, () => g);
        const expected = g.map((gi) => 1 - (steps * lr * gi) / (Math.abs(gi) + 1e-8));
        // The moment recursions accumulate ~t roundings: t·1e-13 ≪ the 1e-12·t tolerance.
        expectWithin(theta, expected, 1e-12 * steps, () => 1 + steps * lr);
      }),
    );
  });

  test('follows Algorithm 1 of Kingma & Ba on a quadratic, with and without weight decay', () => {
    fc.assert(
      fc.property(seedArb, lrArb, fc.constantFrom(0, 0.01, 0.5), (seed, lr, weightDecay) => {
        const n = 4;
        const [ka, kb, kt] = splitKey(keyOf(seed), 3);
        const a = randomNormal(ka, [n, n]).data;
        const b = randomNormal(kb, [n]).data;
        // ∇(½θᵀAᵀAθ − bᵀθ) = AᵀAθ − b, written with loops.
        const gradient = (th: ArrayLike<number>) =>
          Array.from({ length: n }, (_, i) => {
            let s = -b[i];
            for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) s += a[k * n + i] * a[k * n + j] * th[j];
            return s;
          });
        const theta0 = Array.from(randomNormal(kt, [n]).data);
        const options = { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay };
        const ours = run(options, theta0, 10, gradient);
        const paper = paperAdam(theta0, 10, gradient, options);
        // Ten steps of the same recursion, arranged differently (PyTorch's α/(1−β₁ᵗ)·m/(√v/√(1−β₂ᵗ)+ε)):
        // a few ulps per step, not amplified by the bounded Adam step; 1e-10 of |θ| + 10α.
        expectWithin(ours, paper, 1e-10, (i) => Math.abs(paper[i]) + 10 * lr);
      }),
      { numRuns: 40 },
    );
  });

  test('adds weight decay to the gradient: same bits as a decay-free step on g + λθ', () => {
    fc.assert(
      fc.property(vectorArb, vectorArb, fc.double({ min: 1e-4, max: 1, noNaN: true }), (theta0, g0, weightDecay) => {
        const g = theta0.map((_, i) => g0[i % g0.length]);
        const decayed = run({ lr: 0.01, weightDecay }, theta0, 1, () => g);
        const manual = run({ lr: 0.01 }, theta0, 1, () => g.map((gi, i) => gi + weightDecay * theta0[i]));
        expectSameBits(tensor(Array.from(decayed)), tensor(Array.from(manual)));
      }),
    );
  });

  test('minimises a random convex quadratic to 1e-6', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const n = 6;
        const [k1, k2, k3, k4] = splitKey(keyOf(seed), 4);
        // A = Q diag(d) Qᵀ with eigenvalues d in [1, 10): strongly convex, condition number < 10.
        const q = orthogonal(k1, [n, n]);
        const d = randomUniform(k2, [n], { low: 1, high: 10 });
        const a = matmul(mul(q, d), transpose(q)) as Tensor;
        const star = randomNormal(k3, [n]);
        const f = (th: Value) => mul(0.5, sum(mul(sub(th, star), matmul(a, sub(th, star)))));
        // Geometric decay α_t = 0.1·0.998ᵗ: steps shrink so Adam's ±α oscillation dies out,
        // while Σα_t = 50 exceeds the distance to travel.
        const opt = adam({ lr: (t) => 0.1 * 0.998 ** t });
        let params = randomNormal(k4, [n]);
        let state = opt.init(params);
        const error = () => Math.max(...Array.from(params.data, (x, i) => Math.abs(x - star.data[i])));
        for (let t = 0; t < 3000 && error() >= 1e-6; t++)
          ({ params, state } = opt.update(grad(f)(params), state, params));
        expect(error()).toBeLessThan(1e-6);
      }),
      { numRuns: 4 },
    );
  });

  test('keeps the parameters’ dtype for the update and the moments', () => {
    const opt = adam({ lr: 0.1 });
    const params = { w: randomNormal(randomKey(1), [3], 'float32') };
    const next = opt.update({ w: randomNormal(randomKey(2), [3], 'float32') }, opt.init(params), params);
    expect(next.params.w.dtype).toBe('float32');
    expect((next.state.m as { w: Tensor }).w.dtype).toBe('float32');
    expect((next.state.v as { w: Tensor }).w.dtype).toBe('float32');
  });

  test('rejects invalid hyperparameters with InvalidArgumentError', () => {
    const bad: AdamOptions[] = [
      { lr: 0 },
      { lr: -1e-3 },
      { lr: Number.NaN },
      { beta1: 1 },
      { beta1: -0.1 },
      { beta2: 1 },
      { beta2: Number.NaN },
      { eps: 0 },
      { eps: Number.POSITIVE_INFINITY },
      { weightDecay: -1 },
    ];
    for (const options of bad) {
      expect(() => adam(options)).toThrow(InvalidArgumentError);
      expect(() => adamW(options)).toThrow(InvalidArgumentError);
    }
    expect(() => adam({ beta2: 1 })).toThrow(/adam: beta2: expected a number in \[0, 1\), got 1/);
  });

  test('rejects grads or state that do not match the parameters', () => {
    const opt = adam();
    const params = { w: tensor([1, 2]) };
    const state = opt.init(params);
    expect(() => opt.update({ v: tensor([1, 2]) }, state, params)).toThrow(TreeMismatchError);
    expect(() => opt.update(params, opt.init({ w: tensor([1, 2, 3]) }), params)).toThrow(
      /state\.m\.w must have shape \[2\]/,
    );
    expect(() => opt.update(params, { ...state, step: -1 }, params)).toThrow(/state\.step/);
  });
});

describe('adamW', () => {
  test('decays the weights apart from the gradient: θ₁ = (1 − αλ)θ₀ − α·g/(|g| + ε)', () => {
    fc.assert(
      fc.property(
        vectorArb,
        vectorArb,
        lrArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (theta0, g0, lr, weightDecay) => {
          const g = theta0.map((_, i) => g0[i % g0.length]);
          const theta1 = run({ lr, weightDecay }, theta0, 1, () => g, true);
          const expected = theta0.map((th, i) => (1 - lr * weightDecay) * th - (lr * g[i]) / (Math.abs(g[i]) + 1e-8));
          expectWithin(theta1, expected, 1e-12, (i) => Math.abs(theta0[i]) + lr);
        },
      ),
    );
  });
});

// biome-ignore lint/suspicious/noExplicitAny: each optimiser has its own state type.
const MAKERS: [string, (allowNonFinite?: boolean) => Optimizer<any>][] = [
  ['adam', (allowNonFinite) => adam({ lr: 0.1, allowNonFinite })],
  ['adamW', (allowNonFinite) => adamW({ lr: 0.1, allowNonFinite })],
  ['sgd', (allowNonFinite) => sgd({ lr: 0.1, momentum: 0.5, allowNonFinite })],
];

describe.each(MAKERS)('%s with a non-finite gradient', (_name, make) => {
  const special = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);

  test('refuses it with a NonFiniteError naming the leaf, leaving parameters and state as they were', () => {
    fc.assert(
      fc.property(vectorArb, fc.nat(), special, (values, at, bad) => {
        const params = { layer: { w: tensor(values) }, b: tensor([0.5]) };
        const g = [...values];
        g[at % g.length] = bad;
        const opt = make();
        const state = opt.init(params);
        expect(() => opt.update({ layer: { w: tensor(g) }, b: tensor([1]) }, state, params)).toThrow(NonFiniteError);
        expect(() => opt.update({ layer: { w: tensor(g) }, b: tensor([1]) }, state, params)).toThrow(
          /grads\.layer\.w holds NaN or an infinity.*allowNonFinite: true/,
        );
        expect(Array.from(params.layer.w.data)).toEqual(values);
        // The same gradient made finite is accepted: the refusal is about the value only.
        g[at % g.length] = 0;
        expect(() => opt.update({ layer: { w: tensor(g) }, b: tensor([1]) }, state, params)).not.toThrow();
      }),
      { numRuns: 30 },
    );
  });

  test('applies it when built with allowNonFinite: true (the element becomes non-finite)', () => {
    const params = { w: tensor([1, 2]) };
    const opt = make(true);
    const { params: next } = opt.update({ w: tensor([Number.NaN, 1]) }, opt.init(params), params);
    expect(Number.isNaN(next.w.data[0])).toBe(true);
    expect(Number.isFinite(next.w.data[1])).toBe(true);
  });

  test('rejects an allowNonFinite that is not a boolean', () => {
    expect(() => make('yes' as unknown as boolean)).toThrow(InvalidArgumentError);
  });
});

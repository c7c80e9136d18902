import fc from 'fast-check';
import { grad, mul, rowwiseGrad, sub, sum, square, type Value } from '@liouville/ad';
import { InvalidArgumentError, ShapeError, Tensor, randomKey, randomNormal, splitKey } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { type ActivationName, type MlpParams, mlp } from '../src/index.js';
import {
  distanceFromIdentity,
  expectClose,
  expectSameBits,
  keyOf,
  naiveMatmul,
  naiveTranspose,
  seedArb,
} from './helpers.js';

const closedForm: Partial<Record<ActivationName, (x: number) => number>> = {
  tanh: Math.tanh,
  relu: (x) => Math.max(0, x),
  softplus: (x) => Math.log1p(Math.exp(x)),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  identity: (x) => x,
};

/** The forward pass written out with loops: h ← act(h·W_i + b_i), no activation after the last layer. */
function handForward(
  params: MlpParams,
  sizes: number[],
  x: Float64Array,
  batch: number,
  act: (v: number) => number,
): Float64Array {
  let h = x;
  for (let i = 0; i < sizes.length - 1; i++) {
    const [n, m] = [sizes[i], sizes[i + 1]];
    const w = params[`W${i}`].data;
    const b = params[`b${i}`]?.data;
    const out = new Float64Array(batch * m);
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < m; j++) {
        let acc = b === undefined ? 0 : b[j];
        for (let k = 0; k < n; k++) acc += h[r * n + k] * w[k * m + j];
        out[r * m + j] = i < sizes.length - 2 ? act(acc) : acc;
      }
    }
    h = out;
  }
  return h;
}

const sizesArb = fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 4 });

describe('mlp', () => {
  test('apply matches a hand-written forward pass', () => {
    const names = Object.keys(closedForm) as ActivationName[];
    fc.assert(
      fc.property(
        sizesArb,
        fc.constantFrom(...names),
        fc.boolean(),
        fc.integer({ min: 1, max: 5 }),
        seedArb,
        (sizes, name, finalBias, batch, seed) => {
          const net = mlp({ sizes, activation: name, finalBias });
          const [k1, k2] = splitKey(keyOf(seed), 2);
          const params = net.init(k1);
          const x = randomNormal(k2, [batch, sizes[0]]);
          const y = net.apply(params, x) as Tensor;
          expect(y.shape).toEqual([batch, sizes.at(-1)]);
          // Same products summed in a possibly different order: rel 1e-12 against the output scale.
          expectClose(
            y.data,
            handForward(params, sizes, x.data as Float64Array, batch, closedForm[name] as (v: number) => number),
            1e-12,
            1,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  test('lays out parameters as W_i [in, out] and b_i [out], without the last bias when finalBias is false', () => {
    const net = mlp({ sizes: [2, 200, 200, 1], finalBias: false });
    const params = net.init(randomKey(0));
    expect(Object.keys(params).sort()).toEqual(['W0', 'W1', 'W2', 'b0', 'b1']);
    expect(params.W0.shape).toEqual([2, 200]);
    expect(params.W2.shape).toEqual([200, 1]);
    expect(params.b1.shape).toEqual([200]);
    expect(net.paramShapes).toEqual({ W0: [2, 200], b0: [200], W1: [200, 200], b1: [200], W2: [200, 1] });
  });

  test('initialises like the HNN reference: orthogonal weights and biases in ±1/√fanIn', () => {
    const sizes = [3, 40, 40, 1];
    const params = mlp({ sizes, finalBias: false }).init(randomKey(1));
    for (let i = 0; i < 3; i++) {
      const [rows, cols] = [sizes[i], sizes[i + 1]];
      const w = params[`W${i}`].data;
      const g =
        rows >= cols
          ? naiveMatmul(naiveTranspose(w, rows, cols), w, cols, rows, cols)
          : naiveMatmul(w, naiveTranspose(w, rows, cols), rows, cols, rows);
      expect(distanceFromIdentity(g, Math.min(rows, cols))).toBeLessThan(1e-12);
    }
    for (const i of [0, 1]) {
      const bound = 1 / Math.sqrt(sizes[i]);
      for (const b of params[`b${i}`].data) expect(Math.abs(b)).toBeLessThanOrEqual(bound);
    }
  });

  test('init gives bit-identical parameters for the same key', () => {
    const net = mlp({ sizes: [2, 8, 1], init: 'glorotUniform', dtype: 'float32' });
    const a = net.init(randomKey(7));
    const b = net.init(randomKey(7));
    for (const k of Object.keys(a)) expectSameBits(a[k], b[k]);
    expect(a.W0.dtype).toBe('float32');
    expect(Array.from(net.init(randomKey(8)).W0.data)).not.toEqual(Array.from(a.W0.data));
  });

  test('maps a single row [in] to [out]', () => {
    const net = mlp({ sizes: [3, 4, 2] });
    const params = net.init(randomKey(2));
    const x = randomNormal(randomKey(3), [1, 3]);
    const row = new Tensor(x.data, [3]);
    const y = net.apply(params, row) as Tensor;
    expect(y.shape).toEqual([2]);
    expect(Array.from(y.data)).toEqual(Array.from((net.apply(params, x) as Tensor).data));
  });

  test('parameter gradients of a loss equal central finite differences', () => {
    fc.assert(
      fc.property(
        sizesArb,
        fc.constantFrom<ActivationName>('tanh', 'softplus', 'sigmoid'),
        seedArb,
        (sizes, activation, seed) => {
          const net = mlp({ sizes, activation });
          const [k1, k2, k3] = splitKey(keyOf(seed), 3);
          const params = net.init(k1);
          const x = randomNormal(k2, [3, sizes[0]]);
          const target = randomNormal(k3, [3, sizes.at(-1) as number]);
          const loss = (p: MlpParams<Value>) => sum(square(sub(net.apply(p, x), target)));
          expectGradMatchesFiniteDifferences(loss, params);
        },
      ),
      { numRuns: 15 },
    );
  });

  test('the parameter gradient of an input-gradient loss equals central finite differences', () => {
    // The shape of the HNN loss: a loss of ∂f/∂x, differentiated with respect to the parameters.
    const net = mlp({ sizes: [2, 6, 6, 1], finalBias: false });
    const params = net.init(randomKey(4));
    const x = randomNormal(randomKey(5), [4, 2]);
    const loss = (p: MlpParams<Value>) => sum(square(mul(0.5, rowwiseGrad((z) => net.apply(p, z))(x))));
    expectGradMatchesFiniteDifferences(loss, params);
  });

  test('rejects an input of the wrong width or rank with a ShapeError naming both shapes', () => {
    const net = mlp({ sizes: [3, 4, 1] });
    const params = net.init(randomKey(0));
    expect(() => net.apply(params, randomNormal(randomKey(1), [5, 2]))).toThrow(ShapeError);
    expect(() => net.apply(params, randomNormal(randomKey(1), [5, 2]))).toThrow(/\[B, 3\].*got \[5, 2\]/);
    expect(() => net.apply(params, randomNormal(randomKey(1), [2, 5, 3]))).toThrow(ShapeError);
  });

  test('rejects parameters with a missing key, an extra key or a wrong shape', () => {
    const net = mlp({ sizes: [3, 4, 1], finalBias: false });
    const { W0, b0, W1 } = net.init(randomKey(0));
    const x = randomNormal(randomKey(1), [2, 3]);
    expect(() => net.apply({ W0, b0 }, x)).toThrow(InvalidArgumentError);
    expect(() => net.apply({ W0, b0 }, x)).toThrow(/keys W0, b0, W1 \(missing W1\)/);
    expect(() => net.apply({ W0, b0, W1, b1: b0 }, x)).toThrow(/unexpected b1/);
    expect(() => net.apply({ W0, b0, W1: W0 }, x)).toThrow(/params\.W1 must have shape \[4, 1\], got \[3, 4\]/);
  });

  test('rejects invalid options with InvalidArgumentError', () => {
    expect(() => mlp({ sizes: [3] })).toThrow(InvalidArgumentError);
    expect(() => mlp({ sizes: [3, 0, 1] })).toThrow(/sizes/);
    expect(() => mlp({ sizes: [3, 1], activation: 'gelu' as never })).toThrow(/activation/);
    expect(() => mlp({ sizes: [3, 1], init: 'lecun' as never })).toThrow(/initializer/);
    expect(() => mlp({ sizes: [3, 1], dtype: 'float16' as never })).toThrow(/dtype/);
  });
});

/**
 * Central differences (f(θ + h e) − f(θ − h e)) / 2h for every coordinate. Truncation error is
 * h²/6·|f'''| and rounding error ~ε|f|/h; h = 1e-5 balances them near (3ε)^{1/3} ≈ 1e-5, so both
 * are ~1e-10 for the O(1) losses here, far below the tolerance 1e-6 relative to the largest
 * gradient component (tiny components are compared on that scale, not their own).
 */
function expectGradMatchesFiniteDifferences(loss: (p: MlpParams<Value>) => Value, params: MlpParams): void {
  const h = 1e-5;
  const exact = grad(loss)(params) as MlpParams;
  const scale = Math.max(1e-3, ...Object.values(exact).flatMap((t) => Array.from(t.data, Math.abs)));
  const at = (p: MlpParams) => (loss(p) as Tensor).item();
  for (const key of Object.keys(params)) {
    const base = params[key];
    for (let i = 0; i < base.size; i++) {
      const shifted = (delta: number) => {
        const data = Float64Array.from(base.data);
        data[i] += delta;
        return { ...params, [key]: new Tensor(data, base.shape) };
      };
      const fd = (at(shifted(h)) - at(shifted(-h))) / (2 * h);
      expect(Math.abs(exact[key].data[i] - fd)).toBeLessThan(1e-6 * scale);
    }
  }
}

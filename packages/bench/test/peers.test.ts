// The peers compute what their rows claim: the same products, derivatives and trajectories as
// Liouville, to the precision of their dtype; and what a peer gets wrong is shown here, so the
// reasons printed in the tables are facts this file checks. PyTorch tests run only where Debian's
// python3-torch is installed (apt-get install python3-torch); nothing here needs it.
import { pendulum } from '@liouville/hamiltonian';
import { type Tensor, matmul, tensor } from '@liouville/linalg';
import { grad, hvp, primalTensor } from '@liouville/ad';
import { describe, expect, test } from 'vitest';
import { filled, uniformArray } from '../src/groups/deterministic.js';
import { PENDULUM_RUN, adPendulum, energyError, liouvilleRunner, plainRunner } from '../src/groups/leapfrogAd.js';
import {
  type SinSquareProblem,
  jaxPair,
  plainSinSquareHvp,
  tfjsPair,
  torchMlpRows,
  torchRows,
} from '../src/peers/adCostPeers.js';
import { MLP_PROBLEM, mlpInputs } from '../src/groups/adCost.js';
import { GRADIENT_TOLERANCE, gradientError, jaxHnnLoop, tfjsHnnLoop, torchHnnTask } from '../src/peers/hnnPeers.js';
import { jaxArray, jaxjs } from '../src/peers/jaxjs.js';
import { jaxLeapfrog, tfjsLeapfrog } from '../src/peers/leapfrogPeers.js';
import { jaxMatmulCase, tfjsMatmulCase, torchMatmulCase } from '../src/peers/matmulPeers.js';
import { jaxChainRows, tfjsChainRows, torchChainRows } from '../src/peers/overheadPeers.js';
import { torchPeer } from '../src/peers/pytorch.js';
import { ChildProcessError, SyncProcess } from '../src/peers/syncProcess.js';
import { tfjsWith } from '../src/peers/tfjs.js';
import type { Case } from '../src/harness.js';

/** max |a − b| / max |b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let j = 0; j < b.length; j++) {
    diff = Math.max(diff, Math.abs(a[j] - b[j]));
    scale = Math.max(scale, Math.abs(b[j]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Sets a case up and makes one call. */
async function callOnce(c: Case): Promise<unknown> {
  const state = c.setup ? await c.setup() : undefined;
  return c.fn(state);
}

const hasTorch = typeof torchPeer() !== 'string';

describe('SyncProcess', () => {
  test('answers requests synchronously, one JSON line each', () => {
    const echo =
      'process.stdin.on("data", (d) => { for (const l of String(d).split("\\n").filter(Boolean)) console.log(JSON.stringify({ got: JSON.parse(l).n * 2 })); })';
    const child = new SyncProcess(process.execPath, ['-e', echo]);
    expect(child.request<{ got: number }>({ n: 21 }).got).toBe(42);
    expect(child.request<{ got: number }>({ n: 2 }).got).toBe(4);
    child.close();
  });

  test('throws ChildProcessError when the command does not exist', () => {
    const child = new SyncProcess('/nonexistent/python3', []);
    expect(() => child.request({ op: 'hello' })).toThrow(ChildProcessError);
  });
});

describe('matmul peers', () => {
  const problem = {
    m: 7,
    k: 5,
    n: 3,
    operands: () => ({ a: filled(new Float64Array(35), 1), b: filled(new Float64Array(15), 2) }),
  };
  const expected = () => {
    const { a, b } = problem.operands();
    return matmul(tensor(a, [7, 5]), tensor(b, [5, 3])).toFlatArray();
  };

  test.each([['float64'], ['float32']] as const)('jax-js computes the product in %s', async (dtype) => {
    const out = (await callOnce(jaxMatmulCase(problem, dtype, false))) as ArrayLike<number>;
    expect(relativeError(out, expected())).toBeLessThan(dtype === 'float64' ? 1e-14 : 1e-6);
  });

  test.each([['cpu'], ['wasm']] as const)('tfjs-%s computes the product in float32', async (backend) => {
    const c = tfjsMatmulCase(problem, backend);
    const state = (await c.setup?.()) as { tf: Awaited<ReturnType<typeof tfjsWith>>; a: never; b: never };
    const out = state.tf.matMul(state.a, state.b).dataSync();
    expect(relativeError(out, expected())).toBeLessThan(1e-6);
  });

  test.skipIf(!hasTorch)('PyTorch computes the product in float64', async () => {
    const c = torchMatmulCase(problem, 'float64');
    const state = (await c.setup?.()) as { peer: { check: <T>(id: number) => T }; id: number };
    const { sum } = state.peer.check<{ sum: number }>(state.id);
    expect(Math.abs(sum - expected().reduce((x, y) => x + y, 0))).toBeLessThan(1e-12);
  });
});

describe('ad-cost peers', () => {
  const n = 1000;
  const problem: SinSquareProblem = { n, inputs: () => ({ x: uniformArray(n, 11, -2, 2), v: uniformArray(n, 12) }) };
  const { x, v } = problem.inputs();
  const closedForm = plainSinSquareHvp(x, v, new Float64Array(n));

  test.each([[false], [true]])('jax-js hvp (jit %s) matches the closed-form H·v', async (jit) => {
    const [, hvpRow] = jaxPair(problem, 'float64', jit);
    const out = (await callOnce(hvpRow)) as ArrayLike<number>;
    // jax-js's float64 sin and cos on the wasm device are accurate to ~1e-7 (see below).
    expect(relativeError(out, closedForm)).toBeLessThan(1e-6);
  });

  test('tfjs hvp (reverse over reverse) matches the closed-form H·v in float32', async () => {
    const [, hvpRow] = tfjsPair(problem, 'cpu');
    const state = (await hvpRow.setup?.()) as { hvp: (x: unknown) => { dataSync(): Float32Array }; xs: unknown };
    expect(relativeError(state.hvp(state.xs).dataSync(), closedForm)).toBeLessThan(1e-5);
  });

  test.skipIf(!hasTorch)('PyTorch hvp, both ways, matches the closed-form H·v', async () => {
    const [, reverse, forward] = torchRows(problem);
    for (const row of [reverse, forward]) {
      const state = (await row.setup?.()) as { peer: { check: <T>(id: number) => T }; id: number };
      const { values, sum } = state.peer.check<{ values: number[]; sum: number }>(state.id);
      expect(relativeError(values, closedForm.slice(0, 8))).toBeLessThan(1e-13);
      expect(Math.abs(sum - closedForm.reduce((a, b) => a + b, 0))).toBeLessThan(1e-10);
    }
  });

  test('jax-js float64 transcendentals on the wasm device are not accurate to float64 precision', async () => {
    const jax = await jaxjs();
    const xs = uniformArray(1000, 3, -3, 3);
    const out = jax.numpy.sin(jaxArray(jax, xs, [1000], 'float64')).dataSync();
    const error = Math.max(...Array.from(xs, (xi, i) => Math.abs(out[i] - Math.sin(xi))));
    expect(error).toBeLessThan(1e-6);
    expect(error).toBeGreaterThan(1e-12); // the note in the tables (JAXJS_FLOAT64_TRANSCENDENTALS) rests on this
  });
});

describe('ad-cost MLP peers', () => {
  test.skipIf(!hasTorch)('PyTorch’s f, parameter gradient and H·v (both ways) equal Liouville’s', async () => {
    const { f, params, direction } = mlpInputs();
    const [fRow, gradRow, reverse, forward] = torchMlpRows(MLP_PROBLEM);
    const answer = async <T>(row: Case) => {
      const state = (await row.setup?.()) as { peer: { check: <U>(id: number) => U }; id: number };
      return state.peer.check<T>(state.id);
    };
    const ours = primalTensor(f(params)) as Tensor;
    const { value } = await answer<{ value: number }>(fRow);
    // One sum of 750 outputs of two float64 layers: the libraries' orders of summation differ, so
    // they agree to a few ulps of the terms' magnitudes, not bit for bit.
    expect(Math.abs(value - ours.data[0])).toBeLessThan(1e-10 * Math.max(1, Math.abs(ours.data[0])));
    const expectations: [Case, Record<string, Tensor>][] = [
      [gradRow, grad(f)(params) as Record<string, Tensor>],
      [reverse, hvp(f, params, direction) as Record<string, Tensor>],
      [forward, hvp(f, params, direction) as Record<string, Tensor>],
    ];
    for (const [row, expected] of expectations) {
      const { values } = await answer<{ values: Record<string, number[]> }>(row);
      expect(Object.keys(values).sort()).toEqual(Object.keys(expected).sort());
      // Sums over the batch of 750 and the hidden width of 200 in different orders: float64
      // rounding bounds the difference by about n·ε relative to the largest entry, n ≤ 1000.
      for (const name of Object.keys(expected))
        expect(relativeError(values[name], expected[name].data)).toBeLessThan(1e-12);
    }
  });
});

describe('ad-overhead peers', () => {
  // A short chain: the gradient of Σ(((x·a + b)·a + b)…) with ops/2 multiplications is a^(ops/2).
  const chain = { ops: 10, x: [0.3, -1.2, 2.1], v: [1, 0.5, -0.25], a: [0.999, 1.001, 0.998], b: [0.25, -0.5, 0.125] };
  const gradient = chain.a.map((a) => a ** (chain.ops / 2));

  test('jax-js gives the closed-form gradient at every level that returns one', async () => {
    const rows = jaxChainRows(chain);
    const byName = Object.fromEntries(rows.map((r) => [r.name.split(': ')[1], r]));
    expect(relativeError((await callOnce(byName.grad)) as Float64Array, gradient)).toBeLessThan(1e-12);
    expect(relativeError((await callOnce(byName['jit grad'])) as Float64Array, gradient)).toBeLessThan(1e-12);
    expect(Array.from((await callOnce(byName['grad of grad'])) as Float64Array)).toEqual([0, 0, 0]);
  });

  test('tfjs gives the closed-form gradient in float32, and fails on grad of grad', async () => {
    const [plain, grad, gradOfGrad] = tfjsChainRows(chain, 'cpu');
    await expect(plain.setup?.()).resolves.toBeDefined();
    const state = (await grad.setup?.()) as { gradF: (x: unknown) => { dataSync(): Float32Array }; x: unknown };
    expect(relativeError(state.gradF(state.x).dataSync(), gradient)).toBeLessThan(1e-6);
    await expect(gradOfGrad.setup?.()).rejects.toThrow(/Cannot compute gradient/);
  });

  test.skipIf(!hasTorch)('PyTorch gives the closed-form gradient at each level', async () => {
    for (const row of torchChainRows(chain)) {
      const state = (await row.setup?.()) as { peer: { check: <T>(id: number) => T }; id: number };
      const { values } = state.peer.check<{ values: number[] }>(state.id);
      if (row.name.endsWith(': grad')) expect(relativeError(values, gradient)).toBeLessThan(1e-14);
      if (row.name.endsWith('grad of grad')) expect(values).toEqual([0, 0, 0]);
    }
  });
});

describe('hnn-step peers', () => {
  test('jax-js float64 computes the parameter gradient of the HNN loss', { timeout: 60_000 }, async () => {
    const loop = await jaxHnnLoop('float64', false);
    expect(gradientError(loop.lossAndGrad().grads).error).toBeLessThan(GRADIENT_TOLERANCE.float64);
  });

  test('jax-js float32 computes a wrong parameter gradient (float64 is right with the same code)', {
    timeout: 60_000,
  }, async () => {
    const loop = await jaxHnnLoop('float32', false);
    const { loss, grads } = loop.lossAndGrad();
    expect(Number.isFinite(loss)).toBe(true);
    expect(gradientError(grads).error).toBeGreaterThan(0.1);
  });

  test('tfjs computes a wrong parameter gradient with tanh from exp, and none for some parameter with tf.tanh', {
    timeout: 60_000,
  }, async () => {
    const exp = await tfjsHnnLoop('cpu', 'exp form');
    expect(gradientError(exp.lossAndGrad().grads).error).toBeGreaterThan(0.1);
    const tanh = await tfjsHnnLoop('cpu', 'tf.tanh');
    expect(() => tanh.lossAndGrad()).toThrow(/no gradient/);
  });

  test('tfjs nested tf.grad is wrong through exp and right through sin (finite differences)', async () => {
    const tf = await tfjsWith('cpu');
    const x = tf.tensor([
      [0.3, -0.2],
      [0.1, 0.4],
    ]);
    const w0 = [0.5, -0.3, 0.2, 0.7];
    const check = (inner: (z: typeof x) => typeof x) => {
      const L = (W: typeof x) => tf.sum(tf.square(tf.grad((z: typeof x) => tf.sum(inner(tf.matMul(z, W))))(x)));
      const W = tf.variable(tf.tensor(w0, [2, 2]));
      const ad = tf.variableGrads(() => L(W) as ReturnType<typeof tf.scalar>).grads[W.name].dataSync();
      const h = 1e-2; // central differences in float32: error ~h² + ε/h ≈ 1e-4
      const fd = w0.map((_, i) => {
        const at = (d: number) =>
          L(
            tf.tensor(
              w0.map((w, j) => (j === i ? w + d : w)),
              [2, 2],
            ),
          ).dataSync()[0];
        return (at(h) - at(-h)) / (2 * h);
      });
      return relativeError(ad, fd);
    };
    expect(check(tf.sin)).toBeLessThan(1e-3);
    expect(check(tf.exp)).toBeGreaterThan(0.05);
  });

  test.skipIf(!hasTorch)('PyTorch computes the HNN parameter gradient (float64 and float32)', async () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const task = torchHnnTask(dtype);
      const { grads } = task.peer.check<{ grads: Record<'W0' | 'b0' | 'W1' | 'b1' | 'W2', number[]> }>(task.id);
      expect(gradientError(grads).error).toBeLessThan(dtype === 'float64' ? 1e-10 : 1e-4);
      expect(task.peer.run(task.id, 2)).toBeGreaterThan(0);
    }
  });

  test.skipIf(!hasTorch)('the 2-thread PyTorch rows run in a process of 2 intra-op threads, same gradient', () => {
    const two = torchPeer(2);
    if (typeof two === 'string') expect.fail(two);
    expect(two.info.threads).toBe(2);
    const one = torchPeer(1);
    if (typeof one === 'string') expect.fail(one);
    expect(one.info.threads).toBe(1);
    const task = torchHnnTask('float64', 2);
    const { grads } = task.peer.check<{ grads: Record<'W0' | 'b0' | 'W1' | 'b1' | 'W2', number[]> }>(task.id);
    expect(gradientError(grads).error).toBeLessThan(1e-10);
  });
});

describe('leapfrog-ad rows', () => {
  // A short run of every row: the same trajectory and the same energy error, to the precision of
  // each library (float32 for tfjs, ~1e-7 transcendentals for jax-js's jitted wasm kernels).
  const steps = 300;
  const plain = energyError(plainRunner(), steps);

  test.each([
    ['Liouville, AD force', () => Promise.resolve(liouvilleRunner(adPendulum())), 1e-12],
    ['Liouville, analytic force', () => Promise.resolve(liouvilleRunner(pendulum())), 1e-12],
    ['jax-js jit', () => jaxLeapfrog(PENDULUM_RUN, true), 1e-6],
    ['jax-js eager', () => jaxLeapfrog(PENDULUM_RUN, false), 1e-6],
    ['tfjs-cpu', () => tfjsLeapfrog(PENDULUM_RUN, 'cpu'), 1e-4],
    ['tfjs-wasm', () => tfjsLeapfrog(PENDULUM_RUN, 'wasm'), 1e-4],
  ] as const)('%s follows the plain loop and has its energy error', { timeout: 60_000 }, async (_, make, tolerance) => {
    const row = energyError(await make(), steps);
    expect(Math.abs(row.q - plain.q)).toBeLessThan(tolerance);
    expect(Math.abs(row.p - plain.p)).toBeLessThan(tolerance);
    expect(Math.abs(row.error - plain.error)).toBeLessThan(Math.max(tolerance, 0.01 * plain.error));
  });

  test('the Liouville rows use the AD force and the analytic one respectively', () => {
    expect(adPendulum().gradient).toBeUndefined();
    expect(pendulum().gradient).toBeDefined();
  });
});

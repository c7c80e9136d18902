// The ad-overhead chain in each peer: `ops` elementwise operations (x·a, + b alternately) on a
// tensor of shape [3], then a sum, at each level of differentiation the peer has. The arithmetic
// is negligible, so a call's time is the peer's fixed cost per operation (× ops).
import { type Case, defineCase } from '../harness.js';
import { triedSetup, unavailableCase } from '../unavailable.js';
import { type JaxArray, jaxArray, jaxjs } from './jaxjs.js';
import { torchCall, torchTask, torchTimed, wireArray } from './pytorch.js';
import { TFJS_NO_FLOAT64, TFJS_NO_FORWARD, type Tf, type TfBackend, tfjsLabel, tfjsWith, useBackend } from './tfjs.js';

/** The chain's data: x, a tangent v, the factors a and the offsets b (float64), and its length. */
export interface ChainProblem {
  ops: number;
  x: readonly number[];
  v: readonly number[];
  a: readonly number[];
  b: readonly number[];
}

/** The levels measured, as the Liouville rows name them. */
export type ChainLevel = 'plain' | 'jvp' | 'grad' | 'jvp of grad' | 'grad of grad';

const LEVEL_NOTES: Record<ChainLevel, string> = {
  plain: 'no derivative',
  jvp: 'forward mode',
  grad: 'reverse mode, forward + backward',
  'jvp of grad': 'forward over reverse',
  'grad of grad': 'reverse over reverse',
};

// ——— PyTorch ———

const TORCH_LEVELS: Record<ChainLevel, string> = {
  plain: 'plain',
  jvp: 'jvp',
  grad: 'grad',
  'jvp of grad': 'jvp_of_grad',
  'grad of grad': 'grad_of_grad',
};

const TORCH_NOTES: Partial<Record<ChainLevel, string>> = {
  'jvp of grad': ' (functorch)',
  'grad of grad':
    ' (the chain is linear: its gradient carries no graph, so autograd knows the second derivative is 0 and runs no second pass)',
};

/** PyTorch float64 rows, one per level: autograd, forward-mode AD (torch.autograd.forward_ad), functorch. */
export function torchChainRows(problem: ChainProblem): Case[] {
  return (Object.keys(TORCH_LEVELS) as ChainLevel[]).map((level) =>
    defineCase({
      name: `PyTorch float64: ${level}`,
      peer: 'PyTorch',
      setup: () =>
        torchTask({
          task: 'chain',
          level: TORCH_LEVELS[level],
          dtype: 'float64',
          ops: problem.ops,
          x: wireArray(problem.x, [problem.x.length]),
          v: wireArray(problem.v, [problem.v.length]),
          a: wireArray(problem.a, [problem.a.length]),
          b: wireArray(problem.b, [problem.b.length]),
        }),
      fn: torchCall,
      timed: torchTimed,
      note: `${LEVEL_NOTES[level]}${TORCH_NOTES[level] ?? ''}; timed in the Python process`,
    }),
  );
}

// ——— jax-js ———

function jaxChain(problem: ChainProblem, a: JaxArray, b: JaxArray): (x: JaxArray) => JaxArray {
  return (x) => {
    let y = x;
    for (let k = 0; k < problem.ops; k += 2) y = y.mul(a.ref).add(b.ref);
    return y.sum();
  };
}

/** jax-js float64 rows on the wasm device: eager at every level, and jit of the plain chain and of its grad. */
export function jaxChainRows(problem: ChainProblem): Case[] {
  const setup = async () => {
    const jax = await jaxjs();
    const arr = (values: readonly number[]) => jaxArray(jax, values, [values.length], 'float64');
    const [a, b] = [arr(problem.a), arr(problem.b)];
    const f = jaxChain(problem, a, b);
    const gradF = jax.grad(f);
    return {
      jax,
      x: arr(problem.x),
      v: arr(problem.v),
      f,
      gradF,
      jitF: jax.jit(f),
      jitGradF: jax.jit(gradF),
      gradGradF: jax.grad((z: JaxArray) => gradF(z).sum()),
    };
  };
  type S = Awaited<ReturnType<typeof setup>>;
  const row = (name: string, note: string, fn: (s: S) => unknown): Case =>
    defineCase({
      name: `jax-js wasm float64: ${name}`,
      peer: 'jax-js',
      setup: triedSetup('jax-js', setup, fn),
      fn,
      note,
    });
  return [
    row('plain', LEVEL_NOTES.plain, (s) => s.f(s.x.ref).item()),
    row('jvp', LEVEL_NOTES.jvp, (s) => (s.jax.jvp(s.f, [s.x.ref], [s.v.ref])[1] as JaxArray).item()),
    row('grad', LEVEL_NOTES.grad, (s) => s.gradF(s.x.ref).dataSync()),
    row('jvp of grad', LEVEL_NOTES['jvp of grad'], (s) =>
      (s.jax.jvp(s.gradF, [s.x.ref], [s.v.ref])[1] as JaxArray).dataSync(),
    ),
    row('grad of grad', LEVEL_NOTES['grad of grad'], (s) => s.gradGradF(s.x.ref).dataSync()),
    row('jit plain', 'the whole chain compiled once: no per-operation cost left', (s) => s.jitF(s.x.ref).item()),
    row('jit grad', 'grad of the chain compiled once', (s) => s.jitGradF(s.x.ref).dataSync()),
  ];
}

// ——— tfjs ———

/** tfjs float32 rows on `backend`: plain, grad, grad of grad (each call in tf.tidy, as tfjs code is written). */
export function tfjsChainRows(problem: ChainProblem, backend: TfBackend): Case[] {
  const label = tfjsLabel(backend);
  const setup = async () => {
    const tf: Tf = await tfjsWith(backend);
    const t = (values: readonly number[]) => tf.tensor(Float32Array.from(values));
    const [a, b, x] = [t(problem.a), t(problem.b), t(problem.x)];
    const f = (z: typeof x) => {
      let y = z;
      for (let k = 0; k < problem.ops; k += 2) y = tf.add(tf.mul(y, a), b);
      return tf.sum(y);
    };
    const gradF = tf.grad(f);
    return { tf, x, f, gradF, gradGradF: tf.grad((z: typeof x) => tf.sum(gradF(z))) };
  };
  type S = Awaited<ReturnType<typeof setup>>;
  const row = (level: ChainLevel, run: (s: S) => { dispose(): void }): Case => {
    const fn = (s: S) => {
      useBackend(s.tf, backend);
      const out = s.tf.tidy(() => run(s) as ReturnType<Tf['sum']>);
      out.dispose();
      return out;
    };
    return defineCase({
      name: `${label} float32: ${level}`,
      peer: 'tfjs',
      setup: triedSetup('tfjs', setup, fn),
      fn,
      note: LEVEL_NOTES[level],
    });
  };
  return [
    row('plain', (s) => s.f(s.x)),
    row('grad', (s) => s.gradF(s.x)),
    row('grad of grad', (s) => s.gradGradF(s.x)),
  ];
}

/** The rows tfjs cannot fill. */
export function tfjsChainUnavailable(): Case[] {
  return [unavailableCase('tfjs: jvp, jvp of grad', TFJS_NO_FORWARD), unavailableCase('tfjs float64', TFJS_NO_FLOAT64)];
}

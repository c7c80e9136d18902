// f(x) = Σ sin(xᵢ)·xᵢ² and its Hessian-vector product in each peer, for the ad-cost groups: each
// peer's hvp row is compared, round by round, with the same peer's own f, so "time / reference" is
// the cost of the derivative in units of the function in that library. The point x and the
// direction v are the Liouville rows' (float64 values, rounded for float32 rows).
import { type Case, defineCase } from '../harness.js';
import { triedSetup } from '../unavailable.js';
import { type Jax, type JaxArray, type JaxFloat, jaxArray, jaxjs } from './jaxjs.js';
import { type TorchTask, torchCall, torchTask, torchTimed, wireArray } from './pytorch.js';
import { type Tf, type TfBackend, tfjsLabel, tfjsWith, useBackend } from './tfjs.js';

/** The inputs of one size. */
export interface SinSquareProblem {
  n: number;
  inputs: () => { x: Float64Array; v: Float64Array };
}

/** A peer's f row and hvp row; the hvp row's reference is the f row. */
export type PeerPair = [Case, Case];

// ——— plain TypeScript: the limit, with the Hessian derived by hand ———

/** f in a plain loop over Float64Array. */
export function plainSinSquare(x: Float64Array): number {
  let total = 0;
  for (let i = 0; i < x.length; i++) total += Math.sin(x[i]) * x[i] * x[i];
  return total;
}

/** H·v by hand: f is a sum of one-variable terms, so H is diagonal with f''(x) = (2 − x²) sin x + 4x cos x. */
export function plainSinSquareHvp(x: Float64Array, v: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    out[i] = ((2 - xi * xi) * Math.sin(xi) + 4 * xi * Math.cos(xi)) * v[i];
  }
  return out;
}

/** The plain-TypeScript rows: f, and the hand-derived diagonal H·v into a new array per call. */
export function plainPair(problem: SinSquareProblem): PeerPair {
  const f = 'plain TS f, Float64Array';
  return [
    defineCase({ name: f, setup: problem.inputs, fn: ({ x }) => plainSinSquare(x), relativeTo: f }),
    defineCase({
      name: 'plain TS H·v, derived by hand',
      setup: problem.inputs,
      fn: ({ x, v }) => plainSinSquareHvp(x, v, new Float64Array(x.length)),
      relativeTo: f,
      note: 'the limit: closed-form diagonal Hessian, no AD',
    }),
  ];
}

// ——— jax-js ———

function jaxSinSquare(jax: Jax): (x: JaxArray) => JaxArray {
  const np = jax.numpy;
  return (x) => np.sin(x.ref).mul(np.square(x)).sum();
}

/** jax-js f and hvp = jvp(grad(f)) (forward over reverse), eager or jitted, in `dtype`. */
export function jaxPair(problem: SinSquareProblem, dtype: JaxFloat, jit: boolean): PeerPair {
  const label = `jax-js wasm ${dtype}${jit ? ', jit' : ''}`;
  const f = `${label}: f`;
  const setup = async () => {
    const jax = await jaxjs();
    const { x, v } = problem.inputs();
    const sinSquare = jaxSinSquare(jax);
    const hvp = (a: JaxArray, b: JaxArray) => jax.jvp(jax.grad(sinSquare), [a], [b])[1];
    return {
      f: jit ? jax.jit(sinSquare) : sinSquare,
      hvp: jit ? jax.jit(hvp) : hvp,
      x: jaxArray(jax, x, [problem.n], dtype),
      v: jaxArray(jax, v, [problem.n], dtype),
    };
  };
  type S = Awaited<ReturnType<typeof setup>>;
  const fOnly = (s: S) => s.f(s.x.ref).item();
  const hvpOnly = (s: S) => s.hvp(s.x.ref, s.v.ref).dataSync();
  return [
    defineCase({ name: f, peer: 'jax-js', setup: triedSetup('jax-js', setup, fOnly), fn: fOnly, relativeTo: f }),
    defineCase({
      name: `${label}: hvp`,
      peer: 'jax-js',
      setup: triedSetup('jax-js', setup, hvpOnly),
      fn: hvpOnly,
      relativeTo: f,
      note: 'jvp(grad(f)), forward over reverse; result read back (dataSync)',
    }),
  ];
}

// ——— tfjs ———

/** tfjs f and hvp, float32; hvp is reverse over reverse (tfjs has no forward mode): ∇ₓ⟨∇f(x), v⟩. */
export function tfjsPair(problem: SinSquareProblem, backend: TfBackend): PeerPair {
  const label = `${tfjsLabel(backend)} float32`;
  const f = `${label}: f`;
  const setup = async () => {
    const tf: Tf = await tfjsWith(backend);
    const { x, v } = problem.inputs();
    const xs = tf.tensor(Float32Array.from(x));
    const vs = tf.tensor(Float32Array.from(v));
    const sinSquare = (z: typeof xs) => tf.sum(tf.mul(tf.sin(z), tf.square(z)));
    const hvp = tf.grad((z: typeof xs) => tf.sum(tf.mul(tf.grad(sinSquare)(z), vs)));
    return { tf, sinSquare, hvp, xs };
  };
  const disposed = <T extends { dispose(): void }>(t: T) => {
    t.dispose();
    return t;
  };
  return [
    defineCase({
      name: f,
      peer: 'tfjs',
      setup,
      fn: (s) => {
        useBackend(s.tf, backend);
        return disposed(s.sinSquare(s.xs));
      },
      relativeTo: f,
    }),
    defineCase({
      name: `${label}: hvp`,
      peer: 'tfjs',
      setup,
      fn: (s) => {
        useBackend(s.tf, backend);
        return disposed(s.hvp(s.xs));
      },
      relativeTo: f,
      note: 'reverse over reverse (tfjs has no forward mode)',
    }),
  ];
}

// ——— PyTorch ———

function torchSetup(problem: SinSquareProblem, kind: string): () => TorchTask {
  return () => {
    const { x, v } = problem.inputs();
    return torchTask({
      task: 'sinSquare',
      kind,
      dtype: 'float64',
      x: wireArray(x, [problem.n]),
      v: wireArray(v, [problem.n]),
    });
  };
}

/**
 * PyTorch float64 rows: f, any `extra` rows, and H·v two ways, double backward (torch.autograd)
 * and functorch's jvp of grad; each compared with PyTorch's own f.
 */
function torchCostRows(
  f: string,
  setupFor: (kind: string) => () => TorchTask,
  extra: readonly (readonly [name: string, kind: string, note: string])[] = [],
): Case[] {
  const row = (name: string, kind: string, note: string): Case =>
    defineCase({ name, peer: 'PyTorch', setup: setupFor(kind), fn: torchCall, timed: torchTimed, relativeTo: f, note });
  return [
    row(f, 'f', '1 thread; timed in the Python process'),
    ...extra.map(([name, kind, note]) => row(name, kind, note)),
    row(
      'PyTorch float64: hvp, double backward',
      'hvp-reverse',
      'autograd.grad(create_graph=True) twice, as torch.autograd.functional.hvp',
    ),
    row(
      'PyTorch float64: hvp, functorch jvp(grad)',
      'hvp-forward',
      'forward over reverse (functorch, shipped with PyTorch 1.13)',
    ),
  ];
}

/** PyTorch float64 f, and H·v two ways: double backward (torch.autograd) and functorch's jvp of grad. */
export function torchRows(problem: SinSquareProblem): Case[] {
  return torchCostRows('PyTorch float64: f', (kind) => torchSetup(problem, kind));
}

/** The ad-cost MLP's inputs as plain arrays: parameters and direction by name, and the batch. */
export interface MlpProblem {
  inputs: () => {
    params: Readonly<Record<string, { data: ArrayLike<number>; shape: readonly number[] }>>;
    direction: Readonly<Record<string, { data: ArrayLike<number>; shape: readonly number[] }>>;
    x: { data: ArrayLike<number>; shape: readonly number[] };
  };
}

function wireNamed(
  named: Readonly<Record<string, { data: ArrayLike<number>; shape: readonly number[] }>>,
): Record<string, ReturnType<typeof wireArray>> {
  return Object.fromEntries(Object.entries(named).map(([name, t]) => [name, wireArray(t.data, t.shape)]));
}

function torchMlpSetup(problem: MlpProblem, kind: string): () => TorchTask {
  return () => {
    const { params, direction, x } = problem.inputs();
    const wired = { params: wireNamed(params), direction: wireNamed(direction), x: wireArray(x.data, x.shape) };
    return torchTask({ task: 'mlp', kind, dtype: 'float64', ...wired });
  };
}

/**
 * PyTorch float64 on the ad-cost MLP: f(θ), its parameter gradient and H·v two ways, each compared
 * with PyTorch's own f — the cost of its derivatives in units of its function, beside ours.
 */
export function torchMlpRows(problem: MlpProblem): Case[] {
  return torchCostRows('PyTorch float64: f(θ)', (kind) => torchMlpSetup(problem, kind), [
    ['PyTorch float64: grad(f)(θ)', 'grad', 'torch.autograd.grad'],
  ]);
}

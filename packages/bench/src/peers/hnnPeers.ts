// The HNN training step of the hnn-step group in each peer, from the same initial parameters and
// batch as the Liouville cases (hnnData.ts): H = second output of the MLP 2→200→200→2 (tanh, no
// output bias), the input gradient ∇ₓH by reverse mode inside the loss, the field (∂H/∂p, −∂H/∂q),
// the loss mean((field − y)²), its gradient with respect to every parameter, and Adam (lr 1e-3,
// β = (0.9, 0.999), ε = 1e-8). A call returns the loss before the update, read back to JavaScript.
import { type Case, defineCase } from '../harness.js';
import { handLossAndGrad } from '../groups/handHnn.js';
import {
  HNN_BATCH,
  HNN_PARAM_NAMES,
  INPUT_DIM,
  LEARNING_RATE,
  handSetup,
  hnnBatch,
  hnnInitialArrays,
} from '../groups/hnnData.js';
import { CaseUnavailableError } from '../unavailable.js';
import { type Jax, type JaxArray, type JaxFloat, jaxArray, jaxjs } from './jaxjs.js';
import { type TorchTask, torchCall, torchTask, torchTimed, wireArray } from './pytorch.js';
import { TFJS_NESTED_GRADIENT, type Tf, type TfBackend, tfjsLabel, tfjsWith, useBackend } from './tfjs.js';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

type ParamName = (typeof HNN_PARAM_NAMES)[number];

/** A peer's training loop: `step()` takes one step and returns the loss before it. */
export interface PeerHnn {
  step: () => number;
  /** The loss and its parameter gradient at the current parameters, without a step (for the tests). */
  lossAndGrad: () => { loss: number; grads: Record<ParamName, Float64Array> };
}

/** The float64 loss and parameter gradient at the initial parameters, from the hand-derived step (computed once). */
let reference: { loss: number; grads: Record<ParamName, Float64Array> } | undefined;

function referenceGradient(): { loss: number; grads: Record<ParamName, Float64Array> } {
  if (reference === undefined) {
    const hand = handSetup();
    const loss = handLossAndGrad(hand);
    reference = { loss, grads: hand.grads };
  }
  return reference;
}

/** max over parameters of max|g − g_ref| / max|g_ref|, and the parameter where it is largest. */
export function gradientError(grads: Record<ParamName, ArrayLike<number>>): { error: number; worst: ParamName } {
  const ref = referenceGradient().grads;
  let error = 0;
  let worst: ParamName = 'W0';
  for (const k of HNN_PARAM_NAMES) {
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < ref[k].length; i++) {
      diff = Math.max(diff, Math.abs(grads[k][i] - ref[k][i]));
      scale = Math.max(scale, Math.abs(ref[k][i]));
    }
    const e = scale === 0 ? diff : diff / scale;
    if (!(e <= error)) [error, worst] = [e, k];
  }
  return { error, worst };
}

/** Largest accepted gradient error: float32 rounding (and jax-js's ~1e-7 float64 tanh) stay far below it. */
export const GRADIENT_TOLERANCE = { float64: 1e-5, float32: 1e-3 } as const;

/**
 * Refuses (CaseUnavailableError) a peer whose parameter gradient at the initial parameters is not
 * the float64 reference's, so that no row times a step that computes something else.
 */
function verified(label: string, dtype: JaxFloat, loop: PeerHnn, why = ''): PeerHnn {
  const { error, worst } = gradientError(loop.lossAndGrad().grads);
  if (!(error <= GRADIENT_TOLERANCE[dtype])) {
    throw new CaseUnavailableError(
      `${label} computes a wrong parameter gradient of the input-gradient loss (max relative error ${error.toPrecision(2)} in ${worst})${why}`,
    );
  }
  return loop;
}

// ——— tfjs ———

/** How tanh is written in the tfjs network: tf.tanh, or from exp (tfjs can differentiate that twice). */
export type TfTanh = 'tf.tanh' | 'exp form';

function tfjsHnn(tf: Tf, backend: TfBackend, tanhForm: TfTanh): PeerHnn {
  const init = hnnInitialArrays();
  const vars = Object.fromEntries(
    HNN_PARAM_NAMES.map((k) => [k, tf.variable(tf.tensor(Float32Array.from(init[k].data), init[k].shape))]),
  ) as Record<ParamName, ReturnType<Tf['variable']>>;
  const { x, y } = hnnBatch();
  const xs = tf.tensor(Float32Array.from(x), [HNN_BATCH, INPUT_DIM]);
  const ys = tf.tensor(Float32Array.from(y), [HNN_BATCH, INPUT_DIM]);
  // tanh z = 1 − 2/(exp(2z) + 1): every operation in it has a differentiable gradient in tfjs.
  const tanh =
    tanhForm === 'tf.tanh'
      ? tf.tanh
      : (z: ReturnType<Tf['tensor']>) => tf.sub(1, tf.div(2, tf.add(tf.exp(tf.mul(2, z)), 1)));
  const H = (xx: ReturnType<Tf['tensor']>) => {
    const h1 = tanh(tf.add(tf.matMul(xx, vars.W0), vars.b0));
    const h2 = tanh(tf.add(tf.matMul(h1, vars.W1), vars.b1));
    return tf.sum(tf.slice(tf.matMul(h2, vars.W2), [0, 1], [HNN_BATCH, 1]));
  };
  const gradH = tf.grad(H);
  const loss = () => {
    const [dq, dp] = tf.split(gradH(xs), 2, 1);
    return tf.mean(tf.square(tf.sub(tf.concat([dp, tf.neg(dq)], 1), ys))) as ReturnType<Tf['scalar']>;
  };
  const optimiser = tf.train.adam(LEARNING_RATE, BETA1, BETA2, EPSILON);
  return {
    lossAndGrad: () => {
      useBackend(tf, backend);
      const { value, grads } = tf.variableGrads(loss);
      const byName = Object.fromEntries(
        HNN_PARAM_NAMES.map((k) => {
          const g = grads[vars[k].name];
          if (g === undefined)
            throw new CaseUnavailableError(`tfjs returned no gradient for ${k}${TFJS_NESTED_GRADIENT}`);
          return [k, Float64Array.from(g.dataSync())];
        }),
      ) as Record<ParamName, Float64Array>;
      return { loss: value.dataSync()[0], grads: byName };
    },
    step: () => {
      useBackend(tf, backend);
      const cost = optimiser.minimize(loss, true);
      const value = cost?.dataSync()[0] ?? Number.NaN;
      cost?.dispose();
      return value;
    },
  };
}

/** A tfjs training loop on `backend` (float32), not checked (the tests use it to show what goes wrong). */
export async function tfjsHnnLoop(backend: TfBackend, tanhForm: TfTanh): Promise<PeerHnn> {
  return tfjsHnn(await tfjsWith(backend), backend, tanhForm);
}

/** The loop, if tfjs computes the right parameter gradient; the row's reason otherwise. */
async function verifiedTfjs(backend: TfBackend, tanhForm: TfTanh): Promise<PeerHnn> {
  let loop: PeerHnn;
  try {
    loop = await tfjsHnnLoop(backend, tanhForm);
    loop.lossAndGrad();
  } catch (error) {
    if (error instanceof CaseUnavailableError) throw error;
    throw new CaseUnavailableError(`tfjs failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return verified(tfjsLabel(backend), 'float32', loop, TFJS_NESTED_GRADIENT);
}

/** The hnn-step case of tfjs on `backend`, float32 (tfjs has no float64). */
export function tfjsHnnCase(backend: TfBackend, tanhForm: TfTanh): Case<PeerHnn> {
  return defineCase({
    name: `${tfjsLabel(backend)} float32, ${tanhForm === 'tf.tanh' ? 'tf.tanh' : 'tanh from exp'}`,
    peer: 'tfjs',
    setup: () => verifiedTfjs(backend, tanhForm),
    fn: (s) => s.step(),
    note:
      tanhForm === 'tf.tanh'
        ? 'tf.grad inside tf.train.adam().minimize, as a tfjs user would write it'
        : 'tanh z = 1 − 2/(exp(2z)+1); tf.grad inside tf.train.adam().minimize',
  });
}

// ——— jax-js ———

type JaxParams = Record<ParamName, JaxArray>;

function refs(p: JaxParams): JaxParams {
  return Object.fromEntries(HNN_PARAM_NAMES.map((k) => [k, p[k].ref])) as JaxParams;
}

/** The update of one step as a pure function (so it can be jitted): loss, gradient, Adam. */
function jaxUpdate(jax: Jax, dtype: JaxFloat) {
  const np = jax.numpy;
  const select = jaxArray(jax, [0, 1], [2, 1], dtype); // picks output 2, H
  const mT = jaxArray(jax, [0, -1, 1, 0], [2, 2], dtype); // field = ∇H·Jᵀ = (∂H/∂p, −∂H/∂q)
  const H = (p: JaxParams, x: JaxArray) => {
    const h1 = np.tanh(np.matmul(x, p.W0).add(p.b0));
    const h2 = np.tanh(np.matmul(h1, p.W1).add(p.b1));
    return np.matmul(np.matmul(h2, p.W2), select.ref).sum();
  };
  const loss = (p: JaxParams, x: JaxArray, y: JaxArray) => {
    const gx = jax.grad((z: JaxArray) => H(p, z))(x);
    return np.square(np.matmul(gx, mT.ref).sub(y)).mean();
  };
  const valueAndGrad = jax.valueAndGrad(loss);
  // a = lr / (1 − β₁ᵗ), c = 1 / √(1 − β₂ᵗ): PyTorch's arrangement, p ← p − a·m / (√v·c + ε).
  const update = (p: JaxParams, m: JaxParams, v: JaxParams, x: JaxArray, y: JaxArray, a: JaxArray, c: JaxArray) => {
    const [value, g] = valueAndGrad(refs(p), x, y) as unknown as [JaxArray, JaxParams];
    const next = {} as JaxParams;
    const m2 = {} as JaxParams;
    const v2 = {} as JaxParams;
    for (const k of HNN_PARAM_NAMES) {
      m2[k] = m[k].mul(BETA1).add(g[k].ref.mul(1 - BETA1));
      v2[k] = v[k].mul(BETA2).add(np.square(g[k]).mul(1 - BETA2));
      const denominator = np.sqrt(v2[k].ref).mul(c.ref).add(EPSILON);
      next[k] = p[k].sub(m2[k].ref.div(denominator).mul(a.ref));
    }
    a.dispose();
    c.dispose();
    return [value, next, m2, v2] as [JaxArray, JaxParams, JaxParams, JaxParams];
  };
  return { update, valueAndGrad };
}

/** A jax-js training loop in `dtype`, eager or with the whole step jitted. */
export async function jaxHnnLoop(dtype: JaxFloat, jit: boolean): Promise<PeerHnn> {
  const jax = await jaxjs();
  const init = hnnInitialArrays();
  const { x, y } = hnnBatch();
  const xs = jaxArray(jax, x, [HNN_BATCH, INPUT_DIM], dtype);
  const ys = jaxArray(jax, y, [HNN_BATCH, INPUT_DIM], dtype);
  const fill = (f: (k: ParamName) => JaxArray) =>
    Object.fromEntries(HNN_PARAM_NAMES.map((k) => [k, f(k)])) as JaxParams;
  let params = fill((k) => jaxArray(jax, init[k].data, init[k].shape, dtype));
  let m = fill((k) => jax.numpy.zeros(init[k].shape, { dtype: jax.numpy[dtype] }));
  let v = fill((k) => jax.numpy.zeros(init[k].shape, { dtype: jax.numpy[dtype] }));
  const { update, valueAndGrad } = jaxUpdate(jax, dtype);
  const run = jit ? jax.jit(update) : update;
  let t = 0;
  return {
    lossAndGrad: () => {
      const [value, g] = valueAndGrad(refs(params), xs.ref, ys.ref) as unknown as [JaxArray, JaxParams];
      const grads = Object.fromEntries(HNN_PARAM_NAMES.map((k) => [k, Float64Array.from(g[k].dataSync())]));
      return { loss: value.item(), grads: grads as Record<ParamName, Float64Array> };
    },
    step: () => {
      t++;
      const a = jax.numpy.array(LEARNING_RATE / (1 - BETA1 ** t), { dtype: jax.numpy[dtype] });
      const c = jax.numpy.array(1 / Math.sqrt(1 - BETA2 ** t), { dtype: jax.numpy[dtype] });
      const [value, p2, m2, v2] = run(params, m, v, xs.ref, ys.ref, a, c);
      params = p2;
      m = m2;
      v = v2;
      return value.item();
    },
  };
}

/** The hnn-step case of jax-js (wasm device) in `dtype`, eager or jitted. */
export function jaxHnnCase(dtype: JaxFloat, jit: boolean): Case<PeerHnn> {
  return defineCase({
    name: `jax-js wasm ${dtype}, ${jit ? 'jit' : 'eager'}`,
    peer: 'jax-js',
    setup: async () => verified('jax-js', dtype, await jaxHnnLoop(dtype, jit)),
    fn: (s) => s.step(),
    note: `${jit ? 'jit of the whole step' : 'op by op'}; grad inside valueAndGrad, Adam written with jax-js ops`,
  });
}

// ——— PyTorch ———

/** The state of a PyTorch training loop on the Python side, in the process of `threads` threads. */
export function torchHnnTask(dtype: JaxFloat, threads = 1): TorchTask {
  const init = hnnInitialArrays();
  const { x, y } = hnnBatch();
  const params = Object.fromEntries(HNN_PARAM_NAMES.map((k) => [k, wireArray(init[k].data, init[k].shape)]));
  return torchTask(
    {
      task: 'hnn',
      dtype,
      lr: LEARNING_RATE,
      params,
      x: wireArray(x, [HNN_BATCH, INPUT_DIM]),
      y: wireArray(y, [HNN_BATCH, INPUT_DIM]),
    },
    threads,
  );
}

/** The hnn-step case of PyTorch in `dtype` on `threads` threads (intra-op and BLAS), timed by the Python side. */
export function torchHnnCase(dtype: JaxFloat, threads = 1): Case<TorchTask> {
  return defineCase({
    name: `PyTorch ${dtype}, ${threads} thread${threads === 1 ? '' : 's'}`,
    peer: 'PyTorch',
    setup: () => {
      const task = torchHnnTask(dtype, threads);
      const { grads } = task.peer.check<{ grads: Record<ParamName, number[]> }>(task.id);
      const { error, worst } = gradientError(grads);
      if (!(error <= GRADIENT_TOLERANCE[dtype])) {
        throw new CaseUnavailableError(
          `PyTorch's parameter gradient differs (max relative error ${error.toPrecision(2)} in ${worst})`,
        );
      }
      return task;
    },
    fn: torchCall,
    timed: torchTimed,
    note: 'the reference code’s step: autograd.grad(create_graph=True), backward, torch.optim.Adam; timed in the Python process',
  });
}

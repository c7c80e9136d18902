import { type Tree, type Value, add, div, mul, sqrt, sub } from '@liouville/ad';
import { Tensor, type TypedArray, allocate, checkFinitePositive, zeros } from '@liouville/linalg';
import { type ParamTree, treeFromLeaves, treeLeaves } from '../tree.js';
import { type CompilableUpdate, matchValues, narrow, rebuild, stepScalar, wide } from './compilable.js';
import {
  type LearningRate,
  type Optimizer,
  checkAllowNonFinite,
  checkFiniteGradients,
  checkLearningRate,
  checkNumber,
  checkStep,
  learningRateAt,
  matchedLeaves,
} from './Optimizer.js';

/** Options of `adam` and `adamW`. */
export interface AdamOptions {
  /** Step size α, or a schedule of the step (default 1e-3). */
  lr?: LearningRate;
  /** Decay rate of the first-moment estimate, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay rate of the second-moment estimate, in [0, 1) (default 0.999). */
  beta2?: number;
  /** Added to √v̂ in the denominator, > 0 (default 1e-8). */
  eps?: number;
  /** Weight decay λ ≥ 0: an L2 term added to the gradient in `adam` (default 0), decoupled in `adamW` (default 1e-2). */
  weightDecay?: number;
  /**
   * Apply a gradient holding NaN or an infinity (default false: `update` throws a NonFiniteError
   * naming the leaf). The compilable form used under jit cannot read numbers and does not check;
   * `train` checks each step's loss and gradient before applying it.
   */
  allowNonFinite?: boolean;
}

/** State of `adam`/`adamW`: the number of updates taken and the moment estimates m and v. */
export interface AdamState {
  readonly step: number;
  readonly m: ParamTree;
  readonly v: ParamTree;
}

interface AdamHyper {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupled: boolean;
  allowNonFinite: boolean;
}

/** Scalars of one update, computed once per step. */
interface AdamStepConstants {
  beta1: number;
  beta2: number;
  eps: number;
  /** λ of the L2 term added to the gradient (0 for AdamW). */
  l2: number;
  /** 1 − αλ for AdamW (torch.optim.AdamW shrinks θ before the Adam step), 1 for Adam. */
  shrink: number;
  /** α / (1 − β₁ᵗ). */
  stepSize: number;
  /** √(1 − β₂ᵗ). */
  sqrtCorrection2: number;
}

/** The elementwise update over raw arrays, with every constant in a local so the loop stays tight. */
function adamKernel(
  theta: TypedArray,
  grad: TypedArray,
  m0: TypedArray,
  v0: TypedArray,
  out: TypedArray,
  m1: TypedArray,
  v1: TypedArray,
  c: AdamStepConstants,
): void {
  const { beta1, beta2, eps, l2, shrink, stepSize, sqrtCorrection2 } = c;
  const n = out.length;
  for (let j = 0; j < n; j++) {
    const gj = l2 === 0 ? grad[j] : grad[j] + l2 * theta[j];
    m1[j] = beta1 * m0[j] + (1 - beta1) * gj;
    v1[j] = beta2 * v0[j] + (1 - beta2) * gj * gj;
    // Read m1, v1 back so that float32 state and update agree, as in a float32 PyTorch step.
    const decayed = shrink === 1 ? theta[j] : shrink * theta[j];
    out[j] = decayed - (stepSize * m1[j]) / (Math.sqrt(v1[j]) / sqrtCorrection2 + eps);
  }
}

/**
 * One leaf of the update at step t with rate α. Written as PyTorch arranges it,
 * θ ← θ − (α / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε), which equals Algorithm 1's
 * θ ← θ − α·m̂/(√v̂ + ε) with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).
 */
function adamLeaf(p: Tensor, g: Tensor, m: Tensor, v: Tensor, c: AdamStepConstants): Tensor[] {
  const out = allocate(p.dtype, p.size);
  const m1 = allocate(p.dtype, p.size);
  const v1 = allocate(p.dtype, p.size);
  adamKernel(p.data, g.data, m.data, v.data, out, m1, v1, c);
  return [new Tensor(out, p.shape), new Tensor(m1, p.shape), new Tensor(v1, p.shape)];
}

function stepConstants(h: AdamHyper, rate: number, t: number): AdamStepConstants {
  return {
    beta1: h.beta1,
    beta2: h.beta2,
    eps: h.eps,
    l2: h.decoupled ? 0 : h.weightDecay,
    shrink: h.decoupled ? 1 - rate * h.weightDecay : 1,
    stepSize: rate / (1 - h.beta1 ** t),
    sqrtCorrection2: Math.sqrt(1 - h.beta2 ** t),
  };
}

function checkAdamOptions(
  operation: string,
  lr: LearningRate,
  beta1: number,
  beta2: number,
  eps: number,
  weightDecay: number,
): void {
  checkLearningRate(operation, lr);
  checkNumber(`${operation}: beta1`, beta1, 0, 1);
  checkNumber(`${operation}: beta2`, beta2, 0, 1);
  checkNumber(`${operation}: weightDecay`, weightDecay, 0, Number.POSITIVE_INFINITY);
  checkFinitePositive(`${operation}: eps`, eps);
}

/**
 * One leaf of the update with @liouville/ad's functions (traceable by jit), operation for operation
 * the expressions of `adamKernel` in float64, each result rounded to the parameter's dtype where
 * the kernel stores it (m, v and θ), so the bits are the kernel's.
 */
function adamLeafTraced(p: Value, g: Value, m: Value, v: Value, h: AdamHyper, s: Readonly<Record<string, Value>>) {
  const [theta, grad] = [wide(p), wide(g)];
  const l2 = h.decoupled ? 0 : h.weightDecay;
  const gj = l2 === 0 ? grad : add(grad, mul(l2, theta));
  const m1 = narrow(add(mul(h.beta1, wide(m)), mul(1 - h.beta1, gj)), p.dtype);
  const v1 = narrow(add(mul(h.beta2, wide(v)), mul(mul(1 - h.beta2, gj), gj)), p.dtype);
  const decayed = h.decoupled ? mul(s.shrink, theta) : theta;
  const denominator = add(div(sqrt(wide(v1)), s.sqrtCorrection2), h.eps);
  const out = narrow(sub(decayed, div(mul(s.stepSize, wide(m1)), denominator)), p.dtype);
  return { out, m1, v1 };
}

/** The compilable form of Adam's update (see CompilableUpdate). */
function compilableAdam(operation: string, lr: LearningRate, hyper: AdamHyper): CompilableUpdate<AdamState> {
  return {
    tensors: (state) => ({ m: state.m, v: state.v }),
    scalars: (state) => {
      checkStep(`${operation}.update`, state.step);
      const t = state.step + 1;
      const c = stepConstants(hyper, learningRateAt(operation, lr, t), t);
      return {
        stepSize: stepScalar(c.stepSize),
        sqrtCorrection2: stepScalar(c.sqrtCorrection2),
        shrink: stepScalar(c.shrink),
      };
    },
    apply: (grads, tensors, params, scalars) => {
      const { m, v } = tensors as { m: Tree; v: Tree };
      const leaves = matchValues(`${operation}.update`, params, { grads, 'state.m': m, 'state.v': v });
      const [gs, ms, vs] = leaves.others;
      const results = leaves.params.map((p, i) => adamLeafTraced(p, gs[i], ms[i], vs[i], hyper, scalars));
      const tree = (k: 'out' | 'm1' | 'v1') =>
        rebuild(
          leaves.def,
          results.map((r) => r[k]),
        );
      return { params: tree('out'), tensors: { m: tree('m1'), v: tree('v1') } };
    },
    next: (state, tensors) => {
      const { m, v } = tensors as { m: ParamTree; v: ParamTree };
      return Object.freeze({ step: state.step + 1, m, v });
    },
  };
}

function makeAdam(operation: string, lr: LearningRate, hyper: AdamHyper): Optimizer<AdamState> {
  const init = (params: ParamTree): AdamState => {
    const zerosTree = () =>
      treeFromLeaves(
        params,
        treeLeaves(params, 'params').map(({ leaf }) => zeros(leaf.shape, leaf.dtype)),
      );
    return Object.freeze({ step: 0, m: zerosTree(), v: zerosTree() });
  };
  const update = <P extends ParamTree>(grads: Tree, state: AdamState, params: P) => {
    checkStep(`${operation}.update`, state.step);
    const t = state.step + 1;
    const rate = learningRateAt(operation, lr, t);
    const leaves = matchedLeaves(`${operation}.update`, params, grads, { 'state.m': state.m, 'state.v': state.v });
    if (!hyper.allowNonFinite) checkFiniteGradients(`${operation}.update`, leaves.grads);
    const [ms, vs] = leaves.states;
    const constants = stepConstants(hyper, rate, t);
    const results = leaves.params.map(({ leaf }, i) =>
      adamLeaf(leaf, leaves.grads[i].leaf, ms[i].leaf, vs[i].leaf, constants),
    );
    const tree = (k: number) =>
      treeFromLeaves(
        params as ParamTree,
        results.map((r) => r[k]),
      );
    return { params: tree(0) as P, state: Object.freeze({ step: t, m: tree(1), v: tree(2) }) };
  };
  return Object.freeze({ init, update, compilable: compilableAdam(operation, lr, hyper) });
}

/**
 * Adam (Kingma & Ba 2015, "Adam: A method for stochastic optimization", ICLR, Algorithm 1), with
 * weight decay as torch.optim.Adam applies it: λθ ADDED TO THE GRADIENT before the moments (an L2
 * penalty, not the decoupled decay of AdamW). Same update as PyTorch (amsgrad off).
 */
export function adam(options: AdamOptions = {}): Optimizer<AdamState> {
  const { lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0, allowNonFinite = false } = options;
  checkAdamOptions('adam', lr, beta1, beta2, eps, weightDecay);
  checkAllowNonFinite('adam', allowNonFinite);
  return makeAdam('adam', lr, { beta1, beta2, eps, weightDecay, decoupled: false, allowNonFinite });
}

/**
 * AdamW: Adam with decoupled weight decay, θ ← (1 − αλ)θ before the Adam step on the raw gradient
 * (Loshchilov & Hutter 2019, "Decoupled weight decay regularization", ICLR, Algorithm 2, with the
 * schedule multiplier folded into α as torch.optim.AdamW does). Default λ = 1e-2, PyTorch's.
 */
export function adamW(options: AdamOptions = {}): Optimizer<AdamState> {
  const { lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 1e-2, allowNonFinite = false } = options;
  checkAdamOptions('adamW', lr, beta1, beta2, eps, weightDecay);
  checkAllowNonFinite('adamW', allowNonFinite);
  return makeAdam('adamW', lr, { beta1, beta2, eps, weightDecay, decoupled: true, allowNonFinite });
}

import { type Tree, type Value, add, mul, sub } from '@liouville/ad';
import { InvalidArgumentError, Tensor, allocate, zeros } from '@liouville/linalg';
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

/** Options of `sgd`. */
export interface SgdOptions {
  /** Learning rate γ, or a schedule of the step (required). */
  lr: LearningRate;
  /** Momentum μ in [0, 1) (default 0: plain gradient descent). */
  momentum?: number;
  /** Nesterov momentum (default false; needs momentum > 0). */
  nesterov?: boolean;
  /** L2 penalty λ ≥ 0 added to the gradient, g + λθ (default 0). */
  weightDecay?: number;
  /** Apply a gradient holding NaN or an infinity (default false: `update` throws a NonFiniteError naming the leaf). */
  allowNonFinite?: boolean;
}

/** State of `sgd`: the number of updates taken and the momentum buffer (null without momentum). */
export interface SgdState {
  readonly step: number;
  readonly velocity: ParamTree | null;
}

interface SgdHyper {
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

/** One leaf of the SGD update: new parameter and new momentum buffer (null without momentum). */
function sgdLeaf(p: Tensor, g: Tensor, b: Tensor | null, h: SgdHyper, rate: number): [Tensor, Tensor | null] {
  const theta = p.data;
  const grad = g.data;
  const out = allocate(p.dtype, p.size);
  const buf = b === null ? null : allocate(p.dtype, p.size);
  for (let j = 0; j < out.length; j++) {
    // Skipping λθ when λ = 0 keeps an infinite parameter from turning the update into NaN.
    let gj = h.weightDecay === 0 ? grad[j] : grad[j] + h.weightDecay * theta[j];
    if (buf !== null && b !== null) {
      buf[j] = h.momentum * b.data[j] + gj;
      gj = h.nesterov ? gj + h.momentum * buf[j] : buf[j];
    }
    out[j] = theta[j] - rate * gj;
  }
  return [new Tensor(out, p.shape), buf === null ? null : new Tensor(buf, p.shape)];
}

/**
 * One leaf of the update with @liouville/ad's functions (traceable by jit): the expressions of
 * `sgdLeaf` in float64, rounded to the parameter's dtype where it stores (buffer and θ).
 */
function sgdLeafTraced(p: Value, g: Value, b: Value | null, h: SgdHyper, rate: Value): [Value, Value | null] {
  const theta = wide(p);
  let gj = h.weightDecay === 0 ? wide(g) : add(wide(g), mul(h.weightDecay, theta));
  let buf: Value | null = null;
  if (b !== null) {
    buf = narrow(add(mul(h.momentum, wide(b)), gj), p.dtype);
    gj = h.nesterov ? add(gj, mul(h.momentum, wide(buf))) : wide(buf);
  }
  return [narrow(sub(theta, mul(rate, gj)), p.dtype), buf];
}

/** The compilable form of SGD's update (see CompilableUpdate); the state's tensors are its momentum buffer, if any. */
function compilableSgd(lr: LearningRate, hyper: SgdHyper): CompilableUpdate<SgdState> {
  return {
    tensors: (state) => (state.velocity === null ? [] : [state.velocity]),
    scalars: (state) => {
      checkStep('sgd.update', state.step);
      return { rate: stepScalar(learningRateAt('sgd', lr, state.step + 1)) };
    },
    apply: (grads, tensors, params, scalars) => {
      const [velocity] = tensors as Tree[];
      const leaves = matchValues(
        'sgd.update',
        params,
        velocity === undefined ? { grads } : { grads, 'state.velocity': velocity },
      );
      const [gs, bs] = leaves.others;
      const results = leaves.params.map((p, i) => sgdLeafTraced(p, gs[i], bs?.[i] ?? null, hyper, scalars.rate));
      const next = rebuild(
        leaves.def,
        results.map((r) => r[0]),
      );
      return {
        params: next,
        tensors:
          bs === undefined
            ? []
            : [
                rebuild(
                  leaves.def,
                  results.map((r) => r[1] as Value),
                ),
              ],
      };
    },
    next: (state, tensors) => {
      const [velocity] = tensors as ParamTree[];
      return Object.freeze({ step: state.step + 1, velocity: velocity ?? null });
    },
  };
}

/**
 * Stochastic gradient descent with momentum exactly as PyTorch's torch.optim.SGD (dampening 0):
 *   g ← g + λθ;  b ← μb + g;  g ← g + μb (Nesterov) or g ← b;  θ ← θ − γg,
 * the formulation of Sutskever, Martens, Dahl & Hinton 2013 ("On the importance of initialization
 * and momentum in deep learning", ICML) as PyTorch writes it. Starting from b = 0 gives b = g on the
 * first step, as PyTorch does.
 */
export function sgd(options: SgdOptions): Optimizer<SgdState> {
  const { lr, momentum = 0, nesterov = false, weightDecay = 0, allowNonFinite = false } = options;
  checkLearningRate('sgd', lr);
  checkAllowNonFinite('sgd', allowNonFinite);
  checkNumber('sgd: momentum', momentum, 0, 1);
  checkNumber('sgd: weightDecay', weightDecay, 0, Number.POSITIVE_INFINITY);
  if (typeof nesterov !== 'boolean') throw new InvalidArgumentError('sgd: nesterov', 'a boolean', nesterov);
  if (nesterov && momentum === 0)
    throw new InvalidArgumentError('sgd: momentum', 'a momentum > 0 when nesterov is true', momentum);
  const hyper: SgdHyper = { momentum, nesterov, weightDecay };

  const init = (params: ParamTree): SgdState => {
    const leaves = treeLeaves(params, 'params');
    const velocity =
      momentum === 0
        ? null
        : treeFromLeaves(
            params,
            leaves.map(({ leaf }) => zeros(leaf.shape, leaf.dtype)),
          );
    return Object.freeze({ step: 0, velocity });
  };

  const update = <P extends ParamTree>(grads: Tree, state: SgdState, params: P) => {
    checkStep('sgd.update', state.step);
    if (momentum > 0 !== (state.velocity !== null)) {
      const expected = momentum > 0 ? 'a momentum buffer' : 'null (no momentum)';
      throw new InvalidArgumentError(
        'sgd.update: state.velocity',
        `${expected}, as this optimiser's init returns`,
        state.velocity,
      );
    }
    const step = state.step + 1;
    const rate = learningRateAt('sgd', lr, step);
    const leaves = matchedLeaves(
      'sgd.update',
      params,
      grads,
      state.velocity === null ? {} : { 'state.velocity': state.velocity },
    );
    if (!allowNonFinite) checkFiniteGradients('sgd.update', leaves.grads);
    const results = leaves.params.map(({ leaf }, i) =>
      sgdLeaf(leaf, leaves.grads[i].leaf, leaves.states[0]?.[i].leaf ?? null, hyper, rate),
    );
    const velocity =
      state.velocity === null
        ? null
        : treeFromLeaves(
            params as ParamTree,
            results.map((r) => r[1] as Tensor),
          );
    return {
      params: treeFromLeaves(
        params,
        results.map((r) => r[0]),
      ),
      state: Object.freeze({ step, velocity }),
    };
  };
  return Object.freeze({ init, update, compilable: compilableSgd(lr, hyper) });
}

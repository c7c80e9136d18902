import { type Value, add, concat, matmul, reshape, rowwiseGrad, slice } from '@liouville/ad';
import type { SeparableSystem } from '@liouville/integrators';
import { type RandomKey, ShapeError, formatShape, splitKey, transpose } from '@liouville/linalg';
import type { Mlp, MlpParams } from '@liouville/nn';
import { joinParams, prefixedParams } from './dissipative.js';
import {
  type FieldModel,
  type FieldModelOptions,
  checkOptions,
  checkRows,
  network,
  permutationTensor,
} from './fieldModels.js';

/**
 * A separable learned Hamiltonian H_θ(q, p) = T_θ(p) + V_θ(q), two scalar MLPs of n inputs each,
 * as in the Symplectic Recurrent Neural Networks of Chen, Zhang, Arjovsky & Bottou (ICLR 2020): a
 * separable H can be stepped by the explicit leapfrog, so a rollout is a short chain of
 * differentiable operations and the model can be trained on whole trajectory segments
 * (`trainRollout`), with no estimate of time derivatives.
 */

/** Options of `separableHnnModel`: `inputDim` is 2n; each network takes n inputs. */
export type SeparableHnnOptions = FieldModelOptions;

/** A separable HNN: parameters `T_W0 …` of T_θ(p) and `V_W0 …` of V_θ(q) in one record. */
export interface SeparableHnnModel extends FieldModel {
  readonly kind: 'srnn';
  readonly nets: { readonly T: Mlp; readonly V: Mlp };
  /** The options the model was built with (what a parameter file records to rebuild it). */
  readonly options: Readonly<SeparableHnnOptions>;
  /** H_θ = T_θ(p) + V_θ(q) of rows x [B, 2n] → [B]. */
  hamiltonian(params: Readonly<MlpParams<Value>>, x: Value): Value;
  /** The learned system as the integrators' separable Hamiltonian (one state or a batch). */
  system(params: Readonly<MlpParams<Value>>): SeparableSystem;
}

/** A scalar network of n inputs as an energy of one vector [n] → [] or of rows [B, n] → [B]. */
function energyOf(net: Mlp, params: Readonly<MlpParams<Value>>, n: number, name: string) {
  return (z: Value): Value => {
    const rank = z.shape.length;
    if ((rank !== 1 && rank !== 2) || z.shape[rank - 1] !== n) {
      throw new ShapeError(name, `expected [${n}] or [B, ${n}], got ${formatShape(z.shape)}`);
    }
    const out = net.apply(params, rank === 1 ? reshape(z, [1, n]) : z);
    return reshape(out, rank === 1 ? [] : [z.shape[0]]);
  };
}

/**
 * A separable HNN T_θ(p) + V_θ(q) (Chen et al. 2020, §3). As a field model its time derivative is
 * Hamilton's (∂T/∂p, −∂V/∂q), so `train` can also fit it to derivative estimates; `trainRollout`
 * fits it to trajectories through leapfrog steps, and `system` hands it to any integrator.
 *
 * @example
 * ```ts
 * import { separableHnnModel } from '@liouville/hamiltonian';
 * import { leapfrog } from '@liouville/integrators';
 * import { randomKey, tensor } from '@liouville/linalg';
 *
 * const model = separableHnnModel({ inputDim: 2, hiddenDim: 32 });
 * const params = model.init(randomKey(0));
 * const step = leapfrog(model.system(params), 0.1);
 * step({ q: tensor([0.5]), p: tensor([0]) }); // one leapfrog step of the learned H
 * ```
 */
export function separableHnnModel(options: SeparableHnnOptions): SeparableHnnModel {
  checkOptions('separableHnnModel', options);
  const inputDim = options.inputDim;
  const n = inputDim / 2;
  const nets = { T: network({ ...options, inputDim: n }, 1), V: network({ ...options, inputDim: n }, 1) };
  const Jt = transpose(permutationTensor(inputDim, true, options.dtype ?? 'float64'));
  const parts = (params: Readonly<MlpParams<Value>>) => ({
    T: energyOf(nets.T, prefixedParams(params, 'T_'), n, 'srnn: T'),
    V: energyOf(nets.V, prefixedParams(params, 'V_'), n, 'srnn: V'),
  });
  const hamiltonian = (params: Readonly<MlpParams<Value>>, x: Value): Value => {
    const rows = x.shape[0];
    const { T, V } = parts(params);
    return add(T(slice(x, [0, n], [rows, inputDim])), V(slice(x, [0, 0], [rows, n])));
  };
  return {
    kind: 'srnn',
    inputDim,
    net: nets.V,
    nets,
    options: Object.freeze({ ...options }),
    init: (key: RandomKey) => {
      const [t, v] = splitKey(key, 2);
      return joinParams({ T_: nets.T.init(t), V_: nets.V.init(v) });
    },
    hamiltonian: (params, x) => {
      checkRows('srnn.hamiltonian', x, inputDim);
      return hamiltonian(params, x);
    },
    system: (params) => ({ kind: 'separable', dim: n, name: 'srnn', ...parts(params) }),
    timeDerivative: (params, x) => {
      checkRows('srnn.timeDerivative', x, inputDim);
      const gradient = rowwiseGrad((z: Value) => hamiltonian(params, z), { mode: 'reverse' })(x);
      return matmul(gradient, Jt);
    },
  };
}

/** Rows (q, p) [B, 2n] from the two halves of a state. */
export function joinState(q: Value, p: Value): Value {
  return concat([q, p], q.shape.length - 1);
}

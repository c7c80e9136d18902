import { type Value, add, jvp, matmul, rowwiseGrad, slice, sum } from '@liouville/ad';
import { type RandomKey, type Tensor, splitKey, transpose, zeros } from '@liouville/linalg';
import type { Mlp, MlpParams } from '@liouville/nn';
import {
  type FieldModel,
  type FieldModelOptions,
  checkOptions,
  checkRows,
  network,
  outputColumn,
  permutationTensor,
} from './fieldModels.js';

/**
 * The Dissipative Hamiltonian Neural Network of Sosanya & Greydanus, "Dissipative Hamiltonian
 * Neural Networks: Learning Dissipative and Conservative Dynamics Separately" (2022, arXiv
 * 2201.10085): two scalar networks, a Hamiltonian H_θ and a dissipation potential D_φ, and the
 * field of a Helmholtz decomposition ẋ = J∇H_θ + ∇D_φ. The first part is divergence-free and
 * conserves H; the second carries all the phase-space contraction, div ẋ = ΔD_φ.
 */

/** Options of `dhnnModel`: the shared MLP options, used for both networks. */
export type DhnnOptions = FieldModelOptions;

/** A DHNN: parameters are one record, `H_W0 …` for H_θ and `D_W0 …` for D_φ. */
export interface DhnnModel extends FieldModel {
  readonly kind: 'dhnn';
  /** The network of H_θ (`net`, the common field of every model) and the one of D_φ. */
  readonly nets: { readonly H: Mlp; readonly D: Mlp };
  /** The options the model was built with (what a parameter file records to rebuild it). */
  readonly options: Readonly<DhnnOptions>;
  /** The learned Hamiltonian H_θ(x) for rows x [B, inputDim] → [B]. */
  hamiltonian(params: Readonly<MlpParams<Value>>, x: Value): Value;
  /** The learned dissipation potential D_φ(x) for rows x [B, inputDim] → [B]. */
  dissipation(params: Readonly<MlpParams<Value>>, x: Value): Value;
  /** The dissipative part ∇D_φ of the field, [B, inputDim]. */
  dissipativeField(params: Readonly<MlpParams<Value>>, x: Value): Value;
  /**
   * The rate of phase-space contraction div ẋ = ΔD_φ of each row, [B]: −γ for a linear friction
   * ṗ = … − γp, and its mean over the data is the learned dissipation.
   */
  divergence(params: Readonly<MlpParams<Value>>, x: Value): Value;
}

/** The sub-record of the keys that start with `prefix`, the prefix removed. */
export function prefixedParams<V extends Value>(params: Readonly<MlpParams<V>>, prefix: string): MlpParams<V> {
  const out: MlpParams<V> = {};
  for (const key of Object.keys(params)) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = params[key];
  return out;
}

/** One record holding several networks' parameters under their prefixes. */
export function joinParams(parts: Readonly<Record<string, MlpParams>>): MlpParams {
  const out: MlpParams = {};
  for (const [prefix, params] of Object.entries(parts)) {
    for (const [key, leaf] of Object.entries(params)) out[`${prefix}${key}`] = leaf;
  }
  return out;
}

/** Σᵢ ∂²f/∂xᵢ² of a per-row scalar function f: [B, d] → [B], one forward-over-reverse pass per coordinate. */
export function rowwiseLaplacian(f: (x: Value) => Value): (x: Value) => Value {
  const gradient = rowwiseGrad(f, { mode: 'reverse' });
  return (x) => {
    const [rows, d] = x.shape;
    let total: Value | null = null;
    for (let i = 0; i < d; i++) {
      const direction = zeros([rows, d], x.dtype);
      for (let b = 0; b < rows; b++) direction.data[b * d + i] = 1;
      const column = slice(jvp(gradient, x, direction)[1] as Value, [0, i], [rows, i + 1]);
      total = total === null ? column : add(total, column);
    }
    return sum(total as Value, 1);
  };
}

/**
 * A Dissipative HNN (Sosanya & Greydanus 2022): ẋ = J∇H_θ(x) + ∇D_φ(x) with two scalar MLPs of the
 * reference shape, both gradients exact (reverse mode, one pass each), so the loss's parameter
 * gradient is exact too. Trained by `train` on the usual loss like the HNN. The reference also
 * feeds time to both networks; the systems here are autonomous, so it is left out.
 *
 * @example
 * ```ts
 * import { dhnnModel } from '@liouville/hamiltonian';
 * import { randomKey, tensor } from '@liouville/linalg';
 *
 * const model = dhnnModel({ inputDim: 2, hiddenDim: 64 });
 * const params = model.init(randomKey(0));
 * const x = tensor([[0.5, 0], [0, 1]]);
 * model.timeDerivative(params, x); // J∇H + ∇D per row: [2, 2]
 * model.divergence(params, x); // ΔD per row, the learned contraction rate: [2]
 * ```
 */
export function dhnnModel(options: DhnnOptions): DhnnModel {
  checkOptions('dhnnModel', options);
  const inputDim = options.inputDim;
  const nets = { H: network(options, 1), D: network(options, 1) };
  const Jt = transpose(permutationTensor(inputDim, true, options.dtype ?? 'float64'));
  const scalar = (name: 'H' | 'D', params: Readonly<MlpParams<Value>>) =>
    outputColumn(nets[name], prefixedParams(params, `${name}_`), 0);
  const dissipativeField = (params: Readonly<MlpParams<Value>>, x: Value): Value =>
    rowwiseGrad(scalar('D', params), { mode: 'reverse' })(x);
  return {
    kind: 'dhnn',
    inputDim,
    net: nets.H,
    nets,
    options: Object.freeze({ ...options }),
    init: (key: RandomKey) => {
      const [h, d] = splitKey(key, 2);
      return joinParams({ H_: nets.H.init(h), D_: nets.D.init(d) });
    },
    hamiltonian: (params, x) => {
      checkRows('dhnn.hamiltonian', x, inputDim);
      return scalar('H', params)(x);
    },
    dissipation: (params, x) => {
      checkRows('dhnn.dissipation', x, inputDim);
      return scalar('D', params)(x);
    },
    dissipativeField: (params, x) => {
      checkRows('dhnn.dissipativeField', x, inputDim);
      return dissipativeField(params, x);
    },
    divergence: (params, x) => {
      checkRows('dhnn.divergence', x, inputDim);
      return rowwiseLaplacian(scalar('D', params))(x);
    },
    timeDerivative: (params, x) => {
      checkRows('dhnn.timeDerivative', x, inputDim);
      const conservative = matmul(rowwiseGrad(scalar('H', params), { mode: 'reverse' })(x), Jt as Tensor);
      return add(conservative, dissipativeField(params, x));
    },
  };
}

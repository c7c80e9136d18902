import { type Value, add, matmul, reshape, rowwiseGrad, slice } from '@liouville/ad';
import {
  type DType,
  InvalidArgumentError,
  type RandomKey,
  ShapeError,
  Tensor,
  formatShape,
  symplecticJ,
  transpose,
} from '@liouville/linalg';
import { type ActivationName, type Mlp, type MlpParams, mlp } from '@liouville/nn';
import { checkPeriodic, embeddedWidth, periodicEmbedding } from './embedding.js';

/**
 * Learned vector fields: the Hamiltonian Neural Network and its baseline, as in the reference
 * code of Greydanus, Dzamba & Yosinski (NeurIPS 2019; github.com/greydanus/hamiltonian-nn, hnn.py).
 */

/** Which part of the Helmholtz decomposition the HNN learns (the reference's `field_type`). */
export type FieldType = 'solenoidal' | 'conservative' | 'both';

/** How the input gradient ∇ₓF is computed; both are exact, they differ only in cost. */
export type InputGradientMode = 'forward' | 'reverse';

/** Options shared by both models. */
export interface FieldModelOptions {
  /** Phase-space dimension 2n (q₁..qₙ, p₁..pₙ). */
  inputDim: number;
  /** Hidden layer width (reference: 200). */
  hiddenDim?: number;
  /** Number of hidden layers (reference: 2). */
  hiddenLayers?: number;
  /** Hidden activation (reference: tanh). */
  activation?: ActivationName;
  dtype?: DType;
  /**
   * Which q are angles (one boolean per degree of freedom): each enters the network as
   * (cos q, sin q), so the learned field is 2π-periodic in it and smooth across ±π.
   */
  periodic?: readonly boolean[];
}

/** Options of the HNN. */
export interface HnnOptions extends FieldModelOptions {
  fieldType?: FieldType;
  /** Canonical coordinates (x = (q, p), M = J), else the Levi-Civita tensor of the reference. */
  canonical?: boolean;
  /** Mode of the input gradient (default 'reverse': cheaper for the 2-output network; see README). */
  inputGradient?: InputGradientMode;
}

/**
 * Which learned model: the HNN and its baseline (Greydanus et al. 2019), the dissipative HNN
 * (Sosanya & Greydanus 2022; dissipative.ts), the Lagrangian Neural Network (Cranmer et al. 2020;
 * lagrangian.ts) and the separable HNN T_θ(p) + V_θ(q) that is trained through leapfrog rollouts
 * (Chen et al. 2020; separable.ts).
 */
export type FieldModelKind = 'hnn' | 'baseline' | 'dhnn' | 'lnn' | 'srnn';

/** A learned vector field ẋ = f_θ(x) with pure init/apply, the common face of every model. */
export interface FieldModel {
  readonly kind: FieldModelKind;
  readonly inputDim: number;
  readonly net: Mlp;
  init(key: RandomKey): MlpParams;
  /** The predicted time derivative for rows x [B, inputDim]. */
  timeDerivative(params: Readonly<MlpParams<Value>>, x: Value): Value;
}

/** The HNN: a network F_θ: ℝ²ⁿ → ℝ² whose second output is the learned Hamiltonian. */
export interface HnnModel extends FieldModel {
  readonly kind: 'hnn';
  readonly fieldType: FieldType;
  /** The matrix M of the solenoidal field F₂ ↦ ∇F₂·Mᵀ (J in canonical coordinates). */
  readonly M: Tensor;
  /** The learned Hamiltonian H_θ(x) = F₂(x) for rows x [B, inputDim] → [B]. */
  hamiltonian(params: Readonly<MlpParams<Value>>, x: Value): Value;
  /** The options the model was built with (what a parameter file records to rebuild it). */
  readonly options: Readonly<HnnOptions>;
}

/** The baseline: an MLP that predicts ẋ directly. */
export interface BaselineModel extends FieldModel {
  readonly kind: 'baseline';
  /** The options the model was built with. */
  readonly options: Readonly<FieldModelOptions>;
}

/**
 * The reference's `permutation_tensor(n)`: in canonical coordinates M = [[0, I], [−I, 0]] = J,
 * so ∇H·Mᵀ = (∂H/∂p, −∂H/∂q), Hamilton's equations; otherwise its Levi-Civita-style sign pattern.
 */
export function permutationTensor(n: number, canonical = true, dtype: DType = 'float64'): Tensor {
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0) {
    throw new InvalidArgumentError('permutationTensor: n', 'an even integer >= 2', n);
  }
  // In canonical coordinates M is linalg's J = [[0, I], [−I, 0]] (one definition of J).
  if (canonical) return symplecticJ(n / 2, dtype);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j) {
        // ones off the diagonal, sign flipped on even rows, on even columns, and above the diagonal
        const sign = (i % 2 === 0 ? -1 : 1) * (j % 2 === 0 ? -1 : 1) * (j > i ? -1 : 1);
        m[i * n + j] = sign;
      }
    }
  }
  const data = dtype === 'float32' ? Float32Array.from(m) : m;
  return new Tensor(data, [n, n]);
}

/** Checks the options every model shares (an even input dimension). */
export function checkOptions(operation: string, options: FieldModelOptions): void {
  const { inputDim } = options;
  if (!Number.isInteger(inputDim) || inputDim < 2 || inputDim % 2 !== 0) {
    throw new InvalidArgumentError(`${operation}: inputDim`, 'an even integer >= 2 (q and p halves)', inputDim);
  }
  checkPeriodic(operation, options.periodic, inputDim);
}

/** The reference MLP inputDim → hidden… → outputs (tanh, orthogonal init, no final bias) unless the options say otherwise. */
export function network(options: FieldModelOptions, outputs: number): Mlp {
  const hidden = options.hiddenDim ?? 200;
  const layers = options.hiddenLayers ?? 2;
  return mlp({
    sizes: [embeddedWidth(options.inputDim, options.periodic), ...new Array<number>(layers).fill(hidden), outputs],
    activation: options.activation ?? 'tanh',
    finalBias: false,
    init: 'orthogonal',
    dtype: options.dtype ?? 'float64',
  });
}

/** Checks x is a matrix of rows [B, inputDim]. */
export function checkRows(operation: string, x: Value, inputDim: number): void {
  if (x.shape.length !== 2 || x.shape[1] !== inputDim) {
    throw new ShapeError(operation, `x must have shape [B, ${inputDim}], got ${formatShape(x.shape)}`);
  }
}

/** One output column of the network as a per-row scalar function [B, d] → [B]. */
export function outputColumn(net: Mlp, params: Readonly<MlpParams<Value>>, column: number) {
  return (z: Value): Value => {
    const out = net.apply(params, z);
    const rows = out.shape[0];
    return reshape(slice(out, [0, column], [rows, column + 1]), [rows]);
  };
}

/**
 * A Hamiltonian Neural Network (Greydanus et al. 2019, §3): ẋ = ∇F₁ (conservative part) + ∇F₂·Mᵀ
 * (solenoidal part), with the gradients taken exactly by automatic differentiation, so the
 * parameter gradient of the loss is a derivative of a derivative (forward or reverse inner mode).
 *
 * @example
 * ```ts
 * import { hnnModel } from '@liouville/hamiltonian';
 * import { randomKey, tensor } from '@liouville/linalg';
 *
 * const model = hnnModel({ inputDim: 2 }); // the reference's MLP 2→200→200→2: tanh, orthogonal init
 * const params = model.init(randomKey(0));
 * const x = tensor([[0.5, 0], [0, 1]]); // two rows (q, p)
 * model.hamiltonian(params, x); // H_θ of each row: shape [2]
 * model.timeDerivative(params, x); // J∇H_θ, the predicted (q̇, ṗ) of each row: shape [2, 2]
 * ```
 */
export function hnnModel(options: HnnOptions): HnnModel {
  checkOptions('hnnModel', options);
  const fieldType = options.fieldType ?? 'solenoidal';
  if (!['solenoidal', 'conservative', 'both'].includes(fieldType)) {
    throw new InvalidArgumentError('hnnModel: fieldType', "'solenoidal', 'conservative' or 'both'", fieldType);
  }
  const mode = options.inputGradient ?? 'reverse';
  const net = network(options, 2);
  const M = permutationTensor(options.inputDim, options.canonical ?? true, options.dtype ?? 'float64');
  const Mt = transpose(M);
  const inputDim = options.inputDim;
  const embed = periodicEmbedding(inputDim, options.periodic);
  // F_c of rows x: the network's column c after the periodic embedding (the identity without one).
  const F = (params: Readonly<MlpParams<Value>>, c: number) => {
    const f = outputColumn(net, params, c);
    return (x: Value) => f(embed(x));
  };
  return {
    kind: 'hnn',
    inputDim,
    net,
    fieldType,
    M,
    options: Object.freeze({ ...options }),
    init: (key) => net.init(key),
    hamiltonian: (params, x) => {
      checkRows('hnn.hamiltonian', x, inputDim);
      return F(params, 1)(x);
    },
    timeDerivative: (params, x) => {
      checkRows('hnn.timeDerivative', x, inputDim);
      const conservative = fieldType === 'solenoidal' ? null : rowwiseGrad(F(params, 0), { mode })(x);
      const solenoidal = fieldType === 'conservative' ? null : matmul(rowwiseGrad(F(params, 1), { mode })(x), Mt);
      if (conservative === null) return solenoidal as Value;
      if (solenoidal === null) return conservative;
      return add(conservative, solenoidal);
    },
  };
}

/** The baseline of the paper: an MLP from x to ẋ, trained on the same loss. */
export function baselineModel(options: FieldModelOptions): BaselineModel {
  checkOptions('baselineModel', options);
  const net = network(options, options.inputDim);
  const inputDim = options.inputDim;
  const embed = periodicEmbedding(inputDim, options.periodic);
  return {
    kind: 'baseline',
    inputDim,
    net,
    options: Object.freeze({ ...options }),
    init: (key) => net.init(key),
    timeDerivative: (params, x) => {
      checkRows('baseline.timeDerivative', x, inputDim);
      return net.apply(params, embed(x));
    },
  };
}

import {
  type Value,
  add,
  concat,
  jvp,
  mul,
  reshape,
  rowwiseGrad,
  slice,
  solve,
  square,
  stack,
  sub,
  sum,
} from '@liouville/ad';
import { InvalidArgumentError, ShapeError, formatShape, zeros, checkPositiveInteger } from '@liouville/linalg';
import type { MlpParams } from '@liouville/nn';
import {
  type FieldModel,
  type FieldModelOptions,
  checkOptions,
  checkRows,
  network,
  outputColumn,
} from './fieldModels.js';

/**
 * The Lagrangian Neural Network of Cranmer, Greydanus, Hoyer, Battaglia, Spergel & Ho, "Lagrangian
 * Neural Networks" (ICLR 2020 workshop, arXiv 2003.04630): a network L_θ(q, q̇) whose
 * Euler–Lagrange equations d/dt ∂L/∂q̇ = ∂L/∂q, solved for the acceleration (their eq. 6),
 *   q̈ = (∇_q̇∇_q̇ᵀL)⁻¹ [∇_qL − (∇_q∇_q̇ᵀL) q̇],
 * are the model. Rows are x = (q, q̇): velocities, not canonical momenta.
 */

/** Options of `lnnModel`; `inputDim` is 2n for n degrees of freedom. Default activation: softplus. */
export interface LnnOptions extends FieldModelOptions {
  /**
   * c ≥ 0 in L_θ = network(q, q̇) + (c/2)|q̇|² (default 0, the paper's form). Any Lagrangian can
   * still be written this way; with c > 0 the learned mass matrix ∂²L/∂q̇² starts near c·I instead
   * of the random Hessian of a fresh network, so the first solves are well conditioned. Measured on
   * the double pendulum (angles and velocities, 1000 Adam steps, batch 256): test loss 5.6e-2 with
   * c = 1 against 0.37 with c = 0. Cranmer et al. reach a trainable start by a tuned initialisation
   * instead.
   */
  readonly kineticOffset?: number;
}

/** An LNN: its time derivative of a row (q, q̇) is (q̇, q̈_θ). */
export interface LnnModel extends FieldModel {
  readonly kind: 'lnn';
  /** The options the model was built with (what a parameter file records to rebuild it). */
  readonly options: Readonly<LnnOptions>;
  /** The learned Lagrangian L_θ(x) of rows x = (q, q̇) [B, 2n] → [B]. */
  lagrangian(params: Readonly<MlpParams<Value>>, x: Value): Value;
  /** The accelerations q̈ of rows [B, 2n] → [B, n] by the Euler–Lagrange equations of L_θ. */
  acceleration(params: Readonly<MlpParams<Value>>, x: Value): Value;
  /** The energy of L_θ, E = q̇·∂L/∂q̇ − L (its Legendre transform, conserved by its flow), [B]. */
  energy(params: Readonly<MlpParams<Value>>, x: Value): Value;
}

/** Rows [B, 2n] whose coordinate `axis` is 1 and every other 0: one direction per row. */
function unitRows(rows: number, width: number, axis: number, dtype: Value['dtype']) {
  const e = zeros([rows, width], dtype);
  for (let b = 0; b < rows; b++) e.data[b * width + axis] = 1;
  return e;
}

/**
 * The Euler–Lagrange accelerations of a per-row Lagrangian L: [B, 2n] → [B], rows (q, q̇):
 * q̈ = M⁻¹(∇_qL − C q̇) with M = ∂²L/∂q̇² and C q̇ = Σⱼ ∂²L/∂q̇∂qⱼ q̇ⱼ. The gradient g = ∇L comes
 * from one reverse pass; n + 1 forward passes over it give the Hessian columns of M (directions
 * e_{n+j}) and the product H·(q̇, 0), whose lower half is C q̇. The batched n×n solve is
 * @liouville/ad's `solve`, so the whole map differentiates again: a loss on q̈ has an exact
 * parameter gradient. M must be nonsingular (a regular Lagrangian).
 */
export function lagrangianAcceleration(lagrangian: (x: Value) => Value, dof: number): (x: Value) => Value {
  checkPositiveInteger('lagrangianAcceleration: dof', dof);
  const gradient = rowwiseGrad(lagrangian, { mode: 'reverse' });
  const n = dof;
  return (x) => {
    if (x.shape.length !== 2 || x.shape[1] !== 2 * n) {
      throw new ShapeError('lagrangianAcceleration', `x must have shape [B, ${2 * n}], got ${formatShape(x.shape)}`);
    }
    const rows = x.shape[0];
    const lower = (v: Value) => slice(v, [0, n], [rows, 2 * n]);
    const columns: Value[] = [];
    let g: Value = x;
    for (let j = 0; j < n; j++) {
      const [value, column] = jvp(gradient, x, unitRows(rows, 2 * n, n + j, x.dtype)) as [Value, Value];
      g = value;
      columns.push(lower(column));
    }
    // The direction (q̇, 0): moving the positions along the velocities.
    const alongVelocity = concat([lower(x), zeros([rows, n], x.dtype)], 1);
    const [, hv] = jvp(gradient, x, alongVelocity) as [Value, Value];
    const massMatrix = stack(columns, 2);
    const rhs = sub(slice(g, [0, 0], [rows, n]), lower(hv));
    return reshape(solve(massMatrix, reshape(rhs, [rows, n, 1])), [rows, n]);
  };
}

/**
 * A Lagrangian Neural Network (Cranmer et al. 2020): an MLP L_θ: (q, q̇) ↦ ℝ, and the field
 * ẋ = (q̇, q̈) of its Euler–Lagrange equations (`lagrangianAcceleration`). Trained by `train` on rows
 * (q, q̇) with targets (q̇, q̈): the q̇ half of the prediction is the input itself, so the loss
 * measures the accelerations (half the mean of their squared errors). The paper's activation is
 * softplus (ReLU has a zero second derivative, and the model needs ∂²L); the default here.
 *
 * @example
 * ```ts
 * import { lnnModel } from '@liouville/hamiltonian';
 * import { randomKey, tensor } from '@liouville/linalg';
 *
 * const model = lnnModel({ inputDim: 2, hiddenDim: 64 });
 * const params = model.init(randomKey(0));
 * model.timeDerivative(params, tensor([[0.3, 0.1]])); // (q̇, q̈) of the row (q, q̇) = (0.3, 0.1)
 * ```
 */
export function lnnModel(options: LnnOptions): LnnModel {
  checkOptions('lnnModel', options);
  const inputDim = options.inputDim;
  const n = inputDim / 2;
  const net = network({ ...options, activation: options.activation ?? 'softplus' }, 1);
  const offset = options.kineticOffset ?? 0;
  if (!(offset >= 0) || !Number.isFinite(offset)) {
    throw new InvalidArgumentError('lnnModel: kineticOffset', 'a finite number >= 0', offset);
  }
  const lagrangian = (params: Readonly<MlpParams<Value>>) => {
    const output = outputColumn(net, params, 0);
    if (offset === 0) return output;
    return (x: Value) => {
      const velocities = slice(x, [0, n], [x.shape[0], 2 * n]);
      return add(output(x), mul(offset / 2, sum(square(velocities), 1)));
    };
  };
  const acceleration = (params: Readonly<MlpParams<Value>>, x: Value) =>
    lagrangianAcceleration(lagrangian(params), n)(x);
  return {
    kind: 'lnn',
    inputDim,
    net,
    options: Object.freeze({ ...options }),
    init: (key) => net.init(key),
    lagrangian: (params, x) => {
      checkRows('lnn.lagrangian', x, inputDim);
      return lagrangian(params)(x);
    },
    acceleration: (params, x) => {
      checkRows('lnn.acceleration', x, inputDim);
      return acceleration(params, x);
    },
    energy: (params, x) => {
      checkRows('lnn.energy', x, inputDim);
      const rows = x.shape[0];
      const momentum = slice(rowwiseGrad(lagrangian(params), { mode: 'reverse' })(x), [0, n], [rows, 2 * n]);
      return sub(sum(mul(momentum, slice(x, [0, n], [rows, 2 * n])), 1), lagrangian(params)(x));
    },
    timeDerivative: (params, x) => {
      checkRows('lnn.timeDerivative', x, inputDim);
      const rows = x.shape[0];
      return concat([slice(x, [0, n], [rows, 2 * n]), acceleration(params, x)], 1);
    },
  };
}

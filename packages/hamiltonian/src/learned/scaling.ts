import { type Value, add, div, mul, sub } from '@liouville/ad';
import { InvalidArgumentError, type Tensor, tensor } from '@liouville/linalg';
import type { SeparableSystem } from '@liouville/integrators';
import type { MlpParams } from '@liouville/nn';
import { type Dataset, type Split, tensorOf } from '../data/Dataset.js';
import type { FieldModel } from './fieldModels.js';

/**
 * Units for learning: x′ = (x − center) / scale and t′ = t / time. Measured data in pixels or
 * degrees saturate tanh networks; this change of variables keeps Hamilton's equations exactly
 * when every degree of freedom has the same product scale_q·scale_p = c, because then
 *   dq′/dt′ = ∂H′/∂p′,  dp′/dt′ = −∂H′/∂q′   with   H′(x′) = (time / c) · H(center + scale ⊙ x′)
 * (translations and the scaling qᵢ → aqᵢ, pᵢ → pᵢ/a are canonical; a common factor of q and p
 * and of t rescales H). A model learns H′ on scaled data; `unscaledModel` undoes the change, so
 * its H and its field are in the user's units.
 */
export interface PhaseScaling {
  /** Subtracted from x = (q₁ … qₙ, p₁ … pₙ) before scaling (0 for angles). */
  readonly center: readonly number[];
  /** x is divided by these (1 for angles, which the periodic embedding reads in radians). */
  readonly scale: readonly number[];
  /** Time is divided by this. */
  readonly time: number;
}

/** Relative tolerance of the check that every scale_q·scale_p is the same. */
const PRODUCT_TOL = 1e-9;

/** Checks a scaling for 2n coordinates: finite, positive scales whose products scale_qᵢ·scale_pᵢ agree. */
export function checkScaling(operation: string, scaling: unknown, width: number): PhaseScaling {
  const s = scaling as PhaseScaling;
  const list = (v: unknown, positive: boolean) =>
    Array.isArray(v) &&
    v.length === width &&
    v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
  const ok =
    s !== null &&
    typeof s === 'object' &&
    list(s.center, false) &&
    list(s.scale, true) &&
    typeof s.time === 'number' &&
    Number.isFinite(s.time) &&
    s.time > 0;
  if (!ok) {
    throw new InvalidArgumentError(
      `${operation}: scaling`,
      `{ center, scale } of ${width} numbers and a time > 0`,
      scaling,
    );
  }
  const n = width / 2;
  const c = s.scale[0] * s.scale[n];
  for (let i = 1; i < n; i++) {
    const product = s.scale[i] * s.scale[n + i];
    if (Math.abs(product - c) > PRODUCT_TOL * c) {
      throw new InvalidArgumentError(
        `${operation}: scaling.scale`,
        `the same product scale_q·scale_p for every degree of freedom (canonical), got ${c} and ${product}`,
        s.scale,
      );
    }
  }
  return s;
}

/** Mean and standard deviation of column j of rows [N, width]. */
function columnStats(x: Tensor, j: number): { mean: number; std: number } {
  const [rows, width] = x.shape;
  let sum = 0;
  for (let r = 0; r < rows; r++) sum += x.data[r * width + j];
  const mean = sum / rows;
  let squares = 0;
  for (let r = 0; r < rows; r++) squares += (x.data[r * width + j] - mean) ** 2;
  return { mean, std: Math.sqrt(squares / rows) };
}

/**
 * A scaling from a split (the training split, so the test data stay unseen): each coordinate
 * centred on its mean and divided by its standard deviation, then each pair (qᵢ, pᵢ) adjusted to
 * the common product c (the geometric mean of the products), keeping its ratio; angles
 * (`periodic`) stay in radians, uncentred. Time is scaled so that the derivatives in the new
 * units have root mean square 1.
 */
export function phaseScaling(split: Split, options: { periodic?: readonly boolean[] } = {}): PhaseScaling {
  const width = split.x.shape[1];
  const n = width / 2;
  const stats = Array.from({ length: width }, (_, j) => columnStats(split.x, j));
  const periodic = (i: number) => options.periodic?.[i] === true;
  const spread = stats.map(({ std }, j) => (std > 0 && !(j < n && periodic(j)) ? std : 1));
  const c = Math.exp(
    Array.from({ length: n }, (_, i) => Math.log(spread[i] * spread[n + i])).reduce((a, b) => a + b) / n,
  );
  const scale = new Array<number>(width);
  for (let i = 0; i < n; i++) {
    const ratio = spread[i] / spread[n + i];
    scale[i] = periodic(i) ? 1 : Math.sqrt(c * ratio);
    scale[n + i] = periodic(i) ? c : Math.sqrt(c / ratio);
  }
  const center = stats.map(({ mean }, j) => (j < n && periodic(j) ? 0 : mean));
  let squares = 0;
  const rows = split.x.shape[0];
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < width; j++) squares += (split.dxdt.data[r * width + j] / scale[j]) ** 2;
  const rms = Math.sqrt(squares / (rows * width));
  return { center, scale, time: rms > 0 ? 1 / rms : 1 };
}

/** A split in scaled units: x′ = (x − center)/scale, dx′/dt′ = time · (dx/dt)/scale, t′ = t/time. */
export function scaleSplit(split: Split, scaling: PhaseScaling): Split {
  const [rows, width] = split.x.shape;
  checkScaling('scaleSplit', scaling, width);
  const x = new Float64Array(rows * width);
  const dxdt = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < width; j++) {
      const k = r * width + j;
      x[k] = (split.x.data[k] - scaling.center[j]) / scaling.scale[j];
      dxdt[k] = (scaling.time * split.dxdt.data[k]) / scaling.scale[j];
    }
  }
  const dtype = split.x.dtype;
  const scaled: Split = { ...split, x: tensorOf(x, [rows, width], dtype), dxdt: tensorOf(dxdt, [rows, width], dtype) };
  if (split.t === undefined) return scaled;
  return {
    ...scaled,
    t: tensorOf(
      Array.from(split.t.data, (v) => v / scaling.time),
      [rows],
      dtype,
    ),
  };
}

/** Both splits of a dataset in scaled units, the scaling recorded in its meta. */
export function scaleDataset(dataset: Dataset, scaling: PhaseScaling): Dataset {
  return {
    ...dataset,
    train: scaleSplit(dataset.train, scaling),
    test: scaleSplit(dataset.test, scaling),
    meta: { ...dataset.meta, scaling },
  };
}

/**
 * A model trained in scaled units, working in the user's: x is scaled before the model and its
 * field scaled back, ẋ = (scale / time) ⊙ f′((x − center)/scale); an HNN's Hamiltonian becomes
 * H(x) = (c / time) · H′((x − center)/scale), so `hnn(unscaledModel(model, s), params)` is the
 * learned H in the user's units and its J∇H is the unscaled field. Same parameters.
 */
export function unscaledModel<M extends FieldModel>(model: M, scaling: PhaseScaling): M {
  const width = model.inputDim;
  checkScaling('unscaledModel', scaling, width);
  const periodic = (model as { options?: { periodic?: readonly boolean[] } }).options?.periodic;
  periodic?.forEach((angle, i) => {
    if (angle && (scaling.center[i] !== 0 || scaling.scale[i] !== 1)) {
      throw new InvalidArgumentError('unscaledModel: scaling', `center 0 and scale 1 for the angle q${i + 1}`, scaling);
    }
  });
  const center = tensor([...scaling.center]);
  const inverse = tensor(scaling.scale.map((s) => 1 / s));
  const fieldScale = tensor(scaling.scale.map((s) => s / scaling.time));
  const energyScale = (scaling.scale[0] * scaling.scale[width / 2]) / scaling.time;
  const inner = (x: Value) => mul(sub(x, center), inverse);
  const wrapped: FieldModel & { hamiltonian?: (params: Readonly<MlpParams<Value>>, x: Value) => Value } = {
    ...model,
    timeDerivative: (params, x) => mul(model.timeDerivative(params, inner(x)), fieldScale),
  };
  const H = (model as { hamiltonian?: (params: Readonly<MlpParams<Value>>, x: Value) => Value }).hamiltonian;
  if (H !== undefined) wrapped.hamiltonian = (params, x) => mul(energyScale, H(params, inner(x)));
  const separable = (model as { system?: (params: Readonly<MlpParams<Value>>) => SeparableSystem }).system;
  if (separable !== undefined) {
    Object.assign(wrapped, { system: unscaledSeparable(separable, scaling, energyScale) });
  }
  return wrapped as M;
}

/**
 * A separable learned system (the SRNN's T′(p′) + V′(q′)) in the user's units: the scaling acts on
 * q and p apart, so H = (c / time)·(T′((p − center_p)/scale_p) + V′((q − center_q)/scale_q)) stays
 * separable and explicit splitting methods still apply.
 */
function unscaledSeparable(
  system: (params: Readonly<MlpParams<Value>>) => SeparableSystem,
  scaling: PhaseScaling,
  energyScale: number,
) {
  const n = scaling.center.length / 2;
  const half = (from: number) => ({
    center: tensor(scaling.center.slice(from, from + n)),
    inverse: tensor(scaling.scale.slice(from, from + n).map((s) => 1 / s)),
  });
  const [q, p] = [half(0), half(n)];
  return (params: Readonly<MlpParams<Value>>): SeparableSystem => {
    const inner = system(params);
    return {
      ...inner,
      T: (momenta: Value) => mul(energyScale, inner.T(mul(sub(momenta, p.center), p.inverse))),
      V: (positions: Value) => mul(energyScale, inner.V(mul(sub(positions, q.center), q.inverse))),
    };
  };
}

/** x in the user's units from scaled rows (the inverse of the state part of `scaleSplit`). */
export function unscaleState(x: Value, scaling: PhaseScaling): Value {
  return add(mul(x, tensor([...scaling.scale])), tensor([...scaling.center]));
}

/** Rows in scaled units from the user's. */
export function scaleState(x: Value, scaling: PhaseScaling): Value {
  return div(sub(x, tensor([...scaling.center])), tensor([...scaling.scale]));
}

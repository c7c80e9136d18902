import { type Value, add, isValue, matmul } from '@liouville/ad';
import {
  type DType,
  InvalidArgumentError,
  type RandomKey,
  type Shape,
  ShapeError,
  type Tensor,
  formatShape,
  randomUniform,
  shapesEqual,
  splitKey,
  zeros,
} from '@liouville/linalg';
import { type Activation, type ActivationName, activation as activationByName } from './activations.js';
import { type Initializer, type InitializerName, initializer } from './init.js';

/**
 * A multilayer perceptron as two pure functions. Parameters are a plain record
 *   { W0, b0, W1, b1, ..., W{L−1}, b{L−1} }
 * for L = sizes.length − 1 layers, with W_i of shape [sizes[i], sizes[i+1]] and b_i of shape
 * [sizes[i+1]]; layer i computes h·W_i + b_i, and the activation follows every layer but the last.
 * With `finalBias: false` the last bias b{L−1} is absent.
 *
 * With `finalBias: false` and the other defaults, this is the MLP of the Hamiltonian Neural
 * Networks reference code (Greydanus, Dzamba & Yosinski 2019, github.com/greydanus/hamiltonian-nn,
 * `nn_models.MLP`, there with sizes [in, h, h, out]): torch.nn.Linear layers whose weights are
 * re-initialised with `torch.nn.init.orthogonal_`, whose biases keep torch.nn.Linear's default
 * U(−1/√fanIn, 1/√fanIn), tanh activations, and an output layer built with `bias=None`.
 */

/** Options of `mlp`. */
export interface MlpOptions {
  /** Layer widths [in, h1, ..., out]: at least two positive integers. */
  sizes: readonly number[];
  /** Activation after each hidden layer, by name or as a differentiable function (default 'tanh'). */
  activation?: ActivationName | Activation;
  /** Whether the output layer has a bias (default true; the HNN reference uses false). */
  finalBias?: boolean;
  /** Weight initialiser, by name or as a function (default 'orthogonal'). */
  init?: InitializerName | Initializer;
  /** Bias initialiser: 'uniform' is torch.nn.Linear's U(±1/√fanIn) (the default), or 'zeros'. */
  biasInit?: 'uniform' | 'zeros';
  /** Element type of the parameters (default 'float64'). */
  dtype?: DType;
}

/** Parameters of an MLP: `W{i}` and `b{i}` tensors (or differentiable values inside a transformation). */
export type MlpParams<V extends Value = Tensor> = Record<string, V>;

/** An MLP: `init(key)` draws parameters, `apply(params, x)` maps [B, in] to [B, out] (or [in] to [out]). */
export interface Mlp {
  readonly sizes: readonly number[];
  /** The shape of every parameter, by name. */
  readonly paramShapes: Readonly<Record<string, Shape>>;
  init(key: RandomKey): MlpParams;
  apply(params: Readonly<MlpParams<Value>>, x: Value): Value;
}

function checkSizes(sizes: readonly number[]): void {
  const valid = Array.isArray(sizes) && sizes.length >= 2 && sizes.every((n) => Number.isInteger(n) && n > 0);
  if (!valid)
    throw new InvalidArgumentError('mlp: sizes', 'an array [in, ..., out] of at least two positive integers', sizes);
}

function resolveActivation(a: ActivationName | Activation): Activation {
  return typeof a === 'function' ? a : activationByName(a);
}

function resolveInit(init: InitializerName | Initializer): Initializer {
  return typeof init === 'function' ? init : initializer(init);
}

function layerShapes(sizes: readonly number[], finalBias: boolean): Record<string, Shape> {
  const shapes: Record<string, Shape> = {};
  const layers = sizes.length - 1;
  for (let i = 0; i < layers; i++) {
    shapes[`W${i}`] = Object.freeze([sizes[i], sizes[i + 1]]);
    if (i < layers - 1 || finalBias) shapes[`b${i}`] = Object.freeze([sizes[i + 1]]);
  }
  return shapes;
}

function checkParams(params: Readonly<MlpParams<Value>>, shapes: Record<string, Shape>): void {
  const expected = Object.keys(shapes);
  if (params === null || typeof params !== 'object') {
    throw new InvalidArgumentError('mlp.apply: params', `a record with the keys ${expected.join(', ')}`, params);
  }
  const given = Object.keys(params);
  const missing = expected.filter((k) => !Object.hasOwn(params, k));
  const extra = given.filter((k) => !Object.hasOwn(shapes, k));
  if (missing.length > 0 || extra.length > 0) {
    const problems = [
      missing.length > 0 ? `missing ${missing.join(', ')}` : '',
      extra.length > 0 ? `unexpected ${extra.join(', ')}` : '',
    ];
    const what = `a record with exactly the keys ${expected.join(', ')} (${problems.filter(Boolean).join('; ')})`;
    throw new InvalidArgumentError('mlp.apply: params', what, given);
  }
  for (const key of expected) {
    const leaf = params[key];
    if (!isValue(leaf)) {
      throw new InvalidArgumentError(`mlp.apply: params.${key}`, 'a Tensor or a differentiable value', leaf);
    }
    const want = shapes[key];
    if (!shapesEqual(leaf.shape, want)) {
      throw new ShapeError(
        'mlp.apply',
        `params.${key} must have shape ${formatShape(want)}, got ${formatShape(leaf.shape)}`,
      );
    }
  }
}

function checkInput(x: Value, width: number): void {
  const rank = x?.shape?.length;
  if ((rank !== 1 && rank !== 2) || x.shape[rank - 1] !== width) {
    const got = Array.isArray(x?.shape) ? formatShape(x.shape) : String(x);
    throw new ShapeError('mlp.apply', `x must have shape [B, ${width}] (or [${width}]), got ${got}`);
  }
}

interface Resolved {
  sizes: readonly number[];
  shapes: Record<string, Shape>;
  act: Activation;
  initWeight: Initializer;
  biasInit: 'uniform' | 'zeros';
  dtype: DType;
}

function initParams(r: Resolved, key: RandomKey): MlpParams {
  const layers = r.sizes.length - 1;
  // Two keys per layer, W_i from keys[2i] and b_i from keys[2i + 1], so the draws of one layer
  // never depend on the presence or size of another.
  const keys = splitKey(key, 2 * layers);
  const params: MlpParams = {};
  for (let i = 0; i < layers; i++) {
    params[`W${i}`] = r.initWeight(keys[2 * i], r.shapes[`W${i}`], r.dtype);
    const b = r.shapes[`b${i}`];
    if (b === undefined) continue;
    // torch.nn.Linear.reset_parameters: bias ~ U(−1/√fanIn, 1/√fanIn).
    const bound = 1 / Math.sqrt(r.sizes[i]);
    params[`b${i}`] =
      r.biasInit === 'zeros'
        ? zeros(b, r.dtype)
        : randomUniform(keys[2 * i + 1], b, { low: -bound, high: bound, dtype: r.dtype });
  }
  return params;
}

function applyMlp(r: Resolved, params: Readonly<MlpParams<Value>>, x: Value): Value {
  checkParams(params, r.shapes);
  checkInput(x, r.sizes[0]);
  const layers = r.sizes.length - 1;
  let h = x;
  for (let i = 0; i < layers; i++) {
    const b = params[`b${i}`];
    const z = matmul(h, params[`W${i}`]);
    h = b === undefined ? z : add(z, b);
    if (i < layers - 1) h = r.act(h);
  }
  return h;
}

/** Builds an MLP (parameter layout and HNN-reference defaults above); validates the options eagerly. */
export function mlp(options: MlpOptions): Mlp {
  const {
    sizes,
    activation = 'tanh',
    finalBias = true,
    init = 'orthogonal',
    biasInit = 'uniform',
    dtype = 'float64',
  } = options;
  checkSizes(sizes);
  if (biasInit !== 'uniform' && biasInit !== 'zeros')
    throw new InvalidArgumentError('mlp: biasInit', "'uniform' or 'zeros'", biasInit);
  if (dtype !== 'float64' && dtype !== 'float32')
    throw new InvalidArgumentError('mlp: dtype', "'float64' or 'float32'", dtype);
  if (typeof finalBias !== 'boolean') throw new InvalidArgumentError('mlp: finalBias', 'a boolean', finalBias);
  const frozenSizes = Object.freeze([...sizes]);
  const r: Resolved = {
    sizes: frozenSizes,
    shapes: Object.freeze(layerShapes(sizes, finalBias)) as Record<string, Shape>,
    act: resolveActivation(activation),
    initWeight: resolveInit(init),
    biasInit,
    dtype,
  };
  return Object.freeze({
    sizes: frozenSizes,
    paramShapes: r.shapes,
    init: (key: RandomKey) => initParams(r, key),
    apply: (params: Readonly<MlpParams<Value>>, x: Value) => applyMlp(r, params, x),
  });
}

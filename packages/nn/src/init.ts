import {
  type DType,
  InvalidArgumentError,
  type RandomKey,
  type Shape,
  Tensor,
  allocate,
  checkFinitePositive,
  formatShape,
  randomNormal,
  randomUniform,
  sizeOf,
  validateShape,
  zeros,
} from '@liouville/linalg';
import { haarOrthonormalColumns } from './qr.js';

/**
 * Weight initialisers. Every one is a pure function of an explicit key: same key, shape and
 * options ⇒ bit-identical tensor. Weights use the layout [fanIn, fanOut] (a layer computes x·W),
 * the transpose of PyTorch's [out, in]; the fans below are read accordingly.
 */

/** An initialiser as `mlp` uses it: key, shape and dtype to a tensor. */
export type Initializer = (key: RandomKey, shape: Shape, dtype?: DType) => Tensor;

/** Options of the variance-scaling initialisers and of `orthogonal`. */
export interface InitOptions {
  /** Multiplies the standard deviation (or the orthogonal matrix). */
  gain?: number;
  /** Element type (default 'float64'). */
  dtype?: DType;
}

/** Options of the He initialisers. */
export interface HeOptions extends InitOptions {
  /** Preserve the variance of activations ('fanIn', the default) or of gradients ('fanOut'). */
  mode?: 'fanIn' | 'fanOut';
}

function checkOptions(operation: string, gain: number, dtype: DType): void {
  checkFinitePositive(`${operation}: gain`, gain);
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new InvalidArgumentError(`${operation}: dtype`, "'float64' or 'float32'", dtype);
  }
}

/** [fanIn, fanOut] of a weight matrix [fanIn, fanOut]. */
function fans(operation: string, shape: Shape): [number, number] {
  validateShape(shape, `${operation}: shape`);
  if (shape.length !== 2) {
    throw new InvalidArgumentError(`${operation}: shape`, 'a matrix shape [fanIn, fanOut]', formatShape(shape));
  }
  return [shape[0], shape[1]];
}

/** Standard normal samples times `std`, computed in float64 and then stored in `dtype`. */
function scaledNormal(key: RandomKey, shape: Shape, std: number, dtype: DType): Tensor {
  const z = randomNormal(key, shape, 'float64').data;
  const out = allocate(dtype, z.length);
  for (let i = 0; i < z.length; i++) out[i] = std * z[i];
  return new Tensor(out, shape);
}

/** Uniform samples in [−bound, bound); an empty shape needs no bound. */
function symmetricUniform(key: RandomKey, shape: Shape, bound: number, dtype: DType): Tensor {
  if (sizeOf(shape) === 0) return zeros(shape, dtype);
  return randomUniform(key, shape, { low: -bound, high: bound, dtype });
}

/**
 * A (semi-)orthogonal matrix, Haar-distributed, times `gain` (Saxe, McClelland & Ganguli 2014,
 * "Exact solutions to the nonlinear dynamics of learning in deep linear neural networks", ICLR),
 * as PyTorch's `nn.init.orthogonal_`: QR of a Gaussian matrix with the sign correction by diag(R).
 * Shape [rows, ...rest] is treated as rows × prod(rest); the columns are orthonormal when
 * rows ≥ cols (WᵀW = I), the rows when rows < cols (WWᵀ = I). Computed in float64. The Haar
 * distribution is invariant under transposition, so a weight [in, out] drawn here is distributed as
 * the transpose of PyTorch's [out, in] weight.
 */
export function orthogonal(key: RandomKey, shape: Shape, options: InitOptions = {}): Tensor {
  const { gain = 1, dtype = 'float64' } = options;
  checkOptions('orthogonal', gain, dtype);
  validateShape(shape, 'orthogonal: shape');
  if (shape.length < 2) {
    throw new InvalidArgumentError('orthogonal: shape', 'a shape with at least 2 axes', formatShape(shape));
  }
  const rows = shape[0];
  const cols = sizeOf(shape) / Math.max(rows, 1);
  if (rows * cols === 0) return zeros(shape, dtype);
  // Like PyTorch, draw rows × cols and factor the transpose when the matrix is wide.
  const gaussian = randomNormal(key, [rows, cols], 'float64').data as Float64Array;
  const wide = rows < cols;
  const tall = wide ? transposed(gaussian, rows, cols) : gaussian;
  const q = haarOrthonormalColumns(tall, wide ? cols : rows, wide ? rows : cols);
  const matrix = wide ? transposed(q, cols, rows) : q;
  const out = allocate(dtype, matrix.length);
  for (let i = 0; i < matrix.length; i++) out[i] = gain * matrix[i];
  return new Tensor(out, shape);
}

function transposed(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

/**
 * Glorot (Xavier) uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)), variance
 * gain²·2/(fanIn + fanOut) (Glorot & Bengio 2010, "Understanding the difficulty of training deep
 * feedforward neural networks", AISTATS, eq. 16).
 */
export function glorotUniform(key: RandomKey, shape: Shape, options: InitOptions = {}): Tensor {
  const { gain = 1, dtype = 'float64' } = options;
  checkOptions('glorotUniform', gain, dtype);
  const [fanIn, fanOut] = fans('glorotUniform', shape);
  return symmetricUniform(key, shape, gain * Math.sqrt(6 / (fanIn + fanOut)), dtype);
}

/** Glorot (Xavier) normal: N(0, gain²·2/(fanIn + fanOut)) (Glorot & Bengio 2010; PyTorch's xavier_normal_, untruncated). */
export function glorotNormal(key: RandomKey, shape: Shape, options: InitOptions = {}): Tensor {
  const { gain = 1, dtype = 'float64' } = options;
  checkOptions('glorotNormal', gain, dtype);
  const [fanIn, fanOut] = fans('glorotNormal', shape);
  return scaledNormal(key, shape, gain * Math.sqrt(2 / (fanIn + fanOut)), dtype);
}

function heFan(operation: string, shape: Shape, mode: string): number {
  const [fanIn, fanOut] = fans(operation, shape);
  if (mode !== 'fanIn' && mode !== 'fanOut')
    throw new InvalidArgumentError(`${operation}: mode`, "'fanIn' or 'fanOut'", mode);
  return mode === 'fanIn' ? fanIn : fanOut;
}

/**
 * He (Kaiming) normal: N(0, gain²/fan), default gain √2 for ReLU, so Var = 2/fanIn (He, Zhang, Ren
 * & Sun 2015, "Delving deep into rectifiers", ICCV, eq. 10; PyTorch's kaiming_normal_, untruncated).
 */
export function heNormal(key: RandomKey, shape: Shape, options: HeOptions = {}): Tensor {
  const { gain = Math.SQRT2, dtype = 'float64', mode = 'fanIn' } = options;
  checkOptions('heNormal', gain, dtype);
  const fan = heFan('heNormal', shape, mode);
  return scaledNormal(key, shape, gain / Math.sqrt(fan), dtype);
}

/** He (Kaiming) uniform: U(−a, a) with a = gain·√(3/fan), the same variance gain²/fan as heNormal (He et al. 2015). */
export function heUniform(key: RandomKey, shape: Shape, options: HeOptions = {}): Tensor {
  const { gain = Math.SQRT2, dtype = 'float64', mode = 'fanIn' } = options;
  checkOptions('heUniform', gain, dtype);
  const fan = heFan('heUniform', shape, mode);
  return symmetricUniform(key, shape, gain * Math.sqrt(3 / fan), dtype);
}

/** All zeros (the key is accepted for a uniform signature and ignored). Named so it does not shadow linalg's `zeros`. */
export function zerosInit(_key: RandomKey, shape: Shape, options: { dtype?: DType } = {}): Tensor {
  const { dtype = 'float64' } = options;
  checkOptions('zerosInit', 1, dtype);
  validateShape(shape, 'zerosInit: shape');
  return zeros(shape, dtype);
}

/** The names `mlp` accepts for its weight initialiser. */
export type InitializerName = 'orthogonal' | 'glorotUniform' | 'glorotNormal' | 'heNormal' | 'heUniform' | 'zeros';

const initializers: Record<InitializerName, Initializer> = {
  orthogonal: (key, shape, dtype) => orthogonal(key, shape, { dtype }),
  glorotUniform: (key, shape, dtype) => glorotUniform(key, shape, { dtype }),
  glorotNormal: (key, shape, dtype) => glorotNormal(key, shape, { dtype }),
  heNormal: (key, shape, dtype) => heNormal(key, shape, { dtype }),
  heUniform: (key, shape, dtype) => heUniform(key, shape, { dtype }),
  zeros: (key, shape, dtype) => zerosInit(key, shape, { dtype }),
};

/** The initialiser of a name (default options); an unknown name throws InvalidArgumentError listing the valid ones. */
export function initializer(name: InitializerName): Initializer {
  if (typeof name !== 'string' || !Object.hasOwn(initializers, name)) {
    const valid = Object.keys(initializers).map((n) => `'${n}'`);
    throw new InvalidArgumentError('initializer: name', `one of ${valid.join(', ')}`, name);
  }
  return initializers[name];
}

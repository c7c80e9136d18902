import { InvalidArgumentError } from './errors.js';
import { jsMatmulKernels } from './jsMatmulKernel.js';
import type { DType, TypedArray } from './Tensor.js';
import { wasmMatmulKernels, wasmSimdSupported } from './wasm/wasmMatmulKernel.js';

/**
 * A matrix-multiply kernel for one result dtype. `matmulNN` overwrites C (m×n) with A (m×k) · B
 * (k×n); all three are dense row-major blocks starting at the given element offsets ("NN": neither
 * operand transposed, as in BLAS). `c` has the kernel's dtype; `a` and `b` may be either typed array
 * (a float32 operand of a float64 product is widened exactly). This is the only interface `matmul`
 * relies on, so an implementation can be swapped without touching any other code.
 */
export interface MatmulKernel {
  /** A short identifier, e.g. 'wasm-simd-float64' or 'js-float32'. */
  readonly name: string;
  /** The dtype of C, which fixes the arithmetic precision. */
  readonly dtype: DType;
  /** C = A·B for row-major blocks at the given offsets; k = 0 gives zeros. */
  matmulNN(
    a: TypedArray,
    aOffset: number,
    b: TypedArray,
    bOffset: number,
    c: TypedArray,
    cOffset: number,
    m: number,
    k: number,
    n: number,
  ): void;
  /**
   * As `matmulNN`, with A read from its transpose (Aᵀ stored k×m row-major at `aOffset`) when
   * `transposeA`, and B from its transpose (Bᵀ stored n×k) when `transposeB`. Only the layout
   * differs: every entry of C is the same sum in the same order, so the bits equal `matmulNN` on
   * the transposed copies.
   */
  matmul(
    a: TypedArray,
    aOffset: number,
    transposeA: boolean,
    b: TypedArray,
    bOffset: number,
    transposeB: boolean,
    c: TypedArray,
    cOffset: number,
    m: number,
    k: number,
    n: number,
  ): void;
}

/**
 * Which implementation `matmul` uses. 'wasm': WebAssembly SIMD kernels emitted at run time
 * (float32 accumulates in float32); 'js': plain JavaScript loops (every dtype accumulates in float64).
 * float64 results are bit-identical between the two.
 */
export type MatmulBackend = 'wasm' | 'js';

let selected: MatmulBackend | undefined;

/** The backends this engine can run: 'js' always, 'wasm' when it validates WebAssembly SIMD. */
export function availableMatmulBackends(): MatmulBackend[] {
  return wasmSimdSupported() ? ['wasm', 'js'] : ['js'];
}

/** The backend in use: the last one set, else 'wasm' where WebAssembly SIMD is supported, else 'js'. */
export function getMatmulBackend(): MatmulBackend {
  selected ??= availableMatmulBackends()[0];
  return selected;
}

/** Selects the backend for every later `matmul`; throws InvalidArgumentError for one this engine cannot run. */
export function setMatmulBackend(backend: MatmulBackend): void {
  checkBackend('setMatmulBackend', backend);
  selected = backend;
}

/** Throws InvalidArgumentError unless this engine can run `backend`. */
function checkBackend(operation: string, backend: MatmulBackend): void {
  const available = availableMatmulBackends();
  if (!available.includes(backend)) {
    throw new InvalidArgumentError(
      `${operation}: backend`,
      `one of ${available.map((b) => `'${b}'`).join(', ')}`,
      backend,
    );
  }
}

/** The kernel of the current backend (or of `backend`, if given) that computes products of `dtype`. */
export function getMatmulKernel(dtype: DType, backend: MatmulBackend = getMatmulBackend()): MatmulKernel {
  checkBackend('getMatmulKernel', backend);
  return (backend === 'wasm' ? wasmMatmulKernels : jsMatmulKernels)[dtype];
}

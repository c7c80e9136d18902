import { type TypedArray, dtypeOf } from './Tensor.js';
import { tanhScalarInto } from './tanh32.js';
import type { MatmulArena } from './wasm/matmulArena.js';
import { wasmTanh } from './wasm/wasmMatmulKernel.js';

/**
 * Arrays at least this long go to the WebAssembly SIMD kernel (about 4 ns an element against 17
 * for tanhOf in a JavaScript loop); shorter ones are not worth the copies and the call.
 */
const SIMD_MIN_LENGTH = 64;

/**
 * out[i] = tanh(x[i]) for every element (out as long as x, of the same dtype), with tanhOf's bits
 * (tanhOf32's for a float32 `out`) whichever kernel runs: on `arena` when given (arrays of the arena in place), else on the shared
 * WebAssembly kernel for long arrays, else in JavaScript.
 */
export function tanhInto(x: TypedArray, out: TypedArray, arena: MatmulArena | null = null): void {
  if (x.length >= SIMD_MIN_LENGTH) {
    const dtype = dtypeOf(out);
    if (dtypeOf(x) === dtype && (arena?.tanh(dtype, x, out) === true || wasmTanh(dtype, x, out))) return;
  }
  tanhScalarInto(x, out);
}

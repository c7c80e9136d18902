import { jsMatmulKernels } from '../jsMatmulKernel.js';
import type { MatmulKernel } from '../kernels.js';
import type { DType, TypedArray } from '../Tensor.js';
import { wasmApi } from './engine.js';
import { fusedMultiplyAdd } from './fusedMultiplyAdd.js';
import { simdProbeBytes } from './gemmModule.js';
import { WasmGemm } from './wasmGemm.js';

export { type Blocking, DEFAULT_BLOCKING, WasmGemm } from './wasmGemm.js';

let simdSupport: boolean | undefined;

/**
 * Whether the WebAssembly kernels can run here, checked once: the engine validates a minimal SIMD
 * module, and then compiles the kernel module (which an embedder may forbid, e.g. a browser page
 * whose content security policy disallows WebAssembly compilation).
 */
export function wasmSimdSupported(): boolean {
  if (simdSupport === undefined) {
    try {
      simdSupport = wasmApi?.validate(simdProbeBytes()) === true && sharedGemm() !== undefined;
    } catch {
      simdSupport = false;
    }
  }
  return simdSupport;
}

/** The shared instances: unfused, and fused (useFusedMultiplyAdd), each created on first use. */
const shared: { plain?: WasmGemm; fused?: WasmGemm } = {};

/** The shared instance for the fused multiply-add setting of now (so each product follows it). */
function sharedGemm(): WasmGemm {
  const which = fusedMultiplyAdd() ? 'fused' : 'plain';
  shared[which] ??= new WasmGemm();
  return shared[which];
}

/**
 * The WebAssembly SIMD kernel for `dtype`. A product whose operands do not fit in 2 GiB of linear
 * memory runs the JavaScript kernel instead (so in float32 it then accumulates in float64).
 */
function wasmMatmulKernel(dtype: DType): MatmulKernel {
  return {
    name: `wasm-simd-${dtype}`,
    dtype,
    matmulNN(a, aOffset, b, bOffset, c, cOffset, m, k, n) {
      if (m === 0 || n === 0) return;
      if (k === 0) {
        c.fill(0, cOffset, cOffset + m * n);
        return;
      }
      if (!sharedGemm().run(dtype, a, aOffset, b, bOffset, c, cOffset, m, k, n)) {
        jsMatmulKernels[dtype].matmulNN(a, aOffset, b, bOffset, c, cOffset, m, k, n);
      }
    },
    matmul(a, aOffset, transposeA, b, bOffset, transposeB, c, cOffset, m, k, n) {
      if (m === 0 || n === 0) return;
      if (k === 0) {
        c.fill(0, cOffset, cOffset + m * n);
        return;
      }
      if (!sharedGemm().run(dtype, a, aOffset, b, bOffset, c, cOffset, m, k, n, transposeA, transposeB)) {
        jsMatmulKernels[dtype].matmul(a, aOffset, transposeA, b, bOffset, transposeB, c, cOffset, m, k, n);
      }
    },
  };
}

/** The WebAssembly SIMD kernels, one per dtype (float32 accumulates in float32). */
export const wasmMatmulKernels: Readonly<Record<DType, MatmulKernel>> = {
  float64: wasmMatmulKernel('float64'),
  float32: wasmMatmulKernel('float32'),
};

/**
 * out[i] = tanh(x[i]) on the shared instance's SIMD kernel (the bits of tanhOf), copying through
 * its memory; false, computing nothing, where WebAssembly SIMD is unavailable or memory cannot grow.
 */
export function wasmTanh(dtype: DType, x: TypedArray, out: TypedArray): boolean {
  return wasmSimdSupported() && sharedGemm().tanh(dtype, x, out, 0, true);
}

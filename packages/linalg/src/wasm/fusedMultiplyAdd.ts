import { WasmFeatureUnavailableError } from '../errors.js';
import { checkBoolean } from '../validate.js';
import { wasmApi } from './engine.js';
import { relaxedSimdProbeBytes } from './gemmModule.js';

export { WasmFeatureUnavailableError } from '../errors.js';

/**
 * The opt-in fused multiply-add of the WebAssembly matmul kernels (relaxed SIMD's relaxed_madd,
 * gemmModule.ts). Off by default: the kernels then give the bits of the JavaScript kernel. On, a
 * product's vector steps round once where the hardware fuses the multiply and the add, so its bits
 * depend on the machine (each entry stays within the error bound of a length-k dot product).
 *
 * The setting is read when a kernel instance is made: the shared kernel of `matmul` follows it
 * product by product, while an arena (MatmulArena, and so a compiled program, which owns one) keeps
 * the setting it was created with. This file uses only the web platform's WebAssembly API; the
 * flag an older Node needs is set by `enableRelaxedSimd` from `@liouville/linalg/node`.
 */

let fused = false;

/** What makes relaxed SIMD available, for the error message. */
const RELAXED_SIMD_REMEDY =
  "on Node 20 call enableRelaxedSimd() from '@liouville/linalg/node' first, or start Node with " +
  '--experimental-wasm-relaxed-simd; Node 22 and later, and Chrome 114 and later, need nothing';

/** Whether the engine validates a module using relaxed SIMD (f64x2.relaxed_madd), asked on every call. */
export function relaxedSimdSupported(): boolean {
  try {
    return wasmApi?.validate(relaxedSimdProbeBytes()) === true;
  } catch {
    return false;
  }
}

/**
 * Turns the fused multiply-add of the WebAssembly matmul kernels on or off for the products and
 * arenas made from now on (arenas and compiled programs made before keep what they had). Turning
 * it on throws WasmFeatureUnavailableError where the engine has no relaxed SIMD.
 */
export function useFusedMultiplyAdd(on: boolean): void {
  checkBoolean('useFusedMultiplyAdd: on', on);
  if (on && !relaxedSimdSupported()) {
    throw new WasmFeatureUnavailableError(
      'useFusedMultiplyAdd',
      'WebAssembly relaxed SIMD (f64x2.relaxed_madd)',
      RELAXED_SIMD_REMEDY,
    );
  }
  fused = on;
}

/** Whether kernels made now use the fused multiply-add (useFusedMultiplyAdd); false by default. */
export function fusedMultiplyAdd(): boolean {
  return fused;
}

import v8 from 'node:v8';
import { relaxedSimdSupported } from '../wasm/fusedMultiplyAdd.js';

/**
 * Makes WebAssembly relaxed SIMD available to modules compiled from now on, for
 * useFusedMultiplyAdd: Node 20's V8 validates it only with the flag
 * --experimental-wasm-relaxed-simd, which this sets at run time when the engine does not already
 * validate it (Node 22 and later do without it). Returns whether the engine validates relaxed SIMD
 * afterwards.
 */
export function enableRelaxedSimd(): boolean {
  if (relaxedSimdSupported()) return true;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return relaxedSimdSupported();
}

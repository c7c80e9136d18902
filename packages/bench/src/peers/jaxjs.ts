// jax-js (@jax-js/jax) as a peer, on its WebAssembly device. Its kernels run on one thread in Node
// 20: the device spreads work over Web Workers only when a global `Worker` exists, and Node has
// none. Arrays are reference counted: every function takes ownership of its array arguments, so
// an array used again is passed as `a.ref`. Work is lazy and runs when a result is read
// (`dataSync`, `item`), which every timed call here does. `jit` traces a function once per
// input shape and fuses its operations into compiled kernels.
//
// Node 20 has no Float16Array, which jax-js names in an `instanceof` test when it builds an
// array; a placeholder class (never instantiated: no float16 array is made here) lets it load.
import type * as JAX from '@jax-js/jax';
import { CaseUnavailableError } from '../unavailable.js';

/** The namespace of @jax-js/jax. */
export type Jax = typeof JAX;
/** A jax-js array. */
export type JaxArray = JAX.Array;
/** The float dtypes compared here. */
export type JaxFloat = 'float64' | 'float32';

/**
 * What jax-js computes differently, measured here (see jaxjs test): on the wasm device sin, cos,
 * exp and tanh of float64 arrays are accurate to about 1e-7 relative, not to float64 precision.
 */
export const JAXJS_FLOAT64_TRANSCENDENTALS =
  'float64 sin/cos/exp/tanh on the wasm device are accurate to ~1e-7 relative, not float64 precision';

let loading: Promise<Jax | string> | undefined;

async function load(): Promise<Jax | string> {
  try {
    const g = globalThis as { Float16Array?: unknown };
    g.Float16Array ??= class Float16ArrayUnavailable {};
    const jax = (await import('@jax-js/jax')) as Jax;
    // Only the wasm device: init() without arguments would also probe WebGPU through `navigator`.
    const devices = await jax.init('wasm');
    if (!devices.includes('wasm')) return `jax-js: the wasm device did not initialise (devices: ${devices.join(', ')})`;
    jax.defaultDevice('wasm');
    return jax;
  } catch (error) {
    return `jax-js did not load: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** jax-js with its wasm device as the default, or a CaseUnavailableError saying why not. */
export async function jaxjs(): Promise<Jax> {
  loading ??= load();
  const jax = await loading;
  if (typeof jax === 'string') throw new CaseUnavailableError(jax);
  return jax;
}

/** A jax-js array of `dtype` holding `values` (converted in JavaScript, so no cast runs in the timed code). */
export function jaxArray(jax: Jax, values: ArrayLike<number>, shape: readonly number[], dtype: JaxFloat): JaxArray {
  const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return jax.numpy.array(data, { shape: [...shape], dtype: jax.numpy[dtype] });
}

/** The environment record of jax-js in this run. */
export async function jaxjsEnvironment(): Promise<Record<string, string>> {
  if (loading === undefined) return {};
  const jax = await loading;
  if (typeof jax === 'string') return { 'jax-js': jax };
  const threads =
    typeof (globalThis as { Worker?: unknown }).Worker === 'undefined'
      ? '1 thread (no Worker global)'
      : 'Web Workers available';
  return { 'jax-js': `wasm device, ${threads}` };
}

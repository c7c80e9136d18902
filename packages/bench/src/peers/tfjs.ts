// TensorFlow.js as a peer: @tensorflow/tfjs-core with @tensorflow/tfjs-backend-cpu (plain
// JavaScript kernels) and @tensorflow/tfjs-backend-wasm (XNNPACK kernels in WebAssembly, read
// from node_modules, nothing fetched). Gradients: tfjs-core registers its gradient functions only
// through the @tensorflow/tfjs package (tfjs-core's own register_all_gradients module is ESM
// without file extensions, which Node cannot load), so the library is loaded through it; the
// backends are the same tfjs-backend-cpu and tfjs-backend-wasm modules.
//
// What tfjs cannot do here, reported in the tables instead of a time:
// - float64: its dtypes are float32, int32, bool, complex64 and string;
// - forward mode: there is no jvp, so Hessian-vector products are reverse over reverse;
// - the parameter gradient of an input-gradient loss (the HNN loss): nested tf.grad gives wrong
//   second derivatives, without an error, through operations whose gradient reuses their saved
//   output (exp, tanh): d/dW Σ(∂/∂x Σ exp(xW))² differs from finite differences by ~25%, while
//   the same with sin (whose gradient recomputes cos x) is right (see test/peers.test.ts). The
//   hnn-step rows check tfjs's gradient against the float64 reference and say so when it is wrong.
import type * as TF from '@tensorflow/tfjs';
import { CaseUnavailableError } from '../unavailable.js';

/** The namespace of @tensorflow/tfjs. */
export type Tf = typeof TF;
/** A tfjs backend measured here. */
export type TfBackend = 'cpu' | 'wasm';

/** Why there is no float64 row for tfjs. */
export const TFJS_NO_FLOAT64 = 'tfjs has no float64 (its float dtype is float32)';
/** Why there is no forward-mode row for tfjs. */
export const TFJS_NO_FORWARD = 'tfjs has no forward mode (no jvp)';
/** Why tfjs's HNN parameter gradient is wrong. */
export const TFJS_NESTED_GRADIENT =
  ': nested tf.grad returns wrong second derivatives through exp and tanh (whose gradients reuse their saved output), so tfjs has no correct parameter gradient of this input-gradient loss';

let loading: Promise<Tf> | undefined;
const ready = new Map<TfBackend, Promise<string | undefined>>();

async function load(): Promise<Tf> {
  const tf = (await import('@tensorflow/tfjs')) as Tf;
  // Production mode: no debug checks, and no console advice to install the native tfjs-node backend.
  tf.enableProdMode();
  return tf;
}

async function initialise(tf: Tf, backend: TfBackend): Promise<string | undefined> {
  try {
    if (backend === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // One thread, as the Liouville cases use (the threaded build needs workers; set it anyway).
      wasm.setThreadsCount(1);
    } else {
      await import('@tensorflow/tfjs-backend-cpu');
    }
    if (!(await tf.setBackend(backend))) return `tfjs backend '${backend}' failed to initialise`;
    await tf.ready();
    return undefined;
  } catch (error) {
    return `tfjs backend '${backend}' did not load: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * tfjs with `backend` initialised and active, or a CaseUnavailableError saying why not. Call from
 * a case's setup; the case's `fn` must call `useBackend` first, since tfjs has one active backend.
 */
export async function tfjsWith(backend: TfBackend): Promise<Tf> {
  loading ??= load();
  const tf = await loading;
  if (!ready.has(backend)) ready.set(backend, initialise(tf, backend));
  const failure = await ready.get(backend);
  if (failure !== undefined) throw new CaseUnavailableError(failure);
  useBackend(tf, backend);
  return tf;
}

/**
 * Makes `backend` the active one. tfjs keeps one global backend; cases of different backends
 * share a run, so each call selects its own. Once a backend is initialised, setBackend switches
 * synchronously (the promise it returns is already settled), and is a no-op when it is active.
 */
export function useBackend(tf: Tf, backend: TfBackend): void {
  if (tf.getBackend() !== backend) void tf.setBackend(backend);
}

/** The backend label used in case names. */
export function tfjsLabel(backend: TfBackend): string {
  return `tfjs-${backend}`;
}

/** Versions and settings of the tfjs backends loaded in this run, for the environment record. */
export async function tfjsEnvironment(): Promise<Record<string, string>> {
  if (loading === undefined) return {};
  const tf = await loading;
  const out: Record<string, string> = {};
  for (const [backend, result] of ready) {
    const failure = await result;
    out[`tfjs-backend-${backend}`] = failure ?? `${tf.version.tfjs}, loaded from node_modules, 1 thread`;
  }
  return out;
}

/** Throws the row's reason for a task tfjs cannot do (used in setups that probe it). */
export function tfjsCannot(reason: string): never {
  throw new CaseUnavailableError(reason);
}

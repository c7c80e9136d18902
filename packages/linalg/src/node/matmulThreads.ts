import { MessageChannel, Worker } from 'node:worker_threads';
import { InvalidArgumentError } from '../errors.js';
import {
  CONTROL_WORDS,
  type HelperThread,
  ThreadsUnavailableError,
  helperEnabled,
  setHelperThread,
  sharedMemoryProblem,
} from '../wasm/gemmThreads.js';

/**
 * The helper's script: a plain JavaScript module shipped in the package's src folder. The path is
 * written from the package root, so it resolves the same from src/node (sources) and dist/node
 * (the build).
 */
const WORKER_URL = new URL('../../src/wasm/gemmWorker.js', import.meta.url);

/** The helper thread, started once per process, and a promise settled when it runs (or fails to start). */
let helper: { thread: HelperThread; ready: Promise<void> } | undefined;

/** Starts the helper thread: unreferenced, so it never keeps the process alive. */
function spawnHelper(): { thread: HelperThread; ready: Promise<void> } {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_URL, {
    workerData: { control: control.buffer, port: port2 },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    const failed = (reason: string) =>
      reject(new ThreadsUnavailableError('useMatmulThreads', `the helper thread did not start: ${reason}`));
    // After a start, a failure is reported to the product waiting for it (gemmThreads.ts): the
    // event must not become an uncaught exception of this thread.
    worker.on('error', (error) => failed(error.message));
    worker.once('exit', (code) => failed(`it exited with code ${code}`));
  });
  ready.catch(() => {}); // observed through matmulThreadsReady
  const thread: HelperThread = {
    control,
    register: (id, module, memory) => port1.postMessage({ id, module, memory }),
    release: (id) => port1.postMessage({ id, release: true }),
  };
  return { thread, ready };
}

/**
 * Matrix products on `count` threads (1 or 2) in the compiled programs (`jit`) created from now
 * on: with 2, each of their products of at least 2²¹ multiply-adds is cut into chunks of rows
 * that this thread and one helper thread take in turn (the helper is started on the first call,
 * unreferenced, so it never keeps the process alive), with the same bits as on one thread.
 * Programs compiled before keep their
 * setting. Throws ThreadsUnavailableError where shared WebAssembly memory is unavailable.
 */
export function useMatmulThreads(count: number): void {
  if (count !== 1 && count !== 2) throw new InvalidArgumentError('useMatmulThreads: count', '1 or 2', count);
  if (count === 1) {
    setHelperThread(null);
    return;
  }
  const problem = sharedMemoryProblem();
  if (problem !== undefined) throw new ThreadsUnavailableError('useMatmulThreads', problem);
  helper ??= spawnHelper();
  setHelperThread(helper.thread);
}

/**
 * Resolves once the helper thread of `useMatmulThreads(2)` runs (products split only from then
 * on; before, they run on one thread); rejects with ThreadsUnavailableError if it cannot start.
 */
export function matmulThreadsReady(): Promise<void> {
  if (helper === undefined) {
    return Promise.reject(new ThreadsUnavailableError('matmulThreadsReady', 'useMatmulThreads(2) was not called'));
  }
  return helper.ready;
}

/** The number of threads programs compiled now use for matrix products: 1 or 2. */
export function matmulThreads(): number {
  return helperEnabled() ? 2 : 1;
}

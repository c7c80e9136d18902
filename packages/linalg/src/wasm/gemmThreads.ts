import { LiouvilleError } from '../errors.js';
import { type WasmMemory, wasmApi } from './engine.js';

/**
 * A second thread for the matrix products of arenas (MatmulArena): the products of an arena whose
 * memory is a shared WebAssembly memory are cut by rows of C, the calling thread computes the
 * first rows and a helper thread, running the same module on the same memory, the others. Each
 * entry of C is computed by the same instructions in the same order either way (the cut only
 * decides which thread runs them), so the bits do not change.
 *
 * This file uses only what the web platform has too (SharedArrayBuffer, Atomics): starting the
 * thread is left to a platform entry (`@liouville/linalg/node`), which registers it here.
 *
 * Protocol over a small shared Int32Array: the helper sets IDLE once it runs; the caller writes a
 * job's fields, stores JOB and notifies; the helper takes the job by exchanging JOB for RUNNING,
 * computes, stores DONE (or FAILED) and notifies; the caller, after its own rows, waits for that
 * and stores IDLE again. If the helper has not taken the job by then (on a machine busy with other
 * processes it may not have been scheduled), the caller takes it back by exchanging JOB for IDLE
 * and computes those rows itself, so a descheduled helper costs no more than one thread does.
 */

/** States of the control word. */
export const HelperState = { STARTING: 0, IDLE: 1, JOB: 2, RUNNING: 3, DONE: 4, FAILED: 5 } as const;

/** Indices of a job's fields in the control array (index 0 is the state). */
export const JobField = {
  arena: 1,
  /** 0 for float64, 1 for float32. */
  dtype: 2,
  a: 3,
  aTransposed: 4,
  b: 5,
  c: 6,
  m: 7,
  k: 8,
  n: 9,
  rowStart: 10,
  rowEnd: 11,
  kc: 12,
  mc: 13,
  packedA: 14,
  packedB: 15,
} as const;

/** Int32 words in the control array. */
export const CONTROL_WORDS = 16;

/**
 * Products with fewer multiply-adds than this stay on one thread. Measured on a 2-core x86-64
 * (Node 20): handing a job over and waiting for it costs about 20–60 µs, while 2¹⁹ float64
 * multiply-adds take about 60 µs at 8 G/s; below that the second thread does not pay.
 */
export const PARALLEL_MIN_MULTIPLY_ADDS = 2 ** 19;

/** What a platform gives for a started helper thread. */
export interface HelperThread {
  /** The control array, over a SharedArrayBuffer the helper watches. */
  readonly control: Int32Array;
  /** Sends an arena's compiled module and shared memory to the helper; it receives them before the first job naming `id`. */
  register(id: number, module: object, memory: WasmMemory): void;
  /** Tells the helper that arena `id` is gone, so it drops its instance and memory. */
  release(id: number): void;
}

/** Thrown when a second thread is asked for where the engine has no shared memory or no threads. */
export class ThreadsUnavailableError extends LiouvilleError {
  override name = 'ThreadsUnavailableError';
  constructor(what: string, reason: string) {
    super(`${what}: threads are unavailable here (${reason})`);
  }
}

/** Why shared WebAssembly memory cannot be had here, or undefined when it can. */
export function sharedMemoryProblem(): string | undefined {
  const { SharedArrayBuffer: shared, Atomics: atomics } = globalThis as {
    SharedArrayBuffer?: unknown;
    Atomics?: unknown;
  };
  if (typeof shared !== 'function' || typeof atomics !== 'object') {
    return 'no SharedArrayBuffer or Atomics; a web page needs cross-origin isolation (COOP and COEP headers)';
  }
  if (wasmApi?.Memory === undefined) return 'no WebAssembly';
  try {
    const memory = new wasmApi.Memory({ initial: 1, maximum: 1, shared: true });
    if (!(memory.buffer instanceof (shared as typeof SharedArrayBuffer))) return 'WebAssembly memory cannot be shared';
  } catch (error) {
    return `shared WebAssembly memory refused: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

let thread: HelperThread | null = null;
let nextArena = 1;
let helperJobs = 0;

/** How many jobs the helper thread has finished since the process started (for tests and measurements). */
export function helperJobCount(): number {
  return helperJobs;
}

/** Blocks until the helper thread is up (true), or `timeoutMs` has passed or none was started (false). */
export function waitForHelper(timeoutMs: number): boolean {
  if (thread === null) return false;
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(thread.control, 0) === HelperState.STARTING) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(thread.control, 0, HelperState.STARTING, left);
  }
  return true;
}

/**
 * Registers (or, with null, removes) the helper thread. While one is registered, arenas created
 * from then on share their memory with it (arenas already made keep what they have).
 */
export function setHelperThread(helper: HelperThread | null): void {
  thread = helper;
}

/** Whether arenas created now get the helper. */
export function helperEnabled(): boolean {
  return thread !== null;
}

/** A job for the helper: the fields of JobField, in that order, from `arena` to `packedB`. */
export type JobFields = readonly number[];

/** Arenas no longer reachable: the helper may let their memory go. */
const released = new FinalizationRegistry<{ thread: HelperThread; id: number }>(({ thread, id }) => thread.release(id));

/** The helper as one arena sees it: its id and the thread. */
export class ArenaHelper {
  private constructor(
    private readonly thread: HelperThread,
    private readonly id: number,
  ) {}

  /**
   * Starts the helper thread if needed and registers an arena's module and memory with it, until
   * `owner` is garbage-collected; null when no helper is registered.
   */
  static attach(module: object, memory: WasmMemory, owner: object): ArenaHelper | null {
    if (thread === null) return null;
    const id = nextArena++;
    thread.register(id, module, memory);
    released.register(owner, { thread, id });
    return new ArenaHelper(thread, id);
  }

  /** Posts a job if the helper is idle (true), or does nothing (false: it is still starting, or failed). */
  start(fields: JobFields): boolean {
    const control = this.thread.control;
    if (Atomics.load(control, 0) !== HelperState.IDLE) return false;
    control[JobField.arena] = this.id;
    for (let i = 1; i < fields.length; i++) control[JobField.arena + i] = fields[i];
    Atomics.store(control, 0, HelperState.JOB);
    Atomics.notify(control, 0, 1);
    return true;
  }

  /**
   * Ends the posted job: false when the helper had not taken it yet (it is withdrawn, and the
   * caller computes those rows), true once the helper has finished it. The wait is a short spin
   * (the helper usually finishes about when the caller does), then a blocking wait.
   */
  finish(): boolean {
    const control = this.thread.control;
    if (Atomics.compareExchange(control, 0, HelperState.JOB, HelperState.IDLE) === HelperState.JOB) return false;
    let state = Atomics.load(control, 0);
    for (let spin = 0; state === HelperState.RUNNING && spin < 2000; spin++) state = Atomics.load(control, 0);
    while (state === HelperState.RUNNING) {
      Atomics.wait(control, 0, HelperState.RUNNING, 1000);
      state = Atomics.load(control, 0);
    }
    if (state === HelperState.FAILED) {
      throw new LiouvilleError('matmul: the helper thread failed on its rows of a product (see its error event)');
    }
    Atomics.store(control, 0, HelperState.IDLE);
    helperJobs++;
    return true;
  }
}

import { LiouvilleError } from '../errors.js';
import { type WasmMemory, wasmApi } from './engine.js';

/**
 * A second thread for the matrix products of arenas (MatmulArena): the products of an arena whose
 * memory is a shared WebAssembly memory are cut into a few chunks of rows of C, which the calling
 * thread and a helper thread (running the same module on the same memory) take in turn from a
 * shared counter. Each entry of C is computed by the same instructions in the same order whichever
 * thread takes its chunk, so the bits do not change. Taking chunks rather than fixed halves keeps
 * a busy machine from making the caller wait: when the helper is not scheduled, the caller takes
 * its chunks too, and waits at most for the chunk the helper is on.
 *
 * This file uses only what the web platform has too (SharedArrayBuffer, Atomics): starting the
 * thread is left to a platform entry (`@liouville/linalg/node`), which registers it here.
 *
 * Protocol over a small shared Int32Array (indices in Control): the caller writes a job's fields,
 * sets the ticket to (generation << 16) and `done` to 0, then stores the new generation and
 * notifies. Either thread takes chunk i by raising the ticket's low half from i to i + 1 with
 * compareExchange, only while its high half is the job's generation (so a helper that wakes late
 * never takes a chunk of a later job), and adds one to `done` when the chunk is written. The caller
 * returns once `done` reaches the number of chunks.
 */

/** Indices in the control array. */
export const Control = {
  /** The job's generation (1 … 0x7fff, wrapping): the helper waits for it to change. */
  generation: 0,
  /** The job's fields, from arena to packedB (JobField). */
  fields: 1,
  /** (generation << 16) | the next chunk to take. */
  ticket: 16,
  /** Chunks written. */
  done: 17,
  /** The helper's status (HelperStatus). */
  status: 18,
} as const;

/** The helper's status word. */
export const HelperStatus = { STARTING: 0, READY: 1, FAILED: 2 } as const;

/** Indices of a job's fields in the control array. */
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
  /** Rows per chunk (a multiple of the tile rows); chunk i is rows [i·chunkRows, min(m, (i+1)·chunkRows)). */
  chunkRows: 10,
  chunks: 11,
  kc: 12,
  mc: 13,
  /** The helper's own packed panels. */
  packedA: 14,
  packedB: 15,
} as const;

/** Int32 words in the control array. */
export const CONTROL_WORDS = 20;

/**
 * How a product is cut: into at most MAX_CHUNKS chunks of at least MIN_CHUNK_ROWS rows. More
 * chunks balance the two threads better (the last chunk is what one waits for), but each chunk
 * packs B again (k×n copies against rows×k×n multiply-adds, so at least 48 rows keep that under
 * about 2%).
 */
export const MAX_CHUNKS = 8;
/** Fewest rows in a chunk (see MAX_CHUNKS). */
export const MIN_CHUNK_ROWS = 48;

/**
 * Products with fewer multiply-adds than this stay on one thread: waking the helper and waiting
 * for its last chunk costs tens of microseconds. Measured on the 2-core x86-64 machine of the
 * benchmarks (Node 20, other processes running; best of 15 rounds per size, square products of
 * side 48 to 160): two threads were slower up to 96³ (0.6–0.95× in float64 and float32), first
 * faster at 112³–128³ in float32 (1.3–1.5×) and at 160³ in float64 (1.5×); 2²¹ ≈ 128³ is where
 * both dtypes gain. The products of the HNN step (750×200×200) are 14 times that.
 */
export const PARALLEL_MIN_MULTIPLY_ADDS = 2 ** 21;

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
let helperChunks = 0;

/** How many chunks the helper thread has written since the process started (for measurements). */
export function helperChunkCount(): number {
  return helperChunks;
}

/** How many products the helper thread has written chunks of since the process started (for tests and measurements). */
export function helperJobCount(): number {
  return helperJobs;
}

/** Blocks until the helper thread is up (true), or `timeoutMs` has passed or none was started (false). */
export function waitForHelper(timeoutMs: number): boolean {
  if (thread === null) return false;
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(thread.control, Control.status) === HelperStatus.STARTING) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(thread.control, Control.status, HelperStatus.STARTING, left);
  }
  return Atomics.load(thread.control, Control.status) === HelperStatus.READY;
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

/** A job for the helper: the fields of JobField, in that order, from `dtype` to `packedB`. */
export type JobFields = readonly number[];

/** Arenas no longer reachable: the helper may let their memory go. */
const released = new FinalizationRegistry<{ thread: HelperThread; id: number }>(({ thread, id }) => thread.release(id));

/** Takes the next chunk of job `generation`: its index, or -1 when none is left (or the job is over). */
export function takeChunk(control: Int32Array, generation: number, chunks: number): number {
  for (;;) {
    const ticket = Atomics.load(control, Control.ticket);
    const next = ticket & 0xffff;
    if (ticket >>> 16 !== generation || next >= chunks) return -1;
    if (Atomics.compareExchange(control, Control.ticket, ticket, ticket + 1) === ticket) return next;
  }
}

/** The helper as one arena sees it: its id and the thread. */
export class ArenaHelper {
  private constructor(
    private readonly thread: HelperThread,
    private readonly id: number,
  ) {}

  /**
   * Registers an arena's module and memory with the helper thread, until `owner` is
   * garbage-collected; null when no helper is registered.
   */
  static attach(module: object, memory: WasmMemory, owner: object): ArenaHelper | null {
    if (thread === null) return null;
    const id = nextArena++;
    thread.register(id, module, memory);
    released.register(owner, { thread, id });
    return new ArenaHelper(thread, id);
  }

  /**
   * Runs a product's `chunks` chunks on this thread (`computeChunk`) and the helper, and returns
   * when all are written; false, running nothing, while the helper is not ready (starting, or
   * failed). `fields` are JobField's from dtype on.
   */
  share(fields: JobFields, chunks: number, computeChunk: (index: number) => void): boolean {
    const control = this.thread.control;
    if (Atomics.load(control, Control.status) !== HelperStatus.READY) return false;
    control[JobField.arena] = this.id;
    for (let i = 0; i < fields.length; i++) control[JobField.dtype + i] = fields[i];
    const generation = (control[Control.generation] % 0x7fff) + 1;
    Atomics.store(control, Control.done, 0);
    Atomics.store(control, Control.ticket, generation << 16);
    Atomics.store(control, Control.generation, generation);
    Atomics.notify(control, Control.generation, 1);
    let mine = 0;
    for (let i = takeChunk(control, generation, chunks); i >= 0; i = takeChunk(control, generation, chunks)) {
      computeChunk(i);
      Atomics.add(control, Control.done, 1);
      mine++;
    }
    this.waitForChunks(chunks);
    if (mine < chunks) helperJobs++;
    helperChunks += chunks - mine;
    return true;
  }

  /** Waits until `done` reaches `chunks`: a short spin (the helper's last chunk usually ends about when ours does), then blocking waits. */
  private waitForChunks(chunks: number): void {
    const control = this.thread.control;
    let done = Atomics.load(control, Control.done);
    for (let spin = 0; done < chunks && spin < 2000; spin++) done = Atomics.load(control, Control.done);
    while (done < chunks) {
      if (Atomics.load(control, Control.status) === HelperStatus.FAILED) {
        throw new LiouvilleError('matmul: the helper thread failed on its rows of a product (see its error event)');
      }
      Atomics.wait(control, Control.done, done, 100);
      done = Atomics.load(control, Control.done);
    }
  }
}

// Approximate memory cost of one call: the growth of the JavaScript heap plus the bytes of
// ArrayBuffers (typed-array storage lives outside the heap), measured right after a forced
// collection. Temporaries count too, unless a collection happens to run during the call.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { do_not_optimize } from 'mitata';

let cachedGc: (() => void) | null | undefined;

/**
 * A function that forces a full garbage collection, or null where none can be had. Node exposes
 * `gc` only under --expose-gc; the flag can also be set at run time, and a new context then sees it.
 */
export function exposeGc(): (() => void) | null {
  if (cachedGc !== undefined) return cachedGc;
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') {
    cachedGc = existing as () => void;
    return cachedGc;
  }
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    cachedGc = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    cachedGc = null;
  }
  return cachedGc;
}

// `arrayBuffers` is counted by Node's allocator as buffers come and go; `external` is not used
// because V8 settles it lazily after a collection, which can hide a fresh allocation.
function bytesInUse(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

// Two collections: the first can leave freed buffers to be released by the next.
function collect(gc: () => void): void {
  gc();
  gc();
}

/**
 * The least, over `reps` calls, of the bytes one call of `fn(state)` allocates; null where gc cannot
 * be forced. The least, not the median: the engine's background threads (concurrent compilation)
 * allocate in the same heap while a call runs, which only ever adds to a reading.
 */
export function heapBytesPerOp(fn: (state: unknown) => unknown, state: unknown, reps = 9): number | null {
  const gc = exposeGc();
  if (gc === null) return null;
  const deltas: number[] = [];
  for (let r = 0; r < reps; r++) {
    collect(gc);
    const before = bytesInUse();
    const result = fn(state);
    const after = bytesInUse();
    do_not_optimize(result);
    deltas.push(after - before);
  }
  collect(gc);
  return Math.max(0, Math.min(...deltas));
}

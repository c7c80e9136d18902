// Timing primitives: warm-up, calibration and one timed sample of a case. mitata does the
// warm-up (it runs the closure until V8 has optimised it and returns per-op quantiles), and its
// `do_not_optimize` sink keeps results alive so the optimiser cannot delete the work.
import { do_not_optimize, measure } from 'mitata';

/** Times `iters` calls of `fn(state)` and returns the elapsed wall-clock milliseconds. */
export type SampleLoop = (fn: (state: unknown) => unknown, state: unknown, iters: number) => number;

/**
 * A fresh timing loop for one case. V8 keeps type feedback per function, so one loop shared by
 * every case would see many different callees, go megamorphic and charge a different call cost
 * than a loop that only ever calls one closure; compiling a loop per case avoids that bias.
 */
export function compileLoop(): SampleLoop {
  const body = `
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) sink(fn(state));
    return performance.now() - t0;`;
  const make = new Function('sink', `return function sampleLoop(fn, state, iters) {${body}\n};`);
  return make(do_not_optimize) as SampleLoop;
}

/** Runs `fn(state)` for about `warmupMs` through mitata and returns its median time per op in ms. */
export async function warmUp(fn: (state: unknown) => unknown, state: unknown, warmupMs: number): Promise<number> {
  const stats = await measure(() => fn(state), {
    min_cpu_time: warmupMs * 1e6, // mitata counts nanoseconds
    min_samples: 2,
    warmup_samples: 1,
    // Calls faster than ~65 µs are batched; 256 per batch keeps a quick run short.
    batch_samples: 256,
    // No forced collection: without --expose-gc mitata would allocate 1 GiB to provoke one.
    gc: false,
  });
  return stats.p50 / 1e6;
}

/**
 * The number of iterations per sample so that one sample lasts at least `sampleMs`, starting
 * from the warm-up estimate (itself the median of mitata's samples) and corrected with real
 * samples of the compiled loop.
 */
export function calibrate(
  loop: SampleLoop,
  fn: (state: unknown) => unknown,
  state: unknown,
  estimateMs: number,
  sampleMs: number,
): number {
  const maxIters = 2 ** 30;
  // A call that alone outlasts a sample is sampled one call at a time: nothing to calibrate.
  if (estimateMs >= sampleMs) return 1;
  let iters = Math.min(maxIters, Math.max(1, Math.ceil(sampleMs / Math.max(estimateMs, 1e-7))));
  for (let attempt = 0; attempt < 6 && iters < maxIters; attempt++) {
    // The least of three samples: being descheduled only ever lengthens one, and a lengthened
    // reading here would leave every later sample of the case too short.
    const elapsed = Math.min(loop(fn, state, iters), loop(fn, state, iters), loop(fn, state, iters));
    if (elapsed >= 0.9 * sampleMs) break;
    // Aim 20% above the target so that ordinary jitter does not drop samples below it.
    const scale = elapsed > 0 ? (1.2 * sampleMs) / elapsed : 16;
    iters = Math.min(maxIters, Math.ceil(iters * Math.min(Math.max(scale, 1.5), 1024)));
  }
  return iters;
}

/**
 * Warm-up of a self-timed case (one whose samples are timed by another process): single calls
 * until `warmupMs` of wall-clock time have passed, at least two; returns the least time per call.
 */
export function warmUpTimed(loop: SampleLoop, state: unknown, warmupMs: number): number {
  const start = performance.now();
  let least = Number.POSITIVE_INFINITY;
  for (let calls = 0; calls < 2 || performance.now() - start < warmupMs; calls++) {
    least = Math.min(
      least,
      loop(() => undefined, state, 1),
    );
  }
  return least;
}

import { ConcretizationError, jit } from '@liouville/ad';

/** Calls a function runs as written before `jitWhenHot` compiles it. */
export const EAGER_CALLS = 16;

/**
 * `f` as written for its first `after` calls, then compiled with `jit` (the same bits either way):
 * tracing and compiling cost about as much as 5–50 eager calls of an integrator's pieces
 * (measured 3–100 ms against 0.1–1.4 ms), so a short run never pays for a compilation it cannot
 * amortise, and a long one loses at most a few eager calls. An `f` that cannot be traced (it
 * reads numbers out of its arguments: a ConcretizationError) stays as written.
 */
export function jitWhenHot<F extends (...args: never[]) => unknown>(f: F, after = EAGER_CALLS): F {
  let calls = 0;
  let run: F | null = null;
  const hot = (...args: Parameters<F>): unknown => {
    if (run === null) {
      if (calls < after) {
        calls++;
        return f(...args);
      }
      run = jit(f);
    }
    if (run === f) return f(...args);
    try {
      return run(...args);
    } catch (error) {
      if (!(error instanceof ConcretizationError)) throw error;
      // Untraceable here; an error that belongs to an enclosing trace is thrown again by f.
      const result = f(...args);
      run = f;
      return result;
    }
  };
  return hot as F;
}

// Deterministic inputs for the benchmark groups: the same numbers on every run and every
// machine, so that timings and the correctness checks of the hand-written baselines are repeatable.

/** Fills `array` with a fixed linear congruential sequence in [-1, 1) (Numerical Recipes constants). */
export function filled<T extends Float64Array | Float32Array>(array: T, seed: number): T {
  let x = seed >>> 0;
  for (let i = 0; i < array.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    array[i] = x / 2 ** 31 - 1;
  }
  return array;
}

/** `length` deterministic float64 values in [low, high), from the sequence of `filled`. */
export function uniformArray(length: number, seed: number, low = -1, high = 1): Float64Array {
  const a = filled(new Float64Array(length), seed);
  for (let i = 0; i < length; i++) a[i] = low + ((a[i] + 1) / 2) * (high - low);
  return a;
}

// Robust summary statistics for benchmark samples. Timing noise is one-sided and heavy-tailed
// (a GC pause or a preemption only ever makes a sample slower), so the harness reports medians
// and quartiles, never means and standard deviations.

/** The q-quantile (0 <= q <= 1) of a list of numbers, linearly interpolated between order statistics (Hyndman & Fan type 7, the NumPy default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Interquartile range (third minus first quartile) as a percentage of the median. */
export function iqrPercent(values: readonly number[]): number {
  const mid = median(values);
  if (!(mid !== 0 && Number.isFinite(mid))) return Number.NaN;
  return (100 * (quantile(values, 0.75) - quantile(values, 0.25))) / Math.abs(mid);
}

/** Median absolute deviation from the median, as a percentage of the median. */
export function madPercent(values: readonly number[]): number {
  const mid = median(values);
  if (!(mid !== 0 && Number.isFinite(mid))) return Number.NaN;
  return (100 * median(values.map((v) => Math.abs(v - mid)))) / Math.abs(mid);
}

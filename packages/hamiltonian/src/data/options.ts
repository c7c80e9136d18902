import { InvalidArgumentError } from '@liouville/linalg';

// Validation of dataset generator options: each check names the generator and the option.

/** Checks an options argument is absent or a plain object. */
export function optionsOf<T extends object>(operation: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(`${operation}: options`, 'an options object', options);
  }
  return options;
}

/** A seed for `randomKey`: any safe integer. */
export function seedOption(operation: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(`${operation}: seed`, 'a safe integer', value);
  }
  return value;
}

/** A count (trajectories, points) ≥ `min`. */
export function countOption(operation: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${operation}: ${name}`, `an integer >= ${min}`, value);
  }
  return value;
}

/** A finite number ≥ 0 (a noise level). */
export function nonNegativeOption(operation: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`${operation}: ${name}`, 'a finite number >= 0', value);
  }
  return value;
}

/** A fraction in [0, 1]. */
export function fractionOption(operation: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidArgumentError(`${operation}: ${name}`, 'a number in [0, 1]', value);
  }
  return value;
}

/** An interval [a, b] of finite numbers with a < b, and a ≥ `lowest` (e.g. 0 for radii). */
export function intervalOption(
  operation: string,
  name: string,
  value: unknown,
  lowest = Number.NEGATIVE_INFINITY,
): readonly [number, number] {
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    value[0] < value[1] &&
    value[0] >= lowest;
  if (!ok) {
    const bound = Number.isFinite(lowest) ? ` and a >= ${lowest}` : '';
    throw new InvalidArgumentError(
      `${operation}: ${name}`,
      `an interval [a, b] of finite numbers with a < b${bound}`,
      value,
    );
  }
  return [value[0], value[1]];
}

import { InvalidArgumentError } from '@liouville/linalg';
import { type Parameter, checkParameter } from './parameters.js';

/** Checks a system parameter is a finite number and returns it; the error names system and parameter. */
export function finiteParam(system: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`${system}: ${name}`, 'a finite number', value);
  }
  return value;
}

/** Checks a system parameter is a finite number > 0 (a mass, length, stiffness, coupling). */
export function positiveParam(system: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`${system}: ${name}`, 'a finite number > 0', value);
  }
  return value;
}

/** Checks a physical parameter is a finite number > 0, or a scalar value of @liouville/ad whose number is. */
export function positiveParameter(system: string, name: string, value: unknown): Parameter {
  return checkParameter(system, name, value, 'a finite number > 0', (x) => Number.isFinite(x) && x > 0);
}

/** Checks a physical parameter is a finite number, or a scalar value of @liouville/ad whose number is. */
export function finiteParameter(system: string, name: string, value: unknown): Parameter {
  return checkParameter(system, name, value, 'a finite number', Number.isFinite);
}

/** Checks a system parameter is an integer ≥ `min` (a count or a dimension). */
export function integerParam(system: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${system}: ${name}`, `an integer >= ${min}`, value);
  }
  return value;
}

/** Checks that an options argument is absent or a plain object. */
export function optionsObject<T extends object>(system: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(`${system}: options`, 'an options object', options);
  }
  return options;
}

/** Checks `variant` is one of the allowed names. */
export function variantParam<V extends string>(system: string, value: unknown, allowed: readonly V[]): V {
  if (!allowed.includes(value as V)) {
    throw new InvalidArgumentError(`${system}: variant`, `one of ${allowed.map((v) => `'${v}'`).join(', ')}`, value);
  }
  return value as V;
}

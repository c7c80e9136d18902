import { ConcretizationError, type Value, Tracer, add, asValue, div, isValue, mul, sub } from '@liouville/ad';
import { InvalidArgumentError } from '@liouville/linalg';

/**
 * A physical parameter of a catalogue system (a mass, length, g, a stiffness, G): a plain number,
 * or a scalar value (shape []) of @liouville/ad, so that `grad` with respect to g flows through
 * `pendulum({ g })` and everything built on it. Plain numbers keep the arithmetic of numbers, so
 * a system built from numbers computes exactly as before; a traced parameter computes in its
 * own dtype (a float64 parameter beside float32 states gives float64 energies).
 */
export type Parameter = number | Value;

/** The number underneath a parameter, or undefined when it has none yet (a value traced by `jit`). */
export function parameterNumber(x: Parameter): number | undefined {
  if (typeof x === 'number') return x;
  try {
    return (x instanceof Tracer ? x.concreteTensor('parameterNumber') : x).item();
  } catch (error) {
    if (error instanceof ConcretizationError) return undefined;
    throw error;
  }
}

/**
 * Checks a physical parameter: a number must pass `accept` as before; a value must be a scalar
 * (shape []) of a float dtype whose number, where one exists, passes `accept` too. Returns it.
 */
export function checkParameter(
  system: string,
  name: string,
  value: unknown,
  expected: string,
  accept: (x: number) => boolean,
): Parameter {
  if (typeof value === 'number') {
    if (!accept(value)) throw new InvalidArgumentError(`${system}: ${name}`, expected, value);
    return value;
  }
  if (!isValue(value) || value.shape.length !== 0) {
    throw new InvalidArgumentError(`${system}: ${name}`, `${expected}, or a scalar value of @liouville/ad`, value);
  }
  const number = parameterNumber(value);
  if (number !== undefined && !accept(number)) {
    throw new InvalidArgumentError(`${system}: ${name}`, `${expected} (a traced value of ${number})`, value);
  }
  return value;
}

/** The numbers of a system's parameters for its `params` record; one traced by `jit` (no number yet) is left out. */
export function parameterNumbers(entries: Readonly<Record<string, Parameter>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(entries)) {
    const number = parameterNumber(value);
    if (number !== undefined) out[key] = number;
  }
  return out;
}

/** Whether any parameter is a value rather than a number. */
export function anyValue(xs: readonly Parameter[]): boolean {
  return xs.some((x) => typeof x !== 'number');
}

/** The product x₁·x₂·…, left to right (so numbers give the same bits as writing `a * b * c`). */
export function product(...xs: readonly Parameter[]): Parameter {
  return xs.reduce((a, b) => (typeof a === 'number' && typeof b === 'number' ? a * b : mul(a, b)));
}

/** a / b. */
export function quotient(a: Parameter, b: Parameter): Parameter {
  return typeof a === 'number' && typeof b === 'number' ? a / b : div(a, b);
}

/** a + b. */
export function total(a: Parameter, b: Parameter): Parameter {
  return typeof a === 'number' && typeof b === 'number' ? a + b : add(a, b);
}

/** a − b. */
export function difference(a: Parameter, b: Parameter): Parameter {
  return typeof a === 'number' && typeof b === 'number' ? a - b : sub(a, b);
}

/** A parameter as a value (numbers become float64 scalars), for building tensors of parameters. */
export function parameterValue(x: Parameter): Value {
  return asValue(x);
}

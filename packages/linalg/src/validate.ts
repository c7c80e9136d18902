import { InvalidArgumentError, ShapeError, formatShape } from './errors.js';
import { type Shape, shapesEqual } from './shape.js';

/*
 * The argument checks every package shares, with one message style:
 *   InvalidArgumentError  `<operation>: <argument>: expected <what>, got <value>`
 *   ShapeError            `<operation>: <a> and <b> must have the same shape, got [..] and [..]`
 * Each returns the value it checked, typed, so a check reads as an assignment.
 */

/** An integer ≥ 1 (a count of steps, iterations, rows), or InvalidArgumentError naming the argument. */
export function checkPositiveInteger(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(argument, 'a positive integer', value);
  }
  return value;
}

/** An integer ≥ 0, or InvalidArgumentError naming the argument. */
export function checkNonNegativeInteger(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(argument, 'a non-negative integer', value);
  }
  return value;
}

/** A finite number > 0 (a step size, a tolerance, a physical constant), or InvalidArgumentError. */
export function checkFinitePositive(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(argument, 'a finite number > 0', value);
  }
  return value;
}

/** A finite number (not NaN, not ±Infinity), or InvalidArgumentError. */
export function checkFiniteNumber(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(argument, 'a finite number', value);
  }
  return value;
}

/** A boolean, or InvalidArgumentError. */
export function checkBoolean(argument: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(argument, 'a boolean', value);
  return value;
}

/** Throws a ShapeError unless shapes `a` and `b` (named `aName`, `bName`) are equal. */
export function checkShapesEqual(operation: string, aName: string, a: Shape, bName: string, b: Shape): void {
  if (!shapesEqual(a, b)) {
    throw new ShapeError(
      operation,
      `${aName} and ${bName} must have the same shape, got ${formatShape(a)} and ${formatShape(b)}`,
    );
  }
}

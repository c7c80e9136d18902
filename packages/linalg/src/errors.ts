/** Base class of every error Liouville throws on purpose, so callers can catch them as a family. */
export class LiouvilleError extends Error {
  override name = 'LiouvilleError';
}

/** Two shapes that an operation cannot combine; the message names the operation and both shapes. */
export class ShapeError extends LiouvilleError {
  override name = 'ShapeError';
  constructor(
    readonly operation: string,
    message: string,
  ) {
    super(`${operation}: ${message}`);
  }
}

/** An argument outside its domain; the message names the argument, what was expected and what was given. */
export class InvalidArgumentError extends LiouvilleError {
  override name = 'InvalidArgumentError';
  constructor(
    readonly argument: string,
    expected: string,
    given: unknown,
  ) {
    super(`${argument}: expected ${expected}, got ${describeValue(given)}`);
  }
}

/** A computation that produced NaN or an infinity where a finite number was required. */
export class NonFiniteError extends LiouvilleError {
  override name = 'NonFiniteError';
}

/** A matrix with an exactly zero pivot, so the linear system it defines has no unique solution. */
export class SingularMatrixError extends LiouvilleError {
  override name = 'SingularMatrixError';
  constructor(
    readonly operation: string,
    message: string,
  ) {
    super(`${operation}: ${message}`);
  }
}

/**
 * A WebAssembly feature the engine does not have (relaxed SIMD); the message names the operation,
 * the feature and what provides it.
 */
export class WasmFeatureUnavailableError extends LiouvilleError {
  override name = 'WasmFeatureUnavailableError';
  constructor(
    readonly operation: string,
    readonly feature: string,
    remedy: string,
  ) {
    super(`${operation}: this engine does not support ${feature}; ${remedy}`);
  }
}

/** Short, bounded description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value !== null && typeof value === 'object') {
    const shape = (value as { shape?: unknown }).shape;
    if (Array.isArray(shape)) return `${value.constructor?.name ?? 'object'} of shape [${shape.join(', ')}]`;
    return value.constructor?.name ?? 'object';
  }
  return String(value);
}

/** Formats a shape as `[a, b, c]` for error messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

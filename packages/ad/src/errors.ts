import { LiouvilleError } from '@liouville/linalg';

/**
 * A value from one differentiation met a transformation it does not belong to: a value that
 * escaped a finished transformation, or two live transformations claiming the same level.
 */
export class PerturbationError extends LiouvilleError {
  override name = 'PerturbationError';
}

/** Two pytrees (inputs and tangents, outputs and cotangents) that should match but do not. */
export class StructureError extends LiouvilleError {
  override name = 'StructureError';
}

/**
 * A traced value inside `jit` was asked for a concrete number (`item()`, `toArray()`, a
 * comparison in an `if`, `primalTensor`): tracing knows only its shape and dtype. Make the value
 * a static argument (`jit(f, { static: [i] })`), or express data-dependent control with `where`
 * or the `scan` loop primitive.
 */
export class ConcretizationError extends LiouvilleError {
  override name = 'ConcretizationError';
  constructor(readonly operation: string) {
    super(
      `${operation}: a traced value inside jit has no concrete value (only a shape and dtype); ` +
        `declare the argument static (jit(f, { static: [index] })), or use where(...) or scan(...) instead of ` +
        'data-dependent control flow',
    );
  }
}

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

/**
 * A value batched by `vmap` was asked for a concrete number (`item()`, `toArray()`, a comparison
 * in an `if`, `primalTensor`): inside the mapped function it stands for one example, but each
 * example has its own value, so there is no single number to give. Choose per example with
 * `where`, or return the value from the mapped function and read it there.
 */
export class BatchedValueError extends LiouvilleError {
  override name = 'BatchedValueError';
  constructor(readonly operation: string) {
    super(
      `${operation}: inside vmap this value differs from one example to the next, so it has no single ` +
        'concrete value; choose per example with where(...), or return the value from the mapped function',
    );
  }
}

/**
 * A value of more than one element (or none) used as a number, in a comparison or arithmetic
 * (`if (x > 0)` with x a vector): JavaScript would give NaN. Reduce it first (sum, max, a slice).
 */
export class NotAScalarError extends LiouvilleError {
  override name = 'NotAScalarError';
  constructor(readonly shape: readonly number[]) {
    super(
      `a value of shape [${shape.join(', ')}] used as a number (a comparison or arithmetic): only a value of ` +
        'one element has one; reduce it first (sum, max, a slice) or read it with toArray()',
    );
  }
}

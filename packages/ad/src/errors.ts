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

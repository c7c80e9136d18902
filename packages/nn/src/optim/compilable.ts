import { type Tree, type TreeDef, type Value, cast, flatten, unflatten } from '@liouville/ad';
import { type DType, ShapeError, type Tensor, formatShape, scalar, shapesEqual } from '@liouville/linalg';
import { TreeMismatchError } from '../tree.js';

/**
 * An optimiser's update in a form `jit` compiles once for every step: the per-step numbers
 * (learning rate, bias corrections, which change from step to step) are computed eagerly by
 * `scalars` and passed to the compiled step as rank-0 tensors, and `apply` is the elementwise
 * update written with @liouville/ad's functions, so it traces. `apply` gives the bits of `update`:
 * it computes in float64 as the eager kernels do and rounds a float32 result only where they store
 * it.
 */
export interface CompilableUpdate<S> {
  /** The tensors of a state: what a compiled step takes and returns. */
  tensors(state: S): Tree;
  /** The scalars of the update that follows `state`, as rank-0 float64 tensors (validated as `update` does). */
  scalars(state: S): Record<string, Tensor>;
  /** The update of `params` by `grads`: new parameters and state tensors, from values that may be traced. */
  apply(grads: Tree, tensors: Tree, params: Tree, scalars: Readonly<Record<string, Value>>): CompiledStep;
  /** The state that follows `state`, holding the updated tensors. */
  next(state: S, tensors: Tree): S;
}

/** What `apply` returns: the new parameters and state tensors. */
export interface CompiledStep {
  readonly params: Tree;
  readonly tensors: Tree;
}

/** A rank-0 float64 tensor holding a step's scalar. */
export const stepScalar = (x: number): Tensor => scalar(x, 'float64');

/** The value in float64 (a no-op for float64), as the eager kernels read every operand. */
export const wide = (x: Value): Value => cast(x, 'float64');

/** A float64 result rounded to `dtype`, as storing it into that dtype's array does. */
export const narrow = (x: Value, dtype: DType): Value => cast(x, dtype);

/**
 * The leaves of params and of each other tree (grads, moments), checked to share params'
 * structure and leaf shapes; with params' definition, to rebuild trees of the results.
 */
export function matchValues(
  operation: string,
  params: Tree,
  others: Readonly<Record<string, Tree>>,
): { def: TreeDef; params: Value[]; others: Value[][] } {
  const p = flatten(params, `${operation}: params`);
  const matched = Object.entries(others).map(([name, tree]) => {
    const o = flatten(tree, `${operation}: ${name}`);
    if (o.leaves.length !== p.leaves.length) {
      throw new TreeMismatchError(
        `${operation}: ${name} must have the structure of params (${p.leaves.length} leaves), got ${o.leaves.length} leaves`,
      );
    }
    o.leaves.forEach((leaf, i) => {
      const want = p.leaves[i].shape;
      if (!shapesEqual(leaf.shape, want)) {
        throw new ShapeError(
          operation,
          `${name} leaf ${i} must have shape ${formatShape(want)}, got ${formatShape(leaf.shape)}`,
        );
      }
    });
    return o.leaves;
  });
  return { def: p.def, params: p.leaves, others: matched };
}

/** A tree of params' structure from leaves in params' order. */
export function rebuild(def: TreeDef, leaves: readonly Value[]): Tree {
  return unflatten<Tree>(def, leaves);
}

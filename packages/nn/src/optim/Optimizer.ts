import type { Tree } from '@liouville/ad';
import { InvalidArgumentError, NonFiniteError, type Tensor, allFinite } from '@liouville/linalg';
import { type ParamTree, type TreeLeaf, assertSameStructure, formatPath } from '../tree.js';
import type { CompilableUpdate } from './compilable.js';

/**
 * Optimisers as pure pairs, in the style of optax: `init(params)` builds the optimiser state and
 * `update(grads, state, params)` returns new parameters and a new state without modifying any
 * argument. Updates act on plain tensors (they are not differentiated) and keep each parameter's
 * dtype.
 */

/** A learning rate: a constant, or a schedule giving the rate of update number `step` (1, 2, 3, ...). */
export type LearningRate = number | ((step: number) => number);

/** The result of one optimiser step. */
export interface OptimizerStep<P extends ParamTree, S> {
  readonly params: P;
  readonly state: S;
}

/**
 * An optimiser: `init` and `update` are pure functions of their arguments. `grads` is typed as
 * any pytree so that the result of `grad(loss)(params)` can be passed as is; its leaves must be
 * plain tensors with the structure and shapes of `params` (checked).
 */
export interface Optimizer<S> {
  init(params: ParamTree): S;
  update<P extends ParamTree>(grads: Tree, state: S, params: P): OptimizerStep<P, S>;
  /** The same update in a form jit compiles once for every step (see CompilableUpdate); absent for optimisers without one. */
  readonly compilable?: CompilableUpdate<S>;
}

/** Throws InvalidArgumentError unless `value` is a finite number in the interval described. */
export function checkNumber(argument: string, value: number, low: number, high: number, closedHigh = false): void {
  const ok =
    typeof value === 'number' && Number.isFinite(value) && value >= low && (closedHigh ? value <= high : value < high);
  if (!ok) {
    const range =
      high === Number.POSITIVE_INFINITY
        ? `a finite number >= ${low}`
        : `a number in [${low}, ${high}${closedHigh ? ']' : ')'}`;
    throw new InvalidArgumentError(argument, range, value);
  }
}

/** Validates a learning rate when an optimiser is built: a finite number > 0, or a schedule function. */
export function checkLearningRate(operation: string, lr: LearningRate): void {
  if (typeof lr === 'function') return;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
    throw new InvalidArgumentError(`${operation}: lr`, 'a finite number > 0 or a function of the step', lr);
  }
}

/** The learning rate of update number `step`; a schedule must return a finite number >= 0. */
export function learningRateAt(operation: string, lr: LearningRate, step: number): number {
  if (typeof lr === 'number') return lr;
  const value = lr(step);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`${operation}: lr(${step})`, 'a finite number >= 0 from the schedule', value);
  }
  return value;
}

/** Validates the step counter of a state: a non-negative integer. */
export function checkStep(operation: string, step: number): void {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new InvalidArgumentError(`${operation}: state.step`, 'a non-negative integer', step);
  }
}

/**
 * The leaves of params, grads and every state tree, checked to share one structure and shape;
 * a mismatch throws naming the offending tree and leaf.
 */
export function matchedLeaves(
  operation: string,
  params: ParamTree,
  grads: Tree,
  states: Record<string, ParamTree>,
): {
  params: TreeLeaf[];
  grads: TreeLeaf[];
  states: TreeLeaf[][];
} {
  // treeLeaves checks at run time that every leaf of grads is a plain Tensor.
  const [p, g] = assertSameStructure(operation, 'params', params, 'grads', grads as ParamTree);
  const s = Object.entries(states).map(
    ([name, tree]) => assertSameStructure(operation, 'params', params, name, tree)[1],
  );
  return { params: p, grads: g, states: s };
}

/** Validates the `allowNonFinite` option of an optimiser: a boolean. */
export function checkAllowNonFinite(operation: string, allow: unknown): boolean {
  if (typeof allow !== 'boolean') throw new InvalidArgumentError(`${operation}: allowNonFinite`, 'a boolean', allow);
  return allow;
}

/**
 * Refuses a gradient with NaN or an infinity, naming the leaf: applied, it would make the
 * parameters (and Adam's moments, for good) non-finite. It reads numbers, so only eager updates
 * check; a compiled step (CompilableUpdate) leaves the check to its caller, as `train` does with
 * the finite flag of each step.
 */
export function checkFiniteGradients(operation: string, grads: readonly TreeLeaf[]): void {
  const bad = grads.find((g) => !allFinite(g.leaf));
  if (bad === undefined) return;
  throw new NonFiniteError(
    `${operation}: ${formatPath('grads', bad.path)} holds NaN or an infinity; the update would make the parameters non-finite (build the optimiser with allowNonFinite: true to apply it anyway)`,
  );
}

/** The raw elements of a leaf's tensor. */
export const dataOf = (leaf: TreeLeaf): Tensor['data'] => leaf.leaf.data;

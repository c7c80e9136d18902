import {
  ConcretizationError,
  type Tree,
  type Value,
  abs,
  flatten,
  jit,
  max,
  concat,
  primalTensor,
  reshape,
  valueAndGrad,
} from '@liouville/ad';
import type { MlpParams, Optimizer } from '@liouville/nn';
import type { FieldModel } from './fieldModels.js';
import { fieldLoss } from './loss.js';
import type { TrainSplit } from './train.js';

/** The outcome of one training update. */
export interface TrainStepResult<S> {
  /** The loss at the parameters before the update. */
  readonly loss: number;
  /** False when the loss or an element of the gradient is NaN or infinite: then no update was applied. */
  readonly finite: boolean;
  /** The updated parameters and optimiser state (the given ones when not finite). */
  readonly params: MlpParams;
  readonly state: S;
}

/** One training update: (parameters, optimiser state, batch) → the loss and the next parameters and state. */
export type TrainStep<S> = (params: MlpParams, state: S, batch: TrainSplit) => TrainStepResult<S>;

/**
 * The largest |g| over every gradient element: finite exactly when every element is (a maximum
 * cannot overflow, and a NaN anywhere makes it NaN, as linalg's max propagates NaN).
 */
function gradientBound(grads: Tree): Value {
  const leafMaxima = flatten(grads, 'grads').leaves.map((g) => reshape(max(abs(g)), [1]));
  return max(concat(leafMaxima, 0));
}

/**
 * valueAndGrad of the model's loss with respect to the parameters and the optimiser's update as
 * one function of (params, state tensors, x, dxdt, step scalars), for an optimiser with a
 * compilable form (see @liouville/nn's CompilableUpdate).
 */
function fusedStep<S>(loss: ReturnType<typeof fieldLoss>, optimiser: Optimizer<S>) {
  const compilable = optimiser.compilable as NonNullable<Optimizer<S>['compilable']>;
  return (params: MlpParams<Value>, tensors: Tree, x: Value, dxdt: Value, scalars: Record<string, Value>) => {
    const [value, grads] = valueAndGrad((p: MlpParams<Value>) => loss(p, x, dxdt))(params);
    const next = compilable.apply(grads, tensors, params, scalars);
    return { value, bound: gradientBound(grads), params: next.params, tensors: next.tensors };
  };
}

/** `f` compiled with jit, or as written if it cannot be traced (a model that reads numbers out of its values). */
function compiledOrEager<F extends (...args: never[]) => unknown>(f: F): F {
  let run: F = jit(f);
  const call = (...args: Parameters<F>): unknown => {
    if (run === f) return f(...args);
    try {
      return run(...args);
    } catch (error) {
      if (!(error instanceof ConcretizationError)) throw error;
      run = f;
      return f(...args);
    }
  };
  return call as F;
}

/**
 * One training update of a learned vector field, compiled: valueAndGrad of the paper's loss with
 * respect to the parameters and the optimiser's update run as one jitted program of (params,
 * optimiser state, batch), traced once per batch shape (the step's scalars, such as Adam's bias
 * corrections, are passed as data). An optimiser without a compilable form gets its loss and
 * gradient compiled and its update run eagerly. The results have the bits of the eager step.
 */
export function compileTrainStep<S>(model: FieldModel, optimiser: Optimizer<S>): TrainStep<S> {
  const loss = fieldLoss(model);
  const compilable = optimiser.compilable;
  if (compilable !== undefined) {
    const step = compiledOrEager(fusedStep(loss, optimiser));
    return (params, state, batch) => {
      const out = step(params, compilable.tensors(state), batch.x, batch.dxdt, compilable.scalars(state));
      const value = primalTensor(out.value).item();
      const finite = Number.isFinite(value) && Number.isFinite(primalTensor(out.bound).item());
      if (!finite) return { loss: value, finite, params, state };
      return { loss: value, finite, params: out.params as MlpParams, state: compilable.next(state, out.tensors) };
    };
  }
  const gradient = compiledOrEager((params: MlpParams<Value>, x: Value, dxdt: Value) => {
    const [value, grads] = valueAndGrad((p: MlpParams<Value>) => loss(p, x, dxdt))(params);
    return { value, grads, bound: gradientBound(grads) };
  });
  return (params, state, batch) => {
    const out = gradient(params, batch.x, batch.dxdt);
    const value = primalTensor(out.value).item();
    const finite = Number.isFinite(value) && Number.isFinite(primalTensor(out.bound).item());
    if (!finite) return { loss: value, finite, params, state };
    const updated = optimiser.update(out.grads as Tree, state, params);
    return { loss: value, finite, params: updated.params, state: updated.state };
  };
}

/** The loss of a model on a whole split as a number, compiled (no parameter gradient). */
export function compileSplitLoss(model: FieldModel): (params: MlpParams, split: TrainSplit) => number {
  const loss = compiledOrEager(fieldLoss(model));
  return (params, split) => primalTensor(loss(params, split.x, split.dxdt)).item();
}

import { type Shape, type Tensor, sizeOf } from '@liouville/linalg';
import { BatchedValueError } from '../errors.js';
import { type ActiveTrace, bind } from '../bind.js';
import type { Primitive, PrimitiveParams } from '../primitives.js';
import { Tracer, type Value } from '../Tracer.js';
import { batchRules } from './rules/index.js';

/**
 * A batched value: `primal` (a value of the level below) holds every example stacked along
 * `batchDim`; `batchDim = null` marks a value shared by every example (a lifted constant). The
 * function being mapped sees one example's shape, so its own shape checks and axis arguments
 * read as written for a single example.
 */
export class BatchTracer extends Tracer {
  private readonly exampleShape: Shape;

  constructor(
    readonly trace: BatchTrace,
    readonly primal: Value,
    readonly batchDim: number | null,
  ) {
    super();
    this.exampleShape = batchDim === null ? primal.shape : primal.shape.filter((_, axis) => axis !== batchDim);
  }

  override get shape(): Shape {
    return this.exampleShape;
  }
  override get size(): number {
    return sizeOf(this.exampleShape);
  }
  override get rank(): number {
    return this.exampleShape.length;
  }
  /** A value shared by every example has one; a batched one has a value per example, so none (BatchedValueError). */
  override concreteTensor(operation: string): Tensor {
    if (this.batchDim !== null) throw new BatchedValueError(operation);
    return super.concreteTensor(operation);
  }
}

/**
 * One batching transformation (`vmap`), as Autodidax's BatchTrace: a primitive on batched values
 * runs once on the whole batch through its batching rule (rules/*.ts), which calls the
 * differentiable functions on the level below, so batched code can itself be differentiated,
 * batched again or staged.
 */
export class BatchTrace implements ActiveTrace {
  finished = false;

  constructor(readonly level: number) {}

  lift(x: Value): BatchTracer {
    return new BatchTracer(this, x, null);
  }

  process<P extends Primitive>(primitive: P, args: Tracer[], params: PrimitiveParams[P]): Value {
    const tracers = args as BatchTracer[];
    const values = tracers.map((t) => t.primal);
    const dims = tracers.map((t) => t.batchDim);
    // Nothing batched: the same value for every example, a constant of this level.
    if (dims.every((d) => d === null)) return bind(primitive, values, params);
    const rule = batchRules[primitive] as (typeof batchRules)[P];
    const [out, dim] = rule(values, dims, params);
    return dim === null ? out : new BatchTracer(this, out, dim);
  }

  /** The batched value of an output with its batch axis (null: the same for every example). */
  unbox(x: Value): [Value, number | null] {
    return x instanceof BatchTracer && x.trace === this ? [x.primal, x.batchDim] : [x, null];
  }
}

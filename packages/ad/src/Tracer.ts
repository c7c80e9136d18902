import { type DType, type NestedArray, type Shape, Tensor } from '@liouville/linalg';
import { NotAScalarError } from './errors.js';

/**
 * A value being differentiated: a forward-mode dual or a reverse-mode tape node. Its `primal`
 * is a value of the level below (a plain Tensor or another Tracer), which is how levels nest:
 * Dual over Node over Tensor, Node over Dual over Tensor, to any depth.
 */
export abstract class Tracer {
  abstract readonly trace: TraceLevel;
  abstract readonly primal: Value;

  get shape(): Shape {
    return this.primal.shape;
  }
  get dtype(): DType {
    return this.primal.dtype;
  }
  get size(): number {
    return this.primal.size;
  }
  get rank(): number {
    return this.primal.shape.length;
  }
  toString(): string {
    return `${this.constructor.name}@${this.trace.level}(${String(this.primal)})`;
  }
  /**
   * The plain tensor underneath, for non-differentiable uses; a value traced by `jit` has none
   * and throws a ConcretizationError naming `operation`.
   */
  concreteTensor(operation: string): Tensor {
    const below = this.primal;
    return below instanceof Tracer ? below.concreteTensor(operation) : below;
  }
  /** The single element of the value underneath (not differentiated). */
  item(): number {
    return this.concreteTensor('item()').item();
  }
  /** Nested arrays of the value underneath (not differentiated). */
  toArray(): NestedArray {
    return this.concreteTensor('toArray()').toArray();
  }
  /**
   * A one-element value in a comparison or arithmetic (`if (x > 0)`) reads the number underneath;
   * under `jit` (or `vmap`) there is none, and a value of another size has none either: each
   * throws a typed error instead of comparing NaN silently.
   */
  [Symbol.toPrimitive](hint: string): number | string {
    if (hint === 'string') return this.toString();
    if (this.size !== 1) throw new NotAScalarError(this.shape);
    return this.concreteTensor('a traced value used as a number (a comparison or arithmetic)').data[0];
  }
}

/** Anything the differentiable functions accept and return. */
export type Value = Tensor | Tracer;

/** True for a value the differentiable functions take: a Tensor or a Tracer of any transformation. */
export function isValue(x: unknown): x is Value {
  return x instanceof Tensor || x instanceof Tracer;
}

/** Something that can be turned into a value: a value, or a plain number (a weakly typed scalar). */
export type Input = Value | number;

/** One active transformation: its nesting level and how it processes a primitive. */
export interface TraceLevel {
  readonly level: number;
  /** Set when the transformation has returned; its values must no longer be used. */
  finished: boolean;
  /** Lifts a value of a lower level into this level as a constant (zero derivative). */
  lift(x: Value): Tracer;
}

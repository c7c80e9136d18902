import type { DType, Shape, Tensor } from '@liouville/linalg';

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
}

/** Anything the differentiable functions accept and return. */
export type Value = Tensor | Tracer;

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

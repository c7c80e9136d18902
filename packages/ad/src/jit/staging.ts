import { type DType, type Shape, Tensor, sizeOf } from '@liouville/linalg';
import type { ActiveTrace } from '../bind.js';
import { ConcretizationError, PerturbationError } from '../errors.js';
import type { Primitive, PrimitiveParams, Rule } from '../primitives.js';
import { rules } from '../rules/index.js';
import { Tracer, type Value } from '../Tracer.js';
import type { AnyEquation, Program, Var } from './ir.js';

let nextVarId = 0;

/** A fresh program variable (ids are unique across all programs, so nested bodies never clash). */
export function newVar(shape: Shape, dtype: DType): Var {
  return { id: nextVarId++, shape: [...shape], dtype, size: sizeOf(shape) };
}

/**
 * A value being traced by `jit`: a variable of the program under construction, known only by its
 * shape and dtype. Asking it for numbers throws a ConcretizationError.
 */
export class Staged extends Tracer {
  constructor(
    readonly trace: StagingTrace,
    readonly variable: Var,
  ) {
    super();
  }
  get primal(): Value {
    throw new ConcretizationError('primalTensor');
  }
  /** Always throws: a traced value has no data (see ConcretizationError). */
  get data(): never {
    throw new ConcretizationError('data');
  }
  override get shape(): Shape {
    return this.variable.shape;
  }
  override get dtype(): DType {
    return this.variable.dtype;
  }
  override get size(): number {
    return this.variable.size;
  }
  override get rank(): number {
    return this.variable.shape.length;
  }
  override concreteTensor(operation: string): Tensor {
    throw new ConcretizationError(operation);
  }
  override toString(): string {
    return `Staged(${this.variable.dtype}[${this.variable.shape.join(',')}])`;
  }
}

/** Zero tensors of each type, shared while one trace runs (inputs of the shape probes). */
class ZeroCache {
  private readonly cache = new Map<string, Tensor>();
  of(v: Var): Tensor {
    const key = `${v.dtype}:${v.shape.join(',')}`;
    let zero = this.cache.get(key);
    if (zero === undefined) {
      zero = new Tensor(v.dtype === 'float32' ? new Float32Array(v.size) : new Float64Array(v.size), v.shape);
      this.cache.set(key, zero);
    }
    return zero;
  }
}

/**
 * The staging level of `jit`: instead of computing, each primitive appends an equation to the
 * program being built. Output shapes and dtypes come from evaluating the primitive once on zeros
 * of the input types, so they follow eager evaluation exactly (broadcasting, weak typing, errors).
 * A nested staging level (a loop body) reads values of its enclosing one as free variables.
 */
export class StagingTrace implements ActiveTrace {
  finished = false;
  readonly inputs: Var[] = [];
  readonly equations: AnyEquation[] = [];
  private readonly constants = new Map<Tensor, Var>();
  /** Enclosing-program variables read by this (nested) program, with their inner stand-ins. */
  readonly free = new Map<Var, Var>();
  private readonly zeros: ZeroCache;

  constructor(
    readonly level: number,
    readonly parent: StagingTrace | null = null,
  ) {
    this.zeros = parent?.zeros ?? new ZeroCache();
  }

  /** A new input variable of the program. */
  input(shape: Shape, dtype: DType): Staged {
    const v = newVar(shape, dtype);
    this.inputs.push(v);
    return new Staged(this, v);
  }

  lift(x: Value): Staged {
    if (x instanceof Tensor) return new Staged(this, this.constant(x));
    if (x instanceof Staged && this.encloses(x.trace)) {
      let inner = this.free.get(x.variable);
      if (inner === undefined) {
        inner = newVar(x.shape, x.dtype);
        this.free.set(x.variable, inner);
      }
      return new Staged(this, inner);
    }
    throw new PerturbationError(
      'jit: a value of another transformation reached a traced function; call jit outside grad/jvp/vmap (it then compiles them too), or inside them (it then traces through)',
    );
  }

  private encloses(trace: unknown): boolean {
    for (let t = this.parent; t !== null; t = t.parent) if (t === trace) return true;
    return false;
  }

  /** The variable standing for a constant tensor (one per tensor object). */
  constant(x: Tensor): Var {
    let v = this.constants.get(x);
    if (v === undefined) {
      v = newVar(x.shape, x.dtype);
      this.constants.set(x, v);
    }
    return v;
  }

  /** The program variable of a traced output: a variable of this trace, or a constant. */
  outputVar(x: Value, what: string): Var {
    if (x instanceof Staged && x.trace === this) return x.variable;
    if (x instanceof Tensor) return this.constant(x);
    if (x instanceof Staged) return this.lift(x).variable;
    throw new PerturbationError(`jit: ${what} is a value of a transformation that has already returned`);
  }

  process<P extends Primitive>(primitive: P, args: Tracer[], params: PrimitiveParams[P]): Value {
    const staged = args as Staged[];
    const rule = rules[primitive] as Rule<P>;
    const probe =
      rule.outputType !== undefined
        ? rule.outputType(
            staged.map((a) => a.variable),
            params,
          )
        : rule.evaluate(
            staged.map((a) => this.zeros.of(a.variable)),
            params,
          );
    const out = newVar(probe.shape, probe.dtype);
    this.equations.push({ primitive, inputs: staged.map((a) => a.variable), params, out });
    return new Staged(this, out);
  }

  /** Appends an equation built elsewhere (a loop) and wraps its outputs. */
  append(equation: AnyEquation, outs: readonly Var[]): Staged[] {
    this.equations.push(equation);
    return outs.map((v) => new Staged(this, v));
  }

  /** The finished program with the given outputs. */
  program(outputs: readonly Var[]): Program {
    const constants = [...this.constants].map(([value, variable]) => ({ variable, value }));
    return { inputs: [...this.inputs, ...this.free.values()], constants, equations: this.equations, outputs };
  }
}

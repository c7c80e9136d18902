import { type Shape, shapesEqual } from '@liouville/linalg';
import type { BinaryPrimitive, ComparisonPrimitive, UnaryPrimitive } from '../primitives.js';
import {
  type View,
  broadcastView,
  isContiguous,
  isTransposedMatrix,
  isWholeBase,
  reshapeView,
  sliceView,
  transposeView,
  wholeView,
} from './arrayViews.js';
import { type LanePrimitive, lanePrimitive } from './arrayLanes.js';
import { BINARY, MUL_ADD, UNARY, binaryDType, literal, stored } from './expressions.js';
import { type Equation, type LoopEquation, type Program, type Var, isLoop } from './ir.js';

/**
 * Scheduling for the array backend: the program's equations become a list of steps, each one
 * call at run time. Chains of elementwise equations of one shape, and the reductions that end
 * them, fuse into one loop (a cluster); matmul, loops and every other primitive are steps of
 * their own; data movement becomes views (arrayViews.ts) read in place. A cluster stays open while
 * equations of its shape arrive and is emitted ("flushed") when a step outside it needs one of its
 * values, so open clusters only ever read values of emitted steps. A concatenation is a copy
 * step of its own (arrayConcat.ts), writing into a buffer of the plan like a fused loop.
 */

/** Where a fused loop reads an operand: a local of the loop, or a view read in place. */
export type Ref =
  | { readonly kind: 'local'; readonly v: Var }
  | { readonly kind: 'access'; readonly index: number }
  | { readonly kind: 'literal'; readonly text: string; readonly value: number };

/** An elementwise result computed in a fused loop: a per-element JavaScript expression of its arguments. */
export interface ElementMember {
  readonly kind: 'element';
  readonly out: Var;
  readonly args: readonly Ref[];
  readonly expression: (args: readonly string[]) => string;
  /** The primitive, when it is one the WebAssembly loops compute (arrayLanes.ts); 'copy' for x ↦ x. */
  readonly primitive?: LanePrimitive;
}

/** A sum or max over some axes of a value of the loop's shape, accumulated as the loop runs. */
export interface ReduceMember {
  readonly kind: 'reduce';
  readonly out: Var;
  readonly arg: Ref;
  readonly op: 'sum' | 'max';
  readonly axes: readonly number[];
}

export type Member = ElementMember | ReduceMember;

/** A fused loop over `shape`: its operands (views of that shape) and its members in order. */
export class Cluster {
  readonly accesses: View[] = [];
  readonly members: Member[] = [];
  /** Ids of the values its elementwise members compute (readable by later members as locals). */
  readonly locals = new Set<number>();
  private readonly accessKeys = new Map<string, number>();

  constructor(readonly shape: Shape) {}

  /** The reference to a view of the loop's shape (one per distinct view). */
  access(view: View): Ref {
    const key = `${view.base.id}|${view.offset}|${view.strides.join(',')}`;
    let index = this.accessKeys.get(key);
    if (index === undefined) {
      index = this.accesses.length;
      this.accesses.push(view);
      this.accessKeys.set(key, index);
    }
    return { kind: 'access', index };
  }
}

/** How matmul reads an operand: a whole array of the operand's shape, possibly stored transposed. */
export interface MatmulRead {
  readonly base: Var;
  readonly shape: Shape;
  readonly transposed: boolean;
}

/** One call of the compiled program. `reads` are the arrays it reads (for the memory plan). */
export type Step =
  | { readonly kind: 'cluster'; readonly cluster: Cluster; readonly reads: readonly Var[] }
  | {
      readonly kind: 'matmul';
      readonly out: Var;
      readonly a: MatmulRead;
      readonly b: MatmulRead;
      readonly reads: readonly Var[];
    }
  | { readonly kind: 'fallback'; readonly eq: Equation; readonly reads: readonly Var[] }
  | { readonly kind: 'tanh'; readonly out: Var; readonly x: Var; readonly reads: readonly Var[] }
  | { readonly kind: 'concat'; readonly eq: Equation; readonly reads: readonly Var[] }
  | { readonly kind: 'loop'; readonly eq: LoopEquation; readonly reads: readonly Var[] };
// A fallback's, concat's or loop's `reads` are its arguments' arrays in order; each holds its
// argument's elements in row-major order, possibly under another shape (a reshape read in place).

/** The schedule of a program: its steps, and for each output the array that holds it. */
export interface Schedule {
  readonly steps: readonly Step[];
  /** Per output: the array to return, and whether it must be copied (an input, a constant). */
  readonly outputs: readonly { readonly v: Var; readonly copy: boolean }[];
  readonly inputs: ReadonlySet<number>;
  readonly constants: ReadonlySet<number>;
}

type ElementPrimitive = UnaryPrimitive | BinaryPrimitive | ComparisonPrimitive | 'mulAdd' | 'where' | 'cast';

const same = shapesEqual;

/** The per-element expression of an elementwise equation, as its eager kernel computes it. */
function elementExpression(eq: Equation): ((args: readonly string[]) => string) | null {
  const p = eq.primitive as ElementPrimitive;
  if (p in UNARY) return ([x]) => UNARY[p as UnaryPrimitive](x);
  if (p in BINARY) return ([x, y]) => BINARY[p as BinaryPrimitive](x, y);
  if (p === 'where') return ([c, a, b]) => `(${c} !== 0 ? ${a} : ${b})`;
  if (p === 'cast') return ([x]) => x;
  if (p !== 'mulAdd') return null;
  const [a, b, c, d] = eq.inputs;
  // linalg fuses a·b + c·d only when the four shapes agree; otherwise two rounded products and a sum.
  if (eq.inputs.every((v) => same(v.shape, a.shape))) return ([w, x, y, z]) => MUL_ADD(w, x, y, z);
  const left = binaryDType(a, b);
  const right = binaryDType(c, d);
  return ([w, x, y, z]) => BINARY.add(stored(BINARY.mul(w, x), left), stored(BINARY.mul(y, z), right));
}

/** Builds the schedule of a program (see the module comment). */
export class Scheduler {
  private readonly steps: Step[] = [];
  private readonly alias = new Map<number, Var>();
  private readonly views = new Map<number, View>();
  /** The cluster computing each fused value (its locals and its reductions). */
  private readonly owner = new Map<number, Cluster>();
  private readonly open = new Map<string, Cluster>();

  /** Values of the program's one-element constants, by variable id. */
  private readonly smallConstants = new Map<number, number>();

  constructor(private readonly program: Program) {
    for (const c of program.constants) if (c.value.size === 1) this.smallConstants.set(c.variable.id, c.value.data[0]);
  }

  run(): Schedule {
    for (const eq of this.program.equations) {
      if (isLoop(eq)) this.loop(eq);
      else this.equation(eq);
    }
    for (const cluster of [...this.open.values()]) this.flush(cluster);
    const inputs = new Set(this.program.inputs.map((v) => v.id));
    const constants = new Set(this.program.constants.map((c) => c.variable.id));
    const outputs = this.program.outputs.map((o) => {
      const v = this.materialise(this.resolve(o));
      return { v, copy: inputs.has(v.id) || constants.has(v.id) };
    });
    return { steps: this.steps, outputs, inputs, constants };
  }

  private resolve(v: Var): Var {
    return this.alias.get(v.id) ?? v;
  }

  private viewOf(v: Var): View {
    return this.views.get(v.id) ?? wholeView(v);
  }

  /** Emits the open cluster that computes `v`, if any, so that v can be read as an array. */
  private available(v: Var): void {
    const cluster = this.owner.get(v.id);
    if (cluster !== undefined && this.open.get(key(cluster.shape)) === cluster) this.flush(cluster);
  }

  private flush(cluster: Cluster): void {
    if (this.open.get(key(cluster.shape)) === cluster) this.open.delete(key(cluster.shape));
    this.steps.push({ kind: 'cluster', cluster, reads: cluster.accesses.map((a) => a.base) });
  }

  /** A view over an emitted array (a view of a fused value emits its loop first). */
  private readView(v: Var): View {
    const view = this.viewOf(v);
    this.available(view.base);
    return view;
  }

  /** Records `out` as a view; a view of its whole base is the base itself. */
  private defineView(out: Var, view: View): void {
    if (isWholeBase(view) && view.base.dtype === out.dtype) this.alias.set(out.id, view.base);
    else this.views.set(out.id, view);
  }

  /**
   * An array holding exactly v (offset 0, contiguous, every element of its base): the base itself
   * when the view allows it, else a copy made by a loop of its own.
   */
  private materialise(v: Var): Var {
    const view = this.readView(v);
    if (view.offset === 0 && isContiguous(view) && view.base.size === v.size) return view.base;
    const cluster = new Cluster(v.shape);
    const member: ElementMember = {
      kind: 'element',
      out: v,
      args: [cluster.access(view)],
      expression: ([x]) => x,
      primitive: 'copy',
    };
    cluster.members.push(member);
    cluster.locals.add(v.id);
    this.owner.set(v.id, cluster);
    this.views.delete(v.id);
    this.flush(cluster);
    return v;
  }

  private equation(eq: Equation): void {
    const inputs = eq.inputs.map((v) => this.resolve(v));
    const [x] = inputs;
    const view = this.movement(eq, x);
    if (view !== null) this.defineView(eq.out, view);
    else if (eq.primitive === 'stopGradient' || (eq.primitive === 'cast' && x.dtype === eq.out.dtype)) {
      this.alias.set(eq.out.id, x);
    } else if (eq.primitive === 'sum' || eq.primitive === 'max') this.reduce(eq, x);
    else if (eq.primitive === 'matmul') this.matmul(eq.out, inputs[0], inputs[1]);
    else if (eq.primitive === 'tanh') this.tanh(eq.out, inputs[0]);
    else if (eq.primitive === 'concat')
      this.steps.push({ kind: 'concat', eq, reads: inputs.map((v) => this.materialise(v)) });
    else {
      const expression = elementExpression(eq);
      if (expression !== null) this.element(eq.out, inputs, expression, lanePrimitive(eq));
      else this.fallback(eq, inputs);
    }
  }

  /** The view a data-movement equation defines (null for any other primitive). */
  private movement(eq: Equation, x: Var): View | null {
    const params = eq.params as Record<string, unknown>;
    switch (eq.primitive) {
      case 'reshape':
        return (
          reshapeView(this.viewOf(x), eq.out.shape) ??
          (reshapeView(wholeView(this.materialise(x)), eq.out.shape) as View)
        );
      case 'broadcastTo':
        return broadcastView(this.viewOf(x), eq.out.shape);
      case 'transpose':
        return transposeView(this.viewOf(x), params.permutation as number[]);
      case 'slice':
        return sliceView(this.viewOf(x), params.starts as number[], params.ends as number[]);
      default:
        return null;
    }
  }

  /**
   * The open cluster of `shape` with `args` readable in it: arguments computed by another open
   * cluster (or by this one's reductions, or read through a view of this one) emit that cluster first.
   */
  private target(shape: Shape, args: readonly Var[]): { cluster: Cluster; refs: Ref[] } {
    for (const v of args) {
      const view = this.views.get(v.id);
      if (view !== undefined) {
        this.available(view.base);
        continue;
      }
      const owner = this.owner.get(v.id);
      const local = owner?.locals.has(v.id) === true && same((owner as Cluster).shape, shape);
      if (!local) this.available(v);
    }
    let cluster = this.open.get(key(shape));
    if (cluster === undefined) {
      cluster = new Cluster(shape);
      this.open.set(key(shape), cluster);
    }
    const c = cluster;
    const refs = args.map((v): Ref => {
      if (c.locals.has(v.id)) return { kind: 'local', v };
      const view = this.viewOf(v);
      // A one-element constant is written into the loop as a number (V8 then folds x·1 and the like).
      const value = view.base.size === 1 ? this.smallConstants.get(view.base.id) : undefined;
      if (value === undefined) return c.access(broadcastView(view, shape));
      return { kind: 'literal', text: literal(value), value };
    });
    return { cluster, refs };
  }

  private element(
    out: Var,
    args: readonly Var[],
    expression: ElementMember['expression'],
    primitive: LanePrimitive | undefined,
  ): void {
    const { cluster, refs } = this.target(out.shape, args);
    cluster.members.push({ kind: 'element', out, args: refs, expression, primitive });
    cluster.locals.add(out.id);
    this.owner.set(out.id, cluster);
  }

  private reduce(eq: Equation, x: Var): void {
    const { cluster, refs } = this.target(x.shape, [x]);
    const { axes } = eq.params as { axes: readonly number[] };
    cluster.members.push({ kind: 'reduce', out: eq.out, arg: refs[0], op: eq.primitive as 'sum' | 'max', axes });
    this.owner.set(eq.out.id, cluster);
  }

  /** matmul reads whole arrays, transposed ones in place; any other view is copied first. */
  private matmul(out: Var, a: Var, b: Var): void {
    const read = (v: Var): MatmulRead => {
      const view = this.readView(v);
      if (view.base.size === v.size && isTransposedMatrix(view))
        return { base: view.base, shape: v.shape, transposed: true };
      return { base: this.materialise(v), shape: v.shape, transposed: false };
    };
    const [ra, rb] = [read(a), read(b)];
    this.steps.push({ kind: 'matmul', out, a: ra, b: rb, reads: [ra.base, rb.base] });
  }

  /**
   * tanh runs on its SIMD kernel (linalg's tanhInto, about four times as fast as a loop calling
   * tanhOf) over a whole array, so it ends the cluster that computes its argument.
   */
  private tanh(out: Var, x: Var): void {
    const array = this.materialise(x);
    this.steps.push({ kind: 'tanh', out, x: array, reads: [array] });
  }

  private fallback(eq: Equation, inputs: readonly Var[]): void {
    const arrays = inputs.map((v) => this.materialise(v));
    this.steps.push({ kind: 'fallback', eq, reads: arrays });
  }

  private loop(eq: LoopEquation): void {
    const init = eq.init.map((v) => this.materialise(this.resolve(v)));
    const free = eq.free.map((v) => this.materialise(this.resolve(v)));
    this.steps.push({ kind: 'loop', eq, reads: [...init, ...free] });
  }
}

function key(shape: Shape): string {
  return shape.join(',');
}

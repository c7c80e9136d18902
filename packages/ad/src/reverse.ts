import * as L from '@liouville/linalg';
import { ShapeError, formatShape } from '@liouville/linalg';
import { type ActiveTrace, bind, inRule, withTrace } from './bind.js';
import { add, broadcastTo, cast, reshape, stack, zerosLike } from './ops.js';
import type { Primitive, PrimitiveParams } from './primitives.js';
import { rules } from './rules/index.js';
import type { JacobianOf } from './forward.js';
import { type Tree, type TreeDef, flatten, matchTrees, unflatten } from './tree.js';
import { Tracer, type Value } from './Tracer.js';

/** A reverse-mode value: a primal of the level below and its slot on the tape (−1: a constant). */
export class Node extends Tracer {
  constructor(
    readonly trace: ReverseTrace,
    readonly primal: Value,
    readonly id: number,
  ) {
    super();
  }
}

/** One recorded primitive application: enough to apply its reverse rule later. */
interface TapeEntry {
  primitive: Primitive;
  inputIds: number[];
  primals: Value[];
  out: Value;
  params: PrimitiveParams[Primitive];
  outId: number;
}

/** One reverse-mode transformation: a tape of tensor-level operations (one entry per operation). */
export class ReverseTrace implements ActiveTrace {
  finished = false;
  private readonly tape: TapeEntry[] = [];
  private nextId = 0;

  constructor(readonly level: number) {}

  lift(x: Value): Node {
    return new Node(this, x, -1);
  }

  /** A fresh input variable of this transformation. */
  variable(x: Value): Node {
    return new Node(this, x, this.nextId++);
  }

  process<P extends Primitive>(primitive: P, args: Tracer[], params: PrimitiveParams[P]): Value {
    const nodes = args as Node[];
    const primals = nodes.map((n) => n.primal);
    const out = bind(primitive, primals, params);
    // Nothing here depends on a variable: a constant, kept off the tape.
    if (nodes.every((n) => n.id < 0)) return out;
    const node = new Node(this, out, this.nextId++);
    this.tape.push({ primitive, inputIds: nodes.map((n) => n.id), primals, out, params, outId: node.id });
    return node;
  }

  /**
   * Propagates cotangents from the seeds back through the tape. The rules run on the level
   * below, so an enclosing transformation records (or pushes tangents through) this backward
   * pass: that is reverse-over-reverse and forward-over-reverse.
   */
  backward(seeds: ReadonlyArray<[number, Value]>): (Value | undefined)[] {
    const cotangents = new Array<Value | undefined>(this.nextId);
    const accumulate = (id: number, c: Value) => {
      const prior = cotangents[id];
      cotangents[id] = prior === undefined ? c : add(prior, c);
    };
    for (const [id, c] of seeds) accumulate(id, c);
    for (let i = this.tape.length - 1; i >= 0; i--) {
      const entry = this.tape[i];
      const accumulated = cotangents[entry.outId];
      if (accumulated === undefined) continue;
      const cotangent = cotangentFor(entry, accumulated);
      const wanted = entry.inputIds.map((id) => id >= 0);
      const rule = rules[entry.primitive] as (typeof rules)[Primitive];
      const inputs = inRule(entry.primitive, 'reverse', () =>
        rule.vjp({ cotangent, primals: entry.primals, out: entry.out, params: entry.params as never, wanted }),
      );
      inputs.forEach((c, j) => {
        if (c !== null && wanted[j]) accumulate(entry.inputIds[j], c);
      });
    }
    return cotangents;
  }
}

/** The cotangent a rule receives: expanded to the output's shape unless the rule can take it as it is. */
function cotangentFor(entry: TapeEntry, cotangent: Value): Value {
  if (L.shapesEqual(cotangent.shape, entry.out.shape)) return cotangent;
  const elementwise =
    rules[entry.primitive].scalesCotangent === true &&
    entry.primals.every((p) => L.shapesEqual(p.shape, entry.out.shape));
  return elementwise ? cotangent : broadcastTo(cotangent, entry.out.shape);
}

/** A cotangent with its variable's shape: one that still broadcasts is expanded. */
function expandTo(cotangent: Value, shape: L.Shape): Value {
  return L.shapesEqual(cotangent.shape, shape) ? cotangent : broadcastTo(cotangent, shape);
}

/** What a forward pass under a reverse trace leaves for its pullbacks. */
interface Recording {
  trace: ReverseTrace;
  inputs: Node[];
  inputDef: TreeDef;
  output: { leaves: Value[]; def: TreeDef };
}

function record<X extends Tree>(f: (x: X) => Tree, x: X): Recording {
  const flatInputs = flatten(x, 'x');
  return withTrace(
    (level) => new ReverseTrace(level),
    (trace) => {
      const inputs = flatInputs.leaves.map((leaf) => trace.variable(leaf));
      const output = flatten(f(unflatten<X>(flatInputs.def, inputs)), 'output of f');
      return { trace, inputs, inputDef: flatInputs.def, output };
    },
  );
}

function primalOutput(rec: Recording): Value[] {
  return rec.output.leaves.map((o) => (o instanceof Node && o.trace === rec.trace ? o.primal : o));
}

/** Applies the recorded pullback to a flat list of output cotangents; returns flat input cotangents. */
function pullFlat(rec: Recording, cotangents: readonly Value[]): Value[] {
  const seeds: Array<[number, Value]> = [];
  rec.output.leaves.forEach((o, i) => {
    if (o instanceof Node && o.trace === rec.trace && o.id >= 0) seeds.push([o.id, cotangents[i]]);
  });
  const result = rec.trace.backward(seeds);
  // A float32 input met by a float64 constant gets a float64 cotangent: cast it back (as JAX does).
  return rec.inputs.map((node) => {
    const found = result[node.id];
    if (found === undefined) return zerosLike(node.primal);
    const c = expandTo(found, node.primal.shape);
    return c.dtype === node.primal.dtype ? c : cast(c, node.primal.dtype);
  });
}

/**
 * Reverse mode at a point, like `jax.vjp`: returns f(x) and a pullback mapping an output
 * cotangent (same structure and shapes as f(x)) to the input cotangent (structure of x).
 * The pullback may be called many times.
 *
 * @example
 * ```ts
 * import { type Value, square, vjp } from '@liouville/ad';
 * import { tensor } from '@liouville/linalg';
 *
 * const [y, pullback] = vjp((x: Value) => square(x), tensor([1, 2, 3])); // y = [1, 4, 9]
 * pullback(tensor([1, 0, 1])); // uᵀJ = u · 2x = [2, 0, 6]
 * ```
 */
export function vjp<X extends Tree, Y extends Tree>(f: (x: X) => Y, x: X): [Y, (cotangent: Y) => X] {
  const rec = record(f, x);
  const pullback = (cotangent: Y): X => {
    const given = flatten(cotangent, 'cotangent');
    matchTrees('vjp pullback', 'the output of f', rec.output, 'cotangent', given);
    return unflatten<X>(rec.inputDef, pullFlat(rec, given.leaves));
  };
  return [unflatten<Y>(rec.output.def, primalOutput(rec)), pullback];
}

/**
 * Returns [f(x), ∇f(x)] for a scalar-valued f, in one forward and one backward pass.
 *
 * @example
 * ```ts
 * import { type Value, square, sum, valueAndGrad } from '@liouville/ad';
 * import { tensor } from '@liouville/linalg';
 *
 * const [value, gradient] = valueAndGrad((x: Value) => sum(square(x)))(tensor([3, 4]));
 * // value = 25, gradient = [6, 8]
 * ```
 */
export function valueAndGrad<X extends Tree>(f: (x: X) => Value): (x: X) => [Value, X] {
  return (x: X) => {
    const rec = record(f, x);
    if (rec.output.def.kind !== 'leaf' || rec.output.leaves[0].shape.length !== 0) {
      const shape = rec.output.def.kind === 'leaf' ? formatShape(rec.output.leaves[0].shape) : 'a pytree';
      throw new ShapeError(
        'grad',
        `f must return a scalar (shape []), got ${shape}; use vjp or jacrev for other outputs`,
      );
    }
    const [value] = primalOutput(rec);
    const seed = L.ones([], value.dtype);
    return [value, unflatten<X>(rec.inputDef, pullFlat(rec, [seed]))];
  };
}

/**
 * The gradient of a scalar-valued f (reverse mode), with the structure of its input.
 *
 * @example
 * ```ts
 * import { type Value, grad, mul, sin, square, sum } from '@liouville/ad';
 * import { tensor } from '@liouville/linalg';
 *
 * const f = (x: Value) => sum(mul(sin(x), x)); // f(x) = Σ xᵢ sin xᵢ
 * grad(f)(tensor([0, 1, 2])); // sin x + x cos x = [0, 1.3818, 0.0770]
 *
 * // Inputs are pytrees (tensors, arrays, plain records): the gradient keeps their structure.
 * const g = ({ a, b }: { a: Value; b: Value }) => sum(mul(a, square(b)));
 * grad(g)({ a: tensor([2]), b: tensor([3]) }); // { a: [9], b: [12] }
 * ```
 */
export function grad<X extends Tree>(f: (x: X) => Value): (x: X) => X {
  const vg = valueAndGrad(f);
  return (x: X) => vg(x)[1];
}

/**
 * The Jacobian by reverse mode: one backward pass per output element over a single recording.
 * Blocks are [...outShape, ...inShape], structured as `jacfwd`'s.
 *
 * @example
 * ```ts
 * import { type Value, grad, jacrev, mul, sin, sum } from '@liouville/ad';
 * import { tensor } from '@liouville/linalg';
 *
 * const f = (x: Value) => mul(sin(x), x); // [3] → [3], elementwise
 * jacrev(f)(tensor([0, 1, 2])); // [3, 3]: diag(sin x + x cos x)
 * jacrev(grad((x: Value) => sum(f(x))))(tensor([0, 1, 2])); // reverse over reverse: the Hessian
 * ```
 */
export function jacrev<X extends Tree, Y extends Tree>(f: (x: X) => Y): (x: X) => JacobianOf<X, Y> {
  return (x: X) => {
    const rec = record(f, x);
    const outs = primalOutput(rec);
    const jac = outs.map((o, j) => {
      const rows: Value[][] = rec.inputs.map(() => []);
      for (let e = 0; e < o.size; e++) {
        const cotangents = outs.map((other, k) => {
          const c = L.zeros([other.size], other.dtype);
          if (k === j) c.data[e] = 1;
          return L.reshape(c, other.shape);
        });
        const grads = pullFlat(rec, cotangents);
        for (let i = 0; i < grads.length; i++) rows[i].push(grads[i]);
      }
      const blocks = rec.inputs.map((input, i) =>
        o.size === 0
          ? L.zeros([...o.shape, ...input.shape], o.dtype)
          : reshape(stack(rows[i]), [...o.shape, ...input.shape]),
      );
      return rec.inputDef.kind === 'leaf' ? blocks[0] : unflatten(rec.inputDef, blocks);
    });
    return unflatten(rec.output.def, jac);
  };
}

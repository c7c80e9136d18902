import * as L from '@liouville/linalg';
import type { Shape, Tensor } from '@liouville/linalg';
import { type ActiveTrace, bind, inRule, withTrace } from './bind.js';
import { reshape, slice, transpose } from './ops.js';
import type { Primitive, PrimitiveParams, TangentLayout } from './primitives.js';
import { rules } from './rules/index.js';
import { type Tree, flatten, matchTrees, unflatten } from './tree.js';
import { Tracer, type Value } from './Tracer.js';

/** A forward-mode value: a primal and its tangent (null: exactly zero), both of the level below. */
export class Dual extends Tracer {
  constructor(
    readonly trace: JvpTrace,
    readonly primal: Value,
    readonly tangent: Value | null,
  ) {
    super();
  }
}

/** The tangent layout of a forward transformation pushing `size` directions at once (or one). */
export function tangentLayout(size: number | null): TangentLayout {
  return {
    size,
    axis: (a) => (size === null ? a : a + 1),
    shape: (s) => (size === null ? [...s] : [size, ...s]),
    expand: (t, rank) => {
      if (size === null) return t;
      const primalRank = t.shape.length - 1;
      if (primalRank >= rank) return t;
      return reshape(t, [size, ...new Array<number>(rank - primalRank).fill(1), ...t.shape.slice(1)]);
    },
  };
}

/** One forward-mode transformation (dual numbers over any lower level). */
export class JvpTrace implements ActiveTrace {
  finished = false;
  constructor(
    readonly level: number,
    readonly layout: TangentLayout,
  ) {}

  lift(x: Value): Dual {
    return new Dual(this, x, null);
  }

  process<P extends Primitive>(primitive: P, args: Tracer[], params: PrimitiveParams[P]): Value {
    const duals = args as Dual[];
    const primals = duals.map((d) => d.primal);
    const tangents = duals.map((d) => d.tangent);
    const out = bind(primitive, primals, params);
    // With every tangent zero the result is a constant of this level: no dual needed.
    if (tangents.every((t) => t === null)) return out;
    const rule = rules[primitive] as (typeof rules)[P];
    const tangent = inRule(primitive, 'forward', () =>
      rule.jvp({ primals, tangents, out, params, layout: this.layout }),
    );
    return tangent === null ? out : new Dual(this, out, tangent);
  }

  /** The primal part of an output of this transformation. */
  primalOf(x: Value): Value {
    return x instanceof Dual && x.trace === this ? x.primal : x;
  }

  /** The tangent part of an output of this transformation (explicit zeros for constants). */
  tangentOf(x: Value): Value {
    if (x instanceof Dual && x.trace === this && x.tangent !== null) return x.tangent;
    return L.zeros(this.layout.shape(x.shape), x.dtype);
  }
}

/**
 * Forward mode at a point: returns [f(x), J_f(x)·v] in one pass, like `jax.jvp`.
 * `x` and `v` are pytrees of the same structure and shapes.
 *
 * @example
 * ```ts
 * import { type Value, jvp, mul, sin } from '@liouville/ad';
 * import { tensor } from '@liouville/linalg';
 *
 * const f = (x: Value) => mul(sin(x), x); // elementwise xᵢ sin xᵢ
 * const [y, dy] = jvp(f, tensor([0, 1, 2]), tensor([1, 1, 1]));
 * // y = [0, 0.8415, 1.8186], dy = J·v = sin x + x cos x = [0, 1.3818, 0.0770]
 * ```
 */
export function jvp<X extends Tree, Y extends Tree>(f: (x: X) => Y, x: X, v: X): [Y, Y] {
  const primals = flatten(x, 'x');
  const tangents = flatten(v, 'v');
  matchTrees('jvp', 'x', primals, 'v', tangents);
  return withTrace(
    (level) => new JvpTrace(level, tangentLayout(null)),
    (trace) => {
      const duals = primals.leaves.map((p, i) => new Dual(trace, p, tangents.leaves[i]));
      const out = flatten(f(unflatten<X>(primals.def, duals)), 'output of f');
      return [
        unflatten<Y>(
          out.def,
          out.leaves.map((o) => trace.primalOf(o)),
        ),
        unflatten<Y>(
          out.def,
          out.leaves.map((o) => trace.tangentOf(o)),
        ),
      ];
    },
  );
}

/** The type of a Jacobian: a value for a function of one value to one value, else a pytree of blocks. */
export type JacobianOf<X, Y> = [X] extends [Value] ? ([Y] extends [Value] ? Value : Tree) : Tree;

/** Rows offset..offset+size of the n×n identity, shaped [n, ...shape]: one input block's directions. */
function basisBlock(n: number, offset: number, shape: Shape, dtype: L.DType): Tensor {
  const size = L.sizeOf(shape);
  const data = L.allocate(dtype, n * size);
  for (let e = 0; e < size; e++) data[(offset + e) * size + e] = 1;
  return new L.Tensor(data, [n, ...shape]);
}

/**
 * Splits a batched derivative [n, ...outShape] into one Jacobian block per input leaf, each
 * shaped [...outShape, ...inShape] (rows of the Jacobian are output elements, as in JAX).
 */
export function jacobianBlocks(stacked: Value, outShape: Shape, inputs: readonly Value[], n: number): Value[] {
  const outSize = L.sizeOf(outShape);
  let offset = 0;
  return inputs.map((input) => {
    const rows = L.sizeOf(input.shape);
    const flat = reshape(stacked, [n, outSize]);
    const block = rows === n ? flat : slice(flat, [offset, 0], [offset + rows, outSize]);
    offset += rows;
    return reshape(transpose(block), [...outShape, ...input.shape]);
  });
}

/**
 * The Jacobian by forward mode: all n input directions are pushed in one batched pass (each
 * tangent carries a leading axis of length n). Result blocks are [...outShape, ...inShape];
 * for pytree inputs, each output leaf maps to a pytree of blocks shaped like the input.
 *
 * @example
 * ```ts
 * import { type Value, jacfwd, mul, sin } from '@liouville/ad';
 * import { tensor } from '@liouville/linalg';
 *
 * const f = (x: Value) => mul(sin(x), x); // [3] → [3], elementwise
 * jacfwd(f)(tensor([0, 1, 2]));           // [3, 3]: diag(sin x + x cos x)
 * ```
 */
export function jacfwd<X extends Tree, Y extends Tree>(f: (x: X) => Y): (x: X) => JacobianOf<X, Y> {
  return (x: X) => {
    const inputs = flatten(x, 'x');
    const n = inputs.leaves.reduce((total, leaf) => total + leaf.size, 0);
    return withTrace(
      (level) => new JvpTrace(level, tangentLayout(n)),
      (trace) => {
        let offset = 0;
        const duals = inputs.leaves.map((leaf) => {
          const dual = new Dual(trace, leaf, basisBlock(n, offset, leaf.shape, leaf.dtype));
          offset += leaf.size;
          return dual;
        });
        const out = flatten(f(unflatten<X>(inputs.def, duals)), 'output of f');
        const jac = out.leaves.map((o) => {
          const blocks = jacobianBlocks(trace.tangentOf(o), o.shape, inputs.leaves, n);
          return inputs.def.kind === 'leaf' ? blocks[0] : unflatten(inputs.def, blocks);
        });
        return unflatten(out.def, jac);
      },
    );
  };
}

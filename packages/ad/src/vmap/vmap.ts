import { InvalidArgumentError, ShapeError, formatShape } from '@liouville/linalg';
import { withTrace } from '../bind.js';
import { StructureError } from '../errors.js';
import { broadcastTo, reshape } from '../ops.js';
import { type Tree, type TreeDef, flatten, unflatten } from '../tree.js';
import type { Value } from '../Tracer.js';
import { moveAxis } from './axes.js';
import { BatchTrace, BatchTracer } from './BatchTrace.js';

/**
 * Which axis of a value is the batch axis: a number (negative counts from the end), null for a
 * value shared by every example, or an array or record of them that is a prefix of the value's
 * pytree (a number or null there applies to every leaf below it), as JAX's `in_axes`/`out_axes`.
 */
export type AxisSpec = number | null | readonly AxisSpec[] | { readonly [key: string]: AxisSpec };

/** A leaf's batch axis and the path that names it in error messages. */
interface LeafAxis {
  axis: number | null;
  path: string;
}

/**
 * Vectorizes f over a batch axis, like `jax.vmap`: `vmap(f)(xs)` is f applied to each slice
 * `xs[i]` along axis 0, results stacked along axis 0, computed in one pass over the whole batch
 * (a batching level with a rule per primitive). f may take several arguments; `inAxes` is one
 * AxisSpec for all of them, or an array with one entry per argument (as JAX's tuple); `outAxes`
 * is a prefix of f's output. Batched arguments must agree on the batch size. Composes with every
 * other transformation in any order: `vmap(grad(f))` gives per-example gradients.
 */
export function vmap<A extends Tree[], Y extends Tree>(
  f: (...args: A) => Y,
  inAxes: AxisSpec = 0,
  outAxes: AxisSpec = 0,
): (...args: A) => Y {
  checkSpec(inAxes, 'vmap: inAxes');
  checkSpec(outAxes, 'vmap: outAxes');
  return (...args: A): Y => {
    const inputs = flatten(args, 'argument');
    const axes = leafAxes(argumentSpec(inAxes, args.length), inputs.def, 'argument', inputs.leaves, 'inAxes');
    const size = batchSizeOf(inputs.leaves, axes);
    return withTrace(
      (level) => new BatchTrace(level),
      (trace) => {
        const boxed = inputs.leaves.map((leaf, i) => {
          const axis = axes[i].axis;
          return axis === null ? leaf : new BatchTracer(trace, leaf, axis);
        });
        const out = flatten(f(...unflatten<A>(inputs.def, boxed)), 'output of f');
        const wanted = leafAxes(outAxes, out.def, 'output', out.leaves, 'outAxes', 1);
        const results = out.leaves.map((leaf, i) => placeOutput(trace, leaf, wanted[i], size));
        return unflatten<Y>(out.def, results);
      },
    );
  };
}

/** Rejects anything that is not an AxisSpec before f runs. */
function checkSpec(spec: unknown, name: string): void {
  if (spec === null || typeof spec === 'number') {
    if (spec !== null && !Number.isInteger(spec)) throw new InvalidArgumentError(name, 'an integer axis or null', spec);
    return;
  }
  if (Array.isArray(spec)) {
    for (const [i, s] of spec.entries()) checkSpec(s, `${name}[${i}]`);
    return;
  }
  const prototype = typeof spec === 'object' ? Object.getPrototypeOf(spec) : undefined;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new InvalidArgumentError(name, 'an axis, null, or an array or record of them', spec);
  }
  for (const [key, s] of Object.entries(spec as object)) checkSpec(s, `${name}.${key}`);
}

/** inAxes as a spec of the argument list: one spec for all, or an array with one entry per argument. */
function argumentSpec(inAxes: AxisSpec, count: number): AxisSpec {
  if (inAxes === null || typeof inAxes === 'number') return inAxes;
  if (!Array.isArray(inAxes)) {
    throw new InvalidArgumentError('vmap: inAxes', 'an axis, null, or an array with one entry per argument', inAxes);
  }
  if (inAxes.length !== count) {
    throw new InvalidArgumentError(
      'vmap: inAxes',
      `one entry per argument of f (${count} given to the vectorized function)`,
      inAxes,
    );
  }
  return inAxes;
}

/**
 * The batch axis of every leaf of a pytree from a prefix spec, resolved against each leaf's rank
 * plus `extraRank` (1 for outputs, which gain the batch axis).
 */
function leafAxes(
  spec: AxisSpec,
  def: TreeDef,
  path: string,
  leaves: readonly Value[],
  specName: string,
  extraRank = 0,
): LeafAxis[] {
  const out: LeafAxis[] = [];
  const walk = (s: AxisSpec, d: TreeDef, at: string): void => {
    if (s === null || typeof s === 'number') {
      forEachLeaf(d, at, (leafPath) => {
        const leaf = leaves[out.length];
        out.push({
          axis: s === null ? null : resolveAxis(s, leaf.shape.length + extraRank, specName, leafPath),
          path: leafPath,
        });
      });
      return;
    }
    if (Array.isArray(s) && d.kind === 'array' && d.children.length === s.length) {
      for (const [i, c] of d.children.entries()) walk(s[i], c, `${at}[${i}]`);
      return;
    }
    const record = s as { readonly [key: string]: AxisSpec };
    const keys = Object.keys(record).sort();
    if (
      !Array.isArray(s) &&
      d.kind === 'record' &&
      keys.length === d.keys.length &&
      keys.every((k, i) => k === d.keys[i])
    ) {
      for (const [i, c] of d.children.entries()) walk(record[d.keys[i]], c, `${at}.${d.keys[i]}`);
      return;
    }
    throw new StructureError(`vmap: ${specName} does not match ${at}: the spec must be a prefix of its pytree`);
  };
  walk(spec, def, path);
  return out;
}

/** Calls `visit` with the path of every leaf under a tree definition, in flatten's order. */
function forEachLeaf(def: TreeDef, at: string, visit: (path: string) => void): void {
  if (def.kind === 'leaf') {
    visit(at);
    return;
  }
  for (const [i, c] of def.children.entries()) {
    forEachLeaf(c, def.kind === 'array' ? `${at}[${i}]` : `${at}.${def.keys[i]}`, visit);
  }
}

/** A batch axis in [0, rank), from one that may count from the end. */
function resolveAxis(axis: number, rank: number, specName: string, path: string): number {
  if (axis < -rank || axis >= rank) {
    throw new InvalidArgumentError(
      `vmap: ${specName} for ${path}`,
      rank === 0 ? 'null (a rank-0 value has no axis to map over)' : `an axis in [${-rank}, ${rank})`,
      axis,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** The common length of the batch axes; names the first disagreeing argument. */
function batchSizeOf(leaves: readonly Value[], axes: readonly LeafAxis[]): number {
  let first: { size: number; path: string } | null = null;
  leaves.forEach((leaf, i) => {
    const { axis, path } = axes[i];
    if (axis === null) return;
    const size = leaf.shape[axis];
    if (first === null) first = { size, path };
    else if (size !== first.size) {
      throw new ShapeError(
        'vmap',
        `${path} has length ${size} along its batch axis ${axis} (shape ${formatShape(leaf.shape)}), but ${first.path} has ${first.size}: batched inputs must agree on the batch size`,
      );
    }
  });
  if (first === null) {
    throw new InvalidArgumentError(
      'vmap: inAxes',
      'at least one batched input (an axis that is not null)',
      'only null axes',
    );
  }
  return (first as { size: number }).size;
}

/** An output with its batch axis where outAxes asks; an unbatched output is repeated, or kept if asked null. */
function placeOutput(trace: BatchTrace, leaf: Value, wanted: LeafAxis, size: number): Value {
  const [value, dim] = trace.unbox(leaf);
  if (dim !== null) {
    if (wanted.axis === null) {
      throw new InvalidArgumentError(
        `vmap: outAxes for ${wanted.path}`,
        'an axis (the output depends on the batched inputs)',
        null,
      );
    }
    return moveAxis(value, dim, wanted.axis);
  }
  if (wanted.axis === null) return value;
  const shape = value.shape;
  const expanded = [...shape.slice(0, wanted.axis), 1, ...shape.slice(wanted.axis)];
  return broadcastTo(reshape(value, expanded), [...shape.slice(0, wanted.axis), size, ...shape.slice(wanted.axis)]);
}

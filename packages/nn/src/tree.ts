import { StructureError, type Tree, type TreePath, flatten, formatPath, leafPaths, unflatten } from '@liouville/ad';
import { InvalidArgumentError, ShapeError, Tensor, formatShape } from '@liouville/linalg';

/**
 * Parameter trees: a tensor, or an array or plain record of parameter trees. Network parameters,
 * optimiser moments and saved checkpoints are all trees of plain (non-differentiated) tensors.
 * Records are visited in sorted key order, as `flatten` of @liouville/ad does, so the order of
 * leaves never depends on how a record was built.
 */
export type ParamTree = Tensor | readonly ParamTree[] | { readonly [key: string]: ParamTree };

export type { TreePath };
export { formatPath };

/** One leaf of a tree with its path. */
export interface TreeLeaf {
  readonly path: TreePath;
  readonly leaf: Tensor;
}

/** Two trees that should have the same structure and leaf shapes but do not (a StructureError). */
export class TreeMismatchError extends StructureError {
  override name = 'TreeMismatchError';
}

/**
 * The leaves of a tree with their paths, in canonical order; `name` labels errors. The walk is
 * @liouville/ad's `flatten` (one pytree walker for the workspace); parameter trees hold tensors.
 */
export function treeLeaves(tree: ParamTree, name = 'params'): TreeLeaf[] {
  const { leaves, def } = flatten(tree as Tree, name);
  const paths = leafPaths(def);
  return leaves.map((leaf, i) => {
    if (!(leaf instanceof Tensor)) {
      throw new InvalidArgumentError(
        formatPath(name, paths[i]),
        'a Tensor (a parameter tree holds plain tensors)',
        leaf,
      );
    }
    return { path: paths[i], leaf };
  });
}

/** A one-line description of a tree's structure, for messages: `{W0: [2, 3], b0: [3]}`. */
export function describeTree(tree: ParamTree): string {
  if (tree instanceof Tensor) return formatShape(tree.shape);
  if (Array.isArray(tree)) return `[${tree.map(describeTree).join(', ')}]`;
  const record = tree as Record<string, ParamTree>;
  return `{${Object.keys(record)
    .sort()
    .map((k) => `${k}: ${describeTree(record[k])}`)
    .join(', ')}}`;
}

function samePath(a: TreePath, b: TreePath): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/**
 * Checks that `given` has the structure and leaf shapes of `expected`; throws TreeMismatchError
 * naming both trees and the first leaf that differs. Returns both leaf lists (same order).
 */
export function assertSameStructure(
  operation: string,
  expectedName: string,
  expected: ParamTree,
  givenName: string,
  given: ParamTree,
): [TreeLeaf[], TreeLeaf[]] {
  const a = treeLeaves(expected, expectedName);
  const b = treeLeaves(given, givenName);
  const mismatch = a.length !== b.length || a.some((leaf, i) => !samePath(leaf.path, b[i].path));
  if (mismatch) {
    throw new TreeMismatchError(
      `${operation}: ${givenName} must have the structure of ${expectedName} ${describeTree(expected)}, got ${describeTree(given)}`,
    );
  }
  a.forEach(({ path, leaf }, i) => {
    const got = b[i].leaf.shape;
    if (leaf.shape.length !== got.length || leaf.shape.some((n, j) => n !== got[j])) {
      throw new ShapeError(
        operation,
        `${formatPath(givenName, path)} must have shape ${formatShape(leaf.shape)} (as ${formatPath(expectedName, path)}), got ${formatShape(got)}`,
      );
    }
  });
  return [a, b];
}

/** Sets a key as an own enumerable property, even when it is "__proto__". */
export function defineKey<V>(record: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Rebuilds a tree of the structure of `like` from leaves in canonical order. */
export function treeFromLeaves<T extends ParamTree>(like: T, leaves: readonly Tensor[]): T {
  return unflatten<T>(flatten(like as Tree, 'like').def, leaves);
}

/**
 * Applies `f` leafwise to one or more trees of the same structure and shapes (checked), returning
 * a tree of the first one's structure: `treeMap((p, g) => sub(p, g), params, grads)`.
 */
export function treeMap<T extends ParamTree>(f: (...leaves: Tensor[]) => Tensor, tree: T, ...others: ParamTree[]): T {
  const first = treeLeaves(tree, 'tree');
  const rest = others.map((other, k) => assertSameStructure('treeMap', 'tree', tree, `others[${k}]`, other)[1]);
  return treeFromLeaves(
    tree,
    first.map(({ leaf }, i) => f(leaf, ...rest.map((leaves) => leaves[i].leaf))),
  );
}

function sameBits(a: Tensor, b: Tensor): boolean {
  if (a.dtype !== b.dtype || a.size !== b.size) return false;
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * True when two trees have the same structure, shapes, dtypes and bit-identical elements (so NaN
 * equals the same NaN and 0 differs from −0): the equality that "same seed ⇒ same bits" needs.
 */
export function paramsEqual(a: ParamTree, b: ParamTree): boolean {
  const x = treeLeaves(a, 'a');
  const y = treeLeaves(b, 'b');
  if (x.length !== y.length) return false;
  return x.every((leaf, i) => {
    const other = y[i];
    const shapes =
      leaf.leaf.shape.length === other.leaf.shape.length && leaf.leaf.shape.every((n, j) => n === other.leaf.shape[j]);
    return samePath(leaf.path, other.path) && shapes && sameBits(leaf.leaf, other.leaf);
  });
}

import { describeValue, formatShape } from '@liouville/linalg';
import { StructureError } from './errors.js';
import { type Value, isValue } from './Tracer.js';

/** A small pytree: a value, or an array or plain record of pytrees (network parameters, states). */
export type Tree = Value | readonly Tree[] | { readonly [key: string]: Tree };

/** The shape of a pytree without its leaves, used to rebuild one from a flat list of leaves. */
export type TreeDef =
  | { kind: 'leaf' }
  | { kind: 'array'; children: TreeDef[] }
  | { kind: 'record'; keys: string[]; children: TreeDef[] };

const isLeaf = isValue;

const LEAF: TreeDef = Object.freeze({ kind: 'leaf' });

/** Flattens a pytree into its leaves (records in sorted key order) and its definition. */
export function flatten(tree: Tree, argument = 'input'): { leaves: Value[]; def: TreeDef } {
  // The common case of a single value skips the walk (transformations flatten on every call).
  if (isLeaf(tree)) return { leaves: [tree], def: LEAF };
  const leaves: Value[] = [];
  const walk = (node: unknown, path: string): TreeDef => {
    if (isLeaf(node)) {
      leaves.push(node);
      return LEAF;
    }
    if (Array.isArray(node)) return { kind: 'array', children: node.map((c, i) => walk(c, `${path}[${i}]`)) };
    // A record is a plain object: an object literal, or a dictionary made with Object.create(null).
    const prototype = node !== null && typeof node === 'object' ? Object.getPrototypeOf(node) : undefined;
    if (prototype === Object.prototype || prototype === null) {
      const keys = Object.keys(node as object).sort();
      return {
        kind: 'record',
        keys,
        children: keys.map((k) => walk((node as Record<string, unknown>)[k], `${path}.${k}`)),
      };
    }
    throw new StructureError(
      `${path}: expected a Tensor, a differentiable value, or an array or record of them, got ${typeof node === 'number' ? 'a number (wrap it with scalar())' : describeValue(node)}`,
    );
  };
  const def = walk(tree, argument);
  return { leaves, def };
}

/** Where a leaf sits in a tree: record keys (strings) and array indices (numbers) from the root. */
export type TreePath = readonly (string | number)[];

/** The path of every leaf of a tree definition, in the order of `flatten`'s leaves. */
export function leafPaths(def: TreeDef): TreePath[] {
  const paths: TreePath[] = [];
  const visit = (d: TreeDef, path: (string | number)[]): void => {
    if (d.kind === 'leaf') paths.push(path);
    else
      for (let i = 0; i < d.children.length; i++) visit(d.children[i], [...path, d.kind === 'array' ? i : d.keys[i]]);
  };
  visit(def, []);
  return paths;
}

/** Formats a path as `name.W0`, `name[2].b`, for messages. */
export function formatPath(root: string, path: TreePath): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : `${acc}.${k}`), root);
}

/** Rebuilds a pytree from its definition and leaves. */
export function unflatten<T = Tree>(def: TreeDef, leaves: readonly unknown[]): T {
  if (def.kind === 'leaf') return leaves[0] as T;
  const cursor = { index: 0 };
  return build(def, leaves, cursor) as T;
}

// A module-level function, not a closure: this runs on every call of a compiled function.
function build(d: TreeDef, leaves: readonly unknown[], cursor: { index: number }): unknown {
  if (d.kind === 'leaf') return leaves[cursor.index++];
  if (d.kind === 'array') {
    const out = new Array<unknown>(d.children.length);
    for (let i = 0; i < out.length; i++) out[i] = build(d.children[i], leaves, cursor);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < d.keys.length; i++) {
    const key = d.keys[i];
    const value = build(d.children[i], leaves, cursor);
    // A key "__proto__" (a parameter file may hold one) must become an own property, not the prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

/** True when two tree definitions have the same structure. */
export function sameStructure(a: TreeDef, b: TreeDef): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'leaf') return true;
  if (a.kind === 'array' && b.kind === 'array') {
    return a.children.length === b.children.length && a.children.every((c, i) => sameStructure(c, b.children[i]));
  }
  if (a.kind === 'record' && b.kind === 'record') {
    return (
      a.keys.length === b.keys.length &&
      a.keys.every((k, i) => k === b.keys[i]) &&
      a.children.every((c, i) => sameStructure(c, b.children[i]))
    );
  }
  return false;
}

/** Describes a tree definition for error messages. */
export function describeDef(def: TreeDef): string {
  if (def.kind === 'leaf') return 'value';
  if (def.kind === 'array') return `[${def.children.map(describeDef).join(', ')}]`;
  return `{${def.keys.map((k, i) => `${k}: ${describeDef(def.children[i])}`).join(', ')}}`;
}

/** Checks that two pytrees have the same structure and leaf shapes; names both on failure. */
export function matchTrees(
  operation: string,
  expectedName: string,
  expected: { leaves: Value[]; def: TreeDef },
  givenName: string,
  given: { leaves: Value[]; def: TreeDef },
  leafShape: (leaf: Value) => readonly number[] = (leaf) => leaf.shape,
): void {
  if (!sameStructure(expected.def, given.def)) {
    throw new StructureError(
      `${operation}: ${givenName} must have the structure of ${expectedName} (${describeDef(expected.def)}), got ${describeDef(given.def)}`,
    );
  }
  expected.leaves.forEach((leaf, i) => {
    const want = leafShape(leaf);
    const got = given.leaves[i].shape;
    if (want.length !== got.length || want.some((n, j) => n !== got[j])) {
      throw new StructureError(
        `${operation}: ${givenName} leaf ${i} must have shape ${formatShape(want)} (as ${expectedName}), got ${formatShape(got)}`,
      );
    }
  });
}

// Shared by the vmap tests: bit-for-bit comparison, and the per-example reference (slices and
// stacks computed with linalg, independently of the code under test).
import * as L from '@liouville/linalg';
import type { Tensor } from '@liouville/linalg';
import { expect } from 'vitest';
import { type Tree, type Value, primalTensor } from '../src/index.js';
import { leaves, mapTree } from './helpers.js';

/** Asserts two tensors have the same dtype, shape and bits (−0 and 0 differ; NaN equals NaN). */
export function expectSameBits(actual: Value, expected: Tensor, label = 'value'): void {
  const a = primalTensor(actual);
  expect(a.dtype, `${label}: dtype`).toBe(expected.dtype);
  expect(a.shape, `${label}: shape`).toEqual(expected.shape);
  expect(Array.from(a.data), `${label}: elements`).toEqual(Array.from(expected.data));
}

/** Asserts two trees have the same structure and every leaf the same dtype, shape and bits. */
export function expectTreeBits(actual: Tree, expected: Tree): void {
  const as = leaves(actual);
  const es = leaves(expected);
  expect(as.length).toBe(es.length);
  as.forEach((a, i) => {
    expectSameBits(a, es[i], `leaf ${i}`);
  });
}

/** Stacks trees of one structure leaf by leaf along a new leading axis. */
export function stackTrees<T extends Tree>(trees: readonly T[]): T {
  const all = trees.map(leaves);
  return mapTree(trees[0], (_, i) => L.stack(all.map((ls) => ls[i])));
}

/** The slices of a tensor along axis 0 (the rows of a matrix). */
export function rows(x: Tensor): Tensor[] {
  const rest = x.shape.slice(1);
  return Array.from({ length: x.shape[0] }, (_, i) =>
    L.reshape(L.slice(x, [i, ...rest.map(() => 0)], [i + 1, ...rest]), rest),
  );
}

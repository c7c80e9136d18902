import { StructureError } from '@liouville/ad';
import fc from 'fast-check';
import { ShapeError, Tensor, add, randomNormal, tensor } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import {
  TreeMismatchError,
  assertSameStructure,
  describeTree,
  paramsEqual,
  treeFromLeaves,
  treeLeaves,
  treeMap,
} from '../src/index.js';
import { keyOf, seedArb } from './helpers.js';

describe('treeLeaves', () => {
  test('visits records in sorted key order and arrays in index order, with paths', () => {
    const tree = { b: [tensor([1]), tensor([2])], a: { z: tensor([3]), y: tensor([4]) } };
    const leaves = treeLeaves(tree);
    expect(leaves.map((l) => l.path)).toEqual([
      ['a', 'y'],
      ['a', 'z'],
      ['b', 0],
      ['b', 1],
    ]);
    expect(leaves.map((l) => l.leaf.item())).toEqual([4, 3, 1, 2]);
  });

  test('names the path of a leaf that is not a tensor, with the pytree error of @liouville/ad', () => {
    expect(() => treeLeaves({ a: [tensor([1]), 5] } as never)).toThrow(StructureError);
    expect(() => treeLeaves({ a: [tensor([1]), 5] } as never)).toThrow(/params\.a\[1\]/);
  });
});

describe('treeFromLeaves', () => {
  test('inverts treeLeaves', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const tree = { w: randomNormal(keyOf(seed), [2, 2]), layers: [{ b: randomNormal(keyOf(seed + 1), [3]) }] };
        const rebuilt = treeFromLeaves(
          tree,
          treeLeaves(tree).map((l) => l.leaf),
        );
        expect(paramsEqual(rebuilt, tree)).toBe(true);
        expect(describeTree(rebuilt)).toBe('{layers: [{b: [3]}], w: [2, 2]}');
      }),
      { numRuns: 20 },
    );
  });
});

describe('treeMap', () => {
  test('applies a function leafwise across trees of one structure', () => {
    const a = { x: tensor([1, 2]), y: [tensor([3])] };
    const b = { x: tensor([10, 20]), y: [tensor([30])] };
    const sum = treeMap((p, q) => add(p, q), a, b);
    expect(Array.from(sum.x.data)).toEqual([11, 22]);
    expect(Array.from(sum.y[0].data)).toEqual([33]);
  });

  test('rejects trees of another structure or shape', () => {
    const a = { x: tensor([1, 2]) };
    expect(() => treeMap((p, q) => add(p, q), a, { y: tensor([1, 2]) })).toThrow(TreeMismatchError);
    expect(() => treeMap((p, q) => add(p, q), a, { x: tensor([1, 2, 3]) })).toThrow(ShapeError);
  });
});

describe('assertSameStructure', () => {
  test('names both trees and the differing leaf', () => {
    expect(() => assertSameStructure('op', 'params', { w: tensor([[1, 2]]) }, 'grads', { w: tensor([1, 2]) })).toThrow(
      /op: grads\.w must have shape \[1, 2\] \(as params\.w\), got \[2\]/,
    );
    expect(() => assertSameStructure('op', 'params', [tensor([1])], 'grads', [tensor([1]), tensor([2])])).toThrow(
      /grads must have the structure of params \[\[1\]\], got \[\[1\], \[1\]\]/,
    );
  });
});

describe('paramsEqual', () => {
  test('compares bits: NaN equals the same NaN, 0 differs from −0, dtypes must agree', () => {
    expect(paramsEqual({ a: tensor([Number.NaN]) }, { a: tensor([Number.NaN]) })).toBe(true);
    expect(paramsEqual({ a: tensor([0]) }, { a: tensor([-0]) })).toBe(false);
    expect(paramsEqual({ a: tensor([1]) }, { a: tensor([1], undefined, 'float32') })).toBe(false);
    expect(paramsEqual({ a: tensor([1, 2]) }, { a: new Tensor(new Float64Array([1, 2]), [2, 1]) })).toBe(false);
    expect(paramsEqual({ a: tensor([1]) }, { b: tensor([1]) })).toBe(false);
  });
});

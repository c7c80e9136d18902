// The one pytree walker of the workspace (nn's parameter trees are built on it).
import { tensor } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { flatten, formatPath, leafPaths, unflatten } from '../src/index.js';

describe('leafPaths', () => {
  test('gives the path of every leaf in the order of flatten', () => {
    const tree = { b: [tensor([1]), { c: tensor([2]) }], a: tensor([3]) };
    const { leaves, def } = flatten(tree);
    const paths = leafPaths(def);
    expect(paths).toEqual([['a'], ['b', 0], ['b', 1, 'c']]);
    expect(leaves.map((l) => l.toString())).toEqual([
      'Tensor(float64 [1]: [3])',
      'Tensor(float64 [1]: [1])',
      'Tensor(float64 [1]: [2])',
    ]);
    expect(paths.map((p) => formatPath('params', p))).toEqual(['params.a', 'params.b[0]', 'params.b[1].c']);
  });
});

describe('unflatten', () => {
  test('keeps a "__proto__" key as an own property instead of setting the prototype', () => {
    const record = JSON.parse('{"__proto__": [1], "x": [2]}') as Record<string, number[]>;
    const tree = Object.fromEntries(Object.entries(record).map(([k, v]) => [k, tensor(v)]));
    const { leaves, def } = flatten(tree);
    const rebuilt = unflatten<Record<string, unknown>>(def, leaves);
    expect(Object.getPrototypeOf(rebuilt)).toBe(Object.prototype);
    expect(Object.keys(rebuilt).sort()).toEqual(['__proto__', 'x']);
  });
});

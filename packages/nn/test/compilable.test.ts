// The compilable form of each optimiser (`optimiser.compilable`) against its `update`: the
// traceable update computes in float64 with the kernels' expressions and rounds where they store,
// so over several steps, eagerly and under jit (one compiled program for every step, the step's
// scalars passed as data), parameters and state keep the bits of `update`, in float64 and float32,
// NaN and infinite gradients included.
import { jit } from '@liouville/ad';
import { type DType, type Tensor, cast, randomKey, randomNormal, splitKey, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Optimizer, type ParamTree, TreeMismatchError, adam, adamW, sgd, treeLeaves } from '../src/index.js';
import { seedArb } from './helpers.js';

function expectTreeBits(actual: unknown, expected: unknown): void {
  const [a, e] = [treeLeaves(actual as ParamTree), treeLeaves(expected as ParamTree)];
  expect(a.map((l) => l.path)).toEqual(e.map((l) => l.path));
  a.forEach(({ leaf }, i) => {
    expect(leaf.dtype).toBe(e[i].leaf.dtype);
    expect(leaf.shape).toEqual(e[i].leaf.shape);
    leaf.data.forEach((x, j) => {
      if (!Object.is(x, e[i].leaf.data[j])) expect.fail(`leaf ${i} element ${j}: ${x} vs ${e[i].leaf.data[j]}`);
    });
  });
}

/** Parameters and a gradient per step, seeded; `special` puts a NaN or ±∞ into one gradient. */
function problem(seed: number, dtype: DType, steps: number, special: boolean) {
  const keys = splitKey(randomKey(seed), steps + 2);
  const draw = (k: number, shape: number[]) => cast(randomNormal(keys[k], shape), dtype);
  const params = { W: draw(0, [7, 5]), b: draw(1, [5]) };
  const grads = Array.from({ length: steps }, (_, t) => ({
    W: draw(t + 2, [7, 5]),
    b: cast(tensor([1, -2, 3e-3, 0, 4]), dtype),
  }));
  if (special) grads[steps - 1].b = cast(tensor([Number.NaN, Number.POSITIVE_INFINITY, 0, -0, 1]), dtype);
  return { params, grads };
}

// The eager update refuses a non-finite gradient unless allowed; here both forms must apply it alike.
const allowNonFinite = true;
// biome-ignore lint/suspicious/noExplicitAny: each optimiser has its own state type.
const OPTIMISERS: [string, () => Optimizer<any>][] = [
  ['adam', () => adam({ lr: 3e-3, allowNonFinite })],
  [
    'adam with weight decay and a schedule',
    () => adam({ lr: (t) => 0.01 / Math.sqrt(t), weightDecay: 0.1, beta2: 0.99, allowNonFinite }),
  ],
  ['adamW', () => adamW({ lr: 2e-3, weightDecay: 0.05, allowNonFinite })],
  ['sgd', () => sgd({ lr: 0.1, allowNonFinite })],
  [
    'sgd with momentum and weight decay',
    () => sgd({ lr: (t) => 0.1 / t, momentum: 0.9, weightDecay: 0.01, allowNonFinite }),
  ],
  ['sgd with Nesterov momentum', () => sgd({ lr: 0.05, momentum: 0.8, nesterov: true, allowNonFinite })],
];

describe.each(OPTIMISERS)('%s, compiled', (_name, make) => {
  test.each(['float64', 'float32'] as const)(
    'gives the bits of update at every step, eagerly and under jit (%s)',
    (dtype) => {
      fc.assert(
        fc.property(seedArb, fc.integer({ min: 1, max: 4 }), fc.boolean(), (seed, steps, special) => {
          const optimiser = make();
          const compilable = optimiser.compilable;
          if (compilable === undefined) throw new Error('no compilable form');
          const { params, grads } = problem(seed, dtype, steps, special);
          let traces = 0;
          const compiled = jit((...args: Parameters<typeof compilable.apply>) => {
            traces++;
            return compilable.apply(...args);
          });
          let [reference, eager, traced] = [params as ParamTree, params as ParamTree, params as ParamTree];
          let [sr, se, st] = [optimiser.init(params), optimiser.init(params), optimiser.init(params)];
          for (const g of grads) {
            ({ params: reference, state: sr } = optimiser.update(g, sr, reference));
            const e = compilable.apply(g, compilable.tensors(se), eager, compilable.scalars(se));
            [eager, se] = [e.params as ParamTree, compilable.next(se, e.tensors)];
            const t = compiled(g, compilable.tensors(st), traced, compilable.scalars(st));
            [traced, st] = [t.params as ParamTree, compilable.next(st, t.tensors)];
            expectTreeBits(eager, reference);
            expectTreeBits(traced, reference);
            expect(se.step).toBe(sr.step);
            expect(st.step).toBe(sr.step);
            expectTreeBits(compilable.tensors(se), compilable.tensors(sr));
            expectTreeBits(compilable.tensors(st), compilable.tensors(sr));
          }
          // The step's scalars are arguments: one program serves every step.
          expect(traces).toBe(1);
        }),
        { numRuns: 15 },
      );
    },
  );

  test('rejects gradients whose structure or shapes differ from the parameters', () => {
    const optimiser = make();
    const compilable = optimiser.compilable;
    if (compilable === undefined) throw new Error('no compilable form');
    const params = { W: tensor([[1, 2]]), b: tensor([3]) };
    const state = optimiser.init(params);
    const apply = (g: unknown) =>
      compilable.apply(g as Tensor, compilable.tensors(state), params, compilable.scalars(state));
    expect(() => apply({ W: tensor([[1, 2]]) })).toThrow(TreeMismatchError);
    expect(() => apply({ W: tensor([[1, 2, 3]]), b: tensor([3]) })).toThrow(/shape/);
  });

  test('validates the step counter and the schedule as update does', () => {
    const optimiser = make();
    const compilable = optimiser.compilable;
    if (compilable === undefined) throw new Error('no compilable form');
    const params = { W: tensor([[1, 2]]) };
    const state = { ...optimiser.init(params), step: -1 };
    expect(() => compilable.scalars(state)).toThrow(/state.step/);
  });
});

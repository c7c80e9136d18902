// The cost of derivatives relative to the function they differentiate, measured in one run:
// grad(f) / f and hvp(f) / f. Reverse mode costs a small constant multiple of f (the "cheap
// gradient principle", Griewank & Walther, Evaluating Derivatives, 2nd ed., 2008, §4.6, bound
// ω ≤ 4 for the operation count); forward-over-reverse Hessian-vector products cost about twice
// a gradient (Pearlmutter, Neural Comput. 6(1), 1994). Targets from the foundation issue: for the
// large cases, grad ≤ 3× and hvp ≤ 6× the function's own cost.
import { type Value, grad, hvp, jit, mul, sin, square, sum } from '@liouville/ad';
import { type Tensor, matmulInto, randomKey, randomNormal, splitKey, tensor } from '@liouville/linalg';
import { type MlpParams, mlp } from '@liouville/nn';
import { type Case, type Claim, type Group, defineCase, defineGroup } from '../harness.js';
import {
  type MlpProblem,
  type SinSquareProblem,
  jaxPair,
  plainPair,
  tfjsPair,
  torchMlpRows,
  torchRows,
} from '../peers/adCostPeers.js';
import { TFJS_NO_FLOAT64, TFJS_NO_FORWARD } from '../peers/tfjs.js';
import { unavailableCase } from '../unavailable.js';
import { uniformArray } from './deterministic.js';

/** The targets of the issue, as claims on speedup = f time / derivative time. */
const GRAD_CLAIM: Claim = { minSpeedup: 1 / 3, text: 'grad costs at most 3× the function' };
const HVP_CLAIM: Claim = { minSpeedup: 1 / 6, text: 'hvp costs at most 6× the function' };

/** f(x) = Σ sin(xᵢ)·xᵢ², written with the differentiable functions as a user would. */
export const sinSquareSum = (x: Value): Value => sum(mul(sin(x), square(x)));

/** A point and a direction of size n for `sinSquareSum`. */
function vectorInputs(n: number): { x: Tensor; v: Tensor } {
  return { x: tensor(uniformArray(n, 11, -2, 2), [n]), v: tensor(uniformArray(n, 12), [n]) };
}

/** The same f and derivatives in the peers, each compared with its own f (see peers/adCostPeers.ts). */
function peerRows(n: number): Case[] {
  const problem: SinSquareProblem = {
    n,
    inputs: () => ({ x: uniformArray(n, 11, -2, 2), v: uniformArray(n, 12) }),
  };
  return [
    ...plainPair(problem),
    ...torchRows(problem),
    ...jaxPair(problem, 'float64', false),
    ...jaxPair(problem, 'float64', true),
    ...tfjsPair(problem, 'cpu'),
    ...tfjsPair(problem, 'wasm'),
    unavailableCase('tfjs float64', TFJS_NO_FLOAT64),
    unavailableCase('tfjs hvp forward over reverse', TFJS_NO_FORWARD),
  ];
}

/** f and hvp compiled with jit (traced and compiled in setup), each compared with the compiled f. */
function jitRows(n: number): Case[] {
  const compiled = () => {
    const inputs = vectorInputs(n);
    const f = jit(sinSquareSum);
    const h = jit((x: Value, v: Value) => hvp(sinSquareSum, x, v));
    f(inputs.x);
    h(inputs.x, inputs.v);
    return { ...inputs, f, h };
  };
  return [
    defineCase({ name: 'f(x), jit', setup: compiled, fn: ({ f, x }) => f(x), relativeTo: 'f(x), jit' }),
    defineCase({
      name: 'hvp(f, x, v), jit',
      setup: compiled,
      fn: ({ h, x, v }) => h(x, v),
      relativeTo: 'f(x), jit',
      note: 'target: at most 2× f(x), jit (time / own f)',
    }),
  ];
}

/** grad/f and hvp/f for f(x) = Σ sin(x)·x² at one size; claims only where the issue sets them; peers and jit rows where asked. */
function vectorGroup(n: number, label: string, claims: boolean, budgetMs: number, peers = false): Group {
  return defineGroup({
    name: `ad-cost sin·x² n=${label}`,
    description:
      `f(x) = sum(sin(x)·x²) for x of ${label} float64 elements; time / baseline is the cost of the derivative in units of f.` +
      (peers
        ? " Each peer's rows are compared, round by round, with that peer's own f (the column time / reference, and the chart): the cost of its hvp in units of its f. PyTorch rows are timed inside the Python process, in the same rounds."
        : ''),
    budgetMs,
    ...(peers ? { chart: 'relative' as const, compareLabel: 'own f' } : {}),
    baseline: defineCase({
      name: 'f(x)',
      setup: () => vectorInputs(n),
      fn: ({ x }) => sinSquareSum(x),
      ...(peers ? { relativeTo: 'f(x)' } : {}),
    }),
    cases: [
      defineCase({
        name: 'grad(f)(x)',
        setup: () => vectorInputs(n),
        fn: ({ x }) => grad(sinSquareSum)(x),
        ...(claims ? { claim: GRAD_CLAIM } : {}),
        ...(peers ? { relativeTo: 'f(x)' } : {}),
      }),
      defineCase({
        name: 'hvp(f, x, v)',
        setup: () => vectorInputs(n),
        fn: ({ x, v }) => hvp(sinSquareSum, x, v),
        ...(claims ? { claim: HVP_CLAIM } : {}),
        ...(peers ? { relativeTo: 'f(x)' } : {}),
      }),
      ...(peers ? jitRows(n) : []),
      ...(peers ? peerRows(n) : []),
    ],
  });
}

const BATCH = 750;
const SIZES = [2, 200, 200, 1];

export interface MlpInputs {
  f: (params: MlpParams<Value>) => Value;
  params: MlpParams;
  direction: MlpParams;
  x: Tensor;
}

/** The network, its parameters, a batch of inputs, and a random unit-variance direction in parameter space. */
export function mlpInputs(): MlpInputs {
  const net = mlp({ sizes: SIZES, activation: 'tanh' });
  const [paramKey, directionKey] = splitKey(randomKey(7), 2);
  const params = net.init(paramKey);
  const keys = splitKey(directionKey, Object.keys(params).length);
  const direction: MlpParams = {};
  Object.keys(params).forEach((name, i) => {
    direction[name] = randomNormal(keys[i], params[name].shape);
  });
  const x = tensor(uniformArray(BATCH * SIZES[0], 13), [BATCH, SIZES[0]]);
  return { f: (p) => sum(net.apply(p, x)), params, direction, x };
}

/** The same MLP, parameters, direction and batch for the peers. */
export const MLP_PROBLEM: MlpProblem = { inputs: mlpInputs };

/**
 * The matrix products no forward-over-reverse hvp of this f can avoid, alone: f has one product of
 * 750×200 by 200×200 (the hidden layer), its gradient two more of that size (δ·Wᵀ and hᵀ·δ), and
 * the hvp carries a tangent through all three, each tangent product (A + εȦ)(B + εḂ) costing two
 * more, Ȧ·B and A·Ḃ: nine products of 750·200·200 multiply-adds, in the shapes of those three
 * (the transposes materialized, as eager code does). The other layers' products are 100–200×
 * smaller. The ratio of this row is the floor of the hvp row's.
 */
function hvpProductsFloor(): () => void {
  const [batch, width] = [BATCH, SIZES[1]];
  const h = tensor(uniformArray(batch * width, 21), [batch, width]);
  const w = tensor(uniformArray(width * width, 22), [width, width]);
  const hT = tensor(uniformArray(batch * width, 23), [width, batch]);
  const [hidden, square] = [new Float64Array(batch * width), new Float64Array(width * width)];
  return () => {
    for (let i = 0; i < 3; i++) {
      matmulInto(h, w, hidden);
      matmulInto(h, w, hidden);
      matmulInto(hT, h, square);
    }
  };
}

/** grad/f and hvp/f for the sum of the outputs of an MLP over a batch, with respect to the parameters. */
const mlpGroup: Group = defineGroup({
  name: 'ad-cost mlp',
  description: `f(θ) = sum of the outputs of an MLP ${SIZES.join('→')} (tanh) on a batch of ${BATCH}, float64; derivatives with respect to the parameters θ. PyTorch's rows are compared, round by round, with PyTorch's own f (the column time / reference, and the chart): the cost of its derivatives in units of its f, timed inside the Python process in the same rounds.`,
  budgetMs: 5000,
  chart: 'relative',
  compareLabel: 'own f',
  baseline: defineCase({ name: 'f(θ)', setup: mlpInputs, fn: ({ f, params }) => f(params), relativeTo: 'f(θ)' }),
  cases: [
    defineCase({
      name: 'grad(f)(θ)',
      setup: mlpInputs,
      fn: ({ f, params }) => grad(f)(params),
      claim: GRAD_CLAIM,
      relativeTo: 'f(θ)',
    }),
    defineCase({
      name: 'hvp(f, θ, v)',
      setup: mlpInputs,
      fn: ({ f, params, direction }) => hvp(f, params, direction),
      claim: HVP_CLAIM,
      note: 'v random normal',
      relativeTo: 'f(θ)',
    }),
    defineCase({
      name: 'hvp’s 9 hidden-layer products alone',
      setup: hvpProductsFloor,
      fn: (multiply) => multiply(),
      relativeTo: 'f(θ)',
      note: 'the products of 750×200×200 that forward-over-reverse cannot avoid (3 for f and its gradient, each with 2 tangent products): the hvp row’s floor',
    }),
    ...torchMlpRows(MLP_PROBLEM),
  ],
});

/** The ad-cost groups: f(x) = Σ sin(x)·x² at n = 10, 1e3, 1e6, and the MLP batch. */
export const adCostGroups: readonly Group[] = [
  vectorGroup(10, '10', false, 1500),
  vectorGroup(1_000, '1e3', false, 1000, true),
  vectorGroup(1_000_000, '1e6', true, 2000, true),
  mlpGroup,
];

// The groups of the default suite: each runs in quick mode, and each hand-written baseline
// computes the same numbers as Liouville, so that a ratio against it compares equal work.
// Timings are not asserted here (see harness.test.ts for the harness itself).
import { type Value, grad, jvp, primalTensor, valueAndGrad } from '@liouville/ad';
import { energy, fieldLoss } from '@liouville/hamiltonian';
import { type Tensor, tensor } from '@liouville/linalg';
import { type MlpParams, adam } from '@liouville/nn';
import { describe, expect, test } from 'vitest';
import { QUICK_RUN_OPTIONS, allGroups, runGroup } from '../src/index.js';
import { CHAIN_OPS, adChain, jsAllocatingChain } from '../src/groups/adOverhead.js';
import { handAdamUpdate, handLossAndGrad } from '../src/groups/handHnn.js';
import { HNN_BATCH, handSetup, hnnBatch, hnnSetup, liouvilleHnnStep } from '../src/groups/hnnStep.js';
import {
  type IntegratorProblem,
  LEAPFROG_PAIR,
  type MethodPair,
  PENDULUM_PROBLEM,
  THREE_BODY_PROBLEM,
  YOSHIDA4_PAIR,
  initialState,
  liouvilleRun,
  stateArrays,
} from '../src/groups/integrators.js';

/** max |a − b| / max |b|: the relative error of a whole array, meaningful where some entries are near 0. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let j = 0; j < b.length; j++) {
    diff = Math.max(diff, Math.abs(a[j] - b[j]));
    scale = Math.max(scale, Math.abs(b[j]));
  }
  return scale === 0 ? diff : diff / scale;
}

const PARAM_KEYS = ['W0', 'b0', 'W1', 'b1', 'W2'] as const;

describe('allGroups', () => {
  test('names every group once, each with a baseline and at least one case', () => {
    const names = allGroups.map((g) => g.name);
    expect(new Set(names).size).toBe(names.length);
    for (const prefix of ['matmul', 'ad-cost', 'ad-overhead', 'hnn-step', 'integrators', 'leapfrog-ad', 'two-body']) {
      expect(names.some((n) => n.startsWith(prefix))).toBe(true);
    }
  });

  // Quick mode: tiny budgets, so every case is set up, warmed up and sampled, and the results are well
  // formed. The peers' rows are left out here (peers.test.ts checks what they compute), since some
  // take seconds per call; their rows are still reported, with the reason.
  test.each(allGroups.map((g) => [g.name, g] as const))(
    'runs %s in quick mode',
    { timeout: 180_000 },
    async (_, group) => {
      const result = await runGroup(group, { ...QUICK_RUN_OPTIONS, peers: false });
      expect(result.rounds).toBeGreaterThanOrEqual(QUICK_RUN_OPTIONS.minRounds);
      expect(result.cases.map((c) => c.name)).toEqual([group.baseline.name, ...group.cases.map((c) => c.name)]);
      for (const c of result.cases) {
        if (c.unavailable !== undefined) {
          expect(c.unavailable.length).toBeGreaterThan(0);
          continue;
        }
        expect(c.medianMs).toBeGreaterThan(0);
        expect(Number.isFinite(c.ratio)).toBe(true);
        if (c.claim) expect(typeof c.claim.met).toBe('boolean');
      }
    },
  );

  test('names the library of every row that is not Liouville or plain TypeScript', () => {
    const rows = allGroups.flatMap((g) => g.cases).filter((c) => /PyTorch|jax-js|tfjs/.test(c.name));
    for (const c of rows) expect(c.peer !== undefined || c.unavailable !== undefined, c.name).toBe(true);
  });

  test('states the issue targets as claims on the large ad-cost cases', () => {
    const claimed = allGroups
      .filter((g) => g.name.startsWith('ad-cost'))
      .flatMap((g) => g.cases.filter((c) => c.claim).map((c) => `${g.name} / ${c.name} ≥ ${c.claim?.minSpeedup}`));
    expect(claimed).toEqual([
      `ad-cost sin·x² n=1e6 / grad(f)(x) ≥ ${1 / 3}`,
      `ad-cost sin·x² n=1e6 / hvp(f, x, v) ≥ ${1 / 6}`,
      `ad-cost mlp / grad(f)(θ) ≥ ${1 / 3}`,
      `ad-cost mlp / hvp(f, θ, v) ≥ ${1 / 6}`,
    ]);
  });
});

describe('jsAllocatingChain', () => {
  const a = [0.999, 1.001, 0.998];
  const b = [0.25, -0.5, 0.125];
  const x = [0.3, -1.2, 2.1];

  test('computes the value of the differentiable chain', () => {
    const plain = jsAllocatingChain(Float64Array.from(x), Float64Array.from(a), Float64Array.from(b));
    const ad = primalTensor(adChain(tensor(a), tensor(b))(tensor(x))).item();
    expect(Math.abs(plain - ad)).toBeLessThanOrEqual(1e-12 * Math.abs(ad));
  });

  test('has the closed-form derivative aᴺᐟ² under grad and jvp', () => {
    const f = adChain(tensor(a), tensor(b));
    const expected = a.map((ai) => ai ** (CHAIN_OPS / 2));
    const g = (grad(f)(tensor(x)) as Tensor).data;
    const [, tangent] = jvp(f, tensor(x), tensor([1, 0, 0]));
    expect(relativeError(g, expected)).toBeLessThan(1e-12);
    expect(Math.abs((tangent as Tensor).item() - expected[0])).toBeLessThan(1e-12);
  });
});

describe('handLossAndGrad', () => {
  // The baseline of hnn-step is honest only if it is the same computation: same loss, same gradient.
  test.each(['reverse', 'forward'] as const)(
    "matches Liouville's loss and parameter gradient (input gradient %s) to 1e-10",
    { timeout: 60_000 },
    (mode) => {
      const { model, params } = hnnSetup(mode, 'float64');
      const { x, y } = hnnBatch();
      const loss = fieldLoss(model);
      const xs = tensor(x, [HNN_BATCH, 2]);
      const ys = tensor(y, [HNN_BATCH, 2]);
      const [value, grads] = valueAndGrad((p: MlpParams<Value>) => loss(p, xs, ys))(params);
      const hand = handSetup();
      const handLoss = handLossAndGrad(hand);
      expect(Math.abs(handLoss - primalTensor(value).item())).toBeLessThanOrEqual(1e-12 * handLoss);
      for (const key of PARAM_KEYS) {
        const ad = (grads as Record<string, Tensor>)[key].data;
        expect(relativeError(hand.grads[key], ad), key).toBeLessThan(1e-10);
      }
      // The first output of the network is not used by the solenoidal field: its weights get no gradient.
      for (let m = 0; m < 200; m++) expect(hand.grads.W2[2 * m]).toBe(0);
    },
  );
});

describe('handAdamUpdate', () => {
  test('takes the same two training steps as valueAndGrad + adam', { timeout: 60_000 }, () => {
    const { model, params } = hnnSetup('reverse', 'float64');
    const { x, y } = hnnBatch();
    const optimiser = adam({ lr: 1e-3 });
    const liouville = {
      loss: fieldLoss(model),
      x: tensor(x, [HNN_BATCH, 2]),
      y: tensor(y, [HNN_BATCH, 2]),
      params,
      state: optimiser.init(params),
      optimiser,
    };
    const hand = handSetup();
    for (let step = 0; step < 2; step++) {
      liouvilleHnnStep(liouville);
      handLossAndGrad(hand);
      handAdamUpdate(hand);
    }
    for (const key of PARAM_KEYS) {
      expect(relativeError(hand.params[key], liouville.params[key].data), key).toBeLessThan(1e-10);
    }
  });
});

const PROBLEMS: Array<[string, IntegratorProblem]> = [
  ['pendulum', PENDULUM_PROBLEM],
  ['threeBody', THREE_BODY_PROBLEM],
];
const METHODS: Array<[string, MethodPair]> = [
  ['leapfrog', LEAPFROG_PAIR],
  ['yoshida4', YOSHIDA4_PAIR],
];
const BATCHES = [1, 50];

describe('handRun', () => {
  const cases = PROBLEMS.flatMap(([p, problem]) =>
    METHODS.flatMap(([m, pair]) => BATCHES.map((batch) => [p, m, batch, problem, pair] as const)),
  );
  test.each(cases)('%s %s ×%i follows the Liouville trajectory to 1e-12', (_, __, batch, problem, pair) => {
    const steps = 200;
    const step = pair.method(problem.system, problem.dt);
    const liouville = stateArrays(liouvilleRun(step, initialState(problem, batch), steps));
    const hand = problem.initial(batch);
    problem.handRun(hand.q, hand.p, problem.dt, steps, pair.hand);
    expect(relativeError(hand.q, liouville.q)).toBeLessThan(1e-12);
    expect(relativeError(hand.p, liouville.p)).toBeLessThan(1e-12);
  });

  test.each(PROBLEMS)('the hand-written energy of %s equals energy(system)', (_, problem) => {
    const state = initialState(problem, 50);
    const { q, p } = stateArrays(state);
    const expected = (primalTensor(energy(problem.system)(state)) as Tensor).data;
    expect(relativeError(problem.handEnergy(q, p), expected)).toBeLessThan(1e-12);
  });
});

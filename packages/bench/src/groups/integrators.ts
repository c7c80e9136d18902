// Steps per second of Liouville's explicit splitting methods (leapfrog, yoshida4) on catalogue
// systems, against the same schemes written by hand in plain JavaScript with the analytic force
// (handIntegrators.ts), for one state and for a batch of 1000 states along a leading axis. Each
// Liouville case notes the largest energy error over a longer run, beside the hand loop's, and
// how far the two trajectories drift apart, so it is visible that every method computes the same.
import { type Value, jit, primalTensor, scan } from '@liouville/ad';
import { type SeparableHamiltonian, energy, pendulum, threeBody } from '@liouville/hamiltonian';
import { type SeparableMethod, type State, type Step, leapfrog, yoshida4 } from '@liouville/integrators';
import { type Tensor, tensor } from '@liouville/linalg';
import { type Group, defineCase, defineGroup } from '../harness.js';
import { uniformArray } from './deterministic.js';
import {
  HAND_LEAPFROG,
  HAND_YOSHIDA4,
  type KickDriftScheme,
  type PlanarBodies,
  handNBodyEnergy,
  handNBodyRun,
  handPendulumEnergy,
  handPendulumRun,
} from './handIntegrators.js';

/** The batch size of the batched cases. */
export const BATCH_STATES = 1000;

/** Chenciner & Montgomery's figure-eight orbit of three unit masses, G = 1 (Ann. Math. 152, 2000): q then p = v. */
const FIGURE_EIGHT_Q = [0.97000436, -0.24308753, -0.97000436, 0.24308753, 0, 0];
const FIGURE_EIGHT_P = [0.466203685, 0.43236573, 0.466203685, 0.43236573, -0.93240737, -0.86473146];

/** A benchmarked problem: the catalogue system, its hand-written twin, step size and initial states. */
export interface IntegratorProblem {
  readonly label: string;
  readonly system: SeparableHamiltonian;
  readonly dim: number;
  readonly dt: number;
  /** Runs `steps` steps of every state in place, by hand. */
  readonly handRun: (q: Float64Array, p: Float64Array, dt: number, steps: number, scheme: KickDriftScheme) => void;
  readonly handEnergy: (q: Float64Array, p: Float64Array) => Float64Array;
  /** Initial q and p, row-major [B, dim]. */
  readonly initial: (batch: number) => { q: Float64Array; p: Float64Array };
}

const THREE_BODY: PlanarBodies = { masses: [1, 1, 1], G: 1 };

/** The pendulum H = p²/2 + 1 − cos q, dt = 0.05; a batch spans amplitudes |q| < 2. */
export const PENDULUM_PROBLEM: IntegratorProblem = {
  label: 'pendulum',
  system: pendulum(),
  dim: 1,
  dt: 0.05,
  handRun: handPendulumRun,
  handEnergy: handPendulumEnergy,
  initial: (batch) =>
    batch === 1
      ? { q: Float64Array.of(1), p: Float64Array.of(0.3) }
      : { q: uniformArray(batch, 31, -2, 2), p: uniformArray(batch, 32, -0.5, 0.5) },
};

/** Three unit masses in the plane on the figure-eight, dt = 0.01; a batch perturbs it by up to 0.01 per coordinate. */
export const THREE_BODY_PROBLEM: IntegratorProblem = {
  label: 'threeBody',
  system: threeBody(),
  dim: 6,
  dt: 0.01,
  handRun: (q, p, dt, steps, scheme) => handNBodyRun(THREE_BODY, q, p, dt, steps, scheme),
  handEnergy: (q, p) => handNBodyEnergy(THREE_BODY, q, p),
  initial: (batch) => {
    const q = new Float64Array(batch * 6);
    const p = new Float64Array(batch * 6);
    const dq = uniformArray(batch * 6, 33, -0.01, 0.01);
    const dp = uniformArray(batch * 6, 34, -0.01, 0.01);
    for (let j = 0; j < q.length; j++) {
      q[j] = FIGURE_EIGHT_Q[j % 6] + (batch === 1 ? 0 : dq[j]);
      p[j] = FIGURE_EIGHT_P[j % 6] + (batch === 1 ? 0 : dp[j]);
    }
    return { q, p };
  },
};

/** A method as Liouville exports it and as handIntegrators writes it. */
export interface MethodPair {
  readonly label: string;
  readonly method: SeparableMethod;
  readonly hand: KickDriftScheme;
}

export const LEAPFROG_PAIR: MethodPair = { label: 'leapfrog', method: leapfrog, hand: HAND_LEAPFROG };
export const YOSHIDA4_PAIR: MethodPair = { label: 'yoshida4', method: yoshida4, hand: HAND_YOSHIDA4 };

/** The initial state as tensors: shape [dim] for one state, [B, dim] for a batch. */
export function initialState(problem: IntegratorProblem, batch: number): State {
  const { q, p } = problem.initial(batch);
  const shape = batch === 1 ? [problem.dim] : [batch, problem.dim];
  return { q: tensor(q, shape), p: tensor(p, shape) };
}

/** `steps` steps of a Liouville step map from `state`. */
export function liouvilleRun(step: Step, state: State, steps: number): State {
  let s = state;
  for (let n = 0; n < steps; n++) s = step(s);
  return s;
}

/** `steps` steps of a step map compiled into one loop (jit of a scan): traced once per shape. */
export function jitRun(step: Step, steps: number): (state: State) => State {
  return jit((s: State) => scan((x: State) => [step(x), null] as const, s, steps)[0]);
}

/** The data of a tensor state as plain arrays (copies). */
export function stateArrays(state: State): { q: Float64Array; p: Float64Array } {
  const data = (v: Value) => Float64Array.from(primalTensor(v).data);
  return { q: data(state.q), p: data(state.p) };
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]));
  return worst;
}

/**
 * Runs both implementations for `steps` steps, one step at a time, and reports the largest
 * |H − H₀| of each over all steps and states, and the largest difference of their states.
 */
export function energyReport(problem: IntegratorProblem, pair: MethodPair, batch: number, steps: number): string {
  const step = pair.method(problem.system, problem.dt);
  const H = energy(problem.system);
  let state = initialState(problem, batch);
  const hand = problem.initial(batch);
  const H0 = (primalTensor(H(state)) as Tensor).data;
  const handH0 = problem.handEnergy(hand.q, hand.p);
  let liouvilleError = 0;
  let handError = 0;
  let apart = 0;
  for (let n = 0; n < steps; n++) {
    state = step(state);
    problem.handRun(hand.q, hand.p, problem.dt, 1, pair.hand);
    liouvilleError = Math.max(liouvilleError, maxAbsDifference((primalTensor(H(state)) as Tensor).data, H0));
    handError = Math.max(handError, maxAbsDifference(problem.handEnergy(hand.q, hand.p), handH0));
    const { q, p } = stateArrays(state);
    apart = Math.max(apart, maxAbsDifference(q, hand.q), maxAbsDifference(p, hand.p));
  }
  const e = (x: number) => x.toExponential(2);
  return `max |H−H₀| over ${steps} steps: Liouville ${e(liouvilleError)}, hand ${e(handError)}; states differ by ≤ ${e(apart)}`;
}

/** A note computed once, when first read (after the timed rounds), so defining the suite stays cheap. */
function lazy(compute: () => string): () => string {
  let value: string | undefined;
  return () => {
    value ??= compute();
    return value;
  };
}

/** One group: a method on a problem at one batch size, Liouville against the hand loop, in steps/s. */
function integratorGroup(problem: IntegratorProblem, pair: MethodPair, batch: number): Group {
  // Steps per call: enough that a call is not dominated by its set-up, few enough for many rounds.
  const steps = batch === 1 ? 100 : 10;
  const checkSteps = batch === 1 ? 1000 : 100;
  const note = lazy(() => energyReport(problem, pair, batch, checkSteps));
  const what =
    batch === 1
      ? `one state (shape [${problem.dim}])`
      : `${batch} states (shape [${batch}, ${problem.dim}]); a step advances all of them`;
  return defineGroup({
    name: `integrators ${problem.label} ${pair.label} ×${batch}`,
    description: `${pair.label} on ${problem.label} (dt = ${problem.dt}), ${what}; ${steps} steps per call from the same initial state.`,
    metric: { unit: 'steps/s', perOp: steps },
    budgetMs: 2000,
    baseline: defineCase({
      name: `hand-written JS ${pair.label}`,
      setup: () => ({
        initial: problem.initial(batch),
        q: new Float64Array(batch * problem.dim),
        p: new Float64Array(batch * problem.dim),
      }),
      fn: (s) => {
        s.q.set(s.initial.q);
        s.p.set(s.initial.p);
        problem.handRun(s.q, s.p, problem.dt, steps, pair.hand);
        return s.q;
      },
      note: 'analytic force',
    }),
    cases: [
      defineCase({
        name: `Liouville ${pair.label}`,
        setup: () => ({ step: pair.method(problem.system, problem.dt), state: initialState(problem, batch) }),
        fn: ({ step, state }) => liouvilleRun(step, state, steps),
        get note() {
          return note();
        },
      }),
      defineCase({
        name: `Liouville ${pair.label}, jit`,
        setup: () => ({
          run: jitRun(pair.method(problem.system, problem.dt), steps),
          state: initialState(problem, batch),
        }),
        fn: ({ run, state }) => run(state),
        note: 'the same steps compiled into one loop: jit of a scan; bit-identical to the row above',
      }),
    ],
  });
}

/** Every integrators group: {pendulum, threeBody} × {leapfrog, yoshida4} × {1, 1000 states}. */
export const integratorGroups: readonly Group[] = [PENDULUM_PROBLEM, THREE_BODY_PROBLEM].flatMap((problem) =>
  [LEAPFROG_PAIR, YOSHIDA4_PAIR].flatMap((pair) =>
    [1, BATCH_STATES].map((batch) => integratorGroup(problem, pair, batch)),
  ),
);

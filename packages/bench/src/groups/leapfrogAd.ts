// The leapfrog on the pendulum with the force from automatic differentiation, in Liouville and
// in the peers, against the plain-TypeScript loop with the analytic force (the limit of what
// JavaScript can do). Every row integrates H = p²/2 + (1 − cos q) from q = 1, p = 0.3 with
// dt = 0.05; a call is STEPS_PER_CALL steps from that state. Each row's note gives its largest
// energy error |H − H₀| (H evaluated in float64 from the row's own states) over a long run, the
// plain loop's over the same steps, and how far the two trajectories end apart: all must agree.
import { jit, primalTensor, scan } from '@liouville/ad';
import { type SeparableHamiltonian, pendulum, separable } from '@liouville/hamiltonian';
import { type State, integrate, leapfrog } from '@liouville/integrators';
import { type Tensor, tensor } from '@liouville/linalg';
import { type Group, type NoteContext, defineCase, defineGroup } from '../harness.js';
import { jaxLeapfrog, leapfrogPeerCase, tfjsLeapfrog, tfjsLeapfrogName } from '../peers/leapfrogPeers.js';
import type { LeapfrogRunner, PendulumRun } from '../peers/leapfrogPeers.js';
import { JAXJS_FLOAT64_TRANSCENDENTALS } from '../peers/jaxjs.js';
import { TFJS_NO_FLOAT64 } from '../peers/tfjs.js';
import { unavailableCase } from '../unavailable.js';
import { HAND_LEAPFROG, handPendulumRun } from './handIntegrators.js';

/** The run every row makes. */
export const PENDULUM_RUN: PendulumRun = { q0: 1, p0: 0.3, dt: 0.05 };
/** Steps per timed call. */
export const STEPS_PER_CALL = 100;
/** The long run of the energy check for Liouville and the plain loop, as the issue states it. */
export const LONG_RUN = 100_000;
/**
 * The energy check's length for the peers in a default run, whose steps cost about a millisecond
 * here (1e5 steps take one to three minutes each). The leapfrog's energy error is bounded and
 * oscillates with the period (backward error analysis: Hairer, Lubich & Wanner, GNI, 2nd ed.,
 * §IX.8), so its maximum over ~15 periods (2000 steps, t = 100) is already close to its maximum
 * over the long run. `--long-checks` runs the peers over LONG_RUN steps too (as BENCHMARKS.md is made).
 */
export const PEER_RUN = 2_000;

/** H = p²/2 + (1 − cos q), in float64. */
export function pendulumEnergy(q: number, p: number): number {
  return 0.5 * p * p + (1 - Math.cos(q));
}

/** The pendulum of the catalogue without its analytic gradient: leapfrog's force is then ∂V/∂q by reverse-mode AD. */
export function adPendulum(): SeparableHamiltonian {
  const { T, V } = pendulum();
  return separable({ name: 'pendulum (AD force)', dim: 1, T, V });
}

/** The plain loop as a runner: analytic force, the last kick's force reused by the next step. */
export function plainRunner(run: PendulumRun = PENDULUM_RUN): LeapfrogRunner {
  const q = new Float64Array(1);
  const p = new Float64Array(1);
  return {
    run: (steps, observe) => {
      q[0] = run.q0;
      p[0] = run.p0;
      if (!observe) handPendulumRun(q, p, run.dt, steps, HAND_LEAPFROG);
      for (let n = 0; observe && n < steps; n++) {
        handPendulumRun(q, p, run.dt, 1, HAND_LEAPFROG);
        observe(q[0], p[0]);
      }
      return { q: q[0], p: p[0] };
    },
  };
}

/** Liouville's leapfrog on `system` as a runner (state tensors of shape [1]). */
export function liouvilleRunner(system: SeparableHamiltonian, run: PendulumRun = PENDULUM_RUN): LeapfrogRunner {
  const step = leapfrog(system, run.dt);
  const value = (t: State['q']) => (primalTensor(t) as Tensor).data[0];
  return {
    run: (steps, observe) => {
      let state: State = { q: tensor([run.q0]), p: tensor([run.p0]) };
      for (let n = 0; n < steps; n++) {
        state = step(state);
        if (observe) observe(value(state.q), value(state.p));
      }
      return { q: value(state.q), p: value(state.p) };
    },
  };
}

/**
 * Liouville's leapfrog compiled with `jit`: a call's steps run as one loop of generated code
 * (scan), and an observed run takes its states from a compiled `integrate`.
 */
export function liouvilleJitRunner(system: SeparableHamiltonian, run: PendulumRun = PENDULUM_RUN): LeapfrogRunner {
  const step = leapfrog(system, run.dt);
  const rollouts = new Map<number, (s: State) => State>();
  const rollout = (steps: number) => {
    let f = rollouts.get(steps);
    if (f === undefined) {
      f = jit((s: State) => scan((x: State) => [step(x), null] as const, s, steps)[0]);
      rollouts.set(steps, f);
    }
    return f;
  };
  const value = (t: State['q'], i = 0) => (primalTensor(t) as Tensor).data[i];
  return {
    run: (steps, observe) => {
      const start: State = { q: tensor([run.q0]), p: tensor([run.p0]) };
      if (!observe) {
        const end = rollout(steps)(start);
        return { q: value(end.q), p: value(end.p) };
      }
      const trajectory = integrate(step, start, { steps });
      for (let n = 1; n <= steps; n++) observe(value(trajectory.q, n), value(trajectory.p, n));
      return { q: value(trajectory.final.q), p: value(trajectory.final.p) };
    },
  };
}

/** Largest |H − H₀| over `steps` steps of a runner, and its final state. */
export function energyError(runner: LeapfrogRunner, steps: number): { error: number; q: number; p: number } {
  const H0 = pendulumEnergy(PENDULUM_RUN.q0, PENDULUM_RUN.p0);
  let error = 0;
  const end = runner.run(steps, (q, p) => {
    error = Math.max(error, Math.abs(pendulumEnergy(q, p) - H0));
  });
  return { error, ...end };
}

const plainErrors = new Map<number, { error: number; q: number; p: number }>();

/** The note of a row: its energy error over `steps` steps beside the plain loop's, and the distance of the end states. */
export function agreementNote(runner: LeapfrogRunner, steps: number): string {
  if (!plainErrors.has(steps)) plainErrors.set(steps, energyError(plainRunner(), steps));
  const plain = plainErrors.get(steps) as { error: number; q: number; p: number };
  const row = energyError(runner, steps);
  const apart = Math.max(Math.abs(row.q - plain.q), Math.abs(row.p - plain.p));
  const e = (x: number) => x.toExponential(2);
  return `max |H−H₀| over ${steps.toLocaleString('en')} steps: ${e(row.error)} (plain loop ${e(plain.error)}); end state differs from the plain loop's by ${e(apart)}`;
}

/** A quick run checks the energy over fewer steps. */
const QUICK_FACTOR = 50;

function liouvilleCase(
  name: string,
  system: () => SeparableHamiltonian,
  extra: string,
  runner: typeof liouvilleRunner = liouvilleRunner,
) {
  return defineCase({
    name,
    setup: () => runner(system()),
    fn: (r) => r.run(STEPS_PER_CALL),
    note: ({ quick }: NoteContext) =>
      `${extra}; ${agreementNote(runner(system()), quick ? LONG_RUN / QUICK_FACTOR : LONG_RUN)}`,
  });
}

function peerCase(name: string, peer: string, make: () => Promise<LeapfrogRunner>, steps: number, extra: string) {
  let runner: LeapfrogRunner | undefined;
  const length = ({ quick, longChecks }: NoteContext) => (longChecks ? LONG_RUN : quick ? steps / QUICK_FACTOR : steps);
  const note = (run: NoteContext) => (runner ? `${extra}; ${agreementNote(runner, length(run))}` : extra);
  return leapfrogPeerCase(
    name,
    peer,
    async () => {
      runner = await make();
      return runner;
    },
    STEPS_PER_CALL,
    note,
  );
}

/** Steps per second of the leapfrog with an AD force, Liouville and the peers, against the plain loop. */
export const leapfrogAdGroup: Group = defineGroup({
  name: 'leapfrog-ad pendulum',
  description:
    `Leapfrog (kick–drift–kick) on the pendulum H = p²/2 + (1 − cos q), q₀ = 1, p₀ = 0.3, dt = ${PENDULUM_RUN.dt}, ` +
    `${STEPS_PER_CALL} steps per call, the force ∂V/∂q from each library's automatic differentiation. Notes: the largest ` +
    `energy error over ${LONG_RUN.toLocaleString('en')} steps (Liouville; the peers too with --long-checks, otherwise ` +
    `${PEER_RUN.toLocaleString('en')} steps, as each note says) beside the plain loop’s over the same steps, and the distance between end states.`,
  metric: { unit: 'steps/s', perOp: STEPS_PER_CALL },
  budgetMs: 1500,
  compareTo: (name) => (/jax-js|tfjs/.test(name) ? 'Liouville leapfrog, AD force' : undefined),
  compareLabel: 'Liouville, AD force',
  baseline: defineCase({
    name: 'plain TS loop, analytic force',
    setup: () => plainRunner(),
    fn: (runner) => runner.run(STEPS_PER_CALL),
    note: 'the limit: sin q written by hand, one force evaluation per step',
  }),
  cases: [
    liouvilleCase('Liouville leapfrog, AD force', adPendulum, 'reverse-mode grad of V each kick'),
    liouvilleCase(
      'Liouville leapfrog, AD force, jit',
      adPendulum,
      `the same step traced once with its reverse-mode grad of V and compiled (jit of a scan of ${STEPS_PER_CALL} steps)`,
      liouvilleJitRunner,
    ),
    liouvilleCase('Liouville leapfrog, analytic force', () => pendulum(), 'the catalogue pendulum’s own gradient'),
    peerCase(
      'jax-js wasm float64, jit step',
      'jax-js',
      () => jaxLeapfrog(PENDULUM_RUN, true),
      PEER_RUN,
      `jax.jit of the step with jax.grad(V); state read back each step; ${JAXJS_FLOAT64_TRANSCENDENTALS}`,
    ),
    peerCase(
      'jax-js wasm float64, eager',
      'jax-js',
      () => jaxLeapfrog(PENDULUM_RUN, false),
      PEER_RUN / 2,
      'jax.grad(V), op by op; state read back each step',
    ),
    peerCase(
      tfjsLeapfrogName('cpu'),
      'tfjs',
      () => tfjsLeapfrog(PENDULUM_RUN, 'cpu'),
      PEER_RUN,
      'tf.grad(V) in tf.tidy per step',
    ),
    peerCase(
      tfjsLeapfrogName('wasm'),
      'tfjs',
      () => tfjsLeapfrog(PENDULUM_RUN, 'wasm'),
      PEER_RUN,
      'tf.grad(V) in tf.tidy per step',
    ),
    unavailableCase('tfjs float64', TFJS_NO_FLOAT64),
  ],
});

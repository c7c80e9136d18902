// The leapfrog on the pendulum H = p²/2 + (1 − cos q) with the force from automatic
// differentiation of V(q) = 1 − cos q, in each peer: a step is half kick, drift, half kick
// (Verlet 1967), written as a pure function of (q, p) as a user of the library would write it,
// with the library's gradient of V for the force (two force evaluations per step).
import { type Case, type NoteContext, defineCase } from '../harness.js';
import { triedSetup } from '../unavailable.js';
import { type JaxArray, jaxArray, jaxjs } from './jaxjs.js';
import { type TfBackend, tfjsLabel, tfjsWith, useBackend } from './tfjs.js';

/** One pendulum run: initial state, step size. */
export interface PendulumRun {
  q0: number;
  p0: number;
  dt: number;
}

/** A peer's integrator: `run(steps)` starts from the initial state; `observe` sees every state. */
export interface LeapfrogRunner {
  run: (steps: number, observe?: (q: number, p: number) => void) => { q: number; p: number };
}

/** jax-js float64 on the wasm device: the step with jax.grad(V), jitted or eager; the state read back after every step. */
export async function jaxLeapfrog(problem: PendulumRun, jit: boolean): Promise<LeapfrogRunner> {
  const jax = await jaxjs();
  const np = jax.numpy;
  const V = (q: JaxArray) => np.cos(q).mul(-1).add(1).sum();
  const force = jax.grad(V);
  const half = problem.dt / 2;
  const step = (q: JaxArray, p: JaxArray): [JaxArray, JaxArray] => {
    const pHalf = p.sub(force(q.ref).mul(half));
    const q1 = q.add(pHalf.ref.mul(problem.dt));
    const p1 = pHalf.sub(force(q1.ref).mul(half));
    return [q1, p1];
  };
  const advance = jit ? jax.jit(step) : step;
  return {
    run: (steps, observe) => {
      let q = jaxArray(jax, [problem.q0], [1], 'float64');
      let p = jaxArray(jax, [problem.p0], [1], 'float64');
      for (let n = 0; n < steps; n++) {
        [q, p] = advance(q, p);
        // Reading the state back each step keeps jax-js's lazy graph one step deep.
        const qn = q.ref.item();
        const pn = p.ref.item();
        observe?.(qn, pn);
      }
      return { q: q.item(), p: p.item() };
    },
  };
}

/** tfjs float32 on `backend`: the step with tf.grad(V), intermediates freed by tf.tidy. */
export async function tfjsLeapfrog(problem: PendulumRun, backend: TfBackend): Promise<LeapfrogRunner> {
  const tf = await tfjsWith(backend);
  type T = ReturnType<typeof tf.tensor>;
  const V = (q: T) => tf.sum(tf.sub(1, tf.cos(q)));
  const force = tf.grad(V);
  const half = problem.dt / 2;
  return {
    run: (steps, observe) => {
      useBackend(tf, backend);
      let q: T = tf.tensor([problem.q0]);
      let p: T = tf.tensor([problem.p0]);
      for (let n = 0; n < steps; n++) {
        const [q1, p1] = tf.tidy(() => {
          const pHalf = tf.sub(p, tf.mul(force(q), half));
          const qNext = tf.add(q, tf.mul(pHalf, problem.dt));
          return [qNext, tf.sub(pHalf, tf.mul(force(qNext), half))];
        });
        q.dispose();
        p.dispose();
        [q, p] = [q1, p1];
        if (observe) observe(q.dataSync()[0], p.dataSync()[0]);
      }
      const out = { q: q.dataSync()[0], p: p.dataSync()[0] };
      q.dispose();
      p.dispose();
      return out;
    },
  };
}

/** A timed row of `steps` steps per call from the initial state; `note` is computed after the timed rounds. */
export function leapfrogPeerCase(
  name: string,
  peer: string,
  make: () => Promise<LeapfrogRunner>,
  steps: number,
  note: (run: NoteContext) => string,
): Case<LeapfrogRunner> {
  const fn = (runner: LeapfrogRunner) => runner.run(steps);
  return defineCase({
    name,
    peer,
    setup: triedSetup(peer, make, (runner) => runner.run(2)),
    fn,
    note,
  });
}

/** The tfjs row name on `backend`. */
export function tfjsLeapfrogName(backend: TfBackend): string {
  return `${tfjsLabel(backend)} float32, tf.grad(V)`;
}

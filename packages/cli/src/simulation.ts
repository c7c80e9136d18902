import { type Value, primalTensor } from '@liouville/ad';
import { type Hamiltonian, type HnnModel, dopri5Rollout, energy, hnn, modelField } from '@liouville/hamiltonian';
import {
  type Method,
  type State,
  hamiltonianVectorField,
  integrate,
  joinPhase,
  rk4Step,
  solveHamiltonian,
  splitPhase,
} from '@liouville/integrators';
import { Tensor, tensor } from '@liouville/linalg';
import { UsageError } from './errors.js';
import type { LoadedModel } from './modelFile.js';
import { taskSpec } from './tasks.js';

/** What is simulated: a catalogue system, or a learned model (whose physical energy is its task's H). */
export type Subject =
  | { readonly kind: 'system'; readonly name: string; readonly system: Hamiltonian }
  | { readonly kind: 'learned'; readonly name: string; readonly loaded: LoadedModel };

/** A sampled trajectory: times, states and energies, as plain numbers. */
export interface TrajectoryTable {
  readonly t: number[];
  /** One row [q₁ … qₙ] per time. */
  readonly q: number[][];
  readonly p: number[][];
  /** The physical energy H(q, p) (for a learned model: its task's true H). */
  readonly energy: number[];
  /** The learned Hamiltonian H_θ along the trajectory (HNN only). */
  readonly learnedEnergy?: number[];
}

/** How to integrate: a method (or 'dopri5' with tolerances), the step and the number of steps. */
export interface SimulationOptions {
  readonly method: Method | 'dopri5';
  readonly methodName: string;
  readonly dt: number;
  readonly steps: number;
  readonly rtol: number;
  readonly atol: number;
}

/** The degrees of freedom n of what is simulated. */
export function subjectDim(subject: Subject): number {
  return subject.kind === 'system' ? subject.system.dim : subject.loaded.meta.inputDim / 2;
}

/** Rows of a [N, n] tensor as arrays. */
function rows(t: Tensor, n: number): number[][] {
  return Array.from({ length: t.size / n }, (_, i) => Array.from(t.data.subarray(i * n, (i + 1) * n)));
}

/** Integrates a Hamiltonian with a fixed-step method or dopri5; returns q and p as [N, n]. */
function integrateHamiltonian(system: Hamiltonian, state0: State, o: SimulationOptions, label: string) {
  if (o.method === 'dopri5') {
    const tEval = Array.from({ length: o.steps + 1 }, (_, k) => k * o.dt);
    const solution = solveHamiltonian(system, state0, [0, o.steps * o.dt], { tEval, rtol: o.rtol, atol: o.atol });
    return { q: solution.q, p: solution.p };
  }
  if (o.method.info.requires === 'separable' && system.kind !== 'separable') {
    const any = 'implicitMidpoint, gaussLegendre4, gaussLegendre6, tao, tao4, rk4 or dopri5';
    throw new UsageError(
      `method '${o.methodName}' needs a separable H = T(p) + V(q); ${label} is not separable: use ${any}`,
    );
  }
  const step = (o.method as (s: Hamiltonian, dt: number) => (s: State) => State)(system, o.dt);
  const trajectory = integrate(step, state0, { steps: o.steps, dt: o.dt });
  return { q: primalTensor(trajectory.q), p: primalTensor(trajectory.p) };
}

/** Integrates a learned field ẋ = f_θ(x) that is not Hamiltonian (the baseline): rk4 or dopri5 only. */
function integrateField(field: (x: Tensor) => Tensor, x0: Tensor, o: SimulationOptions, n: number) {
  const tEval = Array.from({ length: o.steps + 1 }, (_, k) => k * o.dt);
  let y: Tensor;
  if (o.method === 'dopri5') y = dopri5Rollout(field, { rtol: o.rtol, atol: o.atol })(x0, tEval);
  else if (o.methodName === 'rk4') {
    const states = [x0];
    let x: Value = x0;
    for (let k = 0; k < o.steps; k++) {
      x = rk4Step((z) => field(primalTensor(z)), o.dt, x);
      states.push(primalTensor(x));
    }
    y = new Tensor(Float64Array.from(states.flatMap((s) => Array.from(s.data))), [states.length, 2 * n]);
  } else {
    throw new UsageError(
      `a baseline model has no Hamiltonian, so only rk4 and dopri5 can integrate it (got '${o.methodName}')`,
    );
  }
  const { q, p } = splitPhase(y, n);
  return { q: primalTensor(q), p: primalTensor(p) };
}

/** H of each row of q, p [N, n] as numbers. */
function energiesOf(system: Hamiltonian, q: Tensor, p: Tensor): number[] {
  return Array.from(primalTensor(energy(system)({ q, p })).data);
}

/** Simulates from (q0, p0): states at t = k·dt for k = 0 … steps, with energies. */
export function simulate(subject: Subject, q0: number[], p0: number[], o: SimulationOptions): TrajectoryTable {
  const n = subjectDim(subject);
  const state0 = { q: tensor(q0), p: tensor(p0) };
  const t = Array.from({ length: o.steps + 1 }, (_, k) => k * o.dt);
  if (subject.kind === 'system') {
    const { q, p } = integrateHamiltonian(subject.system, state0, o, `'${subject.name}'`);
    return { t, q: rows(q, n), p: rows(p, n), energy: energiesOf(subject.system, q, p) };
  }
  const { model, params, meta } = subject.loaded;
  const truth = taskSpec(meta.task).system();
  if (model.kind === 'baseline') {
    const x0 = primalTensor(joinPhase(state0.q, state0.p));
    const { q, p } = integrateField(modelField(model, params), x0, o, n);
    return { t, q: rows(q, n), p: rows(p, n), energy: energiesOf(truth, q, p) };
  }
  const learned = hnn(model as HnnModel, params, `hnn(${meta.task})`);
  const { q, p } = integrateHamiltonian(learned, state0, o, 'a learned HNN (general H)');
  return { t, q: rows(q, n), p: rows(p, n), energy: energiesOf(truth, q, p), learnedEnergy: energiesOf(learned, q, p) };
}

/** Hamilton's vector field of a system as a plain function on phase vectors (for reference rollouts). */
export function trueField(system: Hamiltonian): (x: Tensor) => Tensor {
  const f = hamiltonianVectorField(system);
  return (x) => primalTensor(f(x));
}

import { type Value, primalTensor } from '@liouville/ad';
import { type Hamiltonian, dopri5Rollout, modelField } from '@liouville/hamiltonian';
import {
  type Method,
  NonFiniteStateError,
  type Step,
  hamiltonianVectorField,
  integrate,
  jitWhenHot,
  joinPhase,
  rk4Step,
  splitPhase,
} from '@liouville/integrators';
import { Tensor, reshape, tensor } from '@liouville/linalg';
import { RuntimeError, UsageError } from './errors.js';
import { type RowEnergies, hamiltonianEnergies, learnedEnergies, learnedHamiltonian } from './learnedSystems.js';
import type { LoadedModel } from './modelFile.js';

/**
 * What is simulated: a catalogue system, or a learned model with the physical energy of its task
 * (`truth`; none for a model of your own data).
 */
export type Subject =
  | { readonly kind: 'system'; readonly name: string; readonly system: Hamiltonian }
  | { readonly kind: 'learned'; readonly name: string; readonly loaded: LoadedModel; readonly truth?: RowEnergies };

/** Consecutive rows of a trajectory: states at t = k·dt for k = first … first + rows − 1, with energies. */
export interface TrajectoryChunk {
  /** The step number k of the first row. */
  readonly first: number;
  readonly rows: number;
  /** Degrees of freedom n: q and p hold n numbers per row. */
  readonly n: number;
  readonly t: Float64Array;
  /** [rows·n], row-major. */
  readonly q: Float64Array;
  readonly p: Float64Array;
  /** The physical energy (for a learned model: its task's; none for a model of your own data). */
  readonly energy?: Float64Array;
  /** The learned energy along the trajectory (H_θ of an HNN, SRNN or DHNN; E_θ of an LNN). */
  readonly learnedEnergy?: Float64Array;
}

/** How to integrate: a method (or 'dopri5' with tolerances), the step and the number of steps. */
export interface SimulationOptions {
  readonly method: Method | 'dopri5';
  readonly methodName: string;
  readonly dt: number;
  readonly steps: number;
  readonly rtol: number;
  readonly atol: number;
  /** Write non-finite rows instead of stopping at the first one. */
  readonly allowNonfinite?: boolean;
}

/**
 * Steps integrated per chunk: each chunk is one compiled rollout (`integrate` with jit) whose rows
 * are written before the next starts, so memory stays flat however many steps are asked for.
 * 4096 rows of a small system are ~100 kB of numbers; compiling once per chunk length costs
 * milliseconds, so larger chunks buy nothing measurable.
 */
export const CHUNK_STEPS = 4096;

/** The degrees of freedom n of what is simulated. */
export function subjectDim(subject: Subject): number {
  return subject.kind === 'system' ? subject.system.dim : subject.loaded.meta.inputDim / 2;
}

/** True when a physical energy is known: every catalogue system and the tasks' models, not a model of your own data. */
export function hasTrueEnergy(subject: Subject): boolean {
  return subject.kind === 'system' || subject.truth !== undefined;
}

/** True when the subject has a learned energy of its own (H_θ of an HNN, SRNN or DHNN, an LNN's E_θ), written as learnedEnergy. */
export function hasLearnedEnergy(subject: Subject): boolean {
  return subject.kind === 'learned' && learnedEnergies(subject.loaded) !== undefined;
}

const ANY_H_METHODS = 'implicitMidpoint, gaussLegendre4, gaussLegendre6, tao, tao4, rk4 or dopri5';

/** Why a learned model has no Hamiltonian flow to integrate, in words. */
const NOT_HAMILTONIAN: Readonly<Record<string, string>> = {
  baseline: 'a baseline model has no Hamiltonian',
  dhnn: 'a dhnn model is dissipative (ẋ = J∇H + ∇D), not a Hamiltonian flow',
  lnn: 'an lnn model is Lagrangian, its state (q, q̇) not canonical',
  hnn: 'an HNN with a conservative part (fieldType other than solenoidal) is not a Hamiltonian flow',
};

/**
 * Refuses, before any work, a method that cannot integrate the subject (exit 2): a learned field
 * without a Hamiltonian flow (baseline, DHNN, LNN) takes the general explicit methods rk4 and
 * dopri5 only; explicit splitting methods need a separable H (a catalogue system or an SRNN).
 */
export function checkMethodFits(subject: Subject, o: Pick<SimulationOptions, 'method' | 'methodName'>): void {
  if (subject.kind === 'learned' && learnedHamiltonian(subject.loaded) === undefined) {
    if (o.method !== 'dopri5' && o.methodName !== 'rk4') {
      throw new UsageError(
        `${NOT_HAMILTONIAN[subject.loaded.model.kind]}, so only rk4 and dopri5 can integrate it (got '${o.methodName}')`,
      );
    }
    return;
  }
  if (o.method === 'dopri5' || o.method.info.requires !== 'separable') return;
  const system = subject.kind === 'system' ? subject.system : learnedHamiltonian(subject.loaded);
  if (system?.kind !== 'separable') {
    const label = subject.kind === 'system' ? `'${subject.name}'` : 'a learned HNN (general H)';
    throw new UsageError(
      `method '${o.methodName}' needs a separable H = T(p) + V(q); ${label} is not separable: use ${ANY_H_METHODS}`,
    );
  }
}

/**
 * Advances a phase vector [2n] by `steps` steps from step `first`: the states [steps + 1, 2n], start
 * included, or fewer rows and the step at which the state became non-finite (`stoppedAt`).
 */
type Advance = (x: Tensor, first: number, steps: number) => { states: Tensor; stoppedAt?: number };

/** Fixed-step method on a Hamiltonian: compiled rollouts, checked for non-finite states. */
function stepAdvance(system: Hamiltonian, o: SimulationOptions, n: number): Advance {
  const step = (o.method as (s: Hamiltonian, dt: number) => Step)(system, o.dt);
  const rollout = (x: Tensor, steps: number, checkFinite: boolean) => {
    const { q, p } = splitPhase(x, n);
    const trajectory = integrate(step, { q, p }, { steps, dt: o.dt }, { checkFinite });
    return primalTensor(joinPhase(trajectory.q, trajectory.p));
  };
  return (x, first, steps) => {
    try {
      return { states: rollout(x, steps, o.allowNonfinite !== true) };
    } catch (error) {
      if (!(error instanceof NonFiniteStateError)) throw error;
      // The finite rows before it, again (same bits), so they are written and their energies checked.
      const finite = error.step <= 1 ? reshape(x, [1, 2 * n]) : rollout(x, error.step - 1, false);
      return { states: finite, stoppedAt: first + error.step };
    }
  };
}

/** dopri5 on a vector field from output time k·dt to (k + steps)·dt, reporting at every dt. */
function dopri5Advance(field: (x: Tensor) => Tensor, o: SimulationOptions): Advance {
  const rollout = dopri5Rollout(field, { rtol: o.rtol, atol: o.atol });
  return (x, first, steps) => ({
    states: rollout(
      x,
      Array.from({ length: steps + 1 }, (_, i) => (first + i) * o.dt),
    ),
  });
}

/** rk4 on a learned field that has no Hamiltonian flow (baseline, DHNN, LNN). */
function rk4FieldAdvance(field: (x: Tensor) => Tensor, o: SimulationOptions, n: number): Advance {
  return (x, _first, steps) => {
    const out = new Float64Array((steps + 1) * 2 * n);
    out.set(x.data);
    let state: Value = x;
    for (let k = 1; k <= steps; k++) {
      state = rk4Step((z) => field(primalTensor(z)), o.dt, state);
      out.set(primalTensor(state).data, k * 2 * n);
    }
    return { states: new Tensor(out, [steps + 1, 2 * n]) };
  };
}

/**
 * How the subject is advanced, and the energies written beside the states: a Hamiltonian (a
 * catalogue system, an HNN, an SRNN) by the requested method; any other learned field by rk4 or
 * dopri5 on ẋ = f_θ(x).
 */
function plan(subject: Subject, o: SimulationOptions, n: number) {
  if (subject.kind === 'system') {
    const system = subject.system;
    const advance = o.method === 'dopri5' ? dopri5Advance(trueField(system), o) : stepAdvance(system, o, n);
    return { advance, truth: hamiltonianEnergies(system), learned: undefined };
  }
  const { loaded, truth } = subject;
  const learned = learnedEnergies(loaded);
  const system = learnedHamiltonian(loaded);
  if (system !== undefined) {
    const advance = o.method === 'dopri5' ? dopri5Advance(trueField(system), o) : stepAdvance(system, o, n);
    return { advance, truth, learned };
  }
  const field = modelField(loaded.model, loaded.params);
  const advance = o.method === 'dopri5' ? dopri5Advance(field, o) : rk4FieldAdvance(field, o, n);
  return { advance, truth, learned };
}

/** The error for a non-finite row: exit 1, naming the step and the time. */
function nonFiniteRow(step: number, dt: number, what: string): RuntimeError {
  return new RuntimeError(
    `${what} became non-finite (NaN or infinite) at step ${step}, t = ${step * dt}; stopped there (--allow-nonfinite writes such rows)`,
  );
}

/** The first row of a chunk with a non-finite number and what was non-finite, if any. */
function firstNonFiniteRow(chunk: TrajectoryChunk): { row: number; what: string } | undefined {
  const { n, rows } = chunk;
  for (let r = 0; r < rows; r++) {
    for (let i = r * n; i < (r + 1) * n; i++) {
      if (!Number.isFinite(chunk.q[i]) || !Number.isFinite(chunk.p[i])) return { row: r, what: 'the state' };
    }
    if (chunk.energy !== undefined && !Number.isFinite(chunk.energy[r])) return { row: r, what: 'the energy' };
    if (chunk.learnedEnergy !== undefined && !Number.isFinite(chunk.learnedEnergy[r])) {
      return { row: r, what: 'the learned energy' };
    }
  }
  return undefined;
}

/** The rows [from, to) of a chunk as a chunk. */
function sliceChunk(c: TrajectoryChunk, from: number, to: number): TrajectoryChunk {
  const n = c.n;
  return {
    first: c.first + from,
    rows: to - from,
    n,
    t: c.t.subarray(from, to),
    q: c.q.subarray(from * n, to * n),
    p: c.p.subarray(from * n, to * n),
    energy: c.energy?.subarray(from, to),
    learnedEnergy: c.learnedEnergy?.subarray(from, to),
  };
}

/**
 * The trajectory from (q0, p0) at t = k·dt for k = 0 … steps, in chunks of at most `chunkSteps`
 * rows, computed one chunk at a time as the consumer asks for them. Unless `allowNonfinite`, it
 * stops at the first row with a NaN or infinite state or energy: the finite rows before it are
 * yielded, then a RuntimeError names the step and the time.
 */
export function* trajectoryChunks(
  subject: Subject,
  q0: readonly number[],
  p0: readonly number[],
  o: SimulationOptions,
  chunkSteps = CHUNK_STEPS,
): Generator<TrajectoryChunk> {
  const n = subjectDim(subject);
  const { advance, truth, learned } = plan(subject, o, n);
  let x = primalTensor(joinPhase(tensor([...q0]), tensor([...p0])));
  let done = 0;
  do {
    const steps = Math.min(chunkSteps, o.steps - done);
    // [steps + 1, 2n]: the first chunk keeps its starting row, later ones drop it (the previous chunk's last).
    const { states, stoppedAt } = steps === 0 ? { states: reshape(x, [1, 2 * n]) } : advance(x, done, steps);
    const skip = done === 0 ? 0 : 1;
    if (states.shape[0] > skip) {
      const chunk = chunkOf(sliceRows(states, skip), done + skip, n, o.dt, truth, learned);
      const bad = o.allowNonfinite ? undefined : firstNonFiniteRow(chunk);
      if (bad !== undefined) {
        if (bad.row > 0) yield sliceChunk(chunk, 0, bad.row);
        throw nonFiniteRow(chunk.first + bad.row, o.dt, bad.what);
      }
      yield chunk;
    }
    if (stoppedAt !== undefined) throw nonFiniteRow(stoppedAt, o.dt, 'the state');
    x = reshape(sliceRows(states, steps, steps + 1), [2 * n]);
    done += steps;
  } while (done < o.steps);
}

/** The rows of states [rows, 2n] starting at step `first`, split into t, q, p, with their energies. */
function chunkOf(
  states: Tensor,
  first: number,
  n: number,
  dt: number,
  truth: RowEnergies | undefined,
  learned: RowEnergies | undefined,
): TrajectoryChunk {
  const { q, p } = splitPhase(states, n);
  const [qt, pt] = [primalTensor(q), primalTensor(p)];
  const rows = states.shape[0];
  return {
    first,
    rows,
    n,
    t: Float64Array.from({ length: rows }, (_, i) => (first + i) * dt),
    q: Float64Array.from(qt.data),
    p: Float64Array.from(pt.data),
    energy: truth?.(states),
    learnedEnergy: learned?.(states),
  };
}

/** Rows [from, to) of a matrix, as a float64 copy. */
function sliceRows(m: Tensor, from: number, to = m.shape[0]): Tensor {
  const width = m.shape[1];
  return new Tensor(Float64Array.from(m.data.subarray(from * width, to * width)), [to - from, width]);
}

/** Hamilton's vector field of a system as a plain function on phase vectors (for reference rollouts). */
export function trueField(system: Hamiltonian): (x: Tensor) => Tensor {
  // dopri5 evaluates it thousands of times: compiled after its first calls (the same bits).
  const f = jitWhenHot(hamiltonianVectorField(system));
  return (x) => primalTensor(f(x));
}

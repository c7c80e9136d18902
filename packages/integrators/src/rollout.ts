import {
  ConcretizationError,
  type Value,
  concat,
  isValue,
  jit,
  primalTensor,
  reshape,
  scan,
  slice,
} from '@liouville/ad';
import {
  InvalidArgumentError,
  NonFiniteError,
  ShapeError,
  Tensor,
  allFinite,
  checkFinitePositive,
  checkPositiveInteger,
  formatShape,
} from '@liouville/linalg';
import type { State, Step } from './system.js';

/** How far to integrate: a number of steps (t counted in units of `dt`, default 1), or an end time. */
export type Span = { readonly steps: number; readonly dt?: number } | { readonly tEnd: number; readonly dt: number };

/** Options of `integrate`. */
export interface IntegrateOptions {
  /** Keep every k-th state (k must divide the number of steps); default 1: every state. */
  readonly saveEvery?: number;
  /**
   * Compile the whole rollout into one loop with `jit` (default true): the same bits as stepping
   * eagerly, many times faster. A step that cannot be traced (one that reads numbers out of its
   * state, as Newton iterations with a convergence test do) runs eagerly; so does every rollout
   * under grad, jvp or vmap, which differentiate or batch it as written.
   */
  readonly compile?: boolean;
  /**
   * Stop with a NonFiniteStateError at the first state holding NaN or an infinity (default false:
   * explicit methods stay as fast as the bare loop). Stepping eagerly, every step is checked as it
   * is taken, so an implicit method stops before its solver meets the bad state; a compiled
   * rollout is checked after it returns, at every saved state. It reads numbers, so it cannot be
   * asked for while `integrate` itself is being traced by `jit` (ConcretizationError).
   */
  readonly checkFinite?: boolean;
}

/** A rollout reached a state with NaN or an infinity (with `checkFinite: true`). */
export class NonFiniteStateError extends NonFiniteError {
  override name = 'NonFiniteStateError';
  constructor(
    /** The number of the step after which the state was first seen non-finite (0: the initial state). */
    readonly step: number,
    /** Its time, step·dt. */
    readonly t: number,
  ) {
    super(`integrate: the state became non-finite (NaN or infinite) at step ${step}, t = ${t}`);
  }
}

/** A rollout: the saved times and states (stacked along a new leading axis) and the last state. */
export interface Trajectory {
  /** Times of the saved states, shape [N]. */
  readonly t: Tensor;
  /** Saved positions, shape [N, ...qShape]. */
  readonly q: Value;
  /** Saved momenta, shape [N, ...pShape]. */
  readonly p: Value;
  /** The state after the last step (the last saved state). */
  readonly final: State;
}

/** Relative tolerance for tEnd to be a whole number of steps dt. */
const SPAN_TOL = 1e-9;

/** Validates a number of steps: a positive integer (the shared check of @liouville/linalg). */
export const checkSteps = checkPositiveInteger;

/** The number of steps and the step size of a span (tEnd must be a whole number of steps dt). */
export function resolveSpan(span: Span): { steps: number; dt: number } {
  if (span !== null && typeof span === 'object' && 'tEnd' in span) {
    const tEnd = checkFinitePositive('integrate: tEnd', span.tEnd);
    const dt = checkFinitePositive('integrate: dt', span.dt);
    const steps = Math.round(tEnd / dt);
    if (steps < 1 || Math.abs(steps * dt - tEnd) > SPAN_TOL * tEnd) {
      throw new InvalidArgumentError('integrate: tEnd', `a whole number of steps dt = ${dt}`, tEnd);
    }
    return { steps, dt };
  }
  if (span === null || typeof span !== 'object' || !('steps' in span)) {
    throw new InvalidArgumentError('integrate: span', '{ steps } or { tEnd, dt }', span);
  }
  return {
    steps: checkSteps('integrate: steps', span.steps),
    dt: span.dt === undefined ? 1 : checkFinitePositive('integrate: dt', span.dt),
  };
}

/**
 * Rolls a step map out from state0 and stacks the saved states, t = 0, k·dt, 2k·dt, … with
 * k = saveEvery. Built from differentiable functions, so a loss of the trajectory can be
 * differentiated with respect to the initial state and the system's parameters. `dt` labels
 * the time axis and must be the step size the step was built with.
 *
 * @example
 * ```ts
 * import { type Value, grad, sum } from '@liouville/ad';
 * import { pendulum } from '@liouville/hamiltonian';
 * import { integrate, leapfrog } from '@liouville/integrators';
 * import { tensor } from '@liouville/linalg';
 *
 * const step = leapfrog(pendulum(), 0.1);
 * const start = { q: tensor([1]), p: tensor([0]) };
 * const { t, q, p, final } = integrate(step, start, { tEnd: 100, dt: 0.1 }, { saveEvery: 10 });
 * // t: [101] (0, 1, …, 100); q, p: [101, 1]; final: the state at t = 100
 *
 * // A rollout is differentiable: ∂q(10)/∂p(0) through 100 steps.
 * const finalAngle = (p0: Value) => sum(integrate(step, { q: tensor([1]), p: p0 }, { steps: 100 }).final.q);
 * grad(finalAngle)(tensor([0]));
 * ```
 */
export function integrate(step: Step, state0: State, span: Span, options: IntegrateOptions = {}): Trajectory {
  if (typeof step !== 'function')
    throw new InvalidArgumentError('integrate: step', 'a step function state → state', step);
  const { steps, dt } = resolveSpan(span);
  const saveEvery = checkSteps('integrate: saveEvery', options.saveEvery ?? 1);
  if (steps % saveEvery !== 0) {
    throw new InvalidArgumentError('integrate: saveEvery', `a divisor of the number of steps (${steps})`, saveEvery);
  }
  const saves = steps / saveEvery;
  const t = new Tensor(
    Float64Array.from({ length: saves + 1 }, (_, i) => i * saveEvery * dt),
    [saves + 1],
  );
  const eager = options.compile === false || untraceable.has(step);
  if (options.checkFinite === true) checkState(state0, 0, dt);
  const { final, saved } = eager
    ? eagerRollout(options.checkFinite === true ? checkedStep(step, dt) : step, saves, saveEvery)(state0)
    : compiledRollout(step, saves, saveEvery, state0);
  if (options.checkFinite === true) checkSaved(saved, saveEvery, dt);
  return { t, q: prepend(state0.q, saved.q), p: prepend(state0.p, saved.p), final };
}

/** Throws NonFiniteStateError when a state's numbers (primal values) are not all finite. */
function checkState(state: State, step: number, dt: number): void {
  if (!allFinite(primalTensor(state.q)) || !allFinite(primalTensor(state.p))) {
    throw new NonFiniteStateError(step, step * dt);
  }
}

/** The step, checking each state it produces (for eager rollouts: stops before the next step runs). */
function checkedStep(step: Step, dt: number): Step {
  let taken = 0;
  return (x) => {
    const y = step(x);
    taken += 1;
    checkState(y, taken, dt);
    return y;
  };
}

/** Checks the stacked saved states [saves, ...] of a rollout; names the first non-finite one's step. */
function checkSaved(saved: State, saveEvery: number, dt: number): void {
  const [q, p] = [primalTensor(saved.q), primalTensor(saved.p)];
  if (allFinite(q) && allFinite(p)) return;
  const saves = q.shape[0];
  const [qRow, pRow] = [q.size / saves, p.size / saves];
  for (let i = 0; i < saves; i++) {
    const finite = (t: Tensor, w: number) => t.data.subarray(i * w, (i + 1) * w).every(Number.isFinite);
    if (!finite(q, qRow) || !finite(p, pRow))
      throw new NonFiniteStateError((i + 1) * saveEvery, (i + 1) * saveEvery * dt);
  }
}

/** The states after every saveEvery steps, `saves` times: [final state, stacked saved states]. */
function eagerRollout(step: Step, saves: number, saveEvery: number): (s: State) => { final: State; saved: State } {
  const advance = (x: State): State =>
    saveEvery === 1 ? step(x) : scan((y: State) => [step(y), null], x, saveEvery)[0];
  return (s0) => {
    const [final, saved] = scan(
      (x: State) => {
        const y = advance(x);
        return [y, y];
      },
      s0,
      saves,
    );
    return { final, saved };
  };
}

/** Steps whose trace needed concrete numbers: they run eagerly from then on. */
const untraceable = new WeakSet<Step>();
/** Compiled rollouts of each step, by number of saves and steps between them. */
const compiled = new WeakMap<Step, Map<string, (s: State) => { final: State; saved: State }>>();

function compiledRollout(step: Step, saves: number, saveEvery: number, state0: State): { final: State; saved: State } {
  let forStep = compiled.get(step);
  if (forStep === undefined) {
    forStep = new Map();
    compiled.set(step, forStep);
  }
  const key = `${saves}x${saveEvery}`;
  let rollout = forStep.get(key);
  if (rollout === undefined) {
    rollout = jit(eagerRollout(step, saves, saveEvery));
    forStep.set(key, rollout);
  }
  try {
    return rollout(state0);
  } catch (error) {
    if (!(error instanceof ConcretizationError)) throw error;
    untraceable.add(step);
    return eagerRollout(step, saves, saveEvery)(state0);
  }
}

/** [x0, saved…] along a new leading axis. */
function prepend(x0: Value, saved: Value): Value {
  return concat([reshape(x0, [1, ...x0.shape]), saved], 0);
}

/**
 * The step map on flat phase vectors, x = [q, p] ↦ [q', p'] (last axis 2·dim; one state [2·dim]
 * or a batch [B, 2·dim]), for Jacobians such as jacfwd(flow(step)).
 */
export function flow(step: Step): (x: Value) => Value {
  if (typeof step !== 'function') throw new InvalidArgumentError('flow: step', 'a step function state → state', step);
  return (x: Value) => {
    if (!isValue(x)) throw new InvalidArgumentError('flow: x', 'a tensor or differentiable value [q, p]', x);
    const rank = x.shape.length;
    const width = x.shape[rank - 1];
    if (rank === 0 || width % 2 !== 0 || width === 0) {
      throw new ShapeError(
        'flow',
        `x must have an even, non-zero last axis [..., 2·dim] holding [q, p], got ${formatShape(x.shape)}`,
      );
    }
    const n = width / 2;
    const lead = x.shape.slice(0, -1);
    const q = slice(x, [...lead.map(() => 0), 0], [...lead, n]);
    const p = slice(x, [...lead.map(() => 0), n], [...lead, width]);
    const next = step({ q, p });
    return concat([next.q, next.p], rank - 1);
  };
}

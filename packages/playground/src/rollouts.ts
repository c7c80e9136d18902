import { type Value, primalTensor, reshape } from '@liouville/ad';
import { type FieldModel, type HnnModel, hnn } from '@liouville/hamiltonian';
import { METHODS, type Method, type Step, type System, implicitMidpoint, rk4Step } from '@liouville/integrators';
import { InvalidArgumentError, Tensor, concat, slice } from '@liouville/linalg';
import type { MlpParams } from '@liouville/nn';
import { type SystemChoice, trueEnergy } from './systems.js';

/** The methods the page offers for rollouts, by their catalogue names. */
export const ROLLOUT_METHODS: readonly string[] = [
  'leapfrog',
  'yoshida4',
  'blanesMoan4',
  'symplecticEuler',
  'implicitMidpoint',
  'gaussLegendre4',
  'tao4',
  'rk4',
];

/** A method applied to one system; `substituted` when the asked-for one needs a separable system. */
export interface ResolvedMethod {
  readonly step: Step;
  readonly name: string;
  readonly substituted: boolean;
}

/** The catalogue method of this name (InvalidArgumentError for an unknown one). */
export function methodByName(name: string): Method {
  if (!Object.hasOwn(METHODS, name)) {
    throw new InvalidArgumentError('method', `one of ${Object.keys(METHODS).join(', ')}`, name);
  }
  return METHODS[name];
}

/**
 * The step of `name` on `system`. Explicit splitting methods need H = T(p) + V(q); a general
 * system (the double pendulum, every learned H_θ) gets the implicit midpoint rule instead, the
 * simplest symplectic method for any H (Hairer, Lubich & Wanner, GNI, §VI.3).
 */
export function resolveMethod(system: System, name: string, dt: number): ResolvedMethod {
  const method = methodByName(name);
  if (method.info.requires === 'separable' && system.kind !== 'separable') {
    return { step: implicitMidpoint(system, dt), name: implicitMidpoint.info.name, substituted: true };
  }
  return { step: (method as (s: System, h: number) => Step)(system, dt), name, substituted: false };
}

/** One rolled-out trajectory: states [steps + 1, 2·dim] (fewer if it stopped early) and its true energy. */
export interface RolloutSeries {
  readonly label: string;
  readonly method: string;
  readonly states: Tensor;
  readonly energy: Float64Array;
  /** Why the rollout stopped before the last step (a non-finite state, a Newton failure), if it did. */
  readonly stopped?: string;
}

/** Rolls x ↦ next(x) out from x0 [2·dim] for `steps` steps, stopping early at the first non-finite state or error. */
function rollOut(x0: Tensor, steps: number, next: (x: Tensor) => Tensor): { states: Tensor; stopped?: string } {
  const rows: Tensor[] = [x0];
  const stack = () => new Tensor(Float64Array.from(rows.flatMap((r) => Array.from(r.data))), [rows.length, x0.size]);
  let x = x0;
  for (let k = 1; k <= steps; k++) {
    try {
      x = next(x);
    } catch (error) {
      return { states: stack(), stopped: `step ${k}: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (!x.data.every(Number.isFinite)) return { states: stack(), stopped: `a non-finite state at step ${k}` };
    rows.push(x);
  }
  return { states: stack() };
}

function phaseStep(step: Step, dim: number): (x: Tensor) => Tensor {
  return (x) => {
    const next = step({ q: slice(x, [0], [dim]), p: slice(x, [dim], [2 * dim]) });
    return concat([primalTensor(next.q), primalTensor(next.p)], 0);
  };
}

/** The baseline's learned field x ↦ f_θ(x) on one state [2·dim], stepped by classical RK4 (it is not a Hamiltonian). */
function baselineStep(model: FieldModel, params: MlpParams, dt: number): (x: Tensor) => Tensor {
  const field = (x: Value): Value => reshape(model.timeDerivative(params, reshape(x, [1, x.size])), [x.size]);
  return (x) => primalTensor(rk4Step(field, dt, x));
}

/** What `rolloutEnergies` needs: the system, both trained models, the method and the span. */
export interface RolloutRequest {
  readonly choice: SystemChoice;
  readonly hnnModel: HnnModel;
  readonly hnnParams: MlpParams;
  readonly baselineModel: FieldModel;
  readonly baselineParams: MlpParams;
  readonly method: string;
  readonly dt: number;
  readonly steps: number;
}

/**
 * The true system, the HNN's H_θ (a `general` Hamiltonian) and the baseline's field rolled out
 * from the system's start state, each with the true energy H along its trajectory.
 */
export function rolloutEnergies(request: RolloutRequest): RolloutSeries[] {
  const { choice, dt, steps } = request;
  const dim = choice.system.dim;
  const x0 = new Tensor(Float64Array.from(choice.rolloutStart), [2 * dim]);
  const truth = resolveMethod(choice.system, request.method, dt);
  const learned = resolveMethod(hnn(request.hnnModel, request.hnnParams), request.method, dt);
  const runs: [string, string, (x: Tensor) => Tensor][] = [
    ['true H', truth.name, phaseStep(truth.step, dim)],
    ['HNN', learned.name, phaseStep(learned.step, dim)],
    ['baseline', 'rk4', baselineStep(request.baselineModel, request.baselineParams, dt)],
  ];
  return runs.map(([label, method, next]) => {
    const { states, stopped } = rollOut(x0, steps, next);
    return { label, method, states, energy: trueEnergy(choice, states), stopped };
  });
}

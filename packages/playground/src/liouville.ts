import { primalTensor } from '@liouville/ad';
import { pendulum } from '@liouville/hamiltonian';
import { type Step, type System, rk4 } from '@liouville/integrators';
import { InvalidArgumentError, Tensor } from '@liouville/linalg';
import { methodByName, resolveMethod } from './rollouts.js';
import type { SystemChoice } from './systems.js';

/** The signed area of a closed polygon (shoelace formula), positive when counter-clockwise. */
export function polygonArea(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  if (xs.length !== ys.length || xs.length < 3) {
    throw new InvalidArgumentError('polygonArea: xs, ys', 'two coordinate lists of the same length >= 3', xs.length);
  }
  let twice = 0;
  for (let k = 0, last = xs.length - 1; k < xs.length; last = k++) {
    twice += xs[last] * ys[k] - xs[k] * ys[last];
  }
  return twice / 2;
}

/** The boundary of the disc of centre (q, p) and this radius as `points` states, counter-clockwise. */
export function discBoundary(
  centre: readonly [number, number],
  radius: number,
  points: number,
): { q: Tensor; p: Tensor } {
  const q = new Float64Array(points);
  const p = new Float64Array(points);
  for (let k = 0; k < points; k++) {
    const angle = (2 * Math.PI * k) / points;
    q[k] = centre[0] + radius * Math.cos(angle);
    p[k] = centre[1] + radius * Math.sin(angle);
  }
  return { q: new Tensor(q, [points, 1]), p: new Tensor(p, [points, 1]) };
}

/** One method's evolution of the disc: the area ratio A(t)/A(0) and a few boundary snapshots. */
export interface DiscEvolution {
  readonly method: string;
  readonly symplectic: boolean;
  readonly areaRatio: Float64Array;
  /** Boundaries (q, p coordinates) at the snapshot steps. */
  readonly snapshots: { readonly step: number; readonly q: Float64Array; readonly p: Float64Array }[];
}

/** What the Liouville panel computes: the disc, the method compared against RK4, the span. */
export interface LiouvilleRequest {
  readonly centre: readonly [number, number];
  readonly radius: number;
  readonly points: number;
  readonly method: string;
  readonly dt: number;
  readonly steps: number;
  /** The steps at which the boundary is kept for drawing. */
  readonly snapshotSteps: readonly number[];
}

/** The system of the Liouville panel: the chosen one when its phase space is a plane, else the pendulum. */
export function liouvilleSystem(choice: SystemChoice): System {
  return choice.system.dim === 1 ? choice.system : pendulum();
}

function evolve(step: Step, method: string, symplectic: boolean, request: LiouvilleRequest): DiscEvolution {
  let state = discBoundary(request.centre, request.radius, request.points) as { q: Tensor; p: Tensor };
  const area0 = polygonArea(state.q.data, state.p.data);
  const areaRatio = new Float64Array(request.steps + 1);
  areaRatio[0] = 1;
  const keep = new Set(request.snapshotSteps);
  const snapshots: DiscEvolution['snapshots'] = [];
  if (keep.has(0)) snapshots.push({ step: 0, q: Float64Array.from(state.q.data), p: Float64Array.from(state.p.data) });
  for (let k = 1; k <= request.steps; k++) {
    const next = step(state);
    state = { q: primalTensor(next.q), p: primalTensor(next.p) };
    areaRatio[k] = polygonArea(state.q.data, state.p.data) / area0;
    if (keep.has(k)) {
      snapshots.push({ step: k, q: Float64Array.from(state.q.data), p: Float64Array.from(state.p.data) });
    }
  }
  return { method, symplectic, areaRatio, snapshots };
}

/**
 * Liouville's theorem on screen: the Hamiltonian flow preserves phase-space area, and so does a
 * symplectic method's step map (det M = 1 in one degree of freedom), while RK4's map contracts
 * or expands it a little every step. The disc's boundary is stepped as one batch of states and
 * the area is that of the polygon through them.
 */
export function liouvilleEvolution(system: System, request: LiouvilleRequest): DiscEvolution[] {
  if (system.dim !== 1) {
    throw new InvalidArgumentError('liouvilleEvolution: system.dim', '1 (a phase plane)', system.dim);
  }
  const chosen = resolveMethod(system, request.method, request.dt);
  const reference = rk4(system, request.dt);
  const symplectic = methodByName(chosen.name).info.symplectic;
  return [evolve(chosen.step, chosen.name, symplectic, request), evolve(reference, 'rk4', false, request)];
}

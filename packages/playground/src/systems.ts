import { primalTensor } from '@liouville/ad';
import {
  type Hamiltonian,
  doublePendulum,
  energy,
  kepler,
  massSpring,
  pendulum,
  vectorField,
} from '@liouville/hamiltonian';
import {
  InvalidArgumentError,
  type RandomKey,
  Tensor,
  concat,
  randomUniform,
  slice,
  splitKey,
} from '@liouville/linalg';

/** The systems the page offers. */
export type SystemId = 'spring' | 'pendulum' | 'doublePendulum' | 'kepler';

/** The systems in the order the page lists them. */
export const SYSTEM_IDS: readonly SystemId[] = ['spring', 'pendulum', 'doublePendulum', 'kepler'];

/**
 * The 2-D plane of phase space the portrait shows: two coordinates of x = (q, p) vary over their
 * ranges, the others stay at `base`. For a 2-D phase space (dim 1) that is the whole space.
 */
export interface PortraitPlane {
  readonly xAxis: number;
  readonly yAxis: number;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xRange: readonly [number, number];
  readonly yRange: readonly [number, number];
  /** A full phase-space point [2·dim] giving the coordinates that stay fixed. */
  readonly base: readonly number[];
  /** Whether the plane is all of phase space (dim 1) or a slice of a 4-D one. */
  readonly isSlice: boolean;
  /** For a slice, where the other coordinates are held, e.g. 'θ₂ = p₂ = 0'. */
  readonly heldAt: string;
}

/** A system of the page: the catalogue value, where its data are drawn, and what to show. */
export interface SystemChoice {
  readonly id: SystemId;
  readonly label: string;
  /** The Hamiltonian as a formula, for the page. */
  readonly formula: string;
  readonly system: Hamiltonian;
  /** Draws n phase-space points [n, 2·dim] from the region the networks are trained on. */
  readonly sample: (key: RandomKey, n: number) => Tensor;
  readonly plane: PortraitPlane;
  /** The start of the energy rollout, x₀ = (q, p) [2·dim], inside the training region. */
  readonly rolloutStart: readonly number[];
  /** Default step size and number of steps of the energy rollout. */
  readonly rollout: { readonly dt: number; readonly steps: number };
}

/** Uniform points in the box [low_i, high_i) of each column, as rows [n, columns]. */
function uniformBox(key: RandomKey, n: number, lows: readonly number[], highs: readonly number[]): Tensor {
  const keys = splitKey(key, lows.length);
  const columns = lows.map((low, i) => randomUniform(keys[i], [n, 1], { low, high: highs[i] }));
  return concat(columns, 1);
}

/**
 * Kepler states around circular-ish orbits: radius r ∈ [0.6, 1.6), a uniform angle, a tangential
 * speed in [0.4, 1.6) (it contains the circular speed √(μ/r) = 0.79..1.29 for μ = 1) and a radial
 * speed in [−0.3, 0.3). This keeps away from the singularity at r = 0 and covers the portrait plane.
 */
function keplerSample(key: RandomKey, n: number): Tensor {
  const polar = uniformBox(key, n, [0.6, 0, 0.4, -0.3], [1.6, 2 * Math.PI, 1.6, 0.3]).data;
  const rows = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const [r, angle, tangential, radial] = [polar[4 * i], polar[4 * i + 1], polar[4 * i + 2], polar[4 * i + 3]];
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    rows.set([r * c, r * s, radial * c - tangential * s, radial * s + tangential * c], 4 * i);
  }
  return new Tensor(rows, [n, 4]);
}

const CHOICES: Readonly<Record<SystemId, () => SystemChoice>> = {
  spring: () => ({
    id: 'spring',
    label: 'Mass on a spring',
    formula: 'H = p²/2 + q²/2',
    system: massSpring(),
    sample: (key, n) => uniformBox(key, n, [-2, -2], [2, 2]),
    plane: plane(0, 1, 'q', 'p', [-2, 2], [-2, 2], [0, 0], ''),
    rolloutStart: [1.5, 0],
    rollout: { dt: 0.1, steps: 300 },
  }),
  pendulum: () => ({
    id: 'pendulum',
    label: 'Pendulum',
    formula: 'H = p²/2 + (1 − cos q)',
    system: pendulum(),
    sample: (key, n) => uniformBox(key, n, [-3, -2.5], [3, 2.5]),
    plane: plane(0, 1, 'q', 'p', [-3, 3], [-2.5, 2.5], [0, 0], ''),
    rolloutStart: [2, 0],
    rollout: { dt: 0.1, steps: 300 },
  }),
  doublePendulum: () => ({
    id: 'doublePendulum',
    label: 'Double pendulum',
    formula: 'H = ½pᵀM(θ)⁻¹p + 2(1 − cos θ₁) + (1 − cos θ₂)',
    system: doublePendulum(),
    sample: (key, n) => uniformBox(key, n, [-1, -1, -1, -1], [1, 1, 1, 1]),
    plane: plane(0, 2, 'θ₁', 'p₁', [-1, 1], [-1, 1], [0, 0, 0, 0], 'θ₂ = p₂ = 0'),
    rolloutStart: [0.6, -0.3, 0, 0],
    rollout: { dt: 0.05, steps: 400 },
  }),
  kepler: () => ({
    id: 'kepler',
    label: 'Kepler problem',
    formula: 'H = |p|²/2 − 1/|q|',
    system: kepler(),
    sample: keplerSample,
    plane: plane(0, 3, 'q_x', 'p_y', [0.6, 1.6], [0.4, 1.6], [1, 0, 0, 1], 'q_y = p_x = 0'),
    // Periapsis at r = 1 with speed 1.1: e = 0.21, aphelion 1.53, inside the training annulus.
    rolloutStart: [1, 0, 0, 1.1],
    rollout: { dt: 0.05, steps: 400 },
  }),
};

/** A portrait plane; `heldAt` is empty for a whole phase plane, else where the slice holds the rest. */
function plane(
  xAxis: number,
  yAxis: number,
  xLabel: string,
  yLabel: string,
  xRange: readonly [number, number],
  yRange: readonly [number, number],
  base: readonly number[],
  heldAt: string,
): PortraitPlane {
  return { xAxis, yAxis, xLabel, yLabel, xRange, yRange, base, isSlice: heldAt !== '', heldAt };
}

/** The system of the page with this id (InvalidArgumentError for an unknown id). */
export function systemChoice(id: string): SystemChoice {
  if (!Object.hasOwn(CHOICES, id)) {
    throw new InvalidArgumentError('systemChoice: id', `one of ${SYSTEM_IDS.join(', ')}`, id);
  }
  return CHOICES[id as SystemId]();
}

/** Splits phase-space rows x [n, 2·dim] into q and p [n, dim]. */
export function splitRows(x: Tensor, dim: number): { q: Tensor; p: Tensor } {
  const n = x.shape[0];
  return { q: slice(x, [0, 0], [n, dim]), p: slice(x, [0, dim], [n, 2 * dim]) };
}

/** The true time derivatives ẋ = J∇H(x) of phase-space rows x [n, 2·dim], as rows [n, 2·dim]. */
export function trueTimeDerivative(choice: SystemChoice, x: Tensor): Tensor {
  const field = vectorField(choice.system)(splitRows(x, choice.system.dim));
  return concat([primalTensor(field.dq), primalTensor(field.dp)], 1);
}

/** The true energy of each phase-space row x [n, 2·dim], as numbers. */
export function trueEnergy(choice: SystemChoice, x: Tensor): Float64Array {
  return Float64Array.from(primalTensor(energy(choice.system)(splitRows(x, choice.system.dim))).data);
}

import { type Dataset, type Hamiltonian, massSpring } from '@liouville/hamiltonian';
import { Tensor, tensor } from '@liouville/linalg';
import type { ReferenceFile } from './reference.js';
import type { ModelKind, TaskEvaluation, TaskSpec } from './tasks.js';

/** A task's orbit generator (its evaluation protocol's `generate`). */
type OrbitGenerator = Extract<TaskEvaluation, { kind: 'orbits' }>['generate'];

/**
 * How the energy MSE of each task is measured: the trajectories (start points, time spans,
 * solver tolerances) and the metrics taken along them. Each follows the reference analysis
 * notebooks (greydanus/hamiltonian-nn analyze-*.ipynb) as PROVENANCE.md and the `_about` of
 * hnn_reference_results.json in the reference data folder describe them; the corrected variants
 * are reported beside, labelled.
 */

/** Trajectories integrated from start points: the truth by dopri5, the models by dopri5 or a symplectic method. */
export interface SimulatedSet {
  readonly kind: 'simulated';
  readonly key: string;
  readonly description: string;
  readonly initialStates: readonly Tensor[];
  /** End time of each trajectory. */
  readonly tEnd: readonly number[];
  /** Evaluation points per trajectory (linspace over [0, tEnd], both ends included). */
  readonly points: number;
  readonly rtol: number;
  readonly atol: number;
  /** The largest step of the symplectic rollout: substeps = ⌈Δt_out / dtMax⌉ between output times. */
  readonly dtMax: number;
}

/** One measured trajectory (the real pendulum's test segment): the data are the truth. */
export interface MeasuredSet {
  readonly kind: 'measured';
  readonly key: string;
  readonly description: string;
  readonly states: Tensor;
  /** Measurement times relative to the first, on a grid of `spacing` with gaps. */
  readonly times: readonly number[];
  readonly spacing: number;
  readonly rtol: number;
  readonly atol: number;
  readonly dtMax: number;
}

/** The trajectories a metric is measured along. */
export type TrajectorySet = SimulatedSet | MeasuredSet;

/** One reported energy metric. */
export interface EnergyMetric {
  readonly key: string;
  readonly label: string;
  readonly set: string;
  /** The energy compared (a catalogue system's H). */
  readonly energy: Hamiltonian;
  readonly energyDescription: string;
  readonly integrator: 'dopri5' | 'gaussLegendre4';
  readonly models: readonly ModelKind[];
  /** Compared with the paper's Table 1 energy column. */
  readonly paper: boolean;
  /** Compared with this figure of the reference re-run ('energy' or a key of its corrected metrics). */
  readonly rerun?: string;
}

/** A task's evaluation: its trajectory sets and metrics. */
export interface Protocol {
  readonly sets: readonly TrajectorySet[];
  readonly metrics: readonly EnergyMetric[];
}

// SciPy's solve_ivp default atol, which every reference notebook leaves unchanged: with rtol 1e-12
// it is the binding tolerance for states of order one.
const SCIPY_ATOL = 1e-6;
const BOTH: readonly ModelKind[] = ['baseline', 'hnn'];
const HNN: readonly ModelKind[] = ['hnn'];

/** What distinguishes one reported metric: key, label, set, the energy measured, and its reference figures. */
interface MetricSpec {
  readonly key: string;
  readonly label: string;
  readonly set: string;
  readonly energy: Hamiltonian;
  readonly about: string;
  readonly paper: boolean;
  readonly rerun?: string;
}

/** The dopri5 metric (both models) and its symplectic twin (the HNN by Gauss–Legendre 4) on the same set and energy. */
function metricPair(m: MetricSpec): [EnergyMetric, EnergyMetric] {
  const { key, label, set, energy, about, paper, rerun } = m;
  const dopri: EnergyMetric = {
    key,
    label,
    set,
    energy,
    energyDescription: about,
    integrator: 'dopri5',
    models: BOTH,
    paper,
    rerun,
  };
  const twin = {
    key: `${key}Symplectic`,
    label: `${label}, HNN by Gauss–Legendre 4`,
    models: HNN,
    paper: false,
    rerun: undefined,
  };
  return [dopri, { ...dopri, ...twin, integrator: 'gaussLegendre4' }];
}

/** A simulated set from start points with a common tolerance, spacing and symplectic step. */
function simulatedSet(
  key: string,
  description: string,
  starts: Tensor[],
  tEnd: number[],
  o: { points: number; rtol: number; dtMax: number },
): SimulatedSet {
  return { kind: 'simulated', key, description, initialStates: starts, tEnd, atol: SCIPY_ATOL, ...o };
}

const CUMULATIVE = 'cumulative 1.09 stretch: trajectory i on [0, 20·1.09^(i+2)], up to 79.4';
const SINGLE = 'one 1.09 stretch (the appendix noise correction): every trajectory on [0, 21.8]';

function springProtocol(task: TaskSpec, starts: Tensor[]): Protocol {
  // analyze-spring.ipynb multiplies t_span and t_eval by 1.09 in place on every call; one earlier
  // call leaves them at 20·1.09, so trajectory i (from 0) runs to 20·1.09^(i+2): the 15th to 79.4.
  const o = { points: 100, rtol: 1e-12, dtMax: 0.2 };
  const cumulative = starts.map((_, i) => 20 * 1.09 ** (i + 2));
  const single = starts.map(() => 20 * 1.09);
  const common = { energy: task.system(), about: task.systemDescription };
  const headline = { ...common, key: 'energy', set: 'notebook', paper: true, rerun: 'energy' };
  const corrected = { ...common, key: 'energyNonCumulative', set: 'single', paper: false };
  return {
    sets: [
      simulatedSet('notebook', CUMULATIVE, starts, cumulative, o),
      simulatedSet('single', SINGLE, starts, single, o),
    ],
    metrics: [
      ...metricPair({ ...headline, label: 'energy MSE (notebook: cumulative spans up to t = 79.4)' }),
      metricPair({
        ...corrected,
        label: 'energy MSE (no compounding: t ∈ [0, 21.8])',
        rerun: 'energy_mse_no_cumulative_rescale',
      })[0],
    ],
  };
}

function pendulumProtocol(task: TaskSpec, starts: Tensor[]): Protocol {
  const o = { points: 100, rtol: 1e-12, dtMax: 0.15 };
  const set = simulatedSet(
    'standard',
    't ∈ [0, 20], 100 points',
    starts,
    starts.map(() => 20),
    o,
  );
  // analyze-pend.ipynb measures "energy" as q² + p²: the hnnCode spring's H evaluated on pendulum states.
  const proxy = { energy: massSpring({ variant: 'hnnCode' }), about: 'q² + p² (the notebook’s energy)' };
  const truth = { energy: task.system(), about: task.systemDescription };
  return {
    sets: [set],
    metrics: [
      ...metricPair({
        ...proxy,
        key: 'energy',
        label: 'energy MSE (notebook "energy" q² + p²)',
        set: 'standard',
        paper: true,
        rerun: 'energy',
      }),
      ...metricPair({
        ...truth,
        key: 'energyTrueH',
        label: 'energy MSE (true H = 3(1 − cos q) + p²)',
        set: 'standard',
        paper: false,
        rerun: 'energy_mse_with_true_hamiltonian',
      }),
    ],
  };
}

function realProtocol(task: TaskSpec, data: Dataset): Protocol {
  const t = data.test.t as Tensor;
  const t0 = t.data[0];
  // analyze-real.ipynb: x0 = test_x[0], t_eval = test_t − test_t.min(), solve_ivp with SciPy's
  // default tolerances (rtol 1e-3, atol 1e-6), energy H = 2.4(1 − cos q) + p² of experiment-real/data.py.
  // The symplectic rollout steps on the sampling grid of 1/6 s (the gaps are whole multiples of it).
  const set: MeasuredSet = {
    kind: 'measured',
    key: 'testSegment',
    description: `the ${t.size} test samples (t = ${t0} … ${t.data[t.size - 1]} s) as one trajectory`,
    states: data.test.x,
    times: Array.from(t.data, (v) => v - t0),
    spacing: 1 / 6,
    rtol: 1e-3,
    atol: SCIPY_ATOL,
    dtMax: 1 / 6,
  };
  const label = 'energy MSE along the test segment (H = 2.4(1 − cos q) + p²)';
  return {
    sets: [set],
    metrics: metricPair({
      key: 'energy',
      label,
      set: 'testSegment',
      energy: task.system(),
      about: task.systemDescription,
      paper: true,
      rerun: 'energy',
    }),
  };
}

/** The start state of the orbit generated with `seed` (the first sample of a one-orbit dataset). */
function orbitStart(task: TaskSpec, generate: OrbitGenerator, seed: number): Tensor {
  const options = { seed, trajectories: 1, points: 2, tSpan: [0, 1e-6] as const, testFraction: 0 };
  const data = generate(options);
  return new Tensor(Float64Array.from(data.train.x.data.subarray(0, task.inputDim)), [task.inputDim]);
}

function orbitProtocol(task: TaskSpec, orbits: Extract<TaskEvaluation, { kind: 'orbits' }>, count: number): Protocol {
  const { tEnd, dtMax } = orbits;
  const starts = Array.from({ length: count }, (_, seed) => orbitStart(task, orbits.generate, seed));
  const description = `${count} orbits from the generator with seeds 0–${count - 1}, t ∈ [0, ${tEnd}], 500 points`;
  const o = { points: 500, rtol: 1e-9, dtMax };
  return {
    sets: [
      simulatedSet(
        'orbits',
        description,
        starts,
        starts.map(() => tEnd),
        o,
      ),
    ],
    metrics: metricPair({
      key: 'energy',
      label: 'energy MSE (total energy)',
      set: 'orbits',
      energy: task.system(),
      about: task.systemDescription,
      paper: true,
      rerun: 'energy',
    }),
  };
}

/** The evaluation protocol of a task, with the first `count` (1 to 15) start points. */
export function protocolFor(task: TaskSpec, reference: ReferenceFile, data: Dataset, count: number): Protocol {
  const evaluation = task.evaluation;
  if (evaluation.kind === 'measuredSegment') return realProtocol(task, data);
  if (evaluation.kind === 'orbits') return orbitProtocol(task, evaluation, count);
  const starts = reference
    .initialConditions(task)
    .slice(0, count)
    .map((x) => tensor(x));
  return evaluation.notebook === 'spring' ? springProtocol(task, starts) : pendulumProtocol(task, starts);
}

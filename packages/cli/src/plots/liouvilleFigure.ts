import { primalTensor } from '@liouville/ad';
import { type HnnModel, enclosedArea, hnn, phaseCircle } from '@liouville/hamiltonian';
import {
  type State,
  type Step,
  implicitMidpoint,
  integrate,
  joinPhase,
  leapfrog,
  rk4,
  rk4Step,
  splitPhase,
} from '@liouville/integrators';
import type { Tensor } from '@liouville/linalg';
import type { TopLevelSpec } from 'vega-lite';
import { RuntimeError } from '../errors.js';
import type { TaskSpec } from '../tasks.js';
import type { PlotModels } from './plotData.js';
import { COLOURS } from './specs.js';

/**
 * Liouville's theorem, shown: a disc of initial states of a one-degree-of-freedom task evolved by
 * the true flow (leapfrog, fine step), by the true H with RK4 at a coarse step, by the HNN with the
 * symplectic implicit midpoint rule, and by the baseline's field (RK4 at a step fine enough that what
 * changes its area is the field itself); the discs at four times, and their areas over time.
 */

/** The disc of each task: centre and radius in (q, p), and the time span (about two periods). */
const DISCS: Readonly<Record<string, { centre: [number, number]; radius: number; tEnd: number }>> = {
  spring: { centre: [0.6, 0], radius: 0.25, tEnd: 6 },
  pendulum: { centre: [1.2, 0], radius: 0.35, tEnd: 6 },
  real: { centre: [0.6, 0], radius: 0.2, tEnd: 6 },
};

/** Points on the disc's boundary: enough that the chords stay close to the stretched curve. */
const BOUNDARY_POINTS = 400;
/** Times at which the discs are drawn, as fractions of the span. */
const SNAPSHOTS = [0, 1 / 3, 2 / 3, 1];
/** Area samples over the span; the interval between them is also RK4's coarse step (0.4). */
const AREA_SAMPLES = 15;

interface Series {
  readonly name: string;
  readonly colour: string;
  readonly dash?: number[];
  /** The boundary at each sampled time, rows (q, p). */
  readonly curves: Tensor[];
}

/** The boundary at AREA_SAMPLES + 1 evenly spaced times, each advanced from the last by `substeps` steps. */
function sampleFlow(step: Step, start: Tensor, substeps: number): Tensor[] {
  const curves = [start];
  let state = splitPhase(start, 1);
  for (let k = 0; k < AREA_SAMPLES; k++) {
    state = integrate(step, state, { steps: substeps }).final;
    curves.push(primalTensor(joinPhase(state.q, state.p)));
  }
  return curves;
}

/** The baseline's field on rows, advanced by RK4 (it has no Hamiltonian). */
function baselineStep(models: PlotModels, dt: number): Step {
  const { model, params } = models.baseline;
  return (s: State) => {
    const next = rk4Step((z) => model.timeDerivative(params, z), dt, joinPhase(s.q, s.p));
    return splitPhase(next, 1);
  };
}

/** The four evolutions of the task's disc. */
function evolutions(spec: TaskSpec, models: PlotModels): { series: Series[]; tEnd: number } {
  const disc = DISCS[spec.name] ?? DISCS.spring;
  const start = phaseCircle(disc.centre, disc.radius, BOUNDARY_POINTS);
  const interval = disc.tEnd / AREA_SAMPLES;
  const truth = spec.system();
  if (truth.kind !== 'separable')
    throw new RuntimeError(`Liouville's figure needs a separable true H; ${spec.name} has none`);
  const fine = Math.ceil(interval / 0.01);
  // The baseline's RK4 step: RK4's own area error per step scales as h⁶ (about (ωh)⁶/72), so at
  // h = 0.05 it is (0.05/0.4)⁶ ≈ 4e-6 of the 6.2% it loses at the coarse step 0.4: what moves the
  // baseline's area is its field, not the integrator, at a fifth of the cost of h = 0.01.
  const baselineSubsteps = Math.ceil(interval / 0.05);
  const learned = hnn(models.hnn.model as HnnModel, models.hnn.params);
  const series: Series[] = [
    {
      name: 'true flow (leapfrog, dt 0.01)',
      colour: COLOURS.truth,
      curves: sampleFlow(leapfrog(truth, interval / fine), start, fine),
    },
    {
      name: `true H, RK4 (dt ${interval.toFixed(2)})`,
      colour: '#ff7f0e',
      dash: [6, 3],
      curves: sampleFlow(rk4(truth, interval), start, 1),
    },
    {
      name: 'HNN, implicit midpoint (symplectic)',
      colour: COLOURS.hnn,
      curves: sampleFlow(implicitMidpoint(learned, interval / 3), start, 3),
    },
    {
      name: 'baseline (RK4, dt 0.05)',
      colour: COLOURS.baseline,
      curves: sampleFlow(baselineStep(models, interval / baselineSubsteps), start, baselineSubsteps),
    },
  ];
  return { series, tEnd: disc.tEnd };
}

/** Rows of the phase-plane panel (boundaries at the snapshots) and of the area panel. */
function figureRows(series: readonly Series[], tEnd: number) {
  const curves: { series: string; time: string; i: number; q: number; p: number }[] = [];
  const areas: { series: string; t: number; ratio: number }[] = [];
  for (const s of series) {
    const area0 = enclosedArea(s.curves[0]);
    s.curves.forEach((c, k) => {
      areas.push({ series: s.name, t: (k * tEnd) / AREA_SAMPLES, ratio: enclosedArea(c) / area0 });
    });
    for (const fraction of SNAPSHOTS) {
      const k = Math.round(fraction * AREA_SAMPLES);
      const c = s.curves[k];
      const time = `t = ${((k * tEnd) / AREA_SAMPLES).toFixed(1)}`;
      for (let i = 0; i <= c.shape[0]; i++) {
        const j = i % c.shape[0];
        curves.push({ series: s.name, time, i, q: c.data[2 * j], p: c.data[2 * j + 1] });
      }
    }
  }
  return { curves, areas };
}

/** Liouville's figure of a one-degree-of-freedom task (see the module comment). */
export function liouvilleFigure(title: string, spec: TaskSpec, models: PlotModels): TopLevelSpec {
  const { series, tEnd } = evolutions(spec, models);
  const { curves, areas } = figureRows(series, tEnd);
  const domain = series.map((s) => s.name);
  const colour = {
    field: 'series',
    type: 'nominal' as const,
    scale: { domain, range: series.map((s) => s.colour) },
    legend: { orient: 'bottom' as const, title: null, columns: 2, labelLimit: 300 },
  };
  const dash = {
    field: 'series',
    type: 'nominal' as const,
    scale: { domain, range: series.map((s) => s.dash ?? [1, 0]) },
    legend: null,
  };
  const times = SNAPSHOTS.map((f) => (f * tEnd).toFixed(1)).join(', ');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${title}: Liouville’s theorem`,
      subtitle: `a disc of states at t = ${times}: a Hamiltonian flow and a symplectic method keep its area; RK4 and the baseline do not`,
    },
    vconcat: [
      {
        data: { values: curves },
        facet: { column: { field: 'time', type: 'ordinal', title: null, sort: null } },
        spec: {
          width: 190,
          height: 190,
          mark: { type: 'line', strokeWidth: 1.4 },
          encoding: {
            x: { field: 'q', type: 'quantitative', title: 'q' },
            y: { field: 'p', type: 'quantitative', title: 'p' },
            order: { field: 'i', type: 'quantitative' },
            detail: { field: 'series', type: 'nominal' },
            color: colour,
            strokeDash: dash,
          },
        },
      },
      {
        width: 820,
        height: 220,
        data: { values: areas },
        mark: { type: 'line', strokeWidth: 2, point: true },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'time t' },
          y: { field: 'ratio', type: 'quantitative', title: 'area / initial area', scale: { zero: false } },
          color: colour,
          strokeDash: dash,
        },
      },
    ],
  } as TopLevelSpec;
}

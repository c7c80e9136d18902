import { join } from 'node:path';
import type { Tensor } from '@liouville/linalg';
import type { TopLevelSpec } from 'vega-lite';
import { createFolder, writeFileAtomic } from '../outputFile.js';
import type { SetInfo, TaskResult } from '../results.js';
import type { TaskName, TaskSpec } from '../tasks.js';
import {
  type PlotModels,
  type PlotTrajectories,
  type Sampled,
  energiesAlong,
  levelSets,
  plotTrajectories,
} from './plotData.js';
import { liouvilleFigure } from './liouvilleFigure.js';
import { renderSvg } from './render.js';
import { COLOURS, type SeriesStyle, energySpec, lossCurvesSpec, orbitsSpec, phasePortraitSpec } from './specs.js';

const HNN_GL4 = 'HNN (Gauss–Legendre 4)';

/**
 * What the figures other than the losses need of a task: its name, title, first seed and first
 * evaluation set. All are known before any model is evaluated, so those figures can be drawn while
 * the evaluations run.
 */
export interface FigureContext {
  readonly task: TaskName;
  readonly title: string;
  readonly seed: number;
  readonly set: SetInfo;
}

/** The context of a finished task's figures. */
export function figureContext(task: TaskResult): FigureContext {
  return { task: task.task, title: task.title, seed: task.seeds[0].seed, set: task.evaluation.sets[0] };
}

/** Figures named by their file (e.g. energy-spring.svg), in the order they are written. */
export type NamedFigures = [string, TopLevelSpec][];

/** Keeps at most ~`limit` evenly spaced entries of a curve (and always the last). */
function thin<T>(items: readonly T[], limit: number): T[] {
  const every = Math.max(1, Math.ceil(items.length / limit));
  return items.filter((_, i) => i % every === 0 || i === items.length - 1);
}

/** (a) Training and test loss of both models of the first seed. */
export function lossFigure(task: TaskResult): TopLevelSpec {
  const seed = task.seeds[0];
  const rows: { step: number; loss: number; model: string; split: string }[] = [];
  for (const kind of ['baseline', 'hnn'] as const) {
    const { history } = seed.models[kind];
    const model = kind === 'hnn' ? 'HNN' : 'baseline';
    const train = history.trainLoss.map((loss, i) => ({ step: i + 1, loss, model, split: 'train' }));
    rows.push(...thin(train, 600));
    for (const [i, step] of history.testStep.entries())
      rows.push({ step, loss: history.testLoss[i], model, split: 'test' });
  }
  return lossCurvesSpec(
    `${task.title}: training loss (seed ${seed.seed})`,
    rows.filter((r) => r.loss > 0),
  );
}

/** The four rolled-out series with their styles. */
function trajectorySeries(tr: PlotTrajectories): { style: SeriesStyle; s: Sampled }[] {
  return [
    { style: { name: tr.truthLabel, colour: COLOURS.truth, width: 2.5 }, s: tr.truth },
    { style: { name: 'baseline', colour: COLOURS.baseline }, s: tr.baseline },
    { style: { name: 'HNN', colour: COLOURS.hnn }, s: tr.hnn },
    { style: { name: HNN_GL4, colour: COLOURS.hnnSymplectic, dash: [4, 3] }, s: tr.hnnSymplectic },
  ];
}

/** (b) Phase portrait of a one-degree-of-freedom task: level sets of H and H_θ, and the trajectories. */
export function phaseFigure(
  task: FigureContext,
  spec: TaskSpec,
  models: PlotModels,
  tr: PlotTrajectories,
): TopLevelSpec {
  const maxAbs = (column: number) =>
    Math.max(...Array.from({ length: tr.truth.y.shape[0] }, (_, k) => Math.abs(tr.truth.y.data[2 * k + column])));
  const [qMax, pMax] = [1.35 * maxAbs(0), 1.35 * maxAbs(1)];
  const sets = levelSets(spec, models, tr.truth.y, qMax, pMax);
  const rows: { series: string; path: string; i: number; q: number; p: number }[] = [];
  const addLines = (series: string, levels: [number, number][][][]) => {
    for (const [l, level] of levels.entries()) {
      for (const [k, line] of level.entries()) {
        for (const [i, [q, p]] of line.entries()) rows.push({ series, path: `${series}-${l}-${k}`, i, q, p });
      }
    }
  };
  addLines('level sets of the true H', sets.truth);
  addLines('level sets of the HNN’s H_θ', sets.learned);
  const series = trajectorySeries(tr).slice(0, 3);
  for (const {
    style,
    s: { y },
  } of series) {
    for (let k = 0; k < y.shape[0]; k++)
      rows.push({ series: style.name, path: style.name, i: k, q: y.data[2 * k], p: y.data[2 * k + 1] });
  }
  const styles: SeriesStyle[] = [
    { name: 'level sets of the true H', colour: COLOURS.trueLevels, width: 1.2 },
    { name: 'level sets of the HNN’s H_θ', colour: COLOURS.learnedLevels, dash: [5, 3], width: 1.2 },
    ...series.map((s) => s.style),
  ];
  const subtitle = `${spec.systemDescription}; trajectories over t ∈ [0, ${tr.tEnd.toFixed(1)}] (dopri5)`;
  return phasePortraitSpec(`${task.title}: phase portrait (seed ${task.seed})`, subtitle, rows, styles, {
    q: [-qMax, qMax],
    p: [-pMax, pMax],
  });
}

/** (c) Energy along the plotted test trajectory for the truth, the baseline and the HNN (dopri5 and Gauss–Legendre 4). */
export function energyFigure(task: FigureContext, spec: TaskSpec, tr: PlotTrajectories): TopLevelSpec {
  const series = trajectorySeries(tr);
  const rows = series.flatMap(({ style, s }) =>
    energiesAlong(spec, s.y).map((energy, k) => ({ series: style.name, t: s.t[k], energy })),
  );
  const subtitle = `measured with ${spec.systemDescription}`;
  return energySpec(
    `${task.title}: energy along a test trajectory (seed ${task.seed})`,
    subtitle,
    'energy H',
    rows,
    series.map((s) => s.style),
  );
}

/** (d) Orbits of the bodies in the plane: truth, baseline and HNN. */
export function orbitsFigure(task: FigureContext, spec: TaskSpec, tr: PlotTrajectories): TopLevelSpec {
  const bodies = spec.inputDim / 4;
  const series = trajectorySeries(tr).slice(0, 3);
  const rows: { series: string; path: string; i: number; x: number; y: number }[] = [];
  let extent = 0;
  for (const {
    style,
    s: { y },
  } of series) {
    const w = spec.inputDim;
    for (let b = 0; b < bodies; b++) {
      for (let k = 0; k < y.shape[0]; k++) {
        const [x, yy] = [y.data[k * w + 2 * b], y.data[k * w + 2 * b + 1]];
        if (style.name === tr.truthLabel) extent = Math.max(extent, Math.abs(x), Math.abs(yy));
        rows.push({ series: style.name, path: `${style.name} body ${b + 1}`, i: k, x, y: yy });
      }
    }
  }
  const subtitle = `${bodies} bodies, t ∈ [0, ${tr.tEnd}], from the first evaluation orbit (dopri5)`;
  return orbitsSpec(
    `${task.title}: orbits (seed ${task.seed})`,
    subtitle,
    rows,
    series.map((s) => s.style),
    1.25 * extent,
  );
}

/**
 * The figures of a task drawn from its first seed's trained models (the costly part of the plots:
 * the rollouts, the level sets and Liouville's discs): energy-<task>.svg; phase-<task>.svg and
 * liouville-<task>.svg for one degree of freedom; orbits-<task>.svg for the N-body tasks.
 */
export function modelFigures(
  c: FigureContext,
  spec: TaskSpec,
  models: PlotModels,
  measured?: { states: Tensor; times: number[] },
): NamedFigures {
  const tr = plotTrajectories(c.set, spec, models, measured);
  const figures: NamedFigures = [[`energy-${c.task}.svg`, energyFigure(c, spec, tr)]];
  if (spec.inputDim === 2) {
    figures.push([`phase-${c.task}.svg`, phaseFigure(c, spec, models, tr)]);
    figures.push([`liouville-${c.task}.svg`, liouvilleFigure(c.title, spec, models)]);
  } else figures.push([`orbits-${c.task}.svg`, orbitsFigure(c, spec, tr)]);
  return figures;
}

/**
 * Renders every figure of a task into `folder` (each SVG written atomically) and returns the file
 * names: loss-<task>.svg, then those of modelFigures, which `ahead` holds when they were computed
 * already (from the same saved models, so the same figures).
 */
export async function renderTaskPlots(
  task: TaskResult,
  spec: TaskSpec,
  models: PlotModels,
  folder: string,
  measured?: { states: Tensor; times: number[] },
  ahead?: NamedFigures,
): Promise<string[]> {
  const figures: NamedFigures = [
    [`loss-${task.task}.svg`, lossFigure(task)],
    ...(ahead ?? modelFigures(figureContext(task), spec, models, measured)),
  ];
  const svgs = await Promise.all(figures.map(([, figure]) => renderSvg(figure)));
  createFolder(folder);
  for (const [i, [name]] of figures.entries()) writeFileAtomic(join(folder, name), svgs[i]);
  return figures.map(([name]) => name);
}

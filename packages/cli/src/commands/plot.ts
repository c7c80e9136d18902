import { join, resolve } from 'node:path';
import type { Dataset } from '@liouville/hamiltonian';
import type { Tensor } from '@liouville/linalg';
import { type CommandSpec, parseFlags, requiredFlag, stringFlag } from '../args.js';
import { RuntimeError } from '../errors.js';
import { checkCanWriteIn } from '../outputFile.js';
import { commandHelp } from '../help.js';
import type { CliIO } from '../io.js';
import { loadModel } from '../modelFile.js';
import { type NamedFigures, renderTaskPlots } from '../plots/figures.js';
import type { PlotModels } from '../plots/plotData.js';
import { type ReproduceResults, type TaskResult, readResults } from '../results.js';
import { type ModelKind, type TaskName, parseTaskName, taskSpec } from '../tasks.js';

/** `liouville plot`: re-render the figures of a reproduction. */
export const plotSpec: CommandSpec = {
  name: 'plot',
  summary: 'Re-render the plots of a reproduction from its results.json and saved parameters.',
  synopsis: '--results DIR [--out DIR] [--task TASK]',
  flags: {
    results: {
      type: 'string',
      value: 'DIR',
      description: 'A folder written by `liouville reproduce` (results.json and params/).',
    },
    out: {
      type: 'string',
      value: 'DIR',
      description: 'Where to write the SVG files.',
      defaultText: 'the results folder',
    },
    task: {
      type: 'string',
      value: 'TASK',
      description: 'Only this task’s plots.',
      defaultText: 'every task in the results',
    },
  },
  details: [
    'Figures per task (first seed): loss-<task>.svg, training and test loss of both models on a log scale; energy-<task>.svg, the energy along a test trajectory for the truth, the baseline and the HNN (dopri5 and Gauss–Legendre 4); phase-<task>.svg (one degree of freedom), level sets of the true and the learned H with the trajectories; liouville-<task>.svg (one degree of freedom), a disc of states evolved by the true flow, RK4, the HNN and the baseline, with its area over time (Liouville’s theorem); orbits-<task>.svg (two- and three-body), the bodies’ paths.',
  ],
  examples: [
    'liouville plot --results results/2026-11-22T13-05-09',
    'liouville plot --results results/full --task spring --out figures',
  ],
};

/** The two models of a task's first seed, loaded from the results folder (`files` relative to it). */
export function loadPlotModels(folder: string, task: TaskName, files: Readonly<Record<ModelKind, string>>): PlotModels {
  const load = (model: ModelKind) => {
    const loaded = loadModel(join(folder, files[model]), { task, model });
    return { model: loaded.model, params: loaded.params };
  };
  return { baseline: load('baseline'), hnn: load('hnn') };
}

/** The real pendulum's measured test segment (states and times from its first sample). */
export function measuredSegment(dataset: Dataset): { states: Tensor; times: number[] } {
  const t = dataset.test.t as Tensor;
  return { states: dataset.test.x, times: Array.from(t.data, (v) => v - t.data[0]) };
}

/** What a caller of plotResults may already have. */
export interface PlotInputs {
  /** Already-loaded data (the real pendulum's measurements are otherwise loaded again). */
  readonly datasets?: Partial<Record<TaskName, Dataset>>;
  /** Only this task's plots. */
  readonly only?: TaskName;
  /** A task's modelFigures, computed already from the same saved models (FiguresAhead's figures). */
  readonly ahead?: Partial<Record<TaskName, () => NamedFigures | undefined>>;
}

/** The measured segment a task's figures show, if it has one. */
export function taskMeasurements(name: TaskName, datasets: PlotInputs['datasets'] = {}) {
  const spec = taskSpec(name);
  if (spec.evaluation.kind !== 'measuredSegment') return undefined;
  return measuredSegment(datasets[name] ?? spec.load('reference', 0).dataset);
}

/** Renders the plots of every task of `results` (read from `folder`) into `out`. */
export async function plotResults(
  io: CliIO,
  results: ReproduceResults,
  folder: string,
  out: string,
  inputs: PlotInputs = {},
): Promise<string[]> {
  const written: string[] = [];
  for (const [name, task] of Object.entries(results.tasks) as [TaskName, TaskResult][]) {
    if (inputs.only !== undefined && name !== inputs.only) continue;
    const measured = taskMeasurements(name, inputs.datasets);
    const { baseline, hnn } = task.seeds[0].models;
    const models = loadPlotModels(folder, name, { baseline: baseline.paramsFile, hnn: hnn.paramsFile });
    io.stderr(`${name}: rendering plots…\n`);
    const ahead = inputs.ahead?.[name]?.();
    const files = await renderTaskPlots(task, taskSpec(name), models, out, measured, ahead);
    written.push(...files.map((f) => join(out, f)));
  }
  return written;
}

/** Runs `liouville plot`; returns the exit status. */
export async function runPlot(argv: readonly string[], io: CliIO): Promise<number> {
  const values = parseFlags(plotSpec, argv);
  if (values.help) {
    io.stdout(commandHelp(plotSpec));
    return 0;
  }
  const folder = resolve(io.cwd, requiredFlag(plotSpec, values, 'results'));
  const only = values.task === undefined ? undefined : parseTaskName(stringFlag(values, 'task') as string, false)[0];
  const results = readResults(folder);
  if (only !== undefined && results.tasks[only] === undefined) {
    throw new RuntimeError(
      `${join(folder, 'results.json')} has no task '${only}' (it has ${Object.keys(results.tasks).join(', ')})`,
    );
  }
  const out = resolve(io.cwd, stringFlag(values, 'out') ?? folder);
  checkCanWriteIn(out);
  const written = await plotResults(io, results, folder, out, { only });
  io.stdout(`${written.join('\n')}\n`);
  return 0;
}

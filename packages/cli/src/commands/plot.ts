import { join, resolve } from 'node:path';
import type { Dataset } from '@liouville/hamiltonian';
import type { Tensor } from '@liouville/linalg';
import { type CommandSpec, parseFlags, requiredFlag, stringFlag } from '../args.js';
import { RuntimeError } from '../errors.js';
import { checkCanWriteIn } from '../outputFile.js';
import { commandHelp } from '../help.js';
import type { CliIO } from '../io.js';
import { loadModel } from '../modelFile.js';
import { renderTaskPlots } from '../plots/figures.js';
import type { PlotModels } from '../plots/plotData.js';
import { type ReproduceResults, type TaskResult, readResults } from '../results.js';
import { type TaskName, parseTaskName, taskSpec } from '../tasks.js';

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

/** The two models of a task's first seed, loaded from the results folder. */
function plotModels(folder: string, task: TaskResult): PlotModels {
  const seed = task.seeds[0];
  const load = (file: string, model: 'baseline' | 'hnn') => {
    const loaded = loadModel(join(folder, file), { task: task.task, model });
    return { model: loaded.model, params: loaded.params };
  };
  return {
    baseline: load(seed.models.baseline.paramsFile, 'baseline'),
    hnn: load(seed.models.hnn.paramsFile, 'hnn'),
  };
}

/** The real pendulum's measured test segment (states and times from its first sample). */
function measuredSegment(dataset: Dataset): { states: Tensor; times: number[] } {
  const t = dataset.test.t as Tensor;
  return { states: dataset.test.x, times: Array.from(t.data, (v) => v - t.data[0]) };
}

/**
 * Renders the plots of every task of `results` (read from `folder`) into `out`; `datasets` may
 * hold already-loaded data (the real pendulum's measurements are otherwise loaded again).
 */
export async function plotResults(
  io: CliIO,
  results: ReproduceResults,
  folder: string,
  out: string,
  datasets: Partial<Record<TaskName, Dataset>> = {},
  only?: TaskName,
): Promise<string[]> {
  const written: string[] = [];
  for (const [name, task] of Object.entries(results.tasks) as [TaskName, TaskResult][]) {
    if (only !== undefined && name !== only) continue;
    const spec = taskSpec(name);
    const measured =
      spec.evaluation.kind === 'measuredSegment'
        ? measuredSegment(datasets[name] ?? spec.load('reference', 0).dataset)
        : undefined;
    const models = plotModels(folder, task);
    io.stderr(`${name}: rendering plots…\n`);
    const files = await renderTaskPlots(task, spec, models, out, measured);
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
  const written = await plotResults(io, results, folder, out, {}, only);
  io.stdout(`${written.join('\n')}\n`);
  return 0;
}

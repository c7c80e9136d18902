import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Dataset } from '@liouville/hamiltonian';
import { type CommandSpec, type FlagValues, choiceFlag, integerFlag, parseFlags, stringFlag } from '../args.js';
import { RuntimeError, UsageError } from '../errors.js';
import { checkCanWriteIn, createFolder, writeFileAtomic } from '../outputFile.js';
import { commandHelp } from '../help.js';
import type { CliIO } from '../io.js';
import { loadReferenceFile } from '../reference.js';
import { environmentInfo } from '../environment.js';
import { type OnSaved, runJobsInWorkers } from '../jobs/pool.js';
import { MATMUL_THREADS_FLAG, matmulThreadsFlag, useProductThreads } from '../jobs/productThreads.js';
import { type PreparedTask, type SeedModels, prepareTask, taskResult, trainSequentially } from '../reproduction.js';
import { RESULTS_FORMAT, RESULTS_VERSION, type ReproduceResults, type TaskResult } from '../results.js';
import { taskTable } from '../table.js';
import {
  MODEL_KINDS,
  DATA_SOURCES,
  type DataSource,
  TASK_NAMES,
  hyperparametersFor,
  type TaskName,
  parseTaskName,
  taskSpec,
} from '../tasks.js';
import { comparisonOptions, runComparison } from '../comparison/run.js';
import { runPixelsReproduce } from '../pixels/pixelCommand.js';
import { type FiguresAhead, figuresAhead } from '../plots/figuresAhead.js';
import { plotResults } from './plot.js';
import { checkDataSource } from './train.js';

/** `liouville reproduce`: the paper's Table 1, measured again. */
export const reproduceSpec: CommandSpec = {
  name: 'reproduce',
  summary:
    "Train the baseline and the HNN on the paper's tasks with the reference hyperparameters, measure losses and energy MSE as the reference analysis does, and write a table, results.json, the trained parameters and the plots.",
  synopsis:
    '[--task TASK|all] [--seeds N] [--out DIR] [--steps N] [--data generated|reference] [--eval-trajectories N] [--jobs N] [--matmul-threads N] [--models LIST [--targets dataset|central] [--noise σ]] [--quick]',
  flags: {
    task: {
      type: 'string',
      value: 'TASK',
      description: `${TASK_NAMES.join(', ')} or all (these five); or pixels, the pixel pendulum (frames rendered here, an autoencoder with a latent HNN; 10 000 steps take about 1¼ hours on two cores).`,
      defaultText: 'all',
    },
    seeds: {
      type: 'string',
      value: 'N',
      description: 'Number of seeds (0 … N−1); figures are averaged over seeds, with their spread.',
      defaultText: '1',
    },
    out: {
      type: 'string',
      value: 'DIR',
      description: 'Output folder (created if needed).',
      defaultText: './results/<date-time>',
    },
    steps: {
      type: 'string',
      value: 'N',
      description:
        'Override the number of training steps (for quick runs; the table is then not comparable with the paper).',
    },
    data: {
      type: 'string',
      value: 'SOURCE',
      description:
        'generated (this project’s generators, seeded by the seed) or reference (the files the reference trained on; three-body has none and uses generated data under --task all). The real pendulum always uses its measurements.',
      defaultText: 'generated',
    },
    'eval-trajectories': {
      type: 'string',
      value: 'N',
      description: 'Start points of the energy evaluation, 1 to 15 (the reference uses 15; its ± needs at least 5).',
      defaultText: '15',
    },
    jobs: {
      type: 'string',
      value: 'N',
      description:
        'Models trained at the same time, each on its own thread (the baseline and the HNN of a seed run side by side). Results are the same bits for any N.',
      defaultText: 'min(2, number of CPUs)',
    },
    ...MATMUL_THREADS_FLAG,
    models: {
      type: 'string',
      value: 'LIST',
      description:
        'Compare these models instead of the paper\'s two: a comma-separated list of baseline, hnn, dhnn (dissipative HNN), lnn (Lagrangian network), srnn (separable HNN trained through leapfrog rollouts), hnn-fd and dhnn-fd (HNN, DHNN on central-difference ẋ of the observed states). Tasks: spring, pendulum, real, damped-spring, double-pendulum or all. One table per task (test loss, energy figure, rollout errors at a few horizons, the paper\'s figures beside ours), written into results.json under "comparisons"; models train one after another.',
    },
    targets: {
      type: 'string',
      value: 'dataset|central',
      description:
        "With --models: the ẋ targets every model trains and is tested on — the dataset's (on the real pendulum the reference's forward differences, beside which the paper's Table 1 figures are printed) or central differences of the observed states, for all models alike.",
      defaultText: 'central on real, whose dataset targets are first-order estimates; dataset elsewhere',
    },
    noise: {
      type: 'string',
      value: 'σ',
      description:
        "With --models, on generated data (not real): the standard deviation of the Gaussian noise on the observed states, in place of the task's own (0.1 on spring and pendulum; 0 on damped-spring and double-pendulum). The ẋ targets stay exact.",
    },
    quick: {
      type: 'boolean',
      description:
        'A clearly labelled quick profile: 200 training steps and 5 evaluation trajectories unless --steps / --eval-trajectories say otherwise. Not comparable with the paper.',
    },
  },
  details: [
    'Hyperparameters (greydanus/hamiltonian-nn): MLP with 2 hidden layers of 200, tanh, orthogonal init, Adam lr 1e-3, float64; spring, pendulum, real: 2000 full-batch steps, weight decay 1e-4, 1e-4, 1e-5; two-body: 10000 steps, batch 200, no weight decay; three-body: 10000 steps, batch 600, weight decay 1e-4.',
    'Energy MSE: spring and pendulum from the reference’s 15 start points over t ∈ [0, 20] with 100 points, truth and models by dopri5 at rtol 1e-12 (atol 1e-6, SciPy’s default); the spring is reported with the notebook’s cumulative 1.09 time stretch (up to t = 79.4) and without the compounding (t ≤ 21.8), the pendulum with the notebook’s q² + p² and with the true H; the real pendulum along its test segment with SciPy’s default tolerances, as its notebook; two-body (t ≤ 25) and three-body (t ≤ 3) from 15 generated orbits, 500 points, rtol 1e-9. Not in the paper: the same MSE with the HNN rolled out by Gauss–Legendre 4.',
    'Output: results.json (every per-seed figure, hyperparameters, timings, environment), params/<task>-seed<S>-<model>.params.json, and SVG plots (loss-, energy-, phase- or orbits-<task>.svg). The table goes to standard output, progress to standard error.',
  ],
  examples: [
    'liouville reproduce --task spring --seeds 1',
    'liouville reproduce --task all --seeds 3 --out results/full',
    'liouville reproduce --task two-body --data reference --steps 500 --eval-trajectories 5',
    'liouville reproduce --task real --models baseline,hnn,dhnn',
    'liouville reproduce --task double-pendulum --models baseline,hnn,lnn',
  ],
};

/** The options of one reproduction, validated. */
export interface ReproduceOptions {
  readonly tasks: TaskName[];
  readonly seeds: number;
  readonly out: string;
  readonly steps?: number;
  readonly data: DataSource;
  readonly evalTrajectories: number;
  readonly quick: boolean;
  /** Models trained at the same time, each on its own thread. */
  readonly jobs: number;
  /** Threads for the large products of each of those threads (and of the plots): 1 or 2. */
  readonly matmulThreads: 1 | 2;
}

/** A folder name for the default output: the local date and time, e.g. 2026-11-22T13-05-09. */
function timestamp(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
}

/** Validates the flags of `reproduce`. */
export function reproduceOptions(values: FlagValues, io: CliIO): ReproduceOptions {
  const tasks = parseTaskName(stringFlag(values, 'task') ?? 'all', true);
  const data = choiceFlag(values, 'data', DATA_SOURCES, 'generated', 'data source');
  if (tasks.length === 1) checkDataSource(tasks[0], taskSpec(tasks[0]).hasReferenceData, data);
  const quick = values.quick === true;
  const steps = values.steps === undefined ? (quick ? 200 : undefined) : integerFlag(values, 'steps', 1, 1);
  return {
    tasks,
    seeds: integerFlag(values, 'seeds', 1, 1, 100),
    out: resolve(io.cwd, stringFlag(values, 'out') ?? join('results', timestamp())),
    steps,
    data,
    evalTrajectories: integerFlag(values, 'eval-trajectories', quick ? 5 : 15, 1, 15),
    quick,
    jobs: integerFlag(values, 'jobs', Math.min(2, availableParallelism()), 1, 64),
    matmulThreads: matmulThreadsFlag(values),
  };
}

/** The results document of a finished run. */
function resultsDocument(
  argv: readonly string[],
  o: ReproduceOptions,
  io: CliIO,
  tasks: TaskResult[],
  seconds: number,
  referencePath: string,
  plots: string[],
  complete: boolean,
): ReproduceResults {
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    createdAt: new Date().toISOString(),
    command: ['liouville', 'reproduce', ...argv],
    options: { ...o, out: o.out, profile: o.quick ? 'quick' : o.steps === undefined ? 'reference' : 'custom-steps' },
    environment: environmentInfo(io.cwd),
    timing: { totalSeconds: seconds },
    complete,
    referenceFile: referencePath,
    tasks: Object.fromEntries(tasks.map((t) => [t.task, t])),
    plots,
  };
}

/** Planned plot names of a task (the plot command writes exactly these). */
function plotNames(task: TaskResult): string[] {
  const shape = task.inputDim === 2 ? ['phase', 'liouville'] : ['orbits'];
  return ['loss', 'energy', ...shape].map((kind) => `${kind}-${task.task}.svg`);
}

/** The label of a run that does not use the reference settings, or undefined for a reference run. */
export function profileNote(o: ReproduceOptions): string | undefined {
  if (o.steps === undefined && o.evalTrajectories === 15) return undefined;
  const name = o.quick ? 'QUICK PROFILE' : 'CUSTOM PROFILE';
  const steps =
    o.steps === undefined ? 'reference training steps' : `${o.steps} training steps (reference: 2000 or 10000)`;
  return `${name}: ${steps}, ${o.evalTrajectories} energy-evaluation ${o.evalTrajectories === 1 ? 'trajectory' : 'trajectories'} (reference: 15) — not comparable with the paper's table`;
}

/**
 * Trains both models of every seed of a task on worker threads; meanwhile this thread computes the
 * figures that need only the first seed's models (figuresAhead), once both are saved.
 */
async function trainInWorkers(
  io: CliIO,
  task: PreparedTask,
  o: ReproduceOptions,
): Promise<{ models: SeedModels[]; figures?: FiguresAhead['figures'] }> {
  const common = {
    task: task.spec.name,
    source: task.source,
    steps: o.steps,
    out: o.out,
    evalTrajectories: o.evalTrajectories,
  };
  const jobs = task.datasets.flatMap((d) => MODEL_KINDS.map((kind) => ({ ...common, kind, seed: d.seed })));
  const ahead = figuresAhead(task, o.out);
  const onSaved: OnSaved = (index, stderr) => {
    if (jobs[index].seed === task.datasets[0].seed) ahead.saved(jobs[index].kind, stderr);
  };
  const results = await runJobsInWorkers(io, jobs, o.jobs, o.matmulThreads, onSaved);
  const models = task.datasets.map((_, i) => ({ baseline: results[2 * i], hnn: results[2 * i + 1] }));
  return { models, figures: ahead.figures };
}

/** Writes results.json atomically. */
function writeResults(out: string, doc: ReproduceResults): void {
  writeFileAtomic(join(out, 'results.json'), `${JSON.stringify(doc, null, 1)}\n`);
}

/** Runs `liouville reproduce`; returns the exit status. */
export async function runReproduce(argv: readonly string[], io: CliIO): Promise<number> {
  const values = parseFlags(reproduceSpec, argv);
  if (values.help) {
    io.stdout(commandHelp(reproduceSpec));
    return 0;
  }
  if (values.models !== undefined) {
    const options = comparisonOptions(values, io);
    await useProductThreads(matmulThreadsFlag(values));
    return runComparison(io, argv, options);
  }
  if (values.targets !== undefined) throw new UsageError('--targets applies to a comparison of --models only');
  if (values.noise !== undefined) throw new UsageError('--noise applies to a comparison of --models only');
  if (stringFlag(values, 'task') === 'pixels') return runPixelsReproduce(io, values);
  const o = reproduceOptions(values, io);
  const started = io.now();
  checkCanWriteIn(o.out);
  await useProductThreads(o.matmulThreads); // this thread's products: sequential training and the plots
  const reference = loadReferenceFile();
  const note = profileNote(o);
  if (note !== undefined) io.stderr(`${note}\n`);
  const prepared: PreparedTask[] = o.tasks.map((name) => prepareTask(io, name, o, reference));
  createFolder(join(o.out, 'params'));
  const results: TaskResult[] = [];
  const ahead: Partial<Record<TaskName, FiguresAhead['figures']>> = {};
  const document = (complete: boolean) =>
    resultsDocument(
      argv,
      o,
      io,
      results,
      (io.now() - started) / 1000,
      reference.path,
      complete ? results.flatMap(plotNames) : [],
      complete,
    );
  for (const task of prepared) {
    const h = hyperparametersFor(task.spec, o.steps);
    // With --jobs 1 everything runs in this thread, one step after another: nothing to overlap.
    const { models, figures } =
      o.jobs > 1 ? await trainInWorkers(io, task, o) : { models: trainSequentially(io, task, h, o) };
    if (figures !== undefined) ahead[task.spec.name] = figures;
    results.push(taskResult(task, h, models, reference));
    // Saved after every task, so a failure in a later task keeps the finished ones.
    if (results.length < prepared.length) writeResults(o.out, document(false));
  }
  const plots = results.flatMap(plotNames);
  const doc = document(true);
  writeResults(o.out, doc);
  if (note !== undefined) io.stdout(`${note}\n`);
  for (const task of results) io.stdout(`\n${taskTable(task)}`);
  await plotResults(io, doc, o.out, o.out, { datasets: preparedData(prepared), ahead });
  io.stdout(
    `\nwrote ${join(o.out, 'results.json')}, ${plots.length} plots and ${results.length * o.seeds * 2} parameter files in ${o.out} (${((io.now() - started) / 1000).toFixed(0)} s)\n`,
  );
  const diverged = results.flatMap((t) =>
    t.seeds.flatMap((s) =>
      MODEL_KINDS.filter((k) => s.models[k].status !== 'completed').map((k) => `${t.task} seed ${s.seed} ${k}`),
    ),
  );
  if (diverged.length > 0)
    throw new RuntimeError(
      `training diverged for ${diverged.join(', ')} (see results.json; the other figures were written)`,
    );
  return 0;
}

/** The measured test data of the real pendulum, when it was loaded, for its plots. */
function preparedData(prepared: PreparedTask[]): Partial<Record<TaskName, Dataset>> {
  return Object.fromEntries(prepared.map((p) => [p.spec.name, p.datasets[0].dataset]));
}

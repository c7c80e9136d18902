import { join, resolve } from 'node:path';
import { type Dataset, centralDifferenceTargets } from '@liouville/hamiltonian';
import type { Tensor } from '@liouville/linalg';
import { type FlagValues, choiceFlag, integerFlag, stringFlag } from '../args.js';
import { environmentInfo } from '../environment.js';
import { RuntimeError } from '../errors.js';
import type { CliIO } from '../io.js';
import { saveTrainedModel } from '../modelFile.js';
import { createFolder, writeFileAtomic } from '../outputFile.js';
import { type ReferenceFile, loadReferenceFile } from '../reference.js';
import { RESULTS_FORMAT, RESULTS_VERSION, type SeedSummary, summarise } from '../results.js';
import { DATA_SOURCES, type DataOrigin, type DataSource } from '../tasks.js';
import { modelMetaOf } from '../training.js';
import { type ModelFigures, evaluateModel } from './evaluate.js';
import { type ComparisonModel, parseModels, trainComparisonModel } from './models.js';
import { type ComparisonTaskResult, comparisonTable } from './table.js';
import { type ComparisonTask, checkModelsFor, parseComparisonTasks } from './tasks.js';

/** The options of a comparison run (`reproduce --models`). */
export interface ComparisonOptions {
  readonly task: string;
  readonly models: readonly ComparisonModel[];
  readonly seeds: number;
  readonly out: string;
  readonly steps?: number;
  readonly data: DataSource;
  readonly evalTrajectories: number;
  /** The ẋ targets every model trains and is tested on: the dataset's, or central differences of its states. */
  readonly targets: ComparisonTargets;
}

/** `--targets`: the dataset's ẋ targets, or central differences of the observed states for every model. */
export const COMPARISON_TARGETS = ['dataset', 'central'] as const;
/** A value of `--targets`. */
export type ComparisonTargets = (typeof COMPARISON_TARGETS)[number];

/** A folder name for the default output: the local date and time, e.g. 2026-11-22T13-05-09. */
function timestamp(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
}

/** Validates the flags of `reproduce --models` (the same flags as a reproduction, `--jobs` unused). */
export function comparisonOptions(values: FlagValues, io: CliIO): ComparisonOptions {
  const quick = values.quick === true;
  return {
    task: stringFlag(values, 'task') ?? 'all',
    models: parseModels(stringFlag(values, 'models') ?? ''),
    seeds: integerFlag(values, 'seeds', 1, 1, 100),
    out: resolve(io.cwd, stringFlag(values, 'out') ?? join('results', timestamp())),
    steps: values.steps === undefined ? (quick ? 200 : undefined) : integerFlag(values, 'steps', 1, 1),
    data: choiceFlag(values, 'data', DATA_SOURCES, 'generated', 'data source'),
    evalTrajectories: integerFlag(values, 'eval-trajectories', quick ? 5 : 15, 1, 15),
    targets: choiceFlag(values, 'targets', COMPARISON_TARGETS, 'dataset', 'ẋ targets'),
  };
}

/** The time between consecutive observations of a generated split (the SRNN's training interval). */
function observationInterval(dataset: Dataset): number {
  const t = dataset.train.t as Tensor | undefined;
  return t !== undefined && t.size > 1 ? t.data[1] - t.data[0] : 0.1;
}

/**
 * The data the models of a comparison see: as loaded, or (`--targets central`) with both splits'
 * targets replaced by central differences of their states, so every model trains and is tested on
 * the same estimates (on the real pendulum, in place of the reference's forward differences).
 */
function comparisonData(dataset: Dataset, targets: ComparisonTargets): Dataset {
  if (targets === 'dataset') return dataset;
  return { ...dataset, train: centralDifferenceTargets(dataset.train), test: centralDifferenceTargets(dataset.test) };
}

/** The figures of one model over the seeds, by figure name. */
function summariseFigures(perSeed: readonly ModelFigures[], horizons: readonly string[]): Record<string, SeedSummary> {
  const out: Record<string, SeedSummary> = {
    trainLoss: summarise(perSeed.map((f) => f.trainLoss)),
    testLoss: summarise(perSeed.map((f) => f.testLoss)),
  };
  const energies = perSeed.flatMap((f) => (f.energy === undefined ? [] : [f.energy]));
  if (energies.length > 0) out.energy = summarise(energies);
  for (const h of horizons) {
    const values = perSeed.flatMap((f) => (f.rolloutError[h] === undefined ? [] : [f.rolloutError[h]]));
    if (values.length > 0) out[`rollout@${h}`] = summarise(values);
  }
  const dissipation = perSeed.flatMap((f) =>
    f.dissipation === undefined ? [] : [{ mean: f.dissipation, error: Number.NaN }],
  );
  if (dissipation.length > 0) out.dissipation = summarise(dissipation);
  return out;
}

/** Trains and evaluates every model of every seed of one task. */
function runTask(
  io: CliIO,
  task: ComparisonTask,
  o: ComparisonOptions,
  reference: ReferenceFile,
): ComparisonTaskResult {
  const h = o.steps === undefined ? task.hyperparameters : { ...task.hyperparameters, steps: o.steps };
  const figures = new Map<ComparisonModel, ModelFigures[]>(o.models.map((m) => [m, []]));
  const seeds: unknown[] = [];
  let origin: DataOrigin = 'generated';
  let energyLabel = '';
  let horizons: string[] = [];
  for (let seed = 0; seed < o.seeds; seed++) {
    const loaded = task.load(o.data, seed);
    origin = loaded.origin;
    // Rollouts are judged on the states as loaded; only the ẋ targets change with --targets.
    const evaluation = task.evaluation(loaded.dataset, reference, o.evalTrajectories);
    const dataset = comparisonData(loaded.dataset, o.targets);
    energyLabel = evaluation.energyLabel;
    const models: Record<string, unknown> = {};
    for (const kind of o.models) {
      const label = `${task.name} seed ${seed} ${kind}`;
      const trained = trainComparisonModel(io, kind, task.inputDim, dataset, h, seed, label);
      const paramsFile = join('params', `${task.name}-seed${seed}-${kind}.params.json`);
      saveTrainedModel(join(o.out, paramsFile), trained.params, modelMetaOf(task, trained, h, seed, origin), io.env);
      io.stderr(`${label} evaluating rollouts…\n`);
      const f = evaluateModel(trained, evaluation, dataset.test, observationInterval(dataset));
      horizons = Object.keys(f.rolloutError).length > 0 ? Object.keys(f.rolloutError) : horizons;
      figures.get(kind)?.push(f);
      models[kind] = {
        ...f,
        status: trained.status,
        stepsDone: trained.stepsDone,
        trainSeconds: trained.trainSeconds,
        paramsFile,
        history: trained.history,
      };
    }
    seeds.push({ seed, models });
  }
  const summary = Object.fromEntries(o.models.map((m) => [m, summariseFigures(figures.get(m) ?? [], horizons)]));
  const failures = Object.fromEntries(
    o.models.map((m) => [
      m,
      (figures.get(m) ?? []).flatMap((f) => (f.rolloutFailure === undefined ? [] : [f.rolloutFailure])),
    ]),
  );
  const paper: Record<string, { test: readonly [number, number]; energy: readonly [number, number] }> = {};
  if (task.paper !== undefined) {
    for (const m of o.models) {
      if (m !== 'baseline' && m !== 'hnn') continue;
      const f = reference.figures(task.paper, m).paper;
      paper[m] = { test: f.test, energy: f.energy };
    }
  }
  return {
    task: task.name,
    title: task.title,
    data: origin,
    targets: o.targets,
    steps: h.steps,
    models: o.models,
    energyLabel,
    horizons,
    damping: task.damping,
    summary,
    failures,
    paper,
    seeds,
  };
}

/**
 * `reproduce --models a,b,c`: trains each model on each task (in this thread, one after another),
 * evaluates test loss, the task's energy figure and rollout errors, prints one table per task and
 * writes results.json (its `comparisons`) and every model's parameters.
 */
export function runComparison(io: CliIO, argv: readonly string[], o: ComparisonOptions): number {
  const started = io.now();
  const tasks = parseComparisonTasks(o.task);
  for (const task of tasks) checkModelsFor(task, o.models);
  const reference = loadReferenceFile();
  createFolder(join(o.out, 'params'));
  const results: ComparisonTaskResult[] = [];
  const write = (complete: boolean) => {
    const doc = {
      format: RESULTS_FORMAT,
      version: RESULTS_VERSION,
      createdAt: new Date().toISOString(),
      command: ['liouville', 'reproduce', ...argv],
      options: { ...o },
      environment: environmentInfo(io.cwd),
      timing: { totalSeconds: (io.now() - started) / 1000 },
      complete,
      referenceFile: reference.path,
      tasks: {},
      comparisons: Object.fromEntries(results.map((r) => [r.task, r])),
      plots: [],
    };
    writeFileAtomic(join(o.out, 'results.json'), `${JSON.stringify(doc, null, 1)}\n`);
  };
  for (const task of tasks) {
    results.push(runTask(io, task, o, reference));
    write(false);
  }
  write(true);
  for (const result of results) io.stdout(`\n${comparisonTable(result)}`);
  io.stdout(`\nwrote ${join(o.out, 'results.json')} (${((io.now() - started) / 1000).toFixed(0)} s)\n`);
  const diverged = results.flatMap((r) =>
    (r.seeds as { seed: number; models: Record<string, { status: string }> }[]).flatMap((s) =>
      Object.entries(s.models)
        .filter(([, m]) => m.status !== 'completed')
        .map(([k]) => `${r.task} seed ${s.seed} ${k}`),
    ),
  );
  if (diverged.length > 0) throw new RuntimeError(`training diverged for ${diverged.join(', ')} (see results.json)`);
  return 0;
}

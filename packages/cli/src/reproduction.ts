import { join } from 'node:path';
import type { Dataset, Rollout } from '@liouville/hamiltonian';
import { evaluateEnergies, truthRollouts } from './evaluation.js';
import type { CliIO } from './io.js';
import { saveTrainedModel } from './modelFile.js';
import { formatDuration } from './progress.js';
import { type Protocol, type TrajectorySet, protocolFor } from './protocols.js';
import type { ReferenceFile } from './reference.js';
import { type ModelResult, type SeedResult, type SetInfo, type TaskResult, summariseModel } from './results.js';
import {
  type DataOrigin,
  type DataSource,
  type Hyperparameters,
  MODEL_KINDS,
  type ModelKind,
  type TaskName,
  type TaskSpec,
  taskSpec,
} from './tasks.js';
import { modelMetaOf, trainModel } from './training.js';

/** What a reproduction needs to know about its run. */
export interface RunOptions {
  readonly seeds: number;
  readonly out: string;
  readonly steps?: number;
  readonly data: DataSource;
  readonly evalTrajectories: number;
}

/** The data of one seed. */
export interface SeedData {
  readonly seed: number;
  readonly dataset: Dataset;
  readonly origin: DataOrigin;
  readonly seconds: number;
}

/** A task ready to train: its data for every seed and its evaluation protocol. */
export interface PreparedTask {
  readonly spec: TaskSpec;
  readonly source: DataSource;
  readonly datasets: readonly SeedData[];
  readonly protocol: Protocol;
}

/**
 * Loads or generates a task's data for every seed and builds its evaluation protocol, before any
 * training: a missing or corrupt data file fails here, with nothing written.
 */
export function prepareTask(
  io: CliIO,
  name: TaskName,
  o: RunOptions,
  reference: ReferenceFile,
  seeds: readonly number[] = Array.from({ length: o.seeds }, (_, i) => i),
  announce = true,
): PreparedTask {
  const spec = taskSpec(name);
  const source: DataSource = o.data === 'reference' && !spec.hasReferenceData ? 'generated' : o.data;
  if (source !== o.data && announce) io.stderr(`${name}: no reference data exists; using generated data\n`);
  const datasets: SeedData[] = [];
  for (const seed of seeds) {
    const started = io.now();
    // The reference's files and the measured pendulum do not depend on the seed: loaded once.
    const reuse = source === 'reference' || spec.evaluation.kind === 'measuredSegment' ? datasets[0] : undefined;
    const { dataset, origin } = reuse ?? spec.load(source, seed);
    datasets.push({ seed, dataset, origin, seconds: (io.now() - started) / 1000 });
  }
  if (announce) {
    io.stderr(
      `${name}: data ready (${datasets[0].origin}, ${datasets[0].dataset.train.x.shape[0]} train / ${datasets[0].dataset.test.x.shape[0]} test rows)\n`,
    );
  }
  return { spec, source, datasets, protocol: protocolFor(spec, reference, datasets[0].dataset, o.evalTrajectories) };
}

/** The path of a saved model, relative to the results folder. */
export function paramsFileName(task: TaskName, seed: number, kind: ModelKind): string {
  return join('params', `${task}-seed${seed}-${kind}.params.json`);
}

/**
 * Trains, saves and evaluates one model of one seed; `truths` are the task's true rollouts (shared).
 * `onSaved` is called once the parameter file is written, before the evaluation starts.
 */
export function runModel(
  io: CliIO,
  task: PreparedTask,
  data: SeedData,
  kind: ModelKind,
  h: Hyperparameters,
  o: Pick<RunOptions, 'out'>,
  truths: ReadonlyMap<string, Rollout>,
  onSaved?: () => void,
): ModelResult {
  const label = `${task.spec.name} seed ${data.seed} ${kind}`;
  const trained = trainModel(io, task.spec, kind, data.seed, data.dataset, h, label);
  const paramsFile = paramsFileName(task.spec.name, data.seed, kind);
  const meta = modelMetaOf(task.spec, trained, h, data.seed, data.origin);
  saveTrainedModel(join(o.out, paramsFile), trained.params, meta, io.env);
  const started = io.now();
  io.stderr(`${label} measuring energy MSE…\n`);
  onSaved?.();
  const energy = evaluateEnergies(task.protocol, truths, { model: trained.model, params: trained.params });
  const evalSeconds = (io.now() - started) / 1000;
  const headline = energy.energy === undefined ? '' : ` energy MSE ${energy.energy.mean.toExponential(3)}`;
  io.stderr(`${label}${headline} (evaluation ${formatDuration(evalSeconds)})\n`);
  return {
    status: trained.status,
    message: trained.message,
    stepsDone: trained.stepsDone,
    trainLoss: trained.trainLoss,
    testLoss: trained.testLoss,
    energy,
    timing: { trainSeconds: trained.trainSeconds, msPerStep: trained.msPerStep, evalSeconds },
    history: trained.history,
    paramsFile,
  };
}

/** What results.json records about a trajectory set. */
export function setInfo(set: TrajectorySet): SetInfo {
  const common = {
    key: set.key,
    kind: set.kind,
    description: set.description,
    rtol: set.rtol,
    atol: set.atol,
    symplecticDtMax: set.dtMax,
  };
  if (set.kind === 'measured') return { ...common, points: set.times.length };
  return {
    ...common,
    points: set.points,
    tEnd: [...set.tEnd],
    initialStates: set.initialStates.map((x) => Array.from(x.data)),
  };
}

/** The two trained and evaluated models of one seed. */
export type SeedModels = Readonly<Record<ModelKind, ModelResult>>;

/** Trains and evaluates both models of every seed in this thread, one after the other. */
export function trainSequentially(io: CliIO, task: PreparedTask, h: Hyperparameters, o: RunOptions): SeedModels[] {
  const truths = truthRollouts(task.protocol, task.spec.system());
  return task.datasets.map((data) => {
    const [baseline, hnn] = MODEL_KINDS.map((kind) => runModel(io, task, data, kind, h, o, truths));
    return { baseline, hnn };
  });
}

/** The record of a task: its settings, every seed's figures, the summary over seeds and the reference's figures. */
export function taskResult(
  task: PreparedTask,
  h: Hyperparameters,
  models: readonly SeedModels[],
  reference: ReferenceFile,
): TaskResult {
  const { spec, protocol } = task;
  const seeds: SeedResult[] = task.datasets.map((data, i) => {
    const { origin, dataset, seconds } = data;
    const d = { origin, nTrain: dataset.train.x.shape[0], nTest: dataset.test.x.shape[0], seconds };
    return { seed: data.seed, data: d, models: models[i] };
  });
  const keys = protocol.metrics.map((m) => m.key);
  const metricInfo = (m: Protocol['metrics'][number]) => ({
    key: m.key,
    label: m.label,
    set: m.set,
    energy: m.energyDescription,
    integrator: m.integrator,
    models: m.models,
    paper: m.paper,
    rerun: m.rerun,
  });
  return {
    task: spec.name,
    title: spec.title,
    system: spec.systemDescription,
    data: task.source,
    inputDim: spec.inputDim,
    hyperparameters: h,
    evaluation: { sets: protocol.sets.map(setInfo), metrics: protocol.metrics.map(metricInfo) },
    seeds,
    summary: { baseline: summariseModel(seeds, 'baseline', keys), hnn: summariseModel(seeds, 'hnn', keys) },
    reference: { baseline: reference.figures(spec, 'baseline'), hnn: reference.figures(spec, 'hnn') },
  };
}

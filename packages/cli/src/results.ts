import { join } from 'node:path';
import type { Estimate, TrainHistory } from '@liouville/hamiltonian';
import { RuntimeError } from './errors.js';
import type { MetricValue } from './evaluation.js';
import { readJsonFile } from './files.js';
import type { ReferenceFigures } from './reference.js';
import type { DataOrigin, DataSource, Hyperparameters, ModelKind, TaskName } from './tasks.js';

/** The `format` tag of results.json. */
export const RESULTS_FORMAT = 'liouville-reproduce';
/** The results.json version this code writes and reads. */
export const RESULTS_VERSION = 1;

/** One trained model of one seed: losses, energy metrics, timings, curves and where its parameters are. */
export interface ModelResult {
  readonly status: 'completed' | 'diverged';
  readonly message: string;
  readonly stepsDone: number;
  readonly trainLoss: Estimate;
  readonly testLoss: Estimate;
  /** Metric key → value (see the task's evaluation.metrics). */
  readonly energy: Readonly<Record<string, MetricValue>>;
  readonly timing: { readonly trainSeconds: number; readonly msPerStep: number; readonly evalSeconds: number };
  readonly history: TrainHistory;
  /** The saved parameters, relative to the results folder. */
  readonly paramsFile: string;
}

/** Everything measured for one seed of a task. */
export interface SeedResult {
  readonly seed: number;
  readonly data: {
    readonly origin: DataOrigin;
    readonly nTrain: number;
    readonly nTest: number;
    readonly seconds: number;
  };
  readonly models: Readonly<Record<ModelKind, ModelResult>>;
}

/** A trajectory set of the evaluation, as recorded. */
export interface SetInfo {
  readonly key: string;
  readonly kind: 'simulated' | 'measured';
  readonly description: string;
  readonly rtol: number;
  readonly atol: number;
  readonly symplecticDtMax: number;
  readonly points?: number;
  readonly tEnd?: readonly number[];
  readonly initialStates?: readonly (readonly number[])[];
}

/** A metric of the evaluation, as recorded. */
export interface MetricInfo {
  readonly key: string;
  readonly label: string;
  readonly set: string;
  readonly energy: string;
  readonly integrator: 'dopri5' | 'gaussLegendre4';
  readonly models: readonly ModelKind[];
  readonly paper: boolean;
  readonly rerun?: string;
}

/** A figure averaged over seeds: the mean, the mean of the per-seed ±, and the spread (sample std) across seeds. */
export interface SeedSummary {
  readonly mean: number;
  readonly error: number;
  /** Sample standard deviation over seeds; null with a single seed. */
  readonly spread: number | null;
  readonly n: number;
}

/** Everything about one task. */
export interface TaskResult {
  readonly task: TaskName;
  readonly title: string;
  readonly system: string;
  readonly data: DataSource;
  readonly inputDim: number;
  readonly hyperparameters: Hyperparameters;
  readonly evaluation: { readonly sets: readonly SetInfo[]; readonly metrics: readonly MetricInfo[] };
  readonly seeds: readonly SeedResult[];
  /** Model → figure ('trainLoss', 'testLoss' or a metric key) → summary over seeds. */
  readonly summary: Readonly<Record<ModelKind, Readonly<Record<string, SeedSummary>>>>;
  readonly reference: Readonly<Record<ModelKind, ReferenceFigures>>;
}

/** The whole of results.json. */
export interface ReproduceResults {
  readonly format: typeof RESULTS_FORMAT;
  readonly version: typeof RESULTS_VERSION;
  readonly createdAt: string;
  readonly command: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
  readonly environment: Readonly<Record<string, unknown>>;
  readonly timing: { readonly totalSeconds: number };
  /** False while a run is in progress: results.json is rewritten after every finished task. */
  readonly complete: boolean;
  readonly referenceFile: string;
  readonly tasks: Readonly<Partial<Record<TaskName, TaskResult>>>;
  readonly plots: readonly string[];
}

/** Mean over seeds, mean of the per-seed errors, and the sample standard deviation across seeds. */
export function summarise(estimates: readonly Estimate[]): SeedSummary {
  const n = estimates.length;
  const mean = estimates.reduce((a, e) => a + e.mean, 0) / n;
  const error = estimates.reduce((a, e) => a + e.error, 0) / n;
  const spread = n > 1 ? Math.sqrt(estimates.reduce((a, e) => a + (e.mean - mean) ** 2, 0) / (n - 1)) : null;
  return { mean, error, spread, n };
}

/** Summaries of every figure of a model across the seeds of a task. */
export function summariseModel(seeds: readonly SeedResult[], kind: ModelKind, metricKeys: readonly string[]) {
  const out: Record<string, SeedSummary> = {};
  out.trainLoss = summarise(seeds.map((s) => s.models[kind].trainLoss));
  out.testLoss = summarise(seeds.map((s) => s.models[kind].testLoss));
  for (const key of metricKeys) {
    const values = seeds.map((s) => s.models[kind].energy[key]).filter((v) => v !== undefined);
    if (values.length === seeds.length) out[key] = summarise(values);
  }
  return out;
}

/**
 * Reads DIR/results.json written by `liouville reproduce`; a missing, corrupt or foreign file is a
 * RuntimeError naming it.
 */
export function readResults(folder: string): ReproduceResults {
  const path = join(folder, 'results.json');
  const doc = readJsonFile(path, 'results file') as Partial<ReproduceResults> | null;
  if (doc === null || typeof doc !== 'object' || doc.format !== RESULTS_FORMAT) {
    throw new RuntimeError(`${path}: not a liouville reproduce results file (format ${JSON.stringify(doc?.format)})`);
  }
  if (doc.version !== RESULTS_VERSION)
    throw new RuntimeError(`${path}: unsupported results version ${JSON.stringify(doc.version)}`);
  if (doc.tasks === null || typeof doc.tasks !== 'object') throw new RuntimeError(`${path}: no "tasks" object`);
  for (const [name, task] of Object.entries(doc.tasks)) {
    const ok =
      task &&
      Array.isArray(task.seeds) &&
      task.seeds.length > 0 &&
      task.evaluation &&
      Array.isArray(task.evaluation.metrics);
    if (!ok) throw new RuntimeError(`${path}: task ${name} lacks its seeds or evaluation`);
  }
  return doc as ReproduceResults;
}

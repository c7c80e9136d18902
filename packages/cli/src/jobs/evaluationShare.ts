import { join } from 'node:path';
import type { Rollout } from '@liouville/hamiltonian';
import { type MeasuredHere, type MetricValue, evaluateEnergies, metricsOf, truthRollouts } from '../evaluation.js';
import { RuntimeError } from '../errors.js';
import type { CliIO } from '../io.js';
import { loadModel } from '../modelFile.js';
import { formatDuration } from '../progress.js';
import { loadReferenceFile } from '../reference.js';
import { type PreparedTask, paramsFileName, prepareTask } from '../reproduction.js';
import type { ModelResult } from '../results.js';
import type { ModelJob } from './modelJob.js';

/**
 * Sharing a model's evaluation with a worker that has finished its own job. The Gauss–Legendre 4
 * metrics (the HNN's symplectic rollouts, the largest part of its evaluation) can be measured by
 * another worker from the saved parameter file while the model's own worker measures the dopri5
 * ones. Who measures them is decided once, in shared memory, by the main thread when it learns
 * that the model is saved: a helper if a worker is idle then, else the owner. The owner measures
 * its dopri5 metrics first and reads the decision only then, so it rarely waits for it; deciding
 * in the main thread (rather than letting the two workers race) makes the split depend on the
 * pool's state only, not on which worker is quicker to start.
 */

/** The integrator whose metrics may be measured by a helper. */
const SHARED = 'gaussLegendre4';

/** A decision's states: not taken yet, the model's own worker measures, a helper measures. */
const OPEN = 0;
const OWNER = 1;
const HELPER = 2;

/**
 * How long an owner waits for the decision before taking the metrics itself: only a main thread
 * stuck for that long (it decides as soon as it reads the worker's message) would make it wait.
 */
const WAIT_MS = 30_000;

/** A new decision, sent with a job to its worker (and with the help to another). */
export function newClaim(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}

/** Records who measures the shared metrics, unless it is decided already; true if `who` does. */
function decide(claim: SharedArrayBuffer, who: typeof OWNER | typeof HELPER): boolean {
  const cell = new Int32Array(claim);
  const before = Atomics.compareExchange(cell, 0, OPEN, who);
  Atomics.notify(cell, 0);
  return before === OPEN || before === who;
}

/** Decides, in the main thread, whether a helper measures the shared metrics (false if the owner took them). */
export function decideHelp(claim: SharedArrayBuffer, help: boolean): boolean {
  return decide(claim, help ? HELPER : OWNER) === help;
}

/**
 * What the owner's worker measures: the dopri5 metrics, and the shared ones unless a helper was
 * sent for them (asked when they are due, after the dopri5 ones).
 */
export function ownerMeasures(claim: SharedArrayBuffer | undefined): MeasuredHere {
  return (integrator) => {
    if (integrator !== SHARED || claim === undefined) return true;
    Atomics.wait(new Int32Array(claim), 0, OPEN, WAIT_MS);
    return decide(claim, OWNER);
  };
}

/** Jobs whose evaluation has metrics to share: the HNN's (the baseline has no symplectic rollout). */
export function shareable(job: { readonly task: string; readonly kind?: string }): boolean {
  return job.task !== 'pixels' && job.kind === 'hnn';
}

/** A helper's part of a model's evaluation. */
export interface SharedPart {
  /** The shared metrics' values. */
  readonly energy: Record<string, MetricValue>;
  /** Every metric's key in the order of the model's results (metricsOf). */
  readonly order: string[];
  /** Seconds the helper spent measuring. */
  readonly seconds: number;
}

/**
 * The last job's prepared task and true rollouts in this worker, kept so that a helper evaluating
 * the other model of the same task and seed reuses the truths it already computed (about 1–2 s on
 * the spring). Only a helper reads it: each job still prepares its own task, as before.
 */
let lastTask: { key: string; task: PreparedTask; truths: ReadonlyMap<string, Rollout> } | undefined;

/** What identifies a job's prepared task (its data and evaluation protocol). */
function taskKey(job: ModelJob): string {
  return JSON.stringify([job.task, job.source, job.seed, job.evalTrajectories]);
}

/** Remembers a job's prepared task and truths for a later helper in this worker. */
export function rememberTask(job: ModelJob, task: PreparedTask, truths: ReadonlyMap<string, Rollout>): void {
  lastTask = { key: taskKey(job), task, truths };
}

/** The prepared task and truths of `job`, reused if this worker's last job had the same. */
function taskOf(io: CliIO, job: ModelJob) {
  const key = taskKey(job);
  if (lastTask?.key !== key) {
    const task = prepareJobTask(io, job);
    lastTask = { key, task, truths: truthRollouts(task.protocol, task.spec.system()) };
  }
  return lastTask;
}

/** Runs in a helper worker: loads `job`'s saved model and measures its shared metrics. */
export function helpEvaluate(io: CliIO, job: ModelJob): SharedPart {
  const started = io.now();
  const { task, truths } = taskOf(io, job);
  const order = metricsOf(task.protocol, job.kind).map((m) => m.key);
  const file = join(job.out, paramsFileName(job.task, job.seed, job.kind));
  const model = loadModel(file, { task: job.task, model: job.kind });
  const energy = evaluateEnergies(task.protocol, truths, model, (integrator) => integrator === SHARED);
  const seconds = (io.now() - started) / 1000;
  io.stderr(
    `${job.task} seed ${job.seed} ${job.kind} Gauss–Legendre 4 metrics measured on a second worker (${formatDuration(seconds)})\n`,
  );
  return { energy, order, seconds };
}

/**
 * The owner's result with the helper's metrics put in their place (the order of a run without
 * help, so results.json is the same bytes); evalSeconds becomes the two workers' seconds added.
 */
export function mergeShare(owner: ModelResult, part: SharedPart): ModelResult {
  const energy: Record<string, MetricValue> = {};
  for (const key of part.order) {
    const value = owner.energy[key] ?? part.energy[key];
    if (value === undefined)
      throw new RuntimeError(`internal error: the ${key} metric of ${owner.paramsFile} is missing`);
    energy[key] = value;
  }
  const timing = { ...owner.timing, evalSeconds: owner.timing.evalSeconds + part.seconds };
  return { ...owner, energy, timing };
}

/** prepareTask as a job's worker calls it (one seed, nothing announced). */
export function prepareJobTask(io: CliIO, job: ModelJob): PreparedTask {
  const reference = loadReferenceFile();
  const options = {
    seeds: 1,
    out: job.out,
    steps: job.steps,
    data: job.source,
    evalTrajectories: job.evalTrajectories,
  };
  return prepareTask(io, job.task, options, reference, [job.seed], false);
}

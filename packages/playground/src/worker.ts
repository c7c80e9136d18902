import type { HnnModel } from '@liouville/hamiltonian';
import { liouvilleEvolution, liouvilleSystem } from './liouville.js';
import { energyGrid } from './portrait.js';
import type { PortraitReport, Report, Request, RolloutCurve } from './protocol.js';
import { rolloutEnergies } from './rollouts.js';
import { systemChoice } from './systems.js';
import { type Training, createTraining, trainStep } from './training.js';

/** The page's worker: trains, evaluates and rolls out off the main thread, reporting by messages. */

/** The part of the worker global this file uses (the root tsconfig has no WebWorker lib). */
interface WorkerScope {
  postMessage(message: Report): void;
  addEventListener(type: 'message', listener: (event: { data: Request }) => void): void;
}

const scope = self as unknown as WorkerScope;

/** Test losses are evaluated every this many steps. */
const EVAL_EVERY = 10;
/** Work between two yields to the event loop, so a 'stop' or a Liouville request is seen quickly. */
const CHUNK_MS = 60;
/** The portrait is recomputed every this many steps while training. */
const PORTRAIT_EVERY = 50;

let training: Training | null = null;
let runId = 0;

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function progress(run: Training, steps: number, started: number, done: boolean): Report {
  return {
    type: 'progress',
    system: run.choice.id,
    step: run.step,
    steps,
    elapsedMs: performance.now() - started,
    hnnLoss: run.hnn.trainLoss,
    baselineLoss: run.baseline.trainLoss,
    testSteps: run.hnn.testLoss.map((_, k) => (k + 1) * EVAL_EVERY),
    hnnTestLoss: run.hnn.testLoss,
    baselineTestLoss: run.baseline.testLoss,
    done,
  };
}

function portrait(run: Training): PortraitReport {
  const grid = energyGrid(run.choice, run.hnn.model as HnnModel, run.hnn.params);
  const { plane } = run.choice;
  const x = run.data.train.x;
  const width = x.shape[1];
  const rows = plane.isSlice ? 0 : x.shape[0];
  const dataX = Float64Array.from({ length: rows }, (_, k) => x.data[k * width + plane.xAxis]);
  const dataY = Float64Array.from({ length: rows }, (_, k) => x.data[k * width + plane.yAxis]);
  return { type: 'portrait', system: run.choice.id, step: run.step, ...grid, dataX, dataY };
}

async function runTraining(request: Extract<Request, { type: 'train' }>): Promise<void> {
  const id = ++runId;
  const run = createTraining(systemChoice(request.system), request.config);
  training = run;
  const started = performance.now();
  scope.postMessage(portrait(run));
  while (run.step < request.steps && id === runId) {
    const chunkStart = performance.now();
    while (run.step < request.steps && performance.now() - chunkStart < CHUNK_MS) {
      trainStep(run, EVAL_EVERY);
      if (run.step % PORTRAIT_EVERY === 0) scope.postMessage(portrait(run));
    }
    scope.postMessage(progress(run, request.steps, started, false));
    await yieldToEvents();
  }
  if (id !== runId) {
    // Stopped: report the curves so far as final; a newer run reports for itself.
    if (training === run) scope.postMessage(progress(run, run.step, started, true));
    return;
  }
  if (run.step % PORTRAIT_EVERY !== 0) scope.postMessage(portrait(run));
  scope.postMessage(progress(run, request.steps, started, true));
}

function projected(states: Float64Array | Float32Array, width: number, axis: number): Float64Array {
  return Float64Array.from({ length: states.length / width }, (_, k) => states[k * width + axis]);
}

function runRollout(request: Extract<Request, { type: 'rollout' }>): void {
  if (training === null) throw new Error('train a model before rolling it out');
  const run = training;
  const started = performance.now();
  const series = rolloutEnergies({
    choice: run.choice,
    hnnModel: run.hnn.model as HnnModel,
    hnnParams: run.hnn.params,
    baselineModel: run.baseline.model,
    baselineParams: run.baseline.params,
    method: request.method,
    dt: request.dt,
    steps: request.steps,
  });
  const { plane } = run.choice;
  const curves: RolloutCurve[] = series.map((s) => ({
    label: s.label,
    method: s.method,
    energy: s.energy,
    planeX: projected(s.states.data, s.states.shape[1], plane.xAxis),
    planeY: projected(s.states.data, s.states.shape[1], plane.yAxis),
    stopped: s.stopped,
  }));
  const elapsedMs = performance.now() - started;
  scope.postMessage({ type: 'rollout', system: run.choice.id, dt: request.dt, curves, elapsedMs });
}

function runLiouville(request: Extract<Request, { type: 'liouville' }>): void {
  const started = performance.now();
  const system = liouvilleSystem(systemChoice(request.system));
  const evolutions = liouvilleEvolution(system, request.request);
  const systemName = system.name ?? 'system';
  const elapsedMs = performance.now() - started;
  scope.postMessage({ type: 'liouville', systemName, dt: request.request.dt, evolutions, elapsedMs });
}

async function handle(request: Request): Promise<void> {
  if (request.type === 'train') await runTraining(request);
  else if (request.type === 'stop') runId++;
  else if (request.type === 'rollout') runRollout(request);
  else if (request.type === 'liouville') runLiouville(request);
}

scope.addEventListener('message', (event) => {
  handle(event.data).catch((error: unknown) => {
    scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  });
});

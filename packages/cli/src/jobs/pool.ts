import { Worker } from 'node:worker_threads';
import { RuntimeError } from '../errors.js';
import type { CliIO } from '../io.js';
import { progressBoard } from '../progress.js';
import type { ModelResult } from '../results.js';
import type { PixelJob, PixelModelResult } from '../pixels/pixelJob.js';
import type { ModelJob } from './modelJob.js';
import { type SharedPart, decideHelp, mergeShare, newClaim, shareable } from './evaluationShare.js';
import type { JobMessage, WorkerMessage } from './workerEntry.js';

/**
 * The file a worker thread starts from: next to compiled JavaScript (the published package), the
 * compiled workerEntry.js itself; next to the TypeScript sources, worker.mjs, which registers tsx's
 * loader in the thread before importing workerEntry.ts.
 */
const WORKER_FILE = import.meta.url.endsWith('.ts') ? './worker.mjs' : './workerEntry.js';

/** Starts one worker thread; it runs the jobs it is sent, one at a time, its products on `productThreads` threads. */
function startWorker(io: CliIO, productThreads: 1 | 2): Worker {
  const workerData = { isTTY: io.isTTY, columns: io.columns, productThreads };
  return new Worker(new URL(WORKER_FILE, import.meta.url), { workerData });
}

/** Called when a job has saved its model; `stderr` writes whole lines beside the jobs' progress. */
export type OnSaved = (index: number, stderr: (text: string) => void) => void;

/**
 * Runs jobs on `concurrency` worker threads (one job per thread at a time), forwarding their output
 * to `io` (on a terminal, their progress bars share one line) and returning the results in the
 * order of `jobs`. The first failing job stops the pool with its error message. With
 * `productThreads` 2, each worker's large matrix products also use a helper thread (same bits).
 * `onSaved(index, stderr)` is called in this thread when job `index` has saved its model and
 * starts evaluating it, `onEvaluated(index, stderr)` when its result is in (see heldBack); `stderr`
 * writes whole lines beside the jobs' progress. A worker left without a job helps evaluate the
 * models saved after that (see sharedEvaluations).
 */
export function runJobsInWorkers(
  io: CliIO,
  jobs: readonly ModelJob[],
  concurrency: number,
  productThreads?: 1 | 2,
  onSaved?: OnSaved,
  onEvaluated?: OnSaved,
): Promise<ModelResult[]>;
/** Runs pixel-pendulum jobs the same way. */
export function runJobsInWorkers(
  io: CliIO,
  jobs: readonly PixelJob[],
  concurrency: number,
  productThreads?: 1 | 2,
): Promise<PixelModelResult[]>;
export function runJobsInWorkers(
  io: CliIO,
  jobs: readonly (ModelJob | PixelJob)[],
  concurrency: number,
  productThreads: 1 | 2 = 1,
  onSaved: OnSaved = () => {},
  onEvaluated: OnSaved = () => {},
): Promise<(ModelResult | PixelModelResult)[]> {
  const board = progressBoard(io);
  // Channel -1 is no worker's: it only ever writes whole lines.
  const mainLines = board.channel(-1);
  const later = heldBack();
  const results: (ModelResult | PixelModelResult)[] = new Array(jobs.length);
  const claims = jobs.map((job) => (shareable(job) ? newClaim() : undefined));
  const helping = sharedEvaluations(jobs as readonly ModelJob[], claims);
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  return new Promise((resolve, reject) => {
    const stop = (error?: Error) => {
      for (const w of workers) void w.terminate();
      board.close();
      if (error) reject(error);
      else resolve(results);
    };
    const finish = (index: number, result: ModelResult | PixelModelResult | undefined) => {
      if (result === undefined) return;
      results[index] = result;
      done += 1;
      if (done === jobs.length) stop();
    };
    // A worker with no job left to run stays, idle, to help with the evaluations of models saved later.
    const feed = (worker: Worker) => {
      if (next >= jobs.length) {
        helping.idle(worker);
        return;
      }
      worker.postMessage({ index: next, job: jobs[next], claim: claims[next] } satisfies JobMessage);
      next += 1;
      if (next === jobs.length) later.release();
    };
    for (let w = 0; w < Math.min(concurrency, jobs.length); w++) {
      const worker = startWorker(io, productThreads);
      workers.push(worker);
      const channel = board.channel(w);
      worker.on('message', (m: WorkerMessage) => {
        try {
          if (m.type === 'stderr') channel(m.text);
          else if (m.type === 'saved') {
            // Help is sent before onSaved, which may keep this thread busy for seconds.
            helping.saved(m.index);
            later.call(() => onSaved(m.index, mainLines));
          } else if (m.type === 'error') stop(new RuntimeError(m.message.replace(/^liouville: /, '')));
          else if (m.type === 'part') {
            finish(m.index, helping.part(m.index, m.part));
            helping.idle(worker);
          } else {
            finish(m.index, helping.result(m.index, m.result as ModelResult | PixelModelResult));
            feed(worker);
            later.call(() => onEvaluated(m.index, mainLines));
          }
        } catch (error) {
          stop(error instanceof Error ? error : new RuntimeError(String(error)));
        }
      });
      worker.on('error', (error) => stop(new RuntimeError(`a training worker failed: ${error.message}`)));
      feed(worker);
    }
  });
}

/**
 * The bookkeeping of shared evaluations (evaluationShare.ts): a job whose model is saved while a
 * worker is idle gets that worker's help; its result then waits for the helper's part, and the two
 * are merged.
 */
function sharedEvaluations(jobs: readonly ModelJob[], claims: readonly (SharedArrayBuffer | undefined)[]) {
  const idle: Worker[] = [];
  const helped = new Map<number, { owner?: ModelResult; part?: SharedPart }>();
  // The merged result once both halves are in.
  const merged = (index: number) => {
    const { owner, part } = helped.get(index) ?? {};
    if (owner === undefined || part === undefined) return undefined;
    helped.delete(index);
    return mergeShare(owner, part);
  };
  return {
    idle(worker: Worker) {
      idle.push(worker);
    },
    saved(index: number) {
      const claim = claims[index];
      if (claim === undefined) return;
      const worker = idle.pop();
      if (!decideHelp(claim, worker !== undefined) || worker === undefined) {
        if (worker !== undefined) idle.push(worker);
        return;
      }
      helped.set(index, {});
      worker.postMessage({ index, job: jobs[index], help: true } satisfies JobMessage);
    },
    part(index: number, part: SharedPart) {
      const entry = helped.get(index);
      if (entry !== undefined) entry.part = part;
      return merged(index);
    },
    result(index: number, result: ModelResult | PixelModelResult) {
      const entry = helped.get(index);
      if (entry === undefined) return result;
      entry.owner = result as ModelResult;
      return merged(index);
    },
  };
}

/**
 * onSaved and onEvaluated held back until every job has been sent to a worker. What they start
 * runs in this thread, which also hands the workers their next jobs: a worker that finished its job
 * while this thread is busy would wait. Once nothing is left to hand out, a busy thread delays only
 * the forwarding of the workers' messages (and results), not their work.
 */
function heldBack() {
  let waiting: (() => void)[] | undefined = [];
  return {
    call(run: () => void) {
      if (waiting === undefined) run();
      else waiting.push(run);
    },
    release() {
      const held = waiting ?? [];
      waiting = undefined;
      for (const run of held) run();
    },
  };
}

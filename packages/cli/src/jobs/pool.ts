import { Worker } from 'node:worker_threads';
import { RuntimeError } from '../errors.js';
import type { CliIO } from '../io.js';
import { progressBoard } from '../progress.js';
import type { ModelResult } from '../results.js';
import type { PixelJob, PixelModelResult } from '../pixels/pixelJob.js';
import type { ModelJob } from './modelJob.js';
import type { WorkerMessage } from './workerEntry.js';

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
 * starts evaluating it (see heldBack); `stderr` writes whole lines beside the jobs' progress.
 */
export function runJobsInWorkers(
  io: CliIO,
  jobs: readonly ModelJob[],
  concurrency: number,
  productThreads?: 1 | 2,
  onSaved?: OnSaved,
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
): Promise<(ModelResult | PixelModelResult)[]> {
  const board = progressBoard(io);
  // Channel -1 is no worker's: it only ever writes whole lines.
  const mainLines = board.channel(-1);
  const saved = heldBack((index) => onSaved(index, mainLines));
  const results: (ModelResult | PixelModelResult)[] = new Array(jobs.length);
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
    const feed = (worker: Worker) => {
      if (next >= jobs.length) {
        void worker.terminate();
        return;
      }
      worker.postMessage({ index: next, job: jobs[next] });
      next += 1;
      if (next === jobs.length) saved.release();
    };
    for (let w = 0; w < Math.min(concurrency, jobs.length); w++) {
      const worker = startWorker(io, productThreads);
      workers.push(worker);
      const channel = board.channel(w);
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'stderr') channel(m.text);
        else if (m.type === 'saved') saved.call(m.index);
        else if (m.type === 'error') stop(new RuntimeError(m.message.replace(/^liouville: /, '')));
        else {
          results[m.index] = m.result as ModelResult | PixelModelResult;
          done += 1;
          if (done === jobs.length) stop();
          else feed(worker);
        }
      });
      worker.on('error', (error) => stop(new RuntimeError(`a training worker failed: ${error.message}`)));
      feed(worker);
    }
  });
}

/**
 * `onSaved` held back until every job has been sent to a worker. What it starts runs in this
 * thread, which also hands the workers their next jobs: a worker that finished its job while this
 * thread is busy would wait. Once nothing is left to hand out, a busy thread delays only the
 * forwarding of the workers' messages (and results), not their work.
 */
function heldBack(onSaved: (index: number) => void) {
  let waiting: number[] | undefined = [];
  return {
    call(index: number) {
      if (waiting === undefined) onSaved(index);
      else waiting.push(index);
    },
    release() {
      const held = waiting ?? [];
      waiting = undefined;
      for (const index of held) onSaved(index);
    },
  };
}

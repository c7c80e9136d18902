import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../errors.js';
import type { CliIO } from '../io.js';
import { type PixelJob, runPixelJob } from '../pixels/pixelJob.js';
import { type ModelJob, runModelJob } from './modelJob.js';
import { useProductThreads } from './productThreads.js';

/** Messages from a worker to the main thread. */
export type WorkerMessage =
  | { readonly type: 'stderr'; readonly text: string }
  /** The model of job `index` is saved; its evaluation starts. */
  | { readonly type: 'saved'; readonly index: number }
  | { readonly type: 'result'; readonly index: number; readonly result: unknown }
  | { readonly type: 'error'; readonly index: number; readonly message: string };

const port = parentPort;
if (port === null) throw new Error('workerEntry must run in a worker thread');
const { isTTY, columns, productThreads } = workerData as { isTTY: boolean; columns: number; productThreads: 1 | 2 };
/** The helper thread for this worker's products, started before its first job. */
const threadsReady = useProductThreads(productThreads);

/** The worker's output goes to the main thread, which writes it (and draws the progress of all jobs). */
const io: CliIO = {
  stdout: (text) => port.postMessage({ type: 'stderr', text } satisfies WorkerMessage),
  stderr: (text) => port.postMessage({ type: 'stderr', text } satisfies WorkerMessage),
  isTTY,
  columns,
  now: () => performance.now(),
  cwd: process.cwd(),
  env: process.env,
};

port.on('message', async ({ index, job }: { index: number; job: ModelJob | PixelJob }) => {
  try {
    await threadsReady;
    const saved = () => port.postMessage({ type: 'saved', index } satisfies WorkerMessage);
    const result = job.task === 'pixels' ? runPixelJob(io, job) : runModelJob(io, job, saved);
    port.postMessage({ type: 'result', index, result } satisfies WorkerMessage);
  } catch (error) {
    port.postMessage({ type: 'error', index, message: describeError(error) } satisfies WorkerMessage);
  }
});

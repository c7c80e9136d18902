// PyTorch on the CPU as a peer: Debian's python3-torch (apt-get install python3-torch) run by
// /usr/bin/python3, in one long-lived process serving every PyTorch case of a run
// (python/torch_peer.py). A sample of a PyTorch case is one request: the Python side runs the
// calibrated number of calls and times them itself with time.perf_counter, so the sample holds
// the calls and not the pipe. Its samples are taken in the same interleaved rounds as the
// Liouville cases, and its ratio is formed the same way (median of per-round ratios).
// Threads: torch.set_num_threads(1) and OMP/MKL_NUM_THREADS=1, as the Liouville cases run on one;
// the 2-thread rows have a process of their own with 2 of each (and OMP_WAIT_POLICY=PASSIVE).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CaseUnavailableError } from '../unavailable.js';
import { SyncProcess } from './syncProcess.js';

/** The interpreter Debian's python3-torch installs for. */
export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../python/torch_peer.py', import.meta.url));

/** What the Python side reports about itself. */
export interface TorchInfo {
  torch: string;
  python: string;
  threads: number;
  interopThreads: number;
  functorch: boolean;
  /** The BLAS library the Python process loaded (Debian's torch uses the system's libblas.so.3). */
  blas: string;
}

interface Answer {
  error?: string;
}

/** A connection to the PyTorch process. */
export interface TorchPeer {
  info: TorchInfo;
  /** Builds a task on the Python side; returns its id. */
  setup(task: Record<string, unknown>): number;
  /** Runs `iters` calls of a task and returns the time the Python side measured, ms. */
  run(id: number, iters: number): number;
  /** The task's numbers, for correctness checks. */
  check<T>(id: number): T;
}

/** The PyTorch process of each thread count, started on first use; a string says why there is none. */
const connections = new Map<number, TorchPeer | string>();

function ask<T>(process: SyncProcess, request: Record<string, unknown>): T {
  const answer = process.request<T & Answer>(request);
  if (answer?.error !== undefined) throw new Error(`PyTorch peer: ${answer.error}`);
  return answer;
}

function connect(threads: number): TorchPeer | string {
  if (!existsSync(PYTHON)) return `not installed (${PYTHON} not found; apt-get install python3-torch)`;
  const count = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: count, MKL_NUM_THREADS: count, OPENBLAS_NUM_THREADS: count };
  // With more than one thread, OpenMP's threads sleep between parallel regions instead of spinning:
  // spinning OpenMP and OpenBLAS pools measured 10× slower steps (176 ms against 17 ms for the HNN
  // step) on this 2-core machine whenever another process holds a core.
  if (threads > 1) Object.assign(env, { OMP_WAIT_POLICY: 'PASSIVE' });
  const child = new SyncProcess(PYTHON, [SCRIPT, count], { env, timeoutMs: 300_000 });
  let info: TorchInfo;
  try {
    info = ask<TorchInfo>(child, { op: 'hello' });
  } catch (error) {
    child.close();
    const message = error instanceof Error ? error.message : String(error);
    return `not installed (${message.replace(/^PyTorch peer: /, '')}; apt-get install python3-torch)`;
  }
  return {
    info,
    setup: (task) => ask<{ id: number }>(child, { op: 'setup', ...task }).id,
    run: (id, iters) => ask<{ ms: number }>(child, { op: 'run', id, iters }).ms,
    check: <T>(id: number) => ask<T>(child, { op: 'check', id }),
  };
}

/** The PyTorch process on `threads` threads, started on first use; a string says why there is none. */
export function torchPeer(threads = 1): TorchPeer | string {
  let connection = connections.get(threads);
  if (connection === undefined) {
    connection = connect(threads);
    connections.set(threads, connection);
  }
  return connection;
}

/** The PyTorch process, or a CaseUnavailableError that the harness reports as the row's reason. */
export function requireTorch(threads = 1): TorchPeer {
  const peer = torchPeer(threads);
  if (typeof peer === 'string') throw new CaseUnavailableError(peer);
  return peer;
}

/** An array as the Python side reads it: base64 of its values as little-endian float64, and its shape. */
export function wireArray(values: ArrayLike<number>, shape: readonly number[]): { b64: string; shape: number[] } {
  const data = Float64Array.from(values);
  return { b64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'), shape: [...shape] };
}

/** The state of a PyTorch case: the peer and the id of its task. */
export interface TorchTask {
  peer: TorchPeer;
  id: number;
}

/** Sets up a task for a case (call from the case's setup), in the process of `threads` threads. */
export function torchTask(task: Record<string, unknown>, threads = 1): TorchTask {
  const peer = requireTorch(threads);
  return { peer, id: peer.setup(task) };
}

/** A self-timed sample of a PyTorch case: `iters` calls timed by the Python side. */
export function torchTimed(state: TorchTask, iters: number): number {
  return state.peer.run(state.id, iters);
}

/** One call, timed from Node (request included): used only where the harness needs a plain call. */
export function torchCall(state: TorchTask): number {
  return state.peer.run(state.id, 1);
}

/** The environment record of PyTorch in this run: version, threads and BLAS, or why it is absent. */
export function torchEnvironment(): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [threads, connection] of connections) {
    const key = threads === 1 ? 'PyTorch' : `PyTorch, ${threads} threads`;
    if (typeof connection === 'string') {
      record[key] = connection;
      continue;
    }
    const { info } = connection;
    record[key] =
      `${info.torch} (Python ${info.python}, ${PYTHON}), ${info.threads} thread, ${info.interopThreads} interop thread, functorch ${info.functorch ? 'yes' : 'no'}, BLAS ${info.blas}`;
  }
  return record;
}

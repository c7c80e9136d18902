// A long-lived child process spoken to synchronously, one JSON line out and one JSON line back.
// The harness calls a case's timing function synchronously, while Node's child-process pipes are
// asynchronous; so a worker thread owns the child and its pipes, and the main thread blocks on
// Atomics.wait until the worker has posted the answer, which it then takes with
// receiveMessageOnPort (the pattern of the synckit package). The child ends when its standard
// input closes, which happens at the latest when this process exits.
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';

/** The child could not be started, exited, or did not answer in time. */
export class ChildProcessError extends Error {
  override name = 'ChildProcessError';
}

// Runs in the worker (plain JavaScript, CommonJS): spawns the child and relays whole lines.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const { port, signal, command, args, env, cwd } = workerData;
const counter = new Int32Array(signal);
const post = (message) => {
  port.postMessage(message);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
};
let stderr = '';
let pending = '';
let child;
try {
  child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
} catch (error) {
  post({ failure: String(error && error.message || error) });
}
if (child) {
  child.on('error', (error) => post({ failure: error.message }));
  child.on('exit', (code, sig) => post({ failure: 'exited with ' + (sig || 'code ' + code) + (stderr ? ': ' + stderr.trim().split('\\n').slice(-3).join(' | ') : '') }));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    pending += chunk;
    let end;
    while ((end = pending.indexOf('\\n')) >= 0) {
      post({ line: pending.slice(0, end) });
      pending = pending.slice(end + 1);
    }
  });
  child.stdin.on('error', () => {});
  port.on('message', (line) => child.stdin.write(line + '\\n'));
}
`;

interface Relay {
  line?: string;
  failure?: string;
}

/** Options of `SyncProcess`. */
export interface SyncProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Longest wait for one answer, ms. */
  timeoutMs?: number;
}

/** A child process answering one JSON line per request line, called synchronously. */
export class SyncProcess {
  readonly #port: MessagePort;
  readonly #counter: Int32Array;
  readonly #worker: Worker;
  readonly #timeoutMs: number;
  #failure: string | undefined;

  constructor(command: string, args: readonly string[], options: SyncProcessOptions = {}) {
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    this.#port = port1;
    this.#counter = new Int32Array(signal);
    this.#timeoutMs = options.timeoutMs ?? 600_000;
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, signal, command, args: [...args], env: options.env ?? process.env, cwd: options.cwd },
      transferList: [port2],
    });
    // Neither the worker nor the child keeps this process alive.
    this.#worker.unref();
    this.#port.unref();
  }

  /** Sends `request` as one JSON line and returns the parsed answer line. */
  request<T = Record<string, unknown>>(request: unknown): T {
    if (this.#failure !== undefined) throw new ChildProcessError(this.#failure);
    this.#port.postMessage(JSON.stringify(request));
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.#counter, 0);
      const received = receiveMessageOnPort(this.#port);
      if (received !== undefined) {
        const relay = received.message as Relay;
        if (relay.failure !== undefined) {
          this.#failure = relay.failure;
          throw new ChildProcessError(relay.failure);
        }
        return JSON.parse(relay.line ?? 'null') as T;
      }
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.#counter, 0, seen, left) === 'timed-out') {
        this.#failure = `no answer within ${this.#timeoutMs} ms`;
        this.close();
        throw new ChildProcessError(this.#failure);
      }
    }
  }

  /** Stops the worker; the child sees its input close and exits. */
  close(): void {
    this.#failure ??= 'closed';
    void this.#worker.terminate();
  }
}

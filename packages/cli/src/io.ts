import { OutputStreamError } from './errors.js';

/**
 * What a command may touch of the outside world besides files: its two output streams, whether
 * the error stream is a terminal (for the progress bar), the clock, the working folder and the
 * environment. `main` takes one, so tests run the command line in-process and read what it wrote.
 */
export interface CliIO {
  /**
   * Writes to standard output (results, tables, CSV). Throws OutputStreamError once standard
   * output has failed (a closed pipe, a full disk), so a long command stops instead of computing
   * for nobody.
   */
  readonly stdout: (text: string) => void;
  /** Writes to standard error (progress, warnings, the one-line error message); never throws. */
  readonly stderr: (text: string) => void;
  /**
   * Resolves when standard output can take more (its buffer drained), so a command that streams
   * megabytes keeps a bounded buffer; rejects with OutputStreamError if standard output failed.
   * Absent: writes are taken at once (an in-memory IO).
   */
  readonly stdoutReady?: () => Promise<void>;
  /** True when standard error is a terminal: progress is then a single line redrawn with \r. */
  readonly isTTY: boolean;
  /** Width of that terminal in characters (80 when unknown). */
  readonly columns: number;
  /** Milliseconds since an arbitrary origin, for ETAs and timings. */
  readonly now: () => number;
  /** The folder relative paths are resolved against. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The state of the process's two streams: the first error each one reported, if any. */
const streamFailures: { stdout?: NodeJS.ErrnoException; stderr?: NodeJS.ErrnoException; reported: boolean } = {
  reported: false,
};
let listening = false;

/**
 * Listens for 'error' on process.stdout and process.stderr (once per process), so that a closed
 * pipe (`liouville simulate … | head -1`: EPIPE) or a full device (`> /dev/full`: ENOSPC) never
 * becomes an unhandled 'error' event with a stack trace. A failure of standard output noticed after
 * the command returned is reported here: one `liouville:` line (none for EPIPE, as Unix tools stay
 * silent when their reader goes away) and exit status 1.
 */
function listenForStreamErrors(): void {
  if (listening) return;
  listening = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (streamFailures.stdout !== undefined) return;
    streamFailures.stdout = error;
    process.exitCode = Math.max(1, Number(process.exitCode ?? 0));
    // Nothing more can reach the reader: drop whatever is still buffered.
    process.stdout.destroy();
    // A running command notices at its next write and main reports it; otherwise it is said on exit.
    process.once('exit', () => {
      if (streamFailures.reported || error.code === 'EPIPE') return;
      streamFailures.reported = true;
      writeStderr(`liouville: ${new OutputStreamError(error).message}\n`);
    });
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    streamFailures.stderr ??= error;
    process.exitCode = Math.max(1, Number(process.exitCode ?? 0));
    process.stderr.destroy();
  });
}

function writeStderr(text: string): void {
  if (streamFailures.stderr !== undefined || process.stderr.destroyed) return;
  try {
    process.stderr.write(text);
  } catch {
    // Standard error is gone too: there is no one left to tell.
  }
}

function throwIfStdoutFailed(): void {
  const failure = streamFailures.stdout;
  if (failure === undefined) return;
  // The command stops here and main reports it; the 'error' listener must not report it again.
  streamFailures.reported = true;
  throw new OutputStreamError(failure);
}

/** Waits until process.stdout has drained (or failed, or closed), then lets pending I/O events run. */
function stdoutReady(): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = () => {
      process.stdout.off('drain', settle);
      process.stdout.off('close', settle);
      // setImmediate: a write error is delivered by an I/O callback or on the next tick, not as a microtask.
      setImmediate(() => {
        try {
          throwIfStdoutFailed();
          resolve();
        } catch (error) {
          reject(error);
        }
      });
    };
    if (process.stdout.writableNeedDrain && !process.stdout.destroyed) {
      process.stdout.once('drain', settle);
      process.stdout.once('close', settle);
    } else settle();
  });
}

/** The process's own streams, clock, folder and environment. */
export function nodeIO(): CliIO {
  listenForStreamErrors();
  return {
    stdout: (text) => {
      throwIfStdoutFailed();
      if (!process.stdout.destroyed) process.stdout.write(text);
    },
    stderr: writeStderr,
    stdoutReady,
    isTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns ?? 80,
    now: () => performance.now(),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** An IO that records everything written, for tests and for running commands from other code. */
export function memoryIO(overrides: Partial<CliIO> = {}): CliIO & { readonly out: string[]; readonly err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTTY: false,
    columns: 80,
    now: () => performance.now(),
    cwd: process.cwd(),
    env: process.env,
    ...overrides,
    out,
    err,
  };
}

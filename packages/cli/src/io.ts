/**
 * What a command may touch of the outside world besides files: its two output streams, whether
 * the error stream is a terminal (for the progress bar), the clock, the working folder and the
 * environment. `main` takes one, so tests run the command line in-process and read what it wrote.
 */
export interface CliIO {
  /** Writes to standard output (results, tables, CSV). */
  readonly stdout: (text: string) => void;
  /** Writes to standard error (progress, warnings, the one-line error message). */
  readonly stderr: (text: string) => void;
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

/** The process's own streams, clock, folder and environment. */
export function nodeIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
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

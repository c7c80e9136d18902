import { LiouvilleError } from '@liouville/linalg';

/** Exit status of a successful command. */
export const EXIT_OK = 0;
/** Exit status when something failed while running: a missing or corrupt file, an unwritable folder. */
export const EXIT_RUNTIME = 1;
/** Exit status for a command line that cannot be run as written: unknown command, flag or value. */
export const EXIT_USAGE = 2;

/** A command line that cannot be run as written; the message is one line, without the 'liouville:' prefix. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure while running a well-formed command (files, data, numerics). */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
}

/** The exit status for an error thrown by a command: usage 2, anything else 1. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? EXIT_USAGE : EXIT_RUNTIME;
}

/**
 * The single line printed on standard error for an error: `liouville: <message>`. Errors of the
 * library (typed, with messages naming the argument or file) and of the runtime are reported by
 * their message; an unexpected error adds its class name so a bug is recognisable as one.
 */
export function describeError(error: unknown): string {
  const known = error instanceof UsageError || error instanceof RuntimeError || error instanceof LiouvilleError;
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.split('\n')[0].trim();
  if (known) return `liouville: ${firstLine}`;
  const kind = error instanceof Error ? error.name : 'error';
  return `liouville: ${kind}: ${firstLine}`;
}

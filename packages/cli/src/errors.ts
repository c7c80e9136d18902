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

/** The reason of a failed system call in words, e.g. 'no space left on device' for ENOSPC. */
export function systemReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException | undefined;
  const words: Record<string, string> = {
    ENOTDIR: 'a file is in the way where a folder is needed',
    EEXIST: 'a file is in the way where a folder is needed',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOENT: 'no such file or folder',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EPIPE: 'the reader closed the pipe',
    EISDIR: 'it is a folder',
    ELOOP: 'too many levels of symbolic links',
    ENAMETOOLONG: 'the name is too long',
    EIO: 'input/output error',
  };
  const code = e?.code;
  if (code !== undefined && words[code] !== undefined) return words[code];
  return e?.message ?? String(error);
}

/**
 * Standard output failed: the reader closed the pipe (EPIPE, reported silently as Unix tools do)
 * or the device is full (ENOSPC) or broken. The command stops; exit status 1.
 */
export class OutputStreamError extends RuntimeError {
  override name = 'OutputStreamError';
  readonly code: string | undefined;
  constructor(cause: NodeJS.ErrnoException) {
    super(`cannot write to standard output: ${systemReason(cause)}${cause.code ? ` (${cause.code})` : ''}`);
    this.code = cause.code;
  }
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

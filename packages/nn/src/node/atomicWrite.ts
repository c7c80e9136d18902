import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ParamsFileError } from '../errors.js';

/** The file operations an atomic write needs; node:fs provides them (tests substitute failing ones). */
export interface AtomicFileSystem {
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
}

/** node:fs itself. */
export const nodeFileSystem: AtomicFileSystem = fs;

let counter = 0;

/** A temporary name in the target's folder, unique within this process (and created exclusively). */
function temporaryPath(target: string): string {
  counter += 1;
  return join(dirname(target), `.${basename(target)}.${process.pid}.${counter}.tmp`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Flushes the folder entry of the rename to disk; not every platform can open a folder, so failure is ignored. */
function fsyncFolder(folder: string, fsys: AtomicFileSystem): void {
  let fd: number | undefined;
  try {
    fd = fsys.openSync(folder, 'r');
    fsys.fsyncSync(fd);
  } catch {
    // Best effort: the data itself was already fsynced before the rename.
  } finally {
    if (fd !== undefined) fsys.closeSync(fd);
  }
}

/**
 * Refuses a target that exists and is not a regular file (after following links): renaming over a
 * FIFO, socket or device would replace the node itself (as root, even /dev/null), and a folder is
 * never the file meant.
 */
function refuseSpecialTarget(path: string, target: string): void {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(target);
  } catch {
    return; // Missing (the usual case) or unreadable: the write itself says what is wrong.
  }
  if (stats.isFile()) return;
  const kind = stats.isDirectory()
    ? 'a folder'
    : stats.isFIFO()
      ? 'a FIFO (named pipe)'
      : stats.isSocket()
        ? 'a socket'
        : 'a device';
  throw new ParamsFileError(path, `it is ${kind}, not a regular file; nothing was written`);
}

/**
 * Writes `bytes` to `path` so that a crash or error never leaves a partial file: write a temporary
 * file in the same folder (so the rename stays on one file system), fsync it, then rename it over
 * the target, which POSIX makes atomic (rename(2)). On any error the temporary file is removed, the
 * previous content of `path` is untouched, and a ParamsFileError names the path and the cause. A
 * folder, FIFO, socket or device at `path` is refused before anything is written.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, fsys: AtomicFileSystem = nodeFileSystem): void {
  const target = resolve(path);
  refuseSpecialTarget(path, target);
  const tmp = temporaryPath(target);
  let fd: number | undefined;
  try {
    fd = fsys.openSync(tmp, 'wx', 0o644);
  } catch (error) {
    throw new ParamsFileError(path, `cannot create a file in folder ${dirname(target)}: ${message(error)}`, {
      cause: error,
    });
  }
  try {
    let written = 0;
    while (written < bytes.length) written += fsys.writeSync(fd, bytes, written, bytes.length - written);
    fsys.fsyncSync(fd);
    const open = fd;
    fd = undefined;
    fsys.closeSync(open);
    fsys.renameSync(tmp, target);
  } catch (error) {
    if (fd !== undefined) {
      try {
        fsys.closeSync(fd);
      } catch {
        // Already failing: the original error is the one to report.
      }
    }
    try {
      fsys.unlinkSync(tmp);
    } catch {
      // The temporary file may not exist (e.g. the rename itself moved it); nothing else to undo.
    }
    throw new ParamsFileError(path, `write failed, previous file left unchanged: ${message(error)}`, { cause: error });
  }
  fsyncFolder(dirname(target), fsys);
}

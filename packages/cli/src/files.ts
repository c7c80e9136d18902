import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { RuntimeError } from './errors.js';

let counter = 0;

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'ENOTDIR' || e?.code === 'EEXIST') return 'a file is in the way where a folder is needed';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'ENOENT') return 'no such file or folder';
  if (e?.code === 'EROFS') return 'read-only file system';
  return e?.message ?? String(error);
}

/**
 * Writes `content` to `path` so that no reader ever sees a partial file: a temporary file in the
 * same folder, flushed, then renamed over the target (rename(2) is atomic on POSIX). On failure the
 * temporary file is removed and the previous content of `path`, if any, is untouched.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const target = resolve(path);
  counter += 1;
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${counter}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // Nothing to remove: the temporary file was never created or was already renamed.
    }
    throw new RuntimeError(`cannot write ${path}: ${reason(error)}`);
  }
}

/**
 * Makes sure `folder` exists and can be written to, creating it (and its parents) if needed, before
 * any long computation: a path under a file or a read-only folder fails here, with nothing written.
 */
export function ensureWritableFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new RuntimeError(`cannot create the output folder ${folder}: ${reason(error)}`);
  }
  counter += 1;
  const probe = join(folder, `.liouville-write-test.${process.pid}.${counter}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (error) {
    throw new RuntimeError(`cannot write in the output folder ${folder}: ${reason(error)}`);
  }
}

/**
 * Checks, without creating anything, that `folder` could be created and written to: its nearest
 * existing ancestor must be a writable folder. For failing fast before a long run whose outputs are
 * only written at its end.
 */
export function checkWritableFolder(folder: string): void {
  let path = resolve(folder);
  for (;;) {
    let isFolder: boolean | undefined;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      isFolder = undefined;
    }
    if (isFolder === false)
      throw new RuntimeError(
        `cannot create the output folder ${folder}: a file is in the way where a folder is needed`,
      );
    if (isFolder === true) break;
    if (dirname(path) === path) break;
    path = dirname(path);
  }
  try {
    accessSync(path, constants.W_OK);
  } catch (error) {
    throw new RuntimeError(`cannot write in the output folder ${folder}: ${reason(error)} (${path})`);
  }
}

/** Reads a UTF-8 text file, or a RuntimeError naming it. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new RuntimeError(`cannot read the ${what} ${path}: ${reason(error)}`);
  }
}

/** Reads and parses a JSON file, or a RuntimeError naming it (missing, unreadable, not JSON). */
export function readJsonFile(path: string, what: string): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RuntimeError(`the ${what} ${path} is not valid JSON (truncated or corrupt): ${(error as Error).message}`);
  }
}

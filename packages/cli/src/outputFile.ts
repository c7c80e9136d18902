import {
  type Stats,
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { RuntimeError, systemReason } from './errors.js';

/*
 * Where the command line writes its outputs, and how.
 *
 * - Every output is written atomically: a temporary file `.<name>.<pid>.<n>.tmp` in the target's
 *   folder (so the rename stays on one file system), flushed, then renamed over the target. A reader
 *   sees the old file or the whole new one, never a part.
 * - A symbolic link is written through: the file it points to is replaced atomically and the link
 *   stays a link (as editors save a linked file). A link to nothing is refused.
 * - A folder, a FIFO, a socket or a device as the output file is refused before any work: renaming
 *   over them would replace the node itself (and opening a FIFO would block until a reader comes).
 * - Folders are created one level at a time, each at most once, so a file system that refuses
 *   (procfs, sysfs) fails at once instead of looping.
 * - Temporary files of this naming left by a killed process (its pid no longer runs) are removed on
 *   the next write to the same target.
 */

let counter = 0;

/** What kind of node a path is, following links: missing, a folder, a regular file or something else. */
type NodeKind = 'missing' | 'folder' | 'file' | 'fifo' | 'socket' | 'device';

function kindOf(stats: Stats): NodeKind {
  if (stats.isDirectory()) return 'folder';
  if (stats.isFile()) return 'file';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  return 'device';
}

/** The kind of node at `path` (following links); ENOENT is 'missing', ENOTDIR a file in the way. */
function nodeKind(path: string): NodeKind {
  try {
    return kindOf(statSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    if (code === 'ENOTDIR') return 'file';
    throw error;
  }
}

const NOT_A_FILE: Record<Exclude<NodeKind, 'missing' | 'file'>, string> = {
  folder: 'a folder',
  fifo: 'a FIFO (named pipe)',
  socket: 'a socket',
  device: 'a device',
};

/**
 * The file an output path really designates, checked before any work: the path itself, or what a
 * symbolic link points to. A folder, FIFO, socket or device, or a link to nothing, is a
 * RuntimeError naming the path (the node is left as it is).
 */
export function outputTarget(path: string): string {
  const absolute = resolve(path);
  let target = absolute;
  let link: Stats | undefined;
  try {
    link = lstatSync(absolute);
  } catch {
    link = undefined; // Missing (or under a file): the folder checks say which.
  }
  if (link?.isSymbolicLink()) {
    try {
      target = realpathSync(absolute);
    } catch (error) {
      throw new RuntimeError(`cannot write ${path}: it is a symbolic link to nothing (${systemReason(error)})`);
    }
  }
  const kind = link === undefined ? 'missing' : nodeKind(target);
  if (kind !== 'missing' && kind !== 'file') {
    const advice = kind === 'device' ? '; to discard the output, redirect standard output instead' : '';
    throw new RuntimeError(`cannot write ${path}: it is ${NOT_A_FILE[kind]}, not a regular file${advice}`);
  }
  return target;
}

/** The nearest folder at or above `folder` that exists; a file in the way is a RuntimeError. */
function nearestExisting(folder: string, shown: string): string {
  let path = resolve(folder);
  for (;;) {
    const kind = nodeKind(path);
    if (kind === 'folder') return path;
    if (kind !== 'missing') {
      throw new RuntimeError(`cannot create the output folder ${shown}: a file is in the way where a folder is needed`);
    }
    const parent = dirname(path);
    if (parent === path) return path;
    path = parent;
  }
}

/** Creates an empty file in `folder` and removes it again: the only sure test that writing works there. */
function probeWrite(folder: string, shown: string): void {
  counter += 1;
  const probe = join(folder, `.liouville-write-test.${process.pid}.${counter}.tmp`);
  try {
    closeSync(openSync(probe, 'wx', 0o600));
    unlinkSync(probe);
  } catch (error) {
    const where = folder === resolve(shown) ? '' : ` (in ${folder})`;
    throw new RuntimeError(`cannot write in the output folder ${shown}: ${systemReason(error)}${where}`);
  }
}

/**
 * Checks, creating nothing, that `folder` could be created and written to: its nearest existing
 * ancestor must be a folder in which a file can really be created (a test file, removed at once).
 * For failing before a long run (training) whose outputs are written at its end.
 */
export function checkCanWriteIn(folder: string): void {
  probeWrite(nearestExisting(folder, folder), folder);
}

/**
 * Creates `folder` and its missing parents, one level at a time, each at most once (never a
 * recursive mkdir, which loops forever on file systems that refuse with ENOENT, such as procfs).
 */
export function createFolder(folder: string): void {
  const existing = nearestExisting(folder, folder);
  const missing: string[] = [];
  for (let path = resolve(folder); path !== existing; path = dirname(path)) missing.push(path);
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && nodeKind(path) === 'folder') continue;
      throw new RuntimeError(`cannot create the output folder ${folder}: ${systemReason(error)}`);
    }
  }
}

/** True unless `pid` is certainly not running (kill(pid, 0) says ESRCH). */
function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes the temporary files a killed writer of `target` left in its folder (`.<name>.<pid>.<n>.tmp`
 * and write tests `.liouville-write-test.<pid>.<n>.tmp` whose pid no longer runs). Best effort:
 * anything that cannot be listed or removed is left.
 */
export function removeStaleTemporaries(target: string): number {
  const pattern = new RegExp(`^\\.(?:${escapeRegExp(basename(target))}|liouville-write-test)\\.(\\d+)\\.(\\d+)\\.tmp$`);
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const match = pattern.exec(name);
    if (match === null || processRuns(Number(match[1]))) continue;
    try {
      unlinkSync(join(dirname(target), name));
      removed += 1;
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
  return removed;
}

/** The name of a new temporary file for `target`, in its folder, unique in this process. */
export function temporaryPathFor(target: string): string {
  counter += 1;
  return join(dirname(target), `.${basename(target)}.${process.pid}.${counter}.tmp`);
}

/** An output file being written: text appended in order, then committed (renamed into place) or aborted. */
export interface AtomicOutput {
  /** The file that `commit` replaces (a link's target for a symbolic link). */
  readonly target: string;
  write(text: string | Uint8Array): void;
  /** Flushes, renames the temporary file over the target; the output is then complete. */
  commit(): void;
  /** Removes the temporary file; the target keeps its previous content. Safe to call twice. */
  abort(): void;
}

/**
 * Starts writing `path` atomically, after the checks of `outputTarget` and with its folder created
 * and stale temporary files removed. `shown` is the path as the user wrote it, for messages.
 */
export function openAtomicOutput(path: string, shown = path): AtomicOutput {
  const target = outputTarget(path);
  createFolder(dirname(target));
  removeStaleTemporaries(target);
  const tmp = temporaryPathFor(target);
  let fd: number | undefined;
  const fail = (error: unknown): never => {
    abort();
    if (error instanceof RuntimeError) throw error;
    throw new RuntimeError(`cannot write ${shown}: ${systemReason(error)}`);
  };
  let open = false;
  const abort = () => {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Already failing: the first error is the one reported.
      }
      fd = undefined;
    }
    if (open) {
      open = false;
      try {
        unlinkSync(tmp);
      } catch {
        // Already renamed into place or removed.
      }
    }
  };
  try {
    fd = openSync(tmp, 'wx', existingMode(target) ?? 0o644);
    open = true;
  } catch (error) {
    fail(error);
  }
  return {
    target,
    write(text) {
      if (fd === undefined) throw new RuntimeError(`cannot write ${shown}: the output is already closed`);
      const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
      try {
        let written = 0;
        while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      } catch (error) {
        fail(error);
      }
    },
    commit() {
      if (fd === undefined) throw new RuntimeError(`cannot write ${shown}: the output is already closed`);
      try {
        const closing = fd;
        try {
          fsyncSync(closing);
        } finally {
          fd = undefined;
          closeSync(closing);
        }
        renameSync(tmp, target);
        open = false;
      } catch (error) {
        fail(error);
      }
      syncFolder(dirname(target));
    },
    abort,
  };
}

/** The permission bits of an existing file, so that replacing it keeps them. */
function existingMode(target: string): number | undefined {
  try {
    return statSync(target).mode & 0o777;
  } catch {
    return undefined;
  }
}

/** Flushes a folder's entries (the rename) to disk; not every platform can open a folder: best effort. */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // The data itself was flushed before the rename.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes a whole file atomically (see `openAtomicOutput`); a RuntimeError names the path on failure. */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const output = openAtomicOutput(path);
  output.write(content);
  output.commit();
}

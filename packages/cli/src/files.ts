import { readFileSync, statSync } from 'node:fs';
import { RuntimeError, systemReason } from './errors.js';

/**
 * Checks that `path` is a regular file before it is opened: reading a FIFO would wait forever for a
 * writer, and a device or folder is never the file meant. A missing file is left to the reader.
 */
export function checkRegularFile(path: string, what: string): void {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    return;
  }
  if (stats.isFile()) return;
  const kind = stats.isDirectory() ? 'a folder' : stats.isFIFO() ? 'a FIFO (named pipe)' : 'a device or socket';
  throw new RuntimeError(`cannot read the ${what} ${path}: it is ${kind}, not a regular file`);
}

/** Reads a UTF-8 text file, or a RuntimeError naming it. */
export function readTextFile(path: string, what: string): string {
  checkRegularFile(path, what);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new RuntimeError(`cannot read the ${what} ${path}: ${systemReason(error)}`);
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

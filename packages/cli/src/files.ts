import { readFileSync } from 'node:fs';
import { RuntimeError, systemReason } from './errors.js';

/** Reads a UTF-8 text file, or a RuntimeError naming it. */
export function readTextFile(path: string, what: string): string {
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

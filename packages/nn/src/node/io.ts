import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@liouville/linalg';
import { ParamsFileError } from '../errors.js';
import { type JsonValue, type LoadedParams, parseParams, serializeParams } from '../paramsFormat.js';
import type { ParamTree } from '../tree.js';
import { type AtomicFileSystem, nodeFileSystem, writeFileAtomic } from './atomicWrite.js';

function checkPath(operation: string, path: string): void {
  if (typeof path !== 'string' || path.length === 0)
    throw new InvalidArgumentError(`${operation}: path`, 'a non-empty file path', path);
}

/**
 * Saves a tree of tensors and optional JSON metadata to `path` in the versioned format of
 * `serializeParams` (bit-exact for float64 and float32). The write is atomic (temporary file,
 * fsync, rename), so a failure leaves any previous file at `path` intact; errors are ParamsFileError.
 * `fileSystem` replaces node:fs, for testing failure handling.
 */
export function saveParams(
  path: string,
  params: ParamTree,
  meta?: JsonValue,
  fileSystem: AtomicFileSystem = nodeFileSystem,
): void {
  checkPath('saveParams', path);
  const text = serializeParams(params, meta);
  writeFileAtomic(path, new TextEncoder().encode(text), fileSystem);
}

/**
 * Loads a file written by `saveParams`. A missing, unreadable, truncated, corrupt (checksum,
 * lengths) or other-version file throws ParamsFileError naming the path and the problem.
 */
export function loadParams<P extends ParamTree = ParamTree>(path: string): LoadedParams<P> {
  checkPath('loadParams', path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ParamsFileError(path, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  return parseParams<P>(bytes, path);
}

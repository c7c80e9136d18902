import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataFileError } from '../data/DataFileError.js';
import type { Dataset, DatasetOptions } from '../data/Dataset.js';
import { parsePendulumReference, parseSpringReference } from '../data/oscillatorReference.js';
import { parseRealPendulum, parseRealPendulumRaw } from '../data/realPendulum.js';
import { type ReferenceFileName, checkReferenceFile } from '../data/referenceManifest.js';
import { parseTwoBodyReference } from '../data/twoBodyReference.js';
import { referenceDataDir } from './referenceDataDir.js';

/** The bytes of a data file, or a DataFileError saying it is missing, a folder or unreadable. */
export function readDataFile(path: string): Uint8Array {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new DataFileError(path, '', 'file not found (expected a data file here)');
  }
  if (!isFile) throw new DataFileError(path, '', 'expected a file, found a folder or special file');
  try {
    return readFileSync(path);
  } catch (error) {
    throw new DataFileError(path, '', `cannot be read: ${(error as Error).message}`);
  }
}

/**
 * Checks the bytes of reference file `file`, read from `path`, against the manifest (row count,
 * size, SHA-256 by node:crypto): a DataFileError naming the path, the expected and the actual values otherwise.
 */
export function verifyReferenceBytes(file: ReferenceFileName, bytes: Uint8Array, path: string): void {
  checkReferenceFile(file, bytes, createHash('sha256').update(bytes).digest('hex'), path);
}

/**
 * The bytes of one file of the HNN reference data from `referenceDataDir()`, after checking them
 * against the manifest (REFERENCE_MANIFEST, MANIFEST.json): a modified, truncated or replaced
 * copy is a DataFileError, never silently different data.
 */
export function readReferenceFile(file: ReferenceFileName): { path: string; bytes: Uint8Array } {
  const path = join(referenceDataDir(), file);
  const bytes = readDataFile(path);
  verifyReferenceBytes(file, bytes, path);
  return { path, bytes };
}

/** The verified reference file `file`, or the caller's own file at `path` (parsed strictly, not compared with the manifest). */
function readEither(file: ReferenceFileName, path: string | undefined): { path: string; bytes: Uint8Array } {
  return path === undefined ? readReferenceFile(file) : { path, bytes: readDataFile(path) };
}

/**
 * The exact mass-spring dataset the HNN reference trained on (`parseSpringReference`), from
 * spring_dataset_seed0.csv in `referenceDataDir()`, checked against the manifest; or from a file
 * of the same layout at `path`.
 */
export function loadSpringReference(path?: string, options: DatasetOptions = {}): Dataset {
  const { path: file, bytes } = readEither('spring_dataset_seed0.csv', path);
  return parseSpringReference(bytes, { ...options, file });
}

/**
 * The exact pendulum dataset the HNN reference trained on (`parsePendulumReference`), from
 * pend_dataset_seed0.csv in `referenceDataDir()`, checked against the manifest; or from `path`.
 */
export function loadPendulumReference(path?: string, options: DatasetOptions = {}): Dataset {
  const { path: file, bytes } = readEither('pend_dataset_seed0.csv', path);
  return parsePendulumReference(bytes, { ...options, file });
}

/**
 * The measured real pendulum as the reference trained on it (`parseRealPendulum`), from
 * real_pend_processed.csv in `referenceDataDir()`, checked against the manifest; or from `path`.
 */
export function loadRealPendulum(path?: string, options: DatasetOptions = {}): Dataset {
  const { path: file, bytes } = readEither('real_pend_processed.csv', path);
  return parseRealPendulum(bytes, { ...options, file });
}

/**
 * The real pendulum rebuilt from the raw Schmidt & Lipson measurements (`parseRealPendulumRaw`),
 * from real_pend_h_1.txt in `referenceDataDir()`, checked against the manifest; or from `path`.
 */
export function loadRealPendulumRaw(path?: string, options: DatasetOptions = {}): Dataset {
  const { path: file, bytes } = readEither('real_pend_h_1.txt', path);
  return parseRealPendulumRaw(bytes, { ...options, file });
}

/** Paths of the two two-body files; each defaults to the checked reference file in `referenceDataDir()`. */
export interface TwoBodyReferencePaths {
  readonly train?: string;
  readonly test?: string;
}

/**
 * The exact two-body dataset the HNN reference trained on (`parseTwoBodyReference`), from
 * 2body_train.f32 and 2body_test.f32 in `referenceDataDir()`, checked against the manifest; or
 * from the files at `paths`.
 */
export function loadTwoBodyReference(paths: TwoBodyReferencePaths = {}, options: DatasetOptions = {}): Dataset {
  const test = readEither('2body_test.f32', paths.test);
  const train = readEither('2body_train.f32', paths.train);
  return parseTwoBodyReference(
    { train: train.bytes, test: test.bytes, files: { train: train.path, test: test.path } },
    options,
  );
}

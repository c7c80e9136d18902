import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFileError } from './DataFileError.js';

/** The environment variable that names the folder of the HNN reference data. */
export const REFERENCE_DATA_ENV = 'LIOUVILLE_REFERENCE_DATA';

const isFolder = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The nearest folder at or above `start` that holds pnpm-workspace.yaml (the repository root). */
function workspaceRoot(start: string): string | undefined {
  let folder = resolve(start);
  for (;;) {
    if (existsSync(join(folder, 'pnpm-workspace.yaml'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/**
 * The folder of the datasets produced by the HNN reference code (greydanus/hamiltonian-nn, see
 * PROVENANCE.md there): the environment variable LIOUVILLE_REFERENCE_DATA when set, otherwise
 * `<repository root>/../shared/data/hnn-reference`, the repository root being the folder with
 * pnpm-workspace.yaml above the working directory or above this module. Throws a DataFileError
 * saying where it looked when the folder does not exist.
 */
export function referenceDataDir(): string {
  const fromEnv = process.env[REFERENCE_DATA_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (isFolder(fromEnv)) return resolve(fromEnv);
    throw new DataFileError(fromEnv, '', `${REFERENCE_DATA_ENV} is set to this path, which is not an existing folder`);
  }
  const starts = [process.cwd(), dirname(fileURLToPath(import.meta.url))];
  const tried: string[] = [];
  for (const start of starts) {
    const root = workspaceRoot(start);
    const candidate = root === undefined ? undefined : resolve(root, '..', 'shared', 'data', 'hnn-reference');
    if (candidate !== undefined && !tried.includes(candidate)) tried.push(candidate);
    if (candidate !== undefined && isFolder(candidate)) return candidate;
  }
  const looked = tried.length > 0 ? tried.join(' and ') : `no pnpm-workspace.yaml above ${starts.join(' or ')}`;
  throw new DataFileError(
    tried[0] ?? starts[0],
    '',
    `the HNN reference data folder was not found (looked in: ${looked}); set the environment variable ${REFERENCE_DATA_ENV} to the folder that holds spring_dataset_seed0.csv and the other reference files`,
  );
}

import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFileError } from '../data/DataFileError.js';

/** The environment variable that names another folder of the HNN reference data. */
export const REFERENCE_DATA_ENV = 'LIOUVILLE_REFERENCE_DATA';

/** The package whose folder holds data/hnn-reference. */
const PACKAGE_NAME = '@liouville/hamiltonian';

const isFolder = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The `name` of the package.json at `path`, or undefined when there is none or it is not JSON. */
function packageName(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))?.name;
  } catch {
    return undefined;
  }
}

/**
 * The nearest folder at or above `start` whose package.json is named @liouville/hamiltonian: the
 * package's own folder, from src/node (the workspace) as from dist/node (an installed package).
 */
export function packageRoot(start: string): string | undefined {
  let folder = resolve(start);
  for (;;) {
    if (packageName(join(folder, 'package.json')) === PACKAGE_NAME) return folder;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/**
 * The reference data folder that ships with the package, found from the folder of a module of the
 * package (`from`); a DataFileError saying where it looked when it is missing.
 */
export function bundledReferenceDataDir(from: string): string {
  const root = packageRoot(from);
  const folder = root === undefined ? undefined : join(root, 'data', 'hnn-reference');
  if (folder !== undefined && isFolder(folder)) return folder;
  const looked =
    folder === undefined ? `no package.json named ${PACKAGE_NAME} at or above ${resolve(from)}` : `looked in ${folder}`;
  throw new DataFileError(
    folder ?? resolve(from),
    '',
    `the HNN reference data folder that ships with ${PACKAGE_NAME} was not found (${looked}); set the environment variable ${REFERENCE_DATA_ENV} to the folder that holds spring_dataset_seed0.csv and the other reference files`,
  );
}

/**
 * The folder of the datasets produced by the HNN reference code (greydanus/hamiltonian-nn, see
 * PROVENANCE.md there): the folder named by the environment variable LIOUVILLE_REFERENCE_DATA
 * when set, otherwise data/hnn-reference inside this package (in the repository and in an
 * installed copy alike). Throws a DataFileError saying where it looked when the folder does not exist.
 */
export function referenceDataDir(): string {
  const fromEnv = process.env[REFERENCE_DATA_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (isFolder(fromEnv)) return resolve(fromEnv);
    throw new DataFileError(fromEnv, '', `${REFERENCE_DATA_ENV} is set to this path, which is not an existing folder`);
  }
  return bundledReferenceDataDir(dirname(fileURLToPath(import.meta.url)));
}

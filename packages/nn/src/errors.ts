import { LiouvilleError } from '@liouville/linalg';

/** A parameter file that cannot be read or written: missing, corrupt, truncated, of another version, or an unwritable folder. */
export class ParamsFileError extends LiouvilleError {
  override name = 'ParamsFileError';
  constructor(
    /** The file concerned. */
    readonly path: string,
    /** What is wrong with it. */
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`parameter file ${path}: ${problem}`, options);
  }
}

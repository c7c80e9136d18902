import { LiouvilleError } from '@liouville/linalg';

/**
 * A data file that is missing, unreadable or malformed. The message names the file, where in it
 * the problem is (a line and column of a text file, a byte offset of a binary one) and what was
 * expected there, so a corrupt copy can be found and replaced.
 */
export class DataFileError extends LiouvilleError {
  override name = 'DataFileError';
  constructor(
    /** The file (or folder) concerned. */
    readonly path: string,
    /** Where in the file, e.g. 'line 12, column 5' or 'byte 680000'; empty for the whole file. */
    readonly location: string,
    /** What was wrong: what was expected and what was found. */
    readonly problem: string,
  ) {
    super(`${path}${location === '' ? '' : ` (${location})`}: ${problem}`);
  }
}

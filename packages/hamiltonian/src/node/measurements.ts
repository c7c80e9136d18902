import type { Dataset } from '../data/Dataset.js';
import { type MeasuredDataOptions, parseMeasurements } from '../data/measured/measuredDataset.js';
import type { MeasurementTableOptions } from '../data/measured/table.js';
import { readDataFile } from './referenceFiles.js';

/**
 * A dataset from a file of your own measurements (see `parseMeasurements` of the main entry):
 * a missing or malformed file is a DataFileError naming it, the line and the column.
 */
export function loadMeasurements(
  path: string,
  options: MeasuredDataOptions & Omit<MeasurementTableOptions, 'file'>,
): Dataset {
  return parseMeasurements(readDataFile(path), { ...options, file: path });
}

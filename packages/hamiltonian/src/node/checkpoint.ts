import type { TrainCheckpoint } from '../learned/train.js';
import { saveParams } from '@liouville/nn/node';

/** A `train` checkpoint that writes the parameters atomically to the parameter file `path` every `every` steps and at the end. */
export function fileCheckpoint(path: string, every: number): TrainCheckpoint {
  return { every, save: (params, meta) => saveParams(path, params, meta) };
}

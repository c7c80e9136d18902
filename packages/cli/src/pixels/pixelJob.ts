import { join } from 'node:path';
import {
  type Estimate,
  type PixelParamTree,
  decodeLaterFrames,
  inFloat64,
  pixelEnergyMse,
  pixelModel,
  pixelPendulumDataset,
  pixelSplitLoss,
  trainPixelModel,
} from '@liouville/hamiltonian';
import type { JsonValue, ParamTree } from '@liouville/nn';
import { saveParams } from '@liouville/nn/node';
import type { CliIO } from '../io.js';
import { progressLine } from '../progress.js';

/** One model of the pixel pendulum to train, save and evaluate: all a worker thread needs. */
export interface PixelJob {
  readonly task: 'pixels';
  readonly kind: 'hnn' | 'baseline';
  readonly seed: number;
  /** Adam steps (the reference's 10 000 when absent). */
  readonly steps?: number;
  /** Trials of the dataset (the reference's 200 when absent; fewer for quick runs and tests). */
  readonly trials?: number;
  readonly evalTrajectories: number;
  /** Frames of the animation of predicted against true frames. */
  readonly animationFrames: number;
  readonly out: string;
}

/** What one trained pixel model measured, as plain JSON. */
export interface PixelModelResult {
  readonly kind: 'hnn' | 'baseline';
  readonly seed: number;
  readonly status: 'completed' | 'diverged';
  readonly message: string;
  readonly stepsDone: number;
  readonly trainSeconds: number;
  readonly msPerStep: number;
  readonly trainLoss: Estimate;
  readonly testLoss: Estimate;
  readonly energyMse: Estimate & { readonly perTrajectory: number[] };
  readonly coordinateMap: number[][];
  readonly history: { step: number[]; train: number[]; testStep: number[]; test: number[] };
  readonly paramsFile: string;
  /** The first test trajectory: its encoded latents, the model's latent rollout, and energies along it. */
  readonly example: { trueLatents: number[][]; rollout: number[][]; trueEnergy: number[]; energy: number[] };
  /** The later frame of each row of that trajectory, and the frame decoded from the rollout, [T][784]. */
  readonly frames: { readonly truth: number[][]; readonly predicted: number[][] };
}

/** The parameter file of a pixel model, relative to the output folder. */
export function pixelParamsFile(kind: string, seed: number): string {
  return join('params', `pixels-seed${seed}-${kind}.params.json`);
}

/** The training curve thinned to about 200 points (every step is in the history, but JSON need not hold 10 000). */
function thinned(values: readonly number[]): { step: number[]; value: number[] } {
  const every = Math.max(1, Math.round(values.length / 200));
  const step: number[] = [];
  for (let s = every; s <= values.length; s += every) step.push(s);
  return { step, value: step.map((s) => values[s - 1]) };
}

/**
 * Generates the seed's frames, trains the model as the reference does, saves its parameters and
 * measures it: losses on both whole splits, the energy error of latent rollouts, and the frames
 * of the first test trajectory decoded from the latent rollout. Same job, same bits.
 */
export function runPixelJob(io: CliIO, job: PixelJob): PixelModelResult {
  const data = pixelPendulumDataset({ seed: job.seed, trials: job.trials });
  const model = pixelModel({ kind: job.kind });
  const label = `pixels ${job.kind} seed ${job.seed}`;
  const steps = job.steps ?? 10_000;
  const progress = progressLine(io, label, steps);
  const started = io.now();
  const run = trainPixelModel({
    model,
    data,
    steps,
    seed: job.seed,
    onStep: (p) => progress.update(p.step, p.trainLoss),
  });
  const trainSeconds = (io.now() - started) / 1000;
  const params = run.params;
  const paramsFile = pixelParamsFile(job.kind, job.seed);
  const trainLoss = pixelSplitLoss(model, params, data, data.train);
  const testLoss = pixelSplitLoss(model, params, data, data.test);
  const energy = pixelEnergyMse(model, params, data, { trajectories: job.evalTrajectories });
  saveParams(join(job.out, paramsFile), params as unknown as ParamTree, pixelMeta(job, run, trainLoss, testLoss));
  progress.done(
    `${run.status}: test loss ${testLoss.mean.toExponential(3)}, energy MSE ${energy.mse.mean.toExponential(3)}`,
  );
  const curve = thinned(run.history.trainLoss);
  return {
    kind: job.kind,
    seed: job.seed,
    status: run.status,
    message: run.message,
    stepsDone: run.stepsDone,
    trainSeconds,
    msPerStep: run.stepsDone > 0 ? (1000 * trainSeconds) / run.stepsDone : Number.NaN,
    trainLoss,
    testLoss,
    energyMse: { ...energy.mse, perTrajectory: energy.perTrajectory },
    coordinateMap: energy.coordinateMap,
    history: { step: curve.step, train: curve.value, testStep: run.history.testStep, test: run.history.testLoss },
    paramsFile,
    example: energy.example,
    frames: animationFrames(model, params, data, energy.example.rollout, job.animationFrames),
  };
}

/** The true later frames of the first test trajectory's rows and those decoded from the rollout. */
function animationFrames(
  model: ReturnType<typeof pixelModel>,
  params: PixelParamTree,
  data: ReturnType<typeof pixelPendulumDataset>,
  rollout: readonly number[][],
  count: number,
): PixelModelResult['frames'] {
  const T = Math.min(count, rollout.length);
  const wide = inFloat64(model, params);
  const decoded = decodeLaterFrames(wide.model, wide.params, rollout.slice(0, T));
  const n = data.framePixels;
  const truth = Array.from({ length: T }, (_, t) => {
    const first = (data.test[t] % data.rowsPerTrial) + 2 + Math.floor(data.test[t] / data.rowsPerTrial) * data.steps;
    return Array.from(data.frames.subarray(first * n, (first + 1) * n));
  });
  const predicted = Array.from({ length: T }, (_, t) => Array.from(decoded.data.subarray(t * n, (t + 1) * n)));
  return { truth, predicted };
}

function pixelMeta(
  job: PixelJob,
  run: ReturnType<typeof trainPixelModel>,
  trainLoss: Estimate,
  testLoss: Estimate,
): JsonValue {
  return {
    format: 'liouville-pixel-model',
    version: 1,
    task: 'pixels',
    model: job.kind,
    architecture: {
      inputDim: 2 * 28 * 28,
      hiddenDim: 200,
      latentDim: 2,
      autoencoderActivation: 'relu',
      dtype: 'float32',
    },
    hyperparameters: {
      optimiser: 'adam',
      learningRate: 1e-3,
      weightDecay: 1e-5,
      batchSize: 200,
      steps: job.steps ?? 10_000,
    },
    seed: job.seed,
    trials: job.trials ?? 200,
    stepsDone: run.stepsDone,
    status: run.status,
    finalTrainLoss: trainLoss.mean,
    finalTestLoss: testLoss.mean,
  };
}

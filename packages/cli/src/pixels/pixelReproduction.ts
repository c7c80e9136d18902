import { join } from 'node:path';
import { environmentInfo } from '../environment.js';
import type { CliIO } from '../io.js';
import { runJobsInWorkers } from '../jobs/pool.js';
import { createFolder, writeFileAtomic } from '../outputFile.js';
import { type PixelPair, pixelFigures } from './pixelFigures.js';
import { type PixelJob, type PixelModelResult, runPixelJob } from './pixelJob.js';

/** Table 1 of the HNN paper, pixel pendulum row: test loss and energy MSE. */
export const PIXELS_PAPER = {
  baseline: { testLoss: 1.73e-4, energy: 9.3e-3 },
  hnn: { testLoss: 1.85e-4, energy: 1.5e-4 },
} as const;

/** What a pixel-pendulum reproduction runs. */
export interface PixelRunOptions {
  readonly out: string;
  readonly seed: number;
  /** Adam steps (the reference's 10 000 when absent). */
  readonly steps?: number;
  /** Trials of the dataset (the reference's 200 when absent). */
  readonly trials?: number;
  readonly evalTrajectories: number;
  /** Models trained at once, each on its own thread (1: in this thread). */
  readonly jobs: number;
  /** Frames of the animation (default 60: three seconds). */
  readonly animationFrames?: number;
}

/** The results file of a pixel run: every figure, the hyperparameters and the environment. */
export interface PixelResults {
  readonly format: 'liouville-pixels-results';
  readonly version: 1;
  readonly options: Omit<PixelRunOptions, 'out'>;
  readonly paper: typeof PIXELS_PAPER;
  readonly models: Record<string, Omit<PixelModelResult, 'frames'>>;
  readonly files: string[];
  readonly environment: unknown;
}

const sci = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : '—');

/** The table of a run beside the paper's Table 1. */
export function pixelTable(pair: PixelPair, steps: number): string {
  const lines = [
    `Pixel pendulum (Table 1, last row), ${steps} steps${steps === 10_000 ? '' : ' — not the reference’s 10 000: not comparable with the paper'}`,
    'model     test loss: ours (± s.e.) / paper        energy MSE: ours (± s.e.) / paper',
  ];
  for (const kind of ['baseline', 'hnn'] as const) {
    const r = pair[kind];
    if (r === undefined) continue;
    const loss = `${sci(r.testLoss.mean)} ± ${sci(r.testLoss.error)} / ${sci(PIXELS_PAPER[kind].testLoss)}`;
    const energy = `${sci(r.energyMse.mean)} ± ${sci(r.energyMse.error)} / ${sci(PIXELS_PAPER[kind].energy)}`;
    lines.push(`${(kind === 'hnn' ? 'HNN' : kind).padEnd(10)}${loss.padEnd(40)}${energy}`);
  }
  lines.push(
    'test loss: the reference’s loss (reconstruction + canonical-coordinate + 0.1 × latent step) over every test row; energy MSE: H = p² + (15/8)(1 − cos q) along latent rollouts of test trajectories, mapped to (θ, θ̇/4) by an affine fit (our protocol; see the README).',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * The pixel pendulum of Table 1: trains the baseline and the HNN (side by side on two threads
 * when `jobs` ≥ 2, the same bits either way), writes their parameters, pixels.json, the latent
 * phase portrait, the energy figure and the animation of predicted against true frames, and
 * returns the table.
 */
export async function reproducePixels(io: CliIO, o: PixelRunOptions): Promise<string> {
  createFolder(join(o.out, 'params'));
  const jobs: PixelJob[] = (['baseline', 'hnn'] as const).map((kind) => ({
    task: 'pixels',
    kind,
    seed: o.seed,
    steps: o.steps,
    trials: o.trials,
    evalTrajectories: o.evalTrajectories,
    animationFrames: o.animationFrames ?? 60,
    out: o.out,
  }));
  const results = o.jobs >= 2 ? await runJobsInWorkers(io, jobs, 2) : jobs.map((job) => runPixelJob(io, job));
  const pair: PixelPair = { baseline: results[0], hnn: results[1] };
  const figures = await pixelFigures(pair);
  for (const [name, content] of Object.entries(figures)) writeFileAtomic(join(o.out, name), content);
  const { out: _out, ...options } = o;
  const models = Object.fromEntries(results.map(({ frames: _frames, ...r }) => [r.kind, r]));
  const file: PixelResults = {
    format: 'liouville-pixels-results',
    version: 1,
    options,
    paper: PIXELS_PAPER,
    models,
    files: [...Object.keys(figures), ...results.map((r) => r.paramsFile)],
    environment: environmentInfo(io.cwd),
  };
  writeFileAtomic(join(o.out, 'pixels.json'), `${JSON.stringify(file, null, 1)}\n`);
  return pixelTable(pair, o.steps ?? 10_000);
}

import type { LiouvilleRequest } from './liouville.js';
import type { SystemId } from './systems.js';
import type { TrainingConfig } from './training.js';

/** Messages between the page and its worker: the page asks, the worker computes and reports. */

/** The page asks the worker to train, stop, roll out or run the Liouville panel. */
export type Request =
  | { readonly type: 'train'; readonly system: SystemId; readonly steps: number; readonly config: TrainingConfig }
  | { readonly type: 'stop' }
  | { readonly type: 'rollout'; readonly method: string; readonly dt: number; readonly steps: number }
  | { readonly type: 'liouville'; readonly system: SystemId; readonly request: LiouvilleRequest };

/** Loss curves so far (full arrays: a few hundred numbers per message). */
export interface ProgressReport {
  readonly type: 'progress';
  readonly system: SystemId;
  readonly step: number;
  readonly steps: number;
  readonly elapsedMs: number;
  readonly hnnLoss: number[];
  readonly baselineLoss: number[];
  /** Test losses every `evalEvery` steps, at steps testSteps. */
  readonly testSteps: number[];
  readonly hnnTestLoss: number[];
  readonly baselineTestLoss: number[];
  readonly done: boolean;
}

/** The true and learned H on the portrait grid (see portrait.ts), with the data points on the plane. */
export interface PortraitReport {
  readonly type: 'portrait';
  readonly system: SystemId;
  readonly step: number;
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly trueH: Float64Array;
  readonly learnedH: Float64Array;
  readonly levels: number[];
  /** Training points projected on the plane; empty for a slice of a 4-D phase space. */
  readonly dataX: Float64Array;
  readonly dataY: Float64Array;
}

/** One rolled-out trajectory: its true energy and its path projected on the portrait plane. */
export interface RolloutCurve {
  readonly label: string;
  readonly method: string;
  readonly energy: Float64Array;
  readonly planeX: Float64Array;
  readonly planeY: Float64Array;
  readonly stopped?: string;
}

/** The energy rollouts of the true system, the HNN and the baseline. */
export interface RolloutReport {
  readonly type: 'rollout';
  readonly system: SystemId;
  readonly dt: number;
  readonly curves: RolloutCurve[];
  readonly elapsedMs: number;
}

/** The Liouville panel's result: the system used and each method's area ratios and snapshots. */
export interface LiouvilleReport {
  readonly type: 'liouville';
  readonly systemName: string;
  readonly dt: number;
  readonly evolutions: {
    readonly method: string;
    readonly symplectic: boolean;
    readonly areaRatio: Float64Array;
    readonly snapshots: { readonly step: number; readonly q: Float64Array; readonly p: Float64Array }[];
  }[];
  readonly elapsedMs: number;
}

/** Everything the worker sends. */
export type Report =
  | ProgressReport
  | PortraitReport
  | RolloutReport
  | LiouvilleReport
  | { readonly type: 'error'; readonly message: string };

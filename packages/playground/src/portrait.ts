import { primalTensor } from '@liouville/ad';
import type { HnnModel } from '@liouville/hamiltonian';
import { Tensor } from '@liouville/linalg';
import type { MlpParams } from '@liouville/nn';
import { type SystemChoice, trueEnergy } from './systems.js';

/** H on a grid over the portrait plane: values[j·nx + i] at (xs[i], ys[j]). */
export interface EnergyGrid {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly trueH: Float64Array;
  /** The learned H_θ shifted by the constant that best matches the true H on the grid. */
  readonly learnedH: Float64Array;
  /** The shift added to H_θ (the network learns H only up to a constant). */
  readonly offset: number;
  /** Contour levels, shared by both fields. */
  readonly levels: number[];
}

function axis(range: readonly [number, number], n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => range[0] + ((range[1] - range[0]) * i) / (n - 1));
}

/** The phase-space points of the grid, rows [nx·ny, 2·dim], with the off-plane coordinates at the plane's base. */
export function gridPoints(choice: SystemChoice, xs: Float64Array, ys: Float64Array): Tensor {
  const { plane } = choice;
  const width = plane.base.length;
  const rows = new Float64Array(xs.length * ys.length * width);
  for (let j = 0; j < ys.length; j++) {
    for (let i = 0; i < xs.length; i++) {
      const offset = (j * xs.length + i) * width;
      rows.set(plane.base, offset);
      rows[offset + plane.xAxis] = xs[i];
      rows[offset + plane.yAxis] = ys[j];
    }
  }
  return new Tensor(rows, [xs.length * ys.length, width]);
}

/** Evenly spaced levels between two quantiles of the values (outliers near singularities don't set the range). */
export function contourLevels(values: Float64Array, count: number, lowQuantile = 0.02, highQuantile = 0.9): number[] {
  const sorted = Float64Array.from(values).sort();
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
  const [low, high] = [at(lowQuantile), at(highQuantile)];
  return Array.from({ length: count }, (_, k) => low + ((high - low) * (k + 0.5)) / count);
}

/**
 * The true H and the learned H_θ on an n×n grid over the portrait plane. H_θ is fixed only up to
 * an additive constant (the loss sees its gradient), so it is shifted by the least-squares
 * constant, the mean of H − H_θ over the grid, before both are contoured at the same levels.
 */
export function energyGrid(choice: SystemChoice, model: HnnModel, params: MlpParams, n = 61, levels = 12): EnergyGrid {
  const xs = axis(choice.plane.xRange, n);
  const ys = axis(choice.plane.yRange, n);
  const points = gridPoints(choice, xs, ys);
  const trueH = trueEnergy(choice, points);
  const raw = primalTensor(model.hamiltonian(params, points)).data;
  let offset = 0;
  for (let k = 0; k < raw.length; k++) offset += trueH[k] - raw[k];
  offset /= raw.length;
  const learnedH = Float64Array.from(raw, (h) => h + offset);
  return { xs, ys, trueH, learnedH, offset, levels: contourLevels(trueH, levels) };
}

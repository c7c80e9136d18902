import type { TopLevelSpec } from 'vega-lite';

/**
 * Vega-Lite specifications of the reproduction's figures (Satyanarayan et al., "Vega-Lite: A
 * Grammar of Interactive Graphics", IEEE TVCG 2017). Each takes plain rows and returns a spec;
 * rendering to SVG is in render.ts.
 */

/** Colours shared by all figures: truth black, baseline red, HNN blue (the reference's choice). */
export const COLOURS = {
  truth: '#222222',
  baseline: '#d62728',
  hnn: '#1f77b4',
  hnnSymplectic: '#17becf',
  trueLevels: '#9a9a9a',
  learnedLevels: '#6baed6',
} as const;

/** A legend entry: its label, colour, dash pattern and line width. */
export interface SeriesStyle {
  readonly name: string;
  readonly colour: string;
  readonly dash?: readonly number[];
  readonly width?: number;
}

/** Colour, dash and width scales over a fixed list of series, so legends list them in that order. */
function seriesEncoding(series: readonly SeriesStyle[], legendColumns: number) {
  const domain = series.map((s) => s.name);
  return {
    color: {
      field: 'series',
      type: 'nominal' as const,
      scale: { domain, range: series.map((s) => s.colour) },
      legend: {
        title: null,
        orient: 'bottom' as const,
        columns: legendColumns,
        symbolStrokeWidth: 2.5,
        labelLimit: 260,
      },
    },
    strokeDash: {
      field: 'series',
      type: 'nominal' as const,
      scale: { domain, range: series.map((s) => [...(s.dash ?? [1, 0])]) },
    },
    strokeWidth: {
      field: 'series',
      type: 'nominal' as const,
      scale: { domain, range: series.map((s) => s.width ?? 2) },
      legend: null,
    },
  };
}

/** Training curves: loss against step on a log scale, colour = model, dash = train or test split. */
export function lossCurvesSpec(
  title: string,
  rows: readonly { step: number; loss: number; model: string; split: string }[],
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'mean squared error of dx/dt over each split; test loss every few steps' },
    width: 520,
    height: 320,
    data: { values: [...rows] },
    mark: { type: 'line', clip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'training step' },
      y: { field: 'loss', type: 'quantitative', title: 'loss (log scale)', scale: { type: 'log' } },
      color: {
        field: 'model',
        type: 'nominal',
        scale: { domain: ['baseline', 'HNN'], range: [COLOURS.baseline, COLOURS.hnn] },
        legend: { title: 'model', orient: 'right' },
      },
      strokeDash: {
        field: 'split',
        type: 'nominal',
        scale: {
          domain: ['train', 'test'],
          range: [
            [1, 0],
            [5, 3],
          ],
        },
        legend: { title: 'split', orient: 'right' },
      },
    },
  };
}

/** Lines in the (q, p) plane: level sets and trajectories, each path drawn in the order of `i`. */
export function phasePortraitSpec(
  title: string,
  subtitle: string,
  rows: readonly { series: string; path: string; i: number; q: number; p: number }[],
  series: readonly SeriesStyle[],
  domain: { q: [number, number]; p: [number, number] },
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    width: 420,
    height: 420,
    data: { values: [...rows] },
    mark: { type: 'line', clip: true, strokeCap: 'round' },
    encoding: {
      x: { field: 'q', type: 'quantitative', title: 'q', scale: { domain: domain.q, nice: false } },
      y: { field: 'p', type: 'quantitative', title: 'p', scale: { domain: domain.p, nice: false } },
      order: { field: 'i', type: 'quantitative' },
      detail: { field: 'path', type: 'nominal' },
      ...seriesEncoding(series, 3),
    },
  };
}

/** Energy against time for each series. */
export function energySpec(
  title: string,
  subtitle: string,
  yTitle: string,
  rows: readonly { series: string; t: number; energy: number }[],
  series: readonly SeriesStyle[],
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    width: 520,
    height: 300,
    data: { values: [...rows] },
    mark: { type: 'line', clip: true },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time t' },
      y: { field: 'energy', type: 'quantitative', title: yTitle, scale: { zero: false } },
      order: { field: 't', type: 'quantitative' },
      ...seriesEncoding(series, 2),
    },
  };
}

/** Orbits in the plane: one path per body and series, equal scales on both axes. */
export function orbitsSpec(
  title: string,
  subtitle: string,
  rows: readonly { series: string; path: string; i: number; x: number; y: number }[],
  series: readonly SeriesStyle[],
  extent: number,
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    width: 420,
    height: 420,
    data: { values: [...rows] },
    mark: { type: 'line', clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'x', scale: { domain: [-extent, extent], nice: false } },
      y: { field: 'y', type: 'quantitative', title: 'y', scale: { domain: [-extent, extent], nice: false } },
      order: { field: 'i', type: 'quantitative' },
      detail: { field: 'path', type: 'nominal' },
      ...seriesEncoding(series, 3),
    },
  };
}

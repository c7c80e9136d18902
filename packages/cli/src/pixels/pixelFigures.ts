import { ROD_INTENSITY } from '@liouville/hamiltonian';
import type { TopLevelSpec } from 'vega-lite';
import { type GrayImage, encodeApng, encodePng } from '../plots/png.js';
import { renderSvg } from '../plots/render.js';
import { COLOURS, energySpec } from '../plots/specs.js';
import type { PixelModelResult } from './pixelJob.js';

/** The two models of a pixel run (either may be missing when only one was trained). */
export type PixelPair = Partial<Record<'baseline' | 'hnn', PixelModelResult>>;

const SIDE = 28;
const SCALE = 4;
const GAP = 4;
const LABEL = { baseline: 'baseline', hnn: 'HNN' } as const;

/** A frame's pixel values (0 … 128/255, the rod) as gray levels: white background, dark rod. */
function grayLevel(value: number): number {
  const ink = Math.min(1, Math.max(0, value / ROD_INTENSITY));
  return Math.round(255 - 215 * ink);
}

/** Panels of 28 × 28 frames laid out on a grid of `rows` × `columns`, each scaled ×4, 4 px apart. */
function mosaic(panels: readonly (readonly number[] | undefined)[][], columns: number): GrayImage {
  const rows = panels.length;
  const cell = SIDE * SCALE;
  const [width, height] = [columns * cell + (columns + 1) * GAP, rows * cell + (rows + 1) * GAP];
  const pixels = new Uint8Array(width * height).fill(255);
  panels.forEach((row, r) => {
    row.forEach((frame, c) => {
      if (frame === undefined) return;
      const [x0, y0] = [GAP + c * (cell + GAP), GAP + r * (cell + GAP)];
      for (let y = 0; y < cell; y++) {
        for (let x = 0; x < cell; x++) {
          pixels[(y0 + y) * width + x0 + x] = grayLevel(frame[Math.floor(y / SCALE) * SIDE + Math.floor(x / SCALE)]);
        }
      }
    });
  });
  return { width, height, pixels };
}

/** The models present, truth first: the order of the animation's panels (truth | baseline | HNN). */
function sources(pair: PixelPair): { name: string; frames: number[][] }[] {
  const first = pair.hnn ?? pair.baseline;
  if (first === undefined) return [];
  const models = (['baseline', 'hnn'] as const).flatMap((k) => {
    const result = pair[k];
    return result === undefined ? [] : [{ name: LABEL[k], frames: result.frames.predicted }];
  });
  return [{ name: 'truth', frames: first.frames.truth }, ...models];
}

/**
 * An animated PNG of the first test trajectory: side by side the true frames, the baseline's and
 * the HNN's frames decoded from their latent rollouts from the same first frame pair; 20 frames a
 * second (the data's dt = 0.05 s, so real time).
 */
export function pixelAnimation(pair: PixelPair): Uint8Array {
  const columns = sources(pair);
  const T = Math.min(...columns.map((s) => s.frames.length));
  const frames = Array.from({ length: T }, (_, t) => mosaic([columns.map((s) => s.frames[t])], columns.length));
  return encodeApng(frames, 50);
}

/** A still strip: rows truth, baseline, HNN; columns every `every`-th frame. */
export function pixelStrip(pair: PixelPair, every = 4): Uint8Array {
  const rows = sources(pair);
  const T = Math.min(...rows.map((s) => s.frames.length));
  const picks = Array.from({ length: Math.ceil(T / every) }, (_, i) => i * every);
  return encodePng(
    mosaic(
      rows.map((s) => picks.map((t) => s.frames[t])),
      picks.length,
    ),
  );
}

/** One model's latent plane: its encoded test frames as points, its latent rollout as a line. */
function latentPanel(kind: 'baseline' | 'hnn', result: PixelModelResult) {
  const encoded = result.example.trueLatents.map(([w, v], i) => ({ w, v, i, series: 'encoded test frames' }));
  const rollout = result.example.rollout.map(([w, v], i) => ({ w, v, i, series: `${LABEL[kind]} rollout` }));
  const colour = {
    field: 'series',
    type: 'nominal' as const,
    scale: { domain: ['encoded test frames', `${LABEL[kind]} rollout`], range: [COLOURS.truth, COLOURS[kind]] },
    legend: { orient: 'bottom' as const, title: null },
  };
  const axes = {
    x: { field: 'w', type: 'quantitative' as const, title: 'latent w' },
    y: { field: 'v', type: 'quantitative' as const, title: 'latent ẇ' },
  };
  return {
    title: LABEL[kind],
    width: 300,
    height: 300,
    layer: [
      {
        data: { values: encoded },
        mark: { type: 'point' as const, size: 18, filled: true },
        encoding: { ...axes, color: colour },
      },
      {
        data: { values: rollout },
        mark: { type: 'line' as const },
        encoding: { ...axes, order: { field: 'i', type: 'quantitative' as const }, color: colour },
      },
    ],
  };
}

/** The latent phase portraits of both models side by side. */
export function latentPortraitSpec(pair: PixelPair): TopLevelSpec {
  const panels = (['baseline', 'hnn'] as const).flatMap((k) =>
    pair[k] === undefined ? [] : [latentPanel(k, pair[k] as PixelModelResult)],
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Pixel pendulum: the latent phase space',
      subtitle: 'a test trajectory encoded frame by frame, and each model’s latent flow from its first frame pair',
    },
    hconcat: panels,
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}

/** The figures of a pixel run: file name → contents. */
export async function pixelFigures(pair: PixelPair): Promise<Record<string, string | Uint8Array>> {
  const energyRows = (['baseline', 'hnn'] as const).flatMap((k) => {
    const r = pair[k];
    if (r === undefined) return [];
    const model = r.example.energy.map((energy, t) => ({ series: LABEL[k], t: t * 0.05, energy }));
    return k === 'hnn' || pair.hnn === undefined
      ? [...r.example.trueEnergy.map((energy, t) => ({ series: 'truth', t: t * 0.05, energy })), ...model]
      : model;
  });
  const series = [
    { name: 'truth', colour: COLOURS.truth },
    { name: 'baseline', colour: COLOURS.baseline },
    { name: 'HNN', colour: COLOURS.hnn },
  ].filter((s) => energyRows.some((r) => r.series === s.name));
  return {
    'latent-pixels.svg': await renderSvg(latentPortraitSpec(pair)),
    'energy-pixels.svg': await renderSvg(
      energySpec(
        'Pixel pendulum: energy along a test trajectory',
        'H = p² + (15/8)(1 − cos q) of the latent rollout mapped to (θ, θ̇/4), and of the true states',
        'energy',
        energyRows,
        series,
      ),
    ),
    'pixels-animation.png': pixelAnimation(pair),
    'pixels-strip.png': pixelStrip(pair),
  };
}

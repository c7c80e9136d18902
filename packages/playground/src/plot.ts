/// <reference lib="dom" />
import type { Segment } from './contour.js';

/** Plain-canvas plots: axes with ticks, line series, contour segments and closed paths. */

/** The page's colours, one per role, also used by the browser test to find drawn pixels. */
export const COLORS = {
  truth: '#2f9e44',
  contour: '#8a919c',
  data: '#c4c9d1',
  hnn: '#d9480f',
  baseline: '#1971c2',
  symplectic: '#d9480f',
  rk4: '#1971c2',
  grid: '#e5e7eb',
  axis: '#6b7280',
  text: '#111827',
  background: '#ffffff',
} as const;

/** A data rectangle and the canvas rectangle it maps to. */
export interface Frame {
  readonly ctx: CanvasRenderingContext2D;
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly logY: boolean;
}

/** Options of `drawFrame`. */
export interface FrameOptions {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logY?: boolean;
  readonly title?: string;
}

/** Sizes the canvas backing store to its CSS size × devicePixelRatio and returns a context in CSS pixels. */
export function prepareCanvas(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  canvas.width = Math.max(1, Math.round(width * ratio));
  canvas.height = Math.max(1, Math.round(height * ratio));
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, width, height);
  return ctx;
}

/** Canvas x of a data x. */
export function px(frame: Frame, x: number): number {
  return frame.left + ((x - frame.x[0]) / (frame.x[1] - frame.x[0])) * frame.width;
}

/** Canvas y of a data y (log10 when the frame is logarithmic). */
export function py(frame: Frame, y: number): number {
  const v = frame.logY ? Math.log10(y) : y;
  return frame.top + frame.height - ((v - frame.y[0]) / (frame.y[1] - frame.y[0])) * frame.height;
}

/** About five round tick values covering [low, high] (1, 2, 5 × 10^k steps). */
export function ticks(low: number, high: number, count = 5): number[] {
  const span = high - low;
  if (!(span > 0)) return [low];
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function formatTick(v: number, logY: boolean): string {
  if (logY) return `1e${Math.round(v)}`;
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(0);
  return String(Number(v.toPrecision(4)));
}

/** Clears the canvas and draws axes, grid lines, ticks and labels; returns the frame to draw data in. */
export function drawFrame(canvas: HTMLCanvasElement, options: FrameOptions): Frame {
  const ctx = prepareCanvas(canvas);
  const { width, height } = canvas.getBoundingClientRect();
  const logY = options.logY ?? false;
  const frame: Frame = {
    ctx,
    x: options.x,
    y: options.y,
    left: 58,
    top: 12,
    width: width - 72,
    height: height - 50,
    logY,
  };
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.fillStyle = COLORS.text;
  for (const tx of ticks(options.x[0], options.x[1])) {
    const cx = px(frame, tx);
    line(ctx, cx, frame.top, cx, frame.top + frame.height, COLORS.grid);
    ctx.textAlign = 'center';
    ctx.fillText(formatTick(tx, false), cx, frame.top + frame.height + 14);
  }
  const yTicks = logY
    ? ticks(Math.ceil(options.y[0]), Math.floor(options.y[1]), 5).filter(Number.isInteger)
    : ticks(options.y[0], options.y[1]);
  for (const ty of yTicks) {
    const cy = frame.top + frame.height - ((ty - options.y[0]) / (options.y[1] - options.y[0])) * frame.height;
    line(ctx, frame.left, cy, frame.left + frame.width, cy, COLORS.grid);
    ctx.textAlign = 'right';
    ctx.fillText(formatTick(ty, logY), frame.left - 5, cy + 4);
  }
  ctx.strokeStyle = COLORS.axis;
  ctx.strokeRect(frame.left, frame.top, frame.width, frame.height);
  ctx.textAlign = 'center';
  ctx.fillText(options.xLabel, frame.left + frame.width / 2, height - 8);
  ctx.save();
  ctx.translate(12, frame.top + frame.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(options.yLabel, 0, 0);
  ctx.restore();
  return frame;
}

function line(ctx: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number, color: string): void {
  ctx.strokeStyle = color;
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
  ctx.stroke();
}

/** Clips drawing to the frame's data rectangle until the returned function is called. */
function clip(frame: Frame): () => void {
  frame.ctx.save();
  frame.ctx.beginPath();
  frame.ctx.rect(frame.left, frame.top, frame.width, frame.height);
  frame.ctx.clip();
  return () => frame.ctx.restore();
}

/** A line series; non-finite points (and non-positive ones on a log axis) break the line. */
export function drawSeries(
  frame: Frame,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  color: string,
  options: { width?: number; dash?: number[] } = {},
): void {
  const { ctx } = frame;
  const restore = clip(frame);
  ctx.strokeStyle = color;
  ctx.lineWidth = options.width ?? 1.5;
  ctx.setLineDash(options.dash ?? []);
  ctx.beginPath();
  let pen = false;
  for (let k = 0; k < xs.length; k++) {
    const ok = Number.isFinite(ys[k]) && (!frame.logY || ys[k] > 0);
    if (!ok) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(px(frame, xs[k]), py(frame, ys[k]));
    else ctx.moveTo(px(frame, xs[k]), py(frame, ys[k]));
    pen = true;
  }
  ctx.stroke();
  ctx.setLineDash([]);
  restore();
}

/** Contour segments in grid coordinates, mapped through the grid's axes. */
export function drawSegments(
  frame: Frame,
  segments: readonly Segment[],
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  color: string,
  options: { width?: number; dash?: number[] } = {},
): void {
  const { ctx } = frame;
  const restore = clip(frame);
  const at = (axis: ArrayLike<number>, g: number) => {
    const i = Math.min(Math.floor(g), axis.length - 2);
    return axis[i] + (g - i) * (axis[i + 1] - axis[i]);
  };
  ctx.strokeStyle = color;
  ctx.lineWidth = options.width ?? 1.2;
  ctx.setLineDash(options.dash ?? []);
  ctx.beginPath();
  for (const s of segments) {
    ctx.moveTo(px(frame, at(xs, s.x1)), py(frame, at(ys, s.y1)));
    ctx.lineTo(px(frame, at(xs, s.x2)), py(frame, at(ys, s.y2)));
  }
  ctx.stroke();
  ctx.setLineDash([]);
  restore();
}

/** A closed polygon through the points, stroked and lightly filled. */
export function drawClosedPath(
  frame: Frame,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  color: string,
  fill: string,
): void {
  const { ctx } = frame;
  const restore = clip(frame);
  ctx.beginPath();
  for (let k = 0; k < xs.length; k++) {
    if (k === 0) ctx.moveTo(px(frame, xs[k]), py(frame, ys[k]));
    else ctx.lineTo(px(frame, xs[k]), py(frame, ys[k]));
  }
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.2;
  ctx.stroke();
  restore();
}

/** Small dots at the points (training data on the portrait). */
export function drawDots(frame: Frame, xs: ArrayLike<number>, ys: ArrayLike<number>, color: string): void {
  const { ctx } = frame;
  const restore = clip(frame);
  ctx.fillStyle = color;
  for (let k = 0; k < xs.length; k++) ctx.fillRect(px(frame, xs[k]) - 1, py(frame, ys[k]) - 1, 2, 2);
  restore();
}

/** The range of the finite values of several series, padded by a fraction of its span (never empty). */
export function extent(series: readonly ArrayLike<number>[], pad = 0.05, positiveOnly = false): [number, number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const ys of series) {
    for (let k = 0; k < ys.length; k++) {
      const v = ys[k];
      if (Number.isFinite(v) && (!positiveOnly || v > 0)) {
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
    }
  }
  if (!Number.isFinite(low)) return [0, 1];
  if (high - low < 1e-12 * Math.max(1, Math.abs(low))) {
    const half = Math.max(1e-6, Math.abs(low) * 1e-3);
    return [low - half, high + half];
  }
  const span = high - low;
  return [low - pad * span, high + pad * span];
}

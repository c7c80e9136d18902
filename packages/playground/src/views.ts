/// <reference lib="dom" />
import { contourSegments } from './contour.js';
import { COLORS, drawClosedPath, drawDots, drawFrame, drawSegments, drawSeries, extent } from './plot.js';
import type { LiouvilleReport, PortraitReport, ProgressReport, RolloutReport } from './protocol.js';
import type { PortraitPlane } from './systems.js';

/** Drawing of each panel from the worker's reports; no numerics beyond ranges and contours. */

const CURVE_COLORS: Readonly<Record<string, string>> = {
  'true H': COLORS.truth,
  HNN: COLORS.hnn,
  baseline: COLORS.baseline,
};

function steps(count: number): Float64Array {
  return Float64Array.from({ length: count }, (_, k) => k + 1);
}

function log10Extent(series: readonly ArrayLike<number>[]): [number, number] {
  const [low, high] = extent(series, 0, true);
  const [a, b] = [Math.log10(low), Math.log10(high)];
  const pad = Math.max(0.05 * (b - a), 0.1);
  return [a - pad, b + pad];
}

/** The loss curves: minibatch losses solid, test losses dashed, on a log axis. */
export function drawLoss(canvas: HTMLCanvasElement, report: ProgressReport | null, totalSteps: number): void {
  const all = report ? [report.hnnLoss, report.baselineLoss, report.hnnTestLoss, report.baselineTestLoss] : [];
  const frame = drawFrame(canvas, {
    x: [0, Math.max(totalSteps, 1)],
    y: report && report.hnnLoss.length > 0 ? log10Extent(all) : [-4, 1],
    xLabel: 'training step',
    yLabel: 'loss (mean squared error of ẋ)',
    logY: true,
  });
  if (!report) return;
  drawSeries(frame, steps(report.hnnLoss.length), report.hnnLoss, COLORS.hnn, { width: 1 });
  drawSeries(frame, steps(report.baselineLoss.length), report.baselineLoss, COLORS.baseline, { width: 1 });
  drawSeries(frame, report.testSteps, report.hnnTestLoss, COLORS.hnn, { width: 2, dash: [6, 4] });
  drawSeries(frame, report.testSteps, report.baselineTestLoss, COLORS.baseline, { width: 2, dash: [6, 4] });
}

/** Level sets of the true H and of the learned H_θ, the data, and the rollouts' paths on the plane. */
export function drawPortrait(
  canvas: HTMLCanvasElement,
  plane: PortraitPlane,
  portrait: PortraitReport | null,
  rollout: RolloutReport | null,
): void {
  const frame = drawFrame(canvas, { x: plane.xRange, y: plane.yRange, xLabel: plane.xLabel, yLabel: plane.yLabel });
  if (!portrait) return;
  const { xs, ys } = portrait;
  drawDots(frame, portrait.dataX, portrait.dataY, COLORS.data);
  for (const level of portrait.levels) {
    drawSegments(frame, contourSegments(portrait.trueH, xs.length, ys.length, level), xs, ys, COLORS.contour, {
      width: 2.4,
    });
    const learned = contourSegments(portrait.learnedH, xs.length, ys.length, level);
    drawSegments(frame, learned, xs, ys, COLORS.hnn, { width: 1.6, dash: [5, 4] });
  }
  // A 4-D trajectory projected on a slice would be misleading: rollouts are drawn on whole planes only.
  const curves = plane.isSlice ? [] : (rollout?.curves ?? []);
  // The true trajectory last, on top: the learned ones are drawn under it.
  for (const curve of [...curves].reverse()) {
    drawSeries(frame, curve.planeX, curve.planeY, CURVE_COLORS[curve.label] ?? COLORS.axis, { width: 1.3 });
  }
}

/** The true energy along each rollout against time. */
export function drawEnergy(canvas: HTMLCanvasElement, rollout: RolloutReport | null): void {
  const curves = rollout?.curves ?? [];
  const longest = Math.max(1, ...curves.map((c) => c.energy.length - 1));
  const dt = rollout?.dt ?? 0.1;
  const frame = drawFrame(canvas, {
    x: [0, longest * dt],
    y: curves.length > 0 ? extent(curves.map((c) => c.energy)) : [0, 1],
    xLabel: 'time t',
    yLabel: 'true energy H(q(t), p(t))',
  });
  for (const curve of [...curves].reverse()) {
    const t = Float64Array.from({ length: curve.energy.length }, (_, k) => k * dt);
    drawSeries(frame, t, curve.energy, CURVE_COLORS[curve.label] ?? COLORS.axis, { width: 1.8 });
  }
}

function snapshotExtent(report: LiouvilleReport, coordinate: 'q' | 'p'): [number, number] {
  return extent(
    report.evolutions.flatMap((e) => e.snapshots.map((s) => s[coordinate])),
    0.08,
  );
}

/** The disc at a few times for both methods, and the area ratio A(t)/A(0) over time. */
export function drawLiouville(disc: HTMLCanvasElement, area: HTMLCanvasElement, report: LiouvilleReport | null): void {
  if (!report) {
    drawFrame(disc, { x: [-1, 1], y: [-1, 1], xLabel: 'q', yLabel: 'p' });
    drawFrame(area, { x: [0, 1], y: [0.9, 1.1], xLabel: 'time t', yLabel: 'A(t) / A(0)' });
    return;
  }
  const frame = drawFrame(disc, {
    x: snapshotExtent(report, 'q'),
    y: snapshotExtent(report, 'p'),
    xLabel: 'q',
    yLabel: 'p',
  });
  const fills = ['rgba(217, 72, 15, 0.10)', 'rgba(25, 113, 194, 0.10)'];
  report.evolutions.forEach((evolution, i) => {
    const color = evolution.symplectic ? COLORS.symplectic : COLORS.rk4;
    for (const snapshot of evolution.snapshots) drawClosedPath(frame, snapshot.q, snapshot.p, color, fills[i % 2]);
  });
  const steps = report.evolutions[0].areaRatio.length;
  const t = Float64Array.from({ length: steps }, (_, k) => k * report.dt);
  const ratios = report.evolutions.map((e) => e.areaRatio);
  const [low, high] = extent([...ratios, [1]], 0.1);
  const areaFrame = drawFrame(area, {
    x: [0, (steps - 1) * report.dt],
    y: [low, high],
    xLabel: 'time t',
    yLabel: 'A(t) / A(0)',
  });
  report.evolutions.forEach((evolution) => {
    drawSeries(areaFrame, t, evolution.areaRatio, evolution.symplectic ? COLORS.symplectic : COLORS.rk4, { width: 2 });
  });
}

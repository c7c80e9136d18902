import { InvalidArgumentError } from '@liouville/linalg';

/**
 * A small anti-aliased rasteriser of the pendulum as OpenAI Gym's `Pendulum-v0` draws it and the
 * HNN reference preprocesses it (greydanus/hamiltonian-nn, experiment-pixels/data.py): a rod of
 * length 1 drawn as a capsule of half-width 0.1 in the colour (0.8, 0.3, 0.3), hanging from an
 * axle drawn on top as a black disc of radius 0.05, in a 500-unit viewport spanning [−2.2, 2.2]²
 * (rendered at 1000 × 1000 pixels, as on the reference's screen); the frame cropped to rows
 * 440–780 and columns 330–670, reduced to the red minus green channel, resized to 28 × 28 and
 * divided by 255. Red minus green is 204 − 76 = 128 on the rod and 0 on the white background
 * and the black axle, so a pixel's value is 128/255 times the fraction of it the rod covers.
 *
 * What differs from gym's pipeline: the rod's coverage of each output pixel is computed directly
 * (the mean over 72 sample points, a box filter) instead of rasterising at 1000 px
 * and resizing with PIL's bilinear filter, so edges are anti-aliased by area rather than by
 * PIL's triangle filter, and nothing depends on the screen (the reference's comment: "you may
 * have to rewrite the preproc function depending on your screen size").
 */

/** The side of a frame in pixels (the reference's `side`). */
export const FRAME_SIDE = 28;
/** The value of a pixel fully covered by the rod: red minus green, 128, over 255. */
export const ROD_INTENSITY = 128 / 255;

// The crop in world units: 1000 px span 4.4 units, centred on the axle.
const PIXELS_PER_UNIT = 1000 / 4.4;
const LEFT = (330 - 500) / PIXELS_PER_UNIT;
const TOP = (500 - 440) / PIXELS_PER_UNIT;
const SPAN = 340 / PIXELS_PER_UNIT;
const ROD_LENGTH = 1;
const ROD_RADIUS = 0.1;
const AXLE_RADIUS = 0.05;
/**
 * Sample offsets within a pixel (in pixel units, centred): a 6 × 6 grid sheared so that its 36
 * points have 36 different x and 36 different y coordinates (an "n-rooks" pattern), so an edge
 * along a row or column of pixels (the rod at rest) is covered to 1/36 rather than 1/6; and its
 * mirror image in x, so that the frames of θ and −θ mirror each other.
 */
const OFFSETS: readonly (readonly [number, number])[] = (() => {
  const n = 6;
  const points: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const [u, v] = [(j + (i + 0.5) / n) / n - 0.5, (i + (j + 0.5) / n) / n - 0.5];
      points.push([u, v], [-u, v]);
    }
  }
  return points;
})();

/** Squared distance from (x, y) to the segment from the origin to (ex, ey). */
function segmentDistance2(x: number, y: number, ex: number, ey: number): number {
  const t = Math.min(1, Math.max(0, (x * ex + y * ey) / (ex * ex + ey * ey)));
  const [dx, dy] = [x - t * ex, y - t * ey];
  return dx * dx + dy * dy;
}

/** Whether a point is on the visible rod: inside the capsule and outside the axle. */
function onRod(x: number, y: number, ex: number, ey: number): boolean {
  return segmentDistance2(x, y, ex, ey) <= ROD_RADIUS * ROD_RADIUS && x * x + y * y > AXLE_RADIUS * AXLE_RADIUS;
}

/**
 * Renders the pendulum at angle θ (from the downward vertical, counter-clockwise as seen) into
 * `out` (FRAME_SIDE² values, row-major from the top-left) at `offset`. Pixels far from the rod
 * are 0 and pixels deep inside it 128/255 without sampling; only pixels near an edge are sampled.
 */
export function renderPendulumFrame(theta: number, out: Float32Array | Float64Array, offset = 0): void {
  if (!Number.isFinite(theta)) throw new InvalidArgumentError('renderPendulumFrame: theta', 'a finite angle', theta);
  const [ex, ey] = [ROD_LENGTH * Math.sin(theta), -ROD_LENGTH * Math.cos(theta)];
  const h = SPAN / FRAME_SIDE;
  const halfDiagonal = (h * Math.SQRT2) / 2;
  for (let r = 0; r < FRAME_SIDE; r++) {
    for (let c = 0; c < FRAME_SIDE; c++) {
      const [cx, cy] = [LEFT + (c + 0.5) * h, TOP - (r + 0.5) * h];
      const d = Math.sqrt(segmentDistance2(cx, cy, ex, ey));
      const nearAxle = Math.sqrt(cx * cx + cy * cy) < AXLE_RADIUS + halfDiagonal;
      let value = 0;
      if (d < ROD_RADIUS - halfDiagonal && !nearAxle) value = 1;
      else if (d < ROD_RADIUS + halfDiagonal) value = coverage(cx, cy, h, ex, ey);
      out[offset + r * FRAME_SIDE + c] = ROD_INTENSITY * value;
    }
  }
}

/** The fraction of the pixel of side h centred at (cx, cy) on the rod, from the OFFSETS sample points. */
function coverage(cx: number, cy: number, h: number, ex: number, ey: number): number {
  let hits = 0;
  for (const [u, v] of OFFSETS) if (onRod(cx + u * h, cy + v * h, ex, ey)) hits++;
  return hits / OFFSETS.length;
}

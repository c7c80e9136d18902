import { InvalidArgumentError } from '@liouville/linalg';

/** A line segment of a level set, in grid coordinates (i along x, j along y, fractional). */
export interface Segment {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

type Corner = readonly [number, number, number];

/** Where the level crosses the edge between two corners (i, j, value), by linear interpolation. */
function crossing(a: Corner, b: Corner, level: number): [number, number] {
  const t = (level - a[2]) / (b[2] - a[2]);
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
}

/**
 * The segments of one cell: its corners in counter-clockwise order, the crossings on the edges
 * whose ends lie on opposite sides of the level, paired up. With four crossings (a saddle cell)
 * the pairing follows the value at the cell's centre, the mean of the corners (the usual
 * disambiguation of marching squares; Lorensen & Cline 1987, and its 2-D form).
 */
function cellSegments(corners: readonly Corner[], level: number, out: Segment[]): void {
  const points: [number, number][] = [];
  for (let k = 0; k < 4; k++) {
    const a = corners[k];
    const b = corners[(k + 1) % 4];
    if (a[2] < level !== b[2] < level) points.push(crossing(a, b, level));
  }
  if (points.length === 2) {
    out.push({ x1: points[0][0], y1: points[0][1], x2: points[1][0], y2: points[1][1] });
  } else if (points.length === 4) {
    const centre = (corners[0][2] + corners[1][2] + corners[2][2] + corners[3][2]) / 4;
    // Crossing k lies on edge k. If the centre is on the same side as corner 0, edges 0|1 and 2|3 pair.
    const centreLikeCorner0 = centre < level === corners[0][2] < level;
    const pairs = centreLikeCorner0
      ? [
          [0, 1],
          [2, 3],
        ]
      : [
          [3, 0],
          [1, 2],
        ];
    for (const [u, v] of pairs) {
      out.push({ x1: points[u][0], y1: points[u][1], x2: points[v][0], y2: points[v][1] });
    }
  }
}

/**
 * Marching squares: the segments of the level set {value = level} of a field sampled on an
 * nx × ny grid (values[j·nx + i]), in grid coordinates. Non-finite values make a cell empty.
 */
export function contourSegments(values: ArrayLike<number>, nx: number, ny: number, level: number): Segment[] {
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 2 || ny < 2 || values.length !== nx * ny) {
    throw new InvalidArgumentError('contourSegments: values', `an ${nx}×${ny} grid (nx, ny ≥ 2)`, values.length);
  }
  const out: Segment[] = [];
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const corners: Corner[] = [
        [i, j, values[j * nx + i]],
        [i + 1, j, values[j * nx + i + 1]],
        [i + 1, j + 1, values[(j + 1) * nx + i + 1]],
        [i, j + 1, values[(j + 1) * nx + i]],
      ];
      if (corners.every((c) => Number.isFinite(c[2]))) cellSegments(corners, level, out);
    }
  }
  return out;
}

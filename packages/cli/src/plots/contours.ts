/**
 * Level sets of a function sampled on a rectangular grid, by marching squares (W. E. Lorensen &
 * H. E. Cline's marching cubes, SIGGRAPH 1987, in two dimensions), joined into polylines so that
 * each contour is drawn as one path. Used to draw the level sets of a true and a learned
 * Hamiltonian in the phase portraits.
 */

/** Values f(xᵢ, yⱼ) on a grid: `values[j * xs.length + i]`. */
export interface GridField {
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly values: ArrayLike<number>;
}

/** A contour line: points in order (closed loops repeat their first point at the end). */
export type Polyline = [number, number][];

// For each of the 16 corner cases (bit k set when corner k is at or above the level; corners
// 0 = (i, j), 1 = (i+1, j), 2 = (i+1, j+1), 3 = (i, j+1)), the pairs of crossed edges to join
// (edges 0 bottom, 1 right, 2 top, 3 left). Cases 5 and 10 are saddles, resolved by the centre.
const SEGMENTS: readonly (readonly [number, number][])[] = [
  [],
  [[3, 0]],
  [[0, 1]],
  [[3, 1]],
  [[1, 2]],
  [
    [3, 0],
    [1, 2],
  ],
  [[0, 2]],
  [[3, 2]],
  [[2, 3]],
  [[0, 2]],
  [
    [0, 1],
    [2, 3],
  ],
  [[1, 2]],
  [[1, 3]],
  [[0, 1]],
  [[3, 0]],
  [],
];

/** A grid edge's identity (so segments of neighbouring cells meet exactly) and the crossing point on it. */
function crossing(field: GridField, i: number, j: number, edge: number, level: number) {
  const nx = field.xs.length;
  const [a, b] = [
    [
      [i, j],
      [i + 1, j],
    ],
    [
      [i + 1, j],
      [i + 1, j + 1],
    ],
    [
      [i, j + 1],
      [i + 1, j + 1],
    ],
    [
      [i, j],
      [i, j + 1],
    ],
  ][edge];
  const fa = field.values[a[1] * nx + a[0]];
  const fb = field.values[b[1] * nx + b[0]];
  const s = fb === fa ? 0.5 : (level - fa) / (fb - fa);
  const x = field.xs[a[0]] + s * (field.xs[b[0]] - field.xs[a[0]]);
  const y = field.ys[a[1]] + s * (field.ys[b[1]] - field.ys[a[1]]);
  const id = edge === 0 || edge === 2 ? `h${a[0]},${a[1]}` : `v${a[0]},${a[1]}`;
  return { id, point: [x, y] as [number, number] };
}

/** The segments of one level in one cell. */
function cellSegments(field: GridField, i: number, j: number, level: number) {
  const nx = field.xs.length;
  const f = [
    field.values[j * nx + i],
    field.values[j * nx + i + 1],
    field.values[(j + 1) * nx + i + 1],
    field.values[(j + 1) * nx + i],
  ];
  if (f.some((v) => !Number.isFinite(v))) return [];
  let index = f.reduce((acc, v, k) => acc | (v >= level ? 1 << k : 0), 0);
  const centreAbove = (f[0] + f[1] + f[2] + f[3]) / 4 >= level;
  // The table separates the two corners that are above; when the centre is above too, they are
  // joined and the two corners below are the ones to cut off (the other saddle case's segments).
  if ((index === 5 || index === 10) && centreAbove) index = 15 - index;
  return SEGMENTS[index].map(([e1, e2]) => [crossing(field, i, j, e1, level), crossing(field, i, j, e2, level)]);
}

/** Joins segments that share an edge point into polylines. */
function join(segments: { id: string; point: [number, number] }[][]): Polyline[] {
  const byId = new Map<string, number[]>();
  segments.forEach((s, k) => {
    for (const end of s) byId.set(end.id, [...(byId.get(end.id) ?? []), k]);
  });
  const used = new Array<boolean>(segments.length).fill(false);
  const lines: Polyline[] = [];
  const extend = (line: Polyline, id: string, forward: boolean) => {
    let current = id;
    for (;;) {
      const next = (byId.get(current) ?? []).find((k) => !used[k]);
      if (next === undefined) return;
      used[next] = true;
      const [a, b] = segments[next][0].id === current ? segments[next] : [segments[next][1], segments[next][0]];
      if (forward) line.push(b.point);
      else line.unshift(b.point);
      current = b.id;
      if (a.id === b.id) return;
    }
  };
  segments.forEach((s, k) => {
    if (used[k]) return;
    used[k] = true;
    const line: Polyline = [s[0].point, s[1].point];
    extend(line, s[1].id, true);
    extend(line, s[0].id, false);
    lines.push(line);
  });
  return lines;
}

/** The contour lines of `field` at `level`, as polylines in the grid's coordinates. */
export function contourLines(field: GridField, level: number): Polyline[] {
  const segments: { id: string; point: [number, number] }[][] = [];
  for (let j = 0; j + 1 < field.ys.length; j++) {
    for (let i = 0; i + 1 < field.xs.length; i++) segments.push(...cellSegments(field, i, j, level));
  }
  return join(segments);
}

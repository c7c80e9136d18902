import { InvalidArgumentError, Tensor } from '@liouville/linalg';

/**
 * Liouville's theorem in one degree of freedom: a Hamiltonian flow preserves the area of any
 * region of the (q, p) plane, and so does a symplectic integrator's step map (its Jacobian has
 * determinant 1); a non-symplectic method (RK4) or a learned field that is not Hamiltonian (the
 * baseline) does not. These two helpers make the statement measurable: a circle of states, and the
 * area enclosed by such a curve after it has been moved.
 */

/** `points` states evenly spaced on the circle of `radius` around (q₀, p₀): rows (q, p), [points, 2], counter-clockwise. */
export function phaseCircle(center: readonly [number, number], radius: number, points: number): Tensor {
  if (!Number.isInteger(points) || points < 3) {
    throw new InvalidArgumentError('phaseCircle: points', 'an integer >= 3', points);
  }
  if (!(radius > 0) || !Number.isFinite(radius))
    throw new InvalidArgumentError('phaseCircle: radius', 'a finite number > 0', radius);
  const out = new Float64Array(2 * points);
  for (let k = 0; k < points; k++) {
    const angle = (2 * Math.PI * k) / points;
    out[2 * k] = center[0] + radius * Math.cos(angle);
    out[2 * k + 1] = center[1] + radius * Math.sin(angle);
  }
  return new Tensor(out, [points, 2]);
}

/**
 * The signed area enclosed by the closed polygon through the rows (q, p) of `points` [N, 2], by
 * the shoelace formula ½ Σ (qₖ pₖ₊₁ − qₖ₊₁ pₖ): positive counter-clockwise. For the image of a
 * smooth curve it is the enclosed area up to the chords' error, O(1/N²) of it while the curve stays
 * well sampled (a flow that shears the region spreads the points apart, so use enough of them).
 */
export function enclosedArea(points: Tensor): number {
  if (points.shape.length !== 2 || points.shape[1] !== 2 || points.shape[0] < 3) {
    throw new InvalidArgumentError('enclosedArea: points', 'rows (q, p) of a closed curve, [N >= 3, 2]', points.shape);
  }
  const n = points.shape[0];
  const d = points.data;
  let twice = 0;
  for (let k = 0; k < n; k++) {
    const next = (k + 1) % n;
    twice += d[2 * k] * d[2 * next + 1] - d[2 * next] * d[2 * k + 1];
  }
  return twice / 2;
}

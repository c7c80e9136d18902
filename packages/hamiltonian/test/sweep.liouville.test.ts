import { type Value, jvp, primalTensor } from '@liouville/ad';
import { type State, type Step, gaussLegendre4, leapfrog, rk4, yoshida8 } from '@liouville/integrators';
import { tensor } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { pendulum } from '../src/index.js';
import { anyMethodTable, separableMethodTable, shoelaceArea } from './helpers.js';

// Liouville's theorem: the flow of a Hamiltonian system preserves phase-space area, and so does
// every symplectic step map (in one degree of freedom, symplectic ⇔ area-preserving). The loop is
// a circle of radius 0.5 around (q, p) = (1, 0) in the pendulum's phase plane, N = 1000 states
// stepped together as one batch [1000, 1]; the region it encloses has area π/4 exactly, before
// and after any number of symplectic steps. Over T = 10 (≈ 1.5 periods) the loop is sheared, as
// the period grows with the amplitude.
//
// What is compared. A symplectic map preserves the area of the region, not the area of the
// polygon through the mapped vertices: the image of the polygon is a curvilinear figure, and the
// polygon through the images misses the image curve by chord errors of a different size. The
// shoelace area of the N-gon inscribed in a smooth closed curve at equal parameter steps
// h = 2π/N is A_N = A + c₂h² + c₄h⁴ + c₆h⁶ + … (the signed sliver between a chord and its arc is
// odd in h, and the sum of a smooth periodic function over the loop is spectrally accurate), so
// comparing raw N-gon areas compares c₂h² terms (measured: a relative difference of 2.3e-6 for
// every symplectic method, see the test below) and could never reach 1e-10. Two Richardson steps
// over N, N/2 and N/4 cancel h² and h⁴, leaving O(h⁶) ~ 6e-14 relative (measured ≤ 1.1e-14 on
// the sheared loop, 3e-16 on the circle): the extrapolated shoelace area measures the area of
// the region to far better than the 1e-10 tolerance, and RK4's loss (8.3e-7) is 10⁴× that.
const system = pendulum();
const N = 1000;
const radius = 0.5;
const theta = Array.from({ length: N }, (_, i) => (2 * Math.PI * i) / N);
const loop: State = {
  q: tensor(theta.map((t) => [1 + radius * Math.cos(t)])),
  p: tensor(theta.map((t) => [radius * Math.sin(t)])),
};
/** The loop's tangent d(q, p)/dθ at each state, for the integral invariant. */
const tangent: State = {
  q: tensor(theta.map((t) => [-radius * Math.sin(t)])),
  p: tensor(theta.map((t) => [radius * Math.cos(t)])),
};
const area = Math.PI * radius * radius;

/** Every k-th entry. */
const every = (xs: ArrayLike<number>, k: number): number[] => Array.from(xs).filter((_, i) => i % k === 0);

/** The shoelace area of the loop, extrapolated from N, N/2 and N/4 vertices (Richardson in h²). */
function extrapolatedArea(state: State): number {
  const x = primalTensor(state.q).data;
  const y = primalTensor(state.p).data;
  const [a1, a2, a4] = [1, 2, 4].map((k) => shoelaceArea(every(x, k), every(y, k)));
  const [b1, b2] = [(4 * a1 - a2) / 3, (4 * a2 - a4) / 3];
  return (16 * b1 - b2) / 15;
}

function rollout(step: Step, steps: number): (state: State) => State {
  return (state) => {
    let s = state;
    for (let k = 0; k < steps; k++) s = step(s);
    return s;
  };
}

/**
 * Poincaré's integral invariant ½∮(q dp − p dq) of the image loop, by the trapezoid rule in θ
 * (spectrally accurate for a smooth periodic integrand) with the image's tangents pushed forward
 * exactly by forward-mode AD through the whole rollout: an independent measure of the same area.
 */
function integralInvariant(roll: (state: State) => State): number {
  type Pair = { q: Value; p: Value };
  const pair = ({ q, p }: State): Pair => ({ q, p });
  const [out, dot] = jvp((x: Pair) => pair(roll(x)), pair(loop), pair(tangent));
  const [q, p, dq, dp] = [out.q, out.p, dot.q, dot.p].map((v: Value) => primalTensor(v).data);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += q[i] * dp[i] - p[i] * dq[i];
  return (sum / 2) * ((2 * Math.PI) / N);
}

const relativeChange = (a: number) => Math.abs(a - area) / area;

describe.each(separableMethodTable)('%s', (_name, method) => {
  test('preserves the area enclosed by a loop of 1000 pendulum states to 1e-10 over 100 steps', () => {
    const image = rollout(method(system, 0.1), 100)(loop);
    expect(relativeChange(extrapolatedArea(image))).toBeLessThanOrEqual(1e-10);
  });
});

// The implicit methods solve 1000 Newton problems per step (~0.1 s per step here), so they take
// 10 steps of dt = 0.5 (T = 5): area preservation holds step by step, at any dt. Newton's
// tolerance (‖Δz‖ ≤ 1e-14) adds ~1e-14 per step, far inside 1e-10 (measured ≤ 8.5e-15).
describe.each(anyMethodTable.filter(([, m]) => m.info.implicit && m.info.symplectic))('%s', (_name, method) => {
  test('preserves the area enclosed by a loop of 1000 pendulum states to 1e-10 over 10 steps', () => {
    const image = rollout(method(system, 0.5), 10)(loop);
    expect(relativeChange(extrapolatedArea(image))).toBeLessThanOrEqual(1e-10);
  });
});

describe.each([
  ['leapfrog', leapfrog, 0.1, 100],
  ['yoshida8', yoshida8, 0.1, 100],
  ['gaussLegendre4', gaussLegendre4, 0.5, 10],
] as const)('%s', (_name, method, dt, steps) => {
  test("preserves the loop's integral invariant ∮ p dq, by AD tangents, to 1e-10", () => {
    // Trapezoid rule on a smooth periodic integrand: error ~e^(−cN), rounding ~1e-15 (measured ≤ 2.3e-15).
    expect(relativeChange(integralInvariant(rollout(method(system, dt), steps)))).toBeLessThanOrEqual(1e-10);
  });
});

describe('rk4', () => {
  test('changes the enclosed area measurably (negative control)', () => {
    // RK4 contracts phase space: det M = 1 − O((ω dt)⁶) per step, ~8e-9 per step here, 8.3e-7
    // after 100 steps (measured, by both measures): 10⁴× the tolerance.
    const roll = rollout(rk4(system, 0.1), 100);
    expect(relativeChange(extrapolatedArea(roll(loop)))).toBeGreaterThan(1e-7);
    expect(relativeChange(integralInvariant(roll))).toBeGreaterThan(1e-7);
  });
});

describe('leapfrog', () => {
  test("changes the raw 1000-gon's area by the polygon error, which the extrapolation removes", () => {
    // Why the raw comparison cannot reach 1e-10: the polygon through the images of the vertices
    // is not the image of the polygon. Its area differs from the original 1000-gon's by the
    // change of the c₂h² polygon error as the loop is sheared (measured 2.35e-6), while the
    // extrapolated areas agree with the exact π/4 to ~1e-14 before and after.
    const image = rollout(leapfrog(system, 0.1), 100)(loop);
    const raw = (s: State) => shoelaceArea(primalTensor(s.q).data, primalTensor(s.p).data);
    expect(Math.abs(raw(image) - raw(loop)) / area).toBeGreaterThan(1e-7);
    expect(relativeChange(extrapolatedArea(loop))).toBeLessThanOrEqual(1e-13);
    expect(relativeChange(extrapolatedArea(image))).toBeLessThanOrEqual(1e-10);
  });
});

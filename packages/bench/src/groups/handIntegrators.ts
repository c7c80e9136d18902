// Splitting integrators written by hand in plain JavaScript with the analytic forces: the in-run
// baselines of the integrators groups. A kick–drift scheme is its coefficient lists (Hairer,
// Lubich & Wanner, Geometric Numerical Integration, 2nd ed., §II.5):
//   p ← p − k₁·dt·∂V/∂q(q), q ← q + d₁·dt·∂T/∂p(p), p ← p − k₂·dt·∂V/∂q(q), …, p ← p − k_last·dt·∂V/∂q(q),
// one force evaluation per drift, and the last kick's force reused by the next step's first kick.
// States are row-major [B, dim] Float64Arrays, integrated in place, one state at a time.

/** A kick-first, kick-last splitting: kicks.length = drifts.length + 1. */
export interface KickDriftScheme {
  readonly kicks: readonly number[];
  readonly drifts: readonly number[];
}

/** Störmer–Verlet / leapfrog, kick–drift–kick (Verlet 1967). */
export const HAND_LEAPFROG: KickDriftScheme = { kicks: [0.5, 0.5], drifts: [1] };

/** w₁ = 1/(2 − 2^{1/3}) and w₀ = 1 − 2w₁: Yoshida's triple jump (Phys. Lett. A 150, 262–268, 1990). */
const W1 = 1 / (2 - 2 ** (1 / 3));
const W0 = 1 - 2 * W1;

/** Yoshida's fourth-order triple jump of the leapfrog, with neighbouring half kicks merged. */
export const HAND_YOSHIDA4: KickDriftScheme = {
  kicks: [0.5 * W1, 0.5 * W1 + 0.5 * W0, 0.5 * W0 + 0.5 * W1, 0.5 * W1],
  drifts: [W1, W0, W1],
};

/**
 * The pendulum H = p²/2 + (1 − cos q) (m = l = g = 1, one degree of freedom): `steps` steps of
 * size dt of every state of q, p [B] in place. ∂V/∂q = sin q, ∂T/∂p = p.
 */
export function handPendulumRun(
  q: Float64Array,
  p: Float64Array,
  dt: number,
  steps: number,
  scheme: KickDriftScheme,
): void {
  const kicks = scheme.kicks.map((c) => c * dt);
  const drifts = scheme.drifts.map((c) => c * dt);
  const stages = drifts.length;
  const lastKick = kicks[stages];
  for (let i = 0; i < q.length; i++) {
    let qi = q[i];
    let pi = p[i];
    let force = Math.sin(qi);
    for (let n = 0; n < steps; n++) {
      for (let s = 0; s < stages; s++) {
        pi -= kicks[s] * force;
        qi += drifts[s] * pi;
        force = Math.sin(qi);
      }
      pi -= lastKick * force;
    }
    q[i] = qi;
    p[i] = pi;
  }
}

/** H of the pendulum for each state of q, p [B]. */
export function handPendulumEnergy(q: Float64Array, p: Float64Array): Float64Array {
  return Float64Array.from(q, (qi, i) => 0.5 * p[i] * p[i] + (1 - Math.cos(qi)));
}

/** Masses and gravitational constant of a planar N-body problem (N = masses.length, dim = 2N). */
export interface PlanarBodies {
  readonly masses: readonly number[];
  readonly G: number;
}

/** ∂V/∂q of V = −Σ_{i<j} G mᵢ mⱼ / |qᵢ − qⱼ| for one state at q[offset…], written to out[0…2N). */
function nBodyForce(bodies: PlanarBodies, q: Float64Array, offset: number, out: Float64Array): void {
  const { masses, G } = bodies;
  const N = masses.length;
  out.fill(0);
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++) {
      const dx = q[offset + 2 * i] - q[offset + 2 * j];
      const dy = q[offset + 2 * i + 1] - q[offset + 2 * j + 1];
      const r2 = dx * dx + dy * dy;
      // ∂/∂qᵢ (−G mᵢ mⱼ / r) = G mᵢ mⱼ (qᵢ − qⱼ) / r³, and the opposite for qⱼ.
      const c = (G * masses[i] * masses[j]) / (r2 * Math.sqrt(r2));
      out[2 * i] += c * dx;
      out[2 * i + 1] += c * dy;
      out[2 * j] -= c * dx;
      out[2 * j + 1] -= c * dy;
    }
  }
}

/** `steps` steps of a planar N-body problem for every state of q, p [B, 2N], in place. ∂T/∂p = p/m. */
export function handNBodyRun(
  bodies: PlanarBodies,
  q: Float64Array,
  p: Float64Array,
  dt: number,
  steps: number,
  scheme: KickDriftScheme,
): void {
  const dim = 2 * bodies.masses.length;
  const inverseMass = Float64Array.from({ length: dim }, (_, k) => 1 / bodies.masses[k >> 1]);
  const kicks = scheme.kicks.map((c) => c * dt);
  const drifts = scheme.drifts.map((c) => c * dt);
  const stages = drifts.length;
  const force = new Float64Array(dim);
  for (let o = 0; o < q.length; o += dim) {
    nBodyForce(bodies, q, o, force);
    for (let n = 0; n < steps; n++) {
      for (let s = 0; s < stages; s++) {
        for (let k = 0; k < dim; k++) p[o + k] -= kicks[s] * force[k];
        for (let k = 0; k < dim; k++) q[o + k] += drifts[s] * (p[o + k] * inverseMass[k]);
        nBodyForce(bodies, q, o, force);
      }
      for (let k = 0; k < dim; k++) p[o + k] -= kicks[stages] * force[k];
    }
  }
}

/** H = Σ |pᵢ|²/(2mᵢ) − Σ_{i<j} G mᵢ mⱼ / |qᵢ − qⱼ| for each state of q, p [B, 2N]. */
export function handNBodyEnergy(bodies: PlanarBodies, q: Float64Array, p: Float64Array): Float64Array {
  const { masses, G } = bodies;
  const N = masses.length;
  const dim = 2 * N;
  const out = new Float64Array(q.length / dim);
  for (let b = 0; b < out.length; b++) {
    const o = b * dim;
    let h = 0;
    for (let k = 0; k < dim; k++) h += (p[o + k] * p[o + k]) / (2 * masses[k >> 1]);
    for (let i = 0; i < N; i++) {
      for (let j = i + 1; j < N; j++) {
        const dx = q[o + 2 * i] - q[o + 2 * j];
        const dy = q[o + 2 * i + 1] - q[o + 2 * j + 1];
        h -= (G * masses[i] * masses[j]) / Math.sqrt(dx * dx + dy * dy);
      }
    }
    out[b] = h;
  }
  return out;
}

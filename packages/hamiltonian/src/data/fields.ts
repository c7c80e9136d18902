// Hamilton's equations of the dataset systems in closed form, on plain arrays. Generators integrate
// with these because an adaptive solver calls the right-hand side thousands of times per
// trajectory, and a tensor-level AD call per evaluation would dominate the cost; the training
// targets themselves come from the catalogue's `vectorField`, and the tests check that these
// closed forms agree with it.

/** ẋ = J∇H(x) for x = (q₁ … qₙ, p₁ … pₙ): one phase-space point in, its time derivative out. */
export type PhaseField = (x: Float64Array) => Float64Array;

/**
 * H = q² + p² (the HNN reference code's mass-spring, greydanus/hamiltonian-nn,
 * experiment-spring/data.py): q̇ = ∂H/∂p = 2p, ṗ = −∂H/∂q = −2q.
 */
export const springField: PhaseField = (x) => Float64Array.of(2 * x[1], -2 * x[0]);

/**
 * H = 3(1 − cos q) + p² (the reference's pendulum, experiment-pend/data.py):
 * q̇ = 2p, ṗ = −3 sin q.
 */
export const pendulumField: PhaseField = (x) => Float64Array.of(2 * x[1], -3 * Math.sin(x[0]));

/**
 * The planar gravitational N-body problem H = Σᵢ |pᵢ|²/(2mᵢ) − Σ_{i<j} G mᵢmⱼ/|qᵢ − qⱼ| with the
 * catalogue's layout q = (x₁, y₁, x₂, y₂, …), p likewise (Hairer, Lubich & Wanner, Geometric
 * Numerical Integration, 2nd ed., §I.2): q̇ᵢ = pᵢ/mᵢ, ṗᵢ = Σ_{j≠i} G mᵢmⱼ (qⱼ − qᵢ)/|qⱼ − qᵢ|³.
 */
export function gravityField(masses: readonly number[], G = 1): PhaseField {
  const N = masses.length;
  const n = 2 * N;
  return (x) => {
    const out = new Float64Array(2 * n);
    for (let i = 0; i < N; i++) {
      out[2 * i] = x[n + 2 * i] / masses[i];
      out[2 * i + 1] = x[n + 2 * i + 1] / masses[i];
    }
    for (let i = 0; i < N; i++) {
      for (let j = i + 1; j < N; j++) {
        const dx = x[2 * j] - x[2 * i];
        const dy = x[2 * j + 1] - x[2 * i + 1];
        const r2 = dx * dx + dy * dy;
        const s = (G * masses[i] * masses[j]) / (r2 * Math.sqrt(r2));
        out[n + 2 * i] += s * dx;
        out[n + 2 * i + 1] += s * dy;
        out[n + 2 * j] -= s * dx;
        out[n + 2 * j + 1] -= s * dy;
      }
    }
    return out;
  };
}

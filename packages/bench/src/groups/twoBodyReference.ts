// The two-body problem of the two-body group and its stored reference solution.
//
// Two unit masses, G = 1 (@liouville/hamiltonian's twoBody()), centre of mass at rest at the
// origin; the relative orbit r = q₁ − q₂ is a Kepler ellipse of eccentricity 0.5 with periapsis
// distance 1, starting at periapsis: r₀ = (1, 0), ṙ₀ = (0, √(GM(1 + e)/r_p)) = (0, √3), M = 2.
// Semi-major axis a = r_p/(1 − e) = 2, mean motion n = √(GM/a³) = ½, period 4π.
//
// The reference end state at T_END is stored in packages/bench/reference/twoBody.json. It was
// computed by this file (run it: `npx tsx packages/bench/src/groups/twoBodyReference.ts`) with
// Liouville's dopri5 at rtol 1e-13, atol 1e-15, and checked independently in
// test/twoBodyReference.test.ts against the analytic solution of the Kepler orbit through
// Kepler's equation, and against conservation of energy and angular momentum.
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { twoBody } from '@liouville/hamiltonian';
import { solveHamiltonian } from '@liouville/integrators';
import { tensor } from '@liouville/linalg';
import { twoBodyEnergy } from './handTwoBody.js';

/** Eccentricity, periapsis distance and masses of the orbit. */
export const ORBIT = { e: 0.5, periapsis: 1, m1: 1, m2: 1, G: 1 } as const;
/** End of the integrated span (about 0.8 of the period 4π, so the end is not the start again). */
export const T_END = 10;
/** The reference solver's tolerances. */
export const REFERENCE_TOLERANCES = { rtol: 1e-13, atol: 1e-15 } as const;

/** The initial state x = (q₁, q₂, p₁, p₂), q and p laid out body by body as twoBody() expects. */
export function twoBodyInitial(): Float64Array {
  const GM = ORBIT.G * (ORBIT.m1 + ORBIT.m2);
  const v = Math.sqrt((GM * (1 + ORBIT.e)) / ORBIT.periapsis);
  const r = ORBIT.periapsis;
  // Body 1 at +m₂/M of the relative vector, body 2 at −m₁/M; momenta ±μ·ṙ with μ = m₁m₂/M.
  const M = ORBIT.m1 + ORBIT.m2;
  const mu = (ORBIT.m1 * ORBIT.m2) / M;
  return Float64Array.of((ORBIT.m2 / M) * r, 0, -(ORBIT.m1 / M) * r, 0, 0, mu * v, 0, -mu * v);
}

/** The stored reference, as written by `writeReference`. */
export interface TwoBodyReference {
  description: string;
  problem: { masses: number[]; G: number; eccentricity: number; periapsis: number; tEnd: number };
  initial: number[];
  method: string;
  tolerances: { rtol: number; atol: number };
  steps: number;
  /** The end state (q₁, q₂, p₁, p₂) at tEnd. */
  end: number[];
  /** |H(end) − H(initial)|, recorded when the file was written. */
  energyError: number;
}

const REFERENCE_FILE = fileURLToPath(new URL('../../reference/twoBody.json', import.meta.url));

/** Integrates the problem to T_END with dopri5 at the reference tolerances. */
export function computeReference(): TwoBodyReference {
  const x0 = twoBodyInitial();
  const solution = solveHamiltonian(twoBody(), { q: tensor(x0.slice(0, 4)), p: tensor(x0.slice(4)) }, [0, T_END], {
    ...REFERENCE_TOLERANCES,
    tEval: [T_END],
    maxSteps: 10_000_000,
  });
  const end = [...solution.q.toFlatArray(), ...solution.p.toFlatArray()];
  const k = { m1: ORBIT.m1, m2: ORBIT.m2, G: ORBIT.G };
  return {
    description:
      'End state of the two-body problem of the bench two-body group (see src/groups/twoBodyReference.ts), checked against the analytic Kepler solution in test/twoBodyReference.test.ts.',
    problem: {
      masses: [ORBIT.m1, ORBIT.m2],
      G: ORBIT.G,
      eccentricity: ORBIT.e,
      periapsis: ORBIT.periapsis,
      tEnd: T_END,
    },
    initial: [...x0],
    method: 'Liouville solveHamiltonian (adaptive Dormand–Prince 5(4)) from @liouville/integrators',
    tolerances: { ...REFERENCE_TOLERANCES },
    steps: solution.naccepted,
    end,
    energyError: Math.abs(twoBodyEnergy(end, k) - twoBodyEnergy(x0, k)),
  };
}

/** The stored reference values. */
export function loadReference(): TwoBodyReference {
  return JSON.parse(readFileSync(REFERENCE_FILE, 'utf8')) as TwoBodyReference;
}

/** Recomputes the reference and writes it to packages/bench/reference/twoBody.json. */
export function writeReference(): string {
  writeFileSync(REFERENCE_FILE, `${JSON.stringify(computeReference(), null, 2)}\n`);
  return REFERENCE_FILE;
}

function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) process.stdout.write(`wrote ${writeReference()}\n`);

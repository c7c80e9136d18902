// Gauss–Legendre (order 4, fixed step) and Dormand–Prince 5(4) (adaptive, rtol 1e-10) on the
// two-body problem (twoBodyReference.ts): a call integrates t ∈ [0, 10] from the same initial
// state. The baseline is the Gauss–Legendre method written in plain TypeScript with the analytic
// field (handTwoBody.ts). Each row's metric counts its own steps per second, and its note gives
// its end-state error against the stored reference (reference/twoBody.json) and its energy error.
// No peer library offers these integrators, so the rows are Liouville's and the plain loop.
import { type State, gaussLegendre4, solveHamiltonian } from '@liouville/integrators';
import { twoBody } from '@liouville/hamiltonian';
import { type Tensor, tensor } from '@liouville/linalg';
import { type Group, defineCase, defineGroup } from '../harness.js';
import { gaussLegendreScratch, handGaussLegendre4, twoBodyEnergy } from './handTwoBody.js';
import { ORBIT, T_END, loadReference, twoBodyInitial } from './twoBodyReference.js';

/** Fixed step of the Gauss–Legendre rows. */
export const GL_DT = 0.01;
/** Steps per call of the Gauss–Legendre rows. */
export const GL_STEPS = Math.round(T_END / GL_DT);
/** Tolerances of the dopri5 row (the rtol; atol small enough not to bind). */
export const DOPRI_TOLERANCES = { rtol: 1e-10, atol: 1e-12 } as const;

const PARAMS = { m1: ORBIT.m1, m2: ORBIT.m2, G: ORBIT.G };

/** The plain Gauss–Legendre run over the span; returns the end state. */
export function handRun(): Float64Array {
  const x = twoBodyInitial();
  handGaussLegendre4(x, GL_DT, GL_STEPS, PARAMS, gaussLegendreScratch());
  return x;
}

/** Liouville's gaussLegendre4 over the span; returns the end state as (q, p). */
export function liouvilleGaussLegendreRun(): Float64Array {
  const step = gaussLegendre4(twoBody(), GL_DT);
  const x0 = twoBodyInitial();
  let state: State = { q: tensor(x0.slice(0, 4)), p: tensor(x0.slice(4)) };
  for (let n = 0; n < GL_STEPS; n++) state = step(state);
  return Float64Array.of(...(state.q as Tensor).toFlatArray(), ...(state.p as Tensor).toFlatArray());
}

/** Liouville's dopri5 (solveHamiltonian) over the span; returns the end state and the accepted steps. */
export function liouvilleDopriRun(): { end: Float64Array; steps: number } {
  const x0 = twoBodyInitial();
  const solution = solveHamiltonian(twoBody(), { q: tensor(x0.slice(0, 4)), p: tensor(x0.slice(4)) }, [0, T_END], {
    ...DOPRI_TOLERANCES,
    tEval: [T_END],
  });
  return {
    end: Float64Array.of(...solution.q.toFlatArray(), ...solution.p.toFlatArray()),
    steps: solution.naccepted,
  };
}

/** max |end − reference| over the 8 coordinates, and |H(end) − H₀|. */
export function accuracy(end: ArrayLike<number>): { error: number; energyError: number } {
  const reference = loadReference().end;
  let error = 0;
  for (let i = 0; i < reference.length; i++) error = Math.max(error, Math.abs(end[i] - reference[i]));
  return { error, energyError: Math.abs(twoBodyEnergy(end, PARAMS) - twoBodyEnergy(twoBodyInitial(), PARAMS)) };
}

function accuracyNote(end: ArrayLike<number>, steps: number): string {
  const { error, energyError } = accuracy(end);
  const e = (x: number) => x.toExponential(2);
  return `${steps} steps; end state vs reference: max error ${e(error)}; |H − H₀| ${e(energyError)}`;
}

/** Accepted steps of the dopri5 run, counted by its setup (before that, 1: the group's validation reads the metric). */
let dopriSteps = 0;
const handNote = () => `fixed-point stage iteration, analytic field; ${accuracyNote(handRun(), GL_STEPS)}`;
const glNote = () => `Newton on the stages (AD Jacobian); ${accuracyNote(liouvilleGaussLegendreRun(), GL_STEPS)}`;
const dopriNote = () => {
  const { end, steps } = liouvilleDopriRun();
  return `rtol ${DOPRI_TOLERANCES.rtol}, atol ${DOPRI_TOLERANCES.atol}; ${accuracyNote(end, steps)}`;
};

/** The two-body group: Gauss–Legendre 4 and dopri5 over t ∈ [0, 10], steps per second and accuracy. */
export const twoBodyGroup: Group = defineGroup({
  name: 'two-body gaussLegendre4 dopri5',
  description:
    `twoBody() (two unit masses, G = 1) on a Kepler ellipse of eccentricity ${ORBIT.e}, t ∈ [0, ${T_END}] per call from the same ` +
    `state: gaussLegendre4 with dt = ${GL_DT} (${GL_STEPS} steps) and dopri5 at rtol ${DOPRI_TOLERANCES.rtol}. Each row's steps/s ` +
    'counts its own steps; notes give the end-state error against reference/twoBody.json (dopri5 at rtol 1e-13, checked against ' +
    'the analytic Kepler solution) and the energy error. No peer library has these integrators.',
  budgetMs: 2000,
  baseline: defineCase({
    name: 'plain TS gaussLegendre4',
    setup: () => undefined,
    fn: handRun,
    metric: { unit: 'steps/s', perOp: GL_STEPS },
    note: handNote,
  }),
  cases: [
    defineCase({
      name: 'Liouville gaussLegendre4',
      fn: liouvilleGaussLegendreRun,
      metric: { unit: 'steps/s', perOp: GL_STEPS },
      note: glNote,
    }),
    defineCase({
      name: 'Liouville dopri5 (solveHamiltonian)',
      setup: () => {
        dopriSteps = liouvilleDopriRun().steps;
      },
      fn: () => liouvilleDopriRun().end,
      get metric() {
        return { unit: 'steps/s', perOp: dopriSteps || 1 };
      },
      note: dopriNote,
    }),
  ],
});

// Fit a pendulum's rod length l and gravity g to a noisy recorded trajectory: the catalogue's
// `pendulum({ l, g })` accepts differentiable values, so the gradient of the trajectory misfit
// with respect to (l, g) flows through a symplectic Gauss–Legendre rollout, and Adam descends it.
// Run with `npx tsx examples/fit-parameters.ts` (about ten seconds).
//
// With the bob's mass known (m = 1), a record of both the angle q and the momentum p = ml²q̇
// determines l and g separately (q̇ = p/(ml²) fixes l, ṗ = −mgl sin q then fixes g); from angles
// alone only g/l would be identifiable.
import { pathToFileURL } from 'node:url';
import { type Value, concat, exp, mean, primalTensor, square, sub, valueAndGrad } from '@liouville/ad';
import { pendulum } from '@liouville/hamiltonian';
import { gaussLegendre4, integrate } from '@liouville/integrators';
import { type RandomKey, type Tensor, add, mul, randomKey, randomNormal, scalar, tensor } from '@liouville/linalg';
import { adam } from '@liouville/nn';

/** What the fit is given and how it runs. */
export interface FitOptions {
  /** The truth the measurements are simulated from (default l = 1.3, g = 9.81). */
  readonly truth?: { readonly l: number; readonly g: number };
  /** The initial guess (default l = 1, g = 8). */
  readonly guess?: { readonly l: number; readonly g: number };
  /** Standard deviation of the Gaussian noise added to q and p (default 0.01). */
  readonly noise?: number;
  /** Adam steps (default 120). */
  readonly steps?: number;
  readonly seed?: number;
  readonly onStep?: (step: number, loss: number, l: number, g: number) => void;
}

const DT = 0.05;
const STEPS = 40; // 2 s, about 0.9 of a period at the true frequency √(g/l) ≈ 2.75 rad/s
const START = { q: tensor([1.0]), p: tensor([0]) };

/** The rollout of the pendulum with parameters (l, g), m = 1: rows (q, p) at t = 0, dt, …, as [STEPS + 1, 2]. */
function trajectory(l: Value | number, g: Value | number): Value {
  const { q, p } = integrate(gaussLegendre4(pendulum({ l, g }), DT), START, { steps: STEPS });
  return concat([q, p], 1);
}

/** Simulated measurements: the true trajectory plus seeded Gaussian noise of standard deviation σ. */
export function measurements(truth: { l: number; g: number }, sigma: number, key: RandomKey): Tensor {
  const exact = primalTensor(trajectory(truth.l, truth.g));
  return add(exact, mul(randomNormal(key, exact.shape), scalar(sigma)));
}

/**
 * Fits (l, g) by least squares on the whole recorded trajectory. The parameters are optimised as
 * log l and log g, so they stay positive and one learning rate suits both scales.
 */
export function fitPendulum(options: FitOptions = {}): { l: number; g: number; loss: number } {
  const truth = options.truth ?? { l: 1.3, g: 9.81 };
  const guess = options.guess ?? { l: 1, g: 8 };
  const observed = measurements(truth, options.noise ?? 0.01, randomKey(options.seed ?? 0));
  const misfit = (theta: { logL: Value; logG: Value }) =>
    mean(square(sub(trajectory(exp(theta.logL), exp(theta.logG)), observed)));
  const optimiser = adam({ lr: 0.05 });
  let params = { logL: tensor(Math.log(guess.l)), logG: tensor(Math.log(guess.g)) };
  let state = optimiser.init(params);
  let loss = Number.NaN;
  for (let step = 1; step <= (options.steps ?? 120); step++) {
    const [value, grads] = valueAndGrad(misfit)(params);
    loss = primalTensor(value).item();
    ({ params, state } = optimiser.update(grads, state, params));
    options.onStep?.(step, loss, Math.exp(params.logL.item()), Math.exp(params.logG.item()));
  }
  return { l: Math.exp(params.logL.item()), g: Math.exp(params.logG.item()), loss };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fit = fitPendulum({
    onStep: (step, loss, l, g) => {
      if (step % 25 === 0)
        console.log(`step ${step}: misfit ${loss.toExponential(3)}, l = ${l.toFixed(4)}, g = ${g.toFixed(4)}`);
    },
  });
  console.log(
    `fitted l = ${fit.l.toFixed(4)} (true 1.3), g = ${fit.g.toFixed(4)} (true 9.81); misfit ${fit.loss.toExponential(3)}`,
  );
}

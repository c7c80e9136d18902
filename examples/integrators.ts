// Symplectic integrators are higher-order functions: method(system, dt) returns a step.
// Run with `npx tsx examples/integrators.ts`.
import { type Value, grad, primalTensor, sum } from '@liouville/ad';
import { energy, kepler, keplerInitialState, pendulum } from '@liouville/hamiltonian';
import { gaussLegendre4, integrate, leapfrog, rk4, yoshida4 } from '@liouville/integrators';
import { tensor } from '@liouville/linalg';

// Energy error of the Kepler problem at eccentricity 0.5 over 10 000 steps of dt = 0.05, largest
// over the first and over the second half: the symplectic methods' error oscillates within a
// bound, RK4's keeps growing (secular drift).
const orbit = kepler();
const start = keplerInitialState(0.5);
const H0 = primalTensor(energy(orbit)(start)).item();
for (const [name, method] of [
  ['leapfrog', leapfrog],
  ['yoshida4', yoshida4],
  ['gaussLegendre4', gaussLegendre4],
  ['rk4', rk4],
] as const) {
  const { q, p } = integrate(method(orbit, 0.05), start, { steps: 10_000 }, { saveEvery: 10 });
  const errors = Array.from(primalTensor(energy(orbit)({ q, p })).data, (H) => Math.abs(H - H0));
  const half = errors.length / 2;
  const largest = (xs: number[]) => Math.max(...xs).toExponential(2);
  console.log(
    `${name.padEnd(15)} max |ΔH| first half ${largest(errors.slice(0, half))}, second half ${largest(errors.slice(half))}`,
  );
}

// A rollout is differentiable: the gradient of the pendulum's final angle with respect to its
// initial momentum, through 100 leapfrog steps.
const swing = pendulum();
const step = leapfrog(swing, 0.05);
const finalAngle = (p0: Value): Value => sum(integrate(step, { q: tensor([0.5]), p: p0 }, { steps: 100 }).final.q);
console.log(
  'd q(5) / d p(0) =',
  primalTensor(grad(finalAngle)(tensor([0.1])))
    .item()
    .toFixed(6),
);

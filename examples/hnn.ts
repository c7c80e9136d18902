// Train a Hamiltonian Neural Network on the noisy mass-spring data of Greydanus et al. (2019), then
// use the trained network as a Hamiltonian like any other: roll it out with a symplectic method.
// Run with `npx tsx examples/hnn.ts` (about half a minute).
import { primalTensor } from '@liouville/ad';
import { energy, hnn, hnnModel, massSpring, springDataset, train } from '@liouville/hamiltonian';
import { implicitMidpoint, integrate } from '@liouville/integrators';
import { tensor } from '@liouville/linalg';
import { adam } from '@liouville/nn';

const data = springDataset({ seed: 0 }); // 25 + 25 noisy trajectories of H = q² + p²
const model = hnnModel({ inputDim: 2, hiddenDim: 64 });
const result = train({
  model,
  data,
  steps: 300,
  optimiser: adam({ lr: 3e-3, weightDecay: 1e-4 }),
  seed: 0,
  onStep: ({ step, trainLoss, testLoss }) => {
    if (testLoss !== undefined && step % 100 === 0)
      console.log(`step ${step}: train ${trainLoss.toFixed(4)}, test ${testLoss.toFixed(4)}`);
  },
});

// The learned system is a `general` Hamiltonian: any integrator for general systems accepts it.
const learned = hnn(model, result.params);
const start = { q: tensor([0.8]), p: tensor([0]) };
const { q, p } = integrate(implicitMidpoint(learned, 0.1), start, { steps: 200 }, { saveEvery: 50 });
const trueEnergy = primalTensor(energy(massSpring({ variant: 'hnnCode' }))({ q, p })).toFlatArray();
console.log(
  'true energy along the learned rollout (t = 0, 5, 10, 15, 20):',
  trueEnergy.map((e) => e.toFixed(4)).join(', '),
);

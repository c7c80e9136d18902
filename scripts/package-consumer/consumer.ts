// Typechecked (never run) in a fresh project against the .d.ts files of the installed tarballs, with
// module and moduleResolution nodenext: the exports' `types` conditions must lead to real types.
import { type CliIO, main, memoryIO } from '@liouville/cli';
import { type Value, grad, hessian, mul, primalTensor, sin, square, sum } from '@liouville/ad';
import { type HnnModel, type TrainResult, hnnModel, springDataset, train } from '@liouville/hamiltonian';
import { arbitrarySystem } from '@liouville/hamiltonian/testing';
import { type SeparableSystem, type Trajectory, integrate, leapfrog } from '@liouville/integrators';
import { arbitraryState, expectSymplectic } from '@liouville/integrators/testing';
import { type Tensor, tensor } from '@liouville/linalg';
import { type Optimizer, adam } from '@liouville/nn';
import type * as fc from 'fast-check';

const f = (x: Value): Value => sum(mul(sin(x), square(x)));
const gradient: Tensor = primalTensor(grad(f)(tensor([0.3, -1.2])));
const curvature = hessian(f)(tensor([0.3, -1.2]));

const oscillator: SeparableSystem = {
  kind: 'separable',
  dim: 1,
  T: (p) => mul(0.5, sum(square(p))),
  V: (q) => mul(0.5, sum(square(q))),
};
const trajectory: Trajectory = integrate(leapfrog(oscillator, 0.1), { q: tensor([1]), p: tensor([0]) }, { steps: 10 });
const defect: number = expectSymplectic(leapfrog(oscillator, 0.1), trajectory.final);
const states: fc.Arbitrary<unknown> = arbitraryState(1);
const systems: fc.Arbitrary<unknown> = arbitrarySystem();

const model: HnnModel = hnnModel({ inputDim: 2, hiddenDim: 16 });
const optimiser: Optimizer<unknown> = adam({ lr: 1e-2 });
const result: TrainResult = train({ model, data: springDataset({ seed: 0 }), steps: 2, optimiser, seed: 0 });
const losses: number[] = result.history.trainLoss;

const io: CliIO = memoryIO();
const exitCode: Promise<number> = main(['--help'], io);

// The declarations are real types, not `any`: each line below must be a type error.
// @ts-expect-error a tensor is not a number
const notANumber: number = tensor([1]);
// @ts-expect-error a method needs a step size
leapfrog(oscillator);
// @ts-expect-error train needs a model and data
train({ steps: 2 });
// @ts-expect-error the command line takes strings
void main([1, 2]);

export { gradient, curvature, defect, states, systems, losses, exitCode, notANumber };

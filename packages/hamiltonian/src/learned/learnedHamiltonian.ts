import { type Value, reshape } from '@liouville/ad';
import { joinPhase } from '@liouville/integrators';
import { InvalidArgumentError, ShapeError, formatShape } from '@liouville/linalg';
import type { MlpParams } from '@liouville/nn';
import type { GeneralHamiltonian } from '../Hamiltonian.js';
import type { HnnModel } from './fieldModels.js';

/**
 * A trained HNN as a Hamiltonian value: H_θ(q, p) = F₂(q, p), a `general` system like any other,
 * so every integrator, invariant and property check applies to it. Only the
 * solenoidal part defines a Hamiltonian flow, so a purely conservative model is rejected.
 *
 * @example
 * ```ts
 * import { energy, hnn, hnnModel, massSpring, springDataset, train } from '@liouville/hamiltonian';
 * import { implicitMidpoint, integrate } from '@liouville/integrators';
 * import { tensor } from '@liouville/linalg';
 *
 * const model = hnnModel({ inputDim: 2, hiddenDim: 64 });
 * const { params } = train({ model, data: springDataset({ seed: 0 }), steps: 300 });
 * const learned = hnn(model, params); // H_θ(q, p) as a `general` Hamiltonian
 * const start = { q: tensor([0.8]), p: tensor([0]) };
 * const { q, p } = integrate(implicitMidpoint(learned, 0.1), start, { steps: 200 }, { saveEvery: 50 });
 * energy(massSpring({ variant: 'hnnCode' }))({ q, p }); // the true H along the learned rollout
 * ```
 */
export function hnn(model: HnnModel, params: Readonly<MlpParams<Value>>, name = 'hnn'): GeneralHamiltonian {
  if (model.fieldType === 'conservative') {
    throw new InvalidArgumentError(
      'hnn: model.fieldType',
      "'solenoidal' or 'both' (a Hamiltonian needs F₂)",
      model.fieldType,
    );
  }
  const dim = model.inputDim / 2;
  const H = (q: Value, p: Value): Value => {
    if (
      q.shape.length !== p.shape.length ||
      q.shape[q.shape.length - 1] !== dim ||
      p.shape[p.shape.length - 1] !== dim
    ) {
      throw new ShapeError(
        `${name}: H`,
        `q and p must end in an axis of length ${dim}, got ${formatShape(q.shape)} and ${formatShape(p.shape)}`,
      );
    }
    if (q.shape.length === 1) {
      const x = reshape(joinPhase(q, p), [1, 2 * dim]);
      return reshape(model.hamiltonian(params, x), []);
    }
    return model.hamiltonian(params, joinPhase(q, p));
  };
  return { kind: 'general', dim, H, name, params: {} };
}

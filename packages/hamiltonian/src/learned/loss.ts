import { type Value, mean, square, sub } from '@liouville/ad';
import { ShapeError, formatShape } from '@liouville/linalg';
import type { MlpParams } from '@liouville/nn';
import type { FieldModel } from './fieldModels.js';

/**
 * The training loss of the paper and its reference code (utils.L2_loss): the mean over all
 * elements of (f_θ(x) − ẋ)², i.e. (1/(N·2n)) Σ ‖f_θ(xᵢ) − ẋᵢ‖². For the HNN f_θ = ∇F₂·Mᵀ, so
 * the parameter gradient of this loss contains the input gradient: exact, at any order.
 */
export function fieldLoss(model: FieldModel): (params: Readonly<MlpParams<Value>>, x: Value, dxdt: Value) => Value {
  return (params, x, dxdt) => {
    if (
      x.shape.length !== 2 ||
      dxdt.shape.length !== 2 ||
      x.shape[0] !== dxdt.shape[0] ||
      x.shape[1] !== dxdt.shape[1]
    ) {
      throw new ShapeError(
        'fieldLoss',
        `x and dxdt must both be [N, ${model.inputDim}], got ${formatShape(x.shape)} and ${formatShape(dxdt.shape)}`,
      );
    }
    return mean(square(sub(model.timeDerivative(params, x), dxdt)));
  };
}

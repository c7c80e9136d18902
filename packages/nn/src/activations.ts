import { mul, relu, sigmoid, softplus, tanh, type Value } from '@liouville/ad';
import { InvalidArgumentError } from '@liouville/linalg';

/** The names of the built-in activation functions. */
export type ActivationName = 'tanh' | 'relu' | 'softplus' | 'sigmoid' | 'swish' | 'identity';

/** A differentiable elementwise function (built from @liouville/ad, so it nests in every transformation). */
export type Activation = (x: Value) => Value;

const table: Record<ActivationName, Activation> = {
  tanh: (x) => tanh(x),
  relu: (x) => relu(x),
  // log(1 + eˣ), smooth everywhere: the choice when second derivatives of the network matter.
  softplus: (x) => softplus(x),
  sigmoid: (x) => sigmoid(x),
  // x·σ(x) (Ramachandran, Zoph & Le 2017, "Searching for activation functions"); the reference HNN
  // code offers it as 'swish'.
  swish: (x) => mul(x, sigmoid(x)),
  identity: (x) => x,
};

/** Every valid activation name, in a fixed order. */
export const activationNames: readonly ActivationName[] = Object.freeze(Object.keys(table) as ActivationName[]);

/** The differentiable activation function of a name; an unknown name throws InvalidArgumentError listing the valid ones. */
export function activation(name: ActivationName): Activation {
  if (typeof name !== 'string' || !Object.hasOwn(table, name)) {
    throw new InvalidArgumentError(
      'activation: name',
      `one of ${activationNames.map((n) => `'${n}'`).join(', ')}`,
      name,
    );
  }
  return table[name];
}

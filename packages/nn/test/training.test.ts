import { type Value, grad, mean, square, sub } from '@liouville/ad';
import { type Tensor, randomKey, randomNormal, splitKey } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { type MlpParams, adam, mlp, paramsEqual, sampleBatch, serializeParams, takeRows } from '../src/index.js';

/** 20 Adam steps on minibatches of a fixed regression problem, every draw from `seed`. */
function train(seed: number): { params: MlpParams; losses: number[] } {
  const [kInit, kData, kTarget, kBatches] = splitKey(randomKey(seed), 4);
  const net = mlp({ sizes: [2, 16, 16, 1], finalBias: false });
  const x = randomNormal(kData, [64, 2]);
  const y = randomNormal(kTarget, [64, 1]);
  const opt = adam({ lr: 1e-2 });
  let params = net.init(kInit);
  let state = opt.init(params);
  const losses: number[] = [];
  const batchKeys = splitKey(kBatches, 20);
  for (let step = 0; step < 20; step++) {
    const rows = sampleBatch(batchKeys[step], 64, 16);
    const [xb, yb] = [takeRows(x, rows), takeRows(y, rows)];
    const loss = (p: MlpParams<Value>) => mean(square(sub(net.apply(p, xb), yb)));
    losses.push((loss(params) as Tensor).item());
    ({ params, state } = opt.update(grad(loss)(params), state, params));
  }
  return { params, losses };
}

describe('adam', () => {
  test('trains a tiny MLP bit-identically from the same seed', () => {
    const first = train(2024);
    const second = train(2024);
    expect(paramsEqual(first.params, second.params)).toBe(true);
    // Bytes of the whole parameter file, which encodes every element's bits.
    expect(serializeParams(first.params)).toBe(serializeParams(second.params));
    expect(first.losses).toEqual(second.losses);
    expect(paramsEqual(first.params, train(2025).params)).toBe(false);
  });
});

// The Hamiltonian Neural Network case (Greydanus, Dzamba & Yosinski, NeurIPS 2019): a small MLP
// H_θ(x), x = (q, p) row by row, trained on loss(θ) = mean_b ‖J ∇ₓH_θ(x_b) − y_b‖². Its gradient
// with respect to θ differentiates through the input gradient: forward mode for ∇ₓ inside reverse
// mode for θ must equal reverse over reverse and central differences of the loss.
import * as L from '@liouville/linalg';
import { type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Value,
  grad,
  jvp,
  matmul,
  mean,
  reshape,
  rowwiseGrad,
  square,
  sub,
  sum,
  transpose,
} from '../src/index.js';
import {
  FD,
  type MlpParams,
  doubleIn,
  exactFor,
  expectClose,
  fdGrad,
  fillLike,
  inner,
  mlp,
  mlpParamsArb,
  mlpShapes,
  num,
  poolArb,
  tensorArb,
} from './helpers.js';

/** Batch size and hidden width: the 2 → 8 → 8 → 1 network of the issue, on B = 5 rows. */
const B = 5;
const HIDDEN = 8;

/** J = [[0, 1], [−1, 0]], so that J ∇H = (∂H/∂p, −∂H/∂q) for x = (q, p): Hamilton's equations. */
const J = tensor([
  [0, 1],
  [-1, 0],
]);

type Mode = 'forward' | 'reverse';

/** The HNN loss mean_b ‖J ∇ₓH_θ(x_b) − y_b‖², with the input gradient taken in `mode`. */
const hnnLoss =
  (x: Tensor, y: Tensor, mode: Mode) =>
  (theta: MlpParams): Value => {
    const dH = rowwiseGrad((z: Value) => mlp(theta, z), { mode })(x); // [B, 2]
    const field = matmul(dH, transpose(J)); // row b: J ∇H(x_b)
    return mean(sum(square(sub(field, y)), 1));
  };

const caseArb = fc.tuple(
  mlpParamsArb(2, HIDDEN),
  tensorArb([B, 2], doubleIn([-2, 2])),
  tensorArb([B, 2], doubleIn([-1, 1])),
);

/**
 * The input gradient of the MLP by hand (backpropagation written out with plain tensors):
 * with h₁ = tanh(x W1ᵀ + b1), h₂ = tanh(h₁ W2ᵀ + b2): δ₂ = (1 − h₂²) ⊙ W3, δ₁ = (δ₂ W2) ⊙ (1 − h₁²),
 * ∇ₓH = δ₁ W1.
 */
function inputGradientByHand(theta: MlpParams, x: Tensor): Tensor {
  const [w1, b1, w2, b2, w3] = [theta.W1, theta.b1, theta.W2, theta.b2, theta.W3] as Tensor[];
  const h1 = L.tanh(L.add(L.matmul(x, L.transpose(w1)), b1));
  const h2 = L.tanh(L.add(L.matmul(h1, L.transpose(w2)), b2));
  const d2 = L.mul(L.sub(L.scalar(1), L.square(h2)), w3);
  const d1 = L.mul(L.matmul(d2, w2), L.sub(L.scalar(1), L.square(h1)));
  return L.matmul(d1, w1);
}

describe('rowwiseGrad', () => {
  test('gives each row’s input gradient of the MLP in forward and reverse mode, equal to backpropagation by hand', () => {
    fc.assert(
      fc.property(caseArb, ([theta, x]) => {
        const H = (z: Value) => mlp(theta, z);
        const expected = inputGradientByHand(theta, x);
        const tol = exactFor(expected);
        expectClose(rowwiseGrad(H, { mode: 'forward' })(x), expected, tol, 'forward');
        expectClose(rowwiseGrad(H, { mode: 'reverse' })(x), expected, tol, 'reverse');
        expectClose(rowwiseGrad(H)(x), expected, tol, 'default mode');
        // Row b alone, through grad on a single vector: the rows do not interact.
        for (let b = 0; b < B; b++) {
          const row = L.reshape(L.slice(x, [b, 0], [b + 1, 2]), [2]);
          expectClose(grad(H)(row), L.reshape(L.slice(expected, [b, 0], [b + 1, 2]), [2]), tol, `row ${b}`);
        }
      }),
      { numRuns: 10 },
    );
  });

  test('accepts f returning [B, 1] as well as [B]', () => {
    fc.assert(
      fc.property(caseArb, ([theta, x]) => {
        const column = (z: Value) => reshape(mlp(theta, z), [B, 1]);
        const expected = inputGradientByHand(theta, x);
        expectClose(rowwiseGrad(column, { mode: 'forward' })(x), expected, exactFor(expected), 'forward');
        expectClose(rowwiseGrad(column, { mode: 'reverse' })(x), expected, exactFor(expected), 'reverse');
      }),
      { numRuns: 3 },
    );
  });
});

describe('grad', () => {
  test('of the HNN loss with the input gradient in forward mode equals reverse over reverse', () => {
    fc.assert(
      fc.property(caseArb, ([theta, x, y]) => {
        const [lf, lr] = [hnnLoss(x, y, 'forward'), hnnLoss(x, y, 'reverse')];
        expectClose(lf(theta), lr(theta), exactFor(lr(theta)), 'loss');
        const byForward = grad(lf)(theta);
        const byReverse = grad(lr)(theta);
        expect(Object.keys(byForward).sort()).toEqual(['W1', 'W2', 'W3', 'b1', 'b2']);
        const shapes = mlpShapes(2, HIDDEN);
        for (const key of Object.keys(shapes) as (keyof typeof shapes)[])
          expect(byForward[key].shape).toEqual(shapes[key]);
        expectClose(byForward, byReverse, exactFor(byReverse), 'forward-in-reverse vs reverse-over-reverse');
      }),
      { numRuns: 10 },
    );
  });

  test('of the HNN loss matches central differences of the loss', () => {
    // The loss is an O(1) smooth function of θ; with h = 1e-5·max(1, |θᵢ|) the central
    // difference errs by h²|L‴|/6 + ε|L|/h ≲ 1e-10, far below the FD tolerance (1e-6 relative,
    // 1e-7 absolute) that a wrong derivative would exceed by orders of magnitude.
    fc.assert(
      fc.property(caseArb, ([theta, x, y]) => {
        const loss = hnnLoss(x, y, 'forward');
        expect(num(loss(theta))).toBeGreaterThan(0);
        expectClose(grad(loss)(theta), fdGrad(loss, theta), FD, 'grad vs central differences');
      }),
      { numRuns: 4 },
    );
  });

  test('of the HNN loss agrees with a forward-mode directional derivative over θ', () => {
    fc.assert(
      fc.property(caseArb, poolArb, ([theta, x, y], pool) => {
        const loss = hnnLoss(x, y, 'forward');
        const v = fillLike(theta, pool);
        const g = grad(loss)(theta);
        const [, directional] = jvp(loss, theta, v);
        const expected = inner(g, v);
        expectClose(directional as Value, expected, exactFor(expected), 'jvp over θ vs ⟨grad, v⟩');
      }),
      { numRuns: 10 },
    );
  });
});

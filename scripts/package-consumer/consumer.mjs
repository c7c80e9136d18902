// Runs with plain `node` in a fresh project where the packed tarballs were installed with npm: every
// number is checked against a closed form, so a broken build fails here, not only a missing file.
import { add, grad, hessian, mul, primalTensor, sin, slice, square, sum } from '@liouville/ad';
import { hnnModel, springDataset, train } from '@liouville/hamiltonian';
import { integrate, leapfrog } from '@liouville/integrators';
import { tensor } from '@liouville/linalg';
import { adam } from '@liouville/nn';

let failures = 0;
/** Records one check; `detail` says what was measured. */
function check(label, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${detail === undefined ? '' : `: ${detail}`}`);
  if (!ok) failures += 1;
}
/** Largest |a_i − b_i| / (1 + |b_i|): rounding-level for values of order one. */
const relativeGap = (a, b) => Math.max(...a.map((x, i) => Math.abs(x - b[i]) / (1 + Math.abs(b[i]))));
const flat = (value) => primalTensor(value).toFlatArray();

// Reverse-mode AD evaluates the same products and sums as the closed forms, in another order, so
// the gap is a few ulps: 1e-12 leaves three orders of magnitude above double rounding.
const AD_TOL = 1e-12;
const xs = [0.3, -1.2, 2.5];
const x = tensor(xs);

// ∇ Σ sin(x)·x² = cos(x)·x² + 2x·sin(x).
const f = (v) => sum(mul(sin(v), square(v)));
const gradient = flat(grad(f)(x));
const gradientTruth = xs.map((t) => Math.cos(t) * t * t + 2 * t * Math.sin(t));
check(
  'grad of Σ sin(x)·x²',
  relativeGap(gradient, gradientTruth) < AD_TOL,
  `gap ${relativeGap(gradient, gradientTruth)}`,
);

// h = Σ sin(x)·x² + x0·x1·x2: diagonal (2 − x²)·sin(x) + 4x·cos(x), off-diagonal the third coordinate.
const coordinate = (v, i) => slice(v, [i], [i + 1]);
const h = (v) => add(f(v), sum(mul(mul(coordinate(v, 0), coordinate(v, 1)), coordinate(v, 2))));
const hess = flat(hessian(h)(x));
const hessTruth = xs.flatMap((a, i) =>
  xs.map((_, j) => (i === j ? (2 - a * a) * Math.sin(a) + 4 * a * Math.cos(a) : xs[3 - i - j])),
);
check('Hessian (forward over reverse)', relativeGap(hess, hessTruth) < AD_TOL, `gap ${relativeGap(hess, hessTruth)}`);

// Leapfrog on H = p²/2 + q²/2 from (1, 0), forces by AD. Its positions obey
// q_{n+1} − 2q_n + q_{n−1} = −dt²·q_n with q_1 = 1 − dt²/2, so q_n = cos(nθ) with cos θ = 1 − dt²/2
// exactly; the energy stays within dt²/8 / (1 − dt²/4) of H0 (the modified Hamiltonian
// p²/2 + (1 − dt²/4)·q²/2 of the kick-drift-kick form, or its drift-kick-drift twin, is conserved).
const dt = 0.1;
const steps = 400;
const oscillator = {
  kind: 'separable',
  dim: 1,
  T: (p) => mul(0.5, sum(square(p))),
  V: (q) => mul(0.5, sum(square(q))),
};
const rollout = integrate(leapfrog(oscillator, dt), { q: tensor([1]), p: tensor([0]) }, { steps });
const qs = flat(rollout.q);
const ps = flat(rollout.p);
const theta = Math.acos(1 - (dt * dt) / 2);
// 400 steps accumulate 400 roundings of order one: 1e-12 still sits far above them.
const qGap = relativeGap(
  qs,
  qs.map((_, n) => Math.cos(n * theta)),
);
check(`leapfrog rollout q_n = cos(nθ) over ${steps} steps`, qs.length === steps + 1 && qGap < 1e-12, `gap ${qGap}`);
const drift = Math.max(...qs.map((q, n) => Math.abs((q * q + ps[n] * ps[n]) / 2 - 0.5)));
const bound = (dt * dt) / 8 / (1 - (dt * dt) / 4);
check('leapfrog energy stays bounded', drift <= bound + 1e-12 && drift > 0, `max |H − H0| ${drift} ≤ ${bound}`);

// The rollout is differentiable: q_N is linear in q_0 with slope cos(Nθ) when p_0 = 0.
const slopeSteps = 50;
const finalQ = (q0) =>
  sum(integrate(leapfrog(oscillator, dt), { q: q0, p: tensor([0]) }, { steps: slopeSteps }).final.q);
const slope = flat(grad(finalQ)(tensor([1])))[0];
check('d q_N / d q_0 through the rollout', Math.abs(slope - Math.cos(slopeSteps * theta)) < 1e-12, `${slope}`);

// A few HNN training steps on the spring data: finite losses that fall, and the same bits from the same seed.
const data = springDataset({ seed: 0 });
const model = hnnModel({ inputDim: 2, hiddenDim: 32 });
const run = (n) => train({ model, data, steps: n, optimiser: adam({ lr: 1e-2 }), seed: 0, evalEvery: n });
const long = run(30);
const short = run(5);
const losses = long.history.trainLoss;
check(
  'HNN training: 30 finite steps, loss falls',
  long.status === 'completed' && losses.length === 30 && losses.every(Number.isFinite) && losses[29] < 0.5 * losses[0],
  `loss ${losses[0].toExponential(3)} -> ${losses[29].toExponential(3)}`,
);
check(
  'HNN training: same seed, same bits',
  short.history.trainLoss.every((l, i) => Object.is(l, losses[i])),
  short.history.trainLoss.map((l) => l.toExponential(3)).join(', '),
);

// The /testing kit with its optional peer fast-check, as in a user's property test: leapfrog's
// one-step Jacobian is symplectic (MᵀJM = J) at any state, to rounding (expectSymplectic's 1e-12).
const fc = await import('fast-check');
const { arbitraryState, expectSymplectic } = await import('@liouville/integrators/testing');
const symplectic = fc.check(
  fc.property(arbitraryState(1), (state) => expectSymplectic(leapfrog(oscillator, dt), state) < 1e-12),
  { seed: 1, numRuns: 20 },
);
check(
  '@liouville/integrators/testing with fast-check: leapfrog is symplectic',
  !symplectic.failed,
  fc.defaultReportMessage(symplectic),
);

// @liouville/linalg/node: the helper thread for products on two threads starts from the installed
// package (its script is found there), and a product split over both threads gives one thread's bits.
const { MatmulArena } = await import('@liouville/linalg');
const { matmulThreadsReady, useMatmulThreads } = await import('@liouville/linalg/node');
const threadedProduct = (threads) => {
  useMatmulThreads(threads);
  const [m, k, n] = [256, 128, 96];
  const arena = MatmulArena.create(8 * m * n, MatmulArena.scratchBytes('float64', m, k, n));
  const c = arena.array('float64', 0, m * n);
  const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i));
  const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i));
  arena.multiply('float64', a, 0, false, b, 0, false, c, 0, m, k, n);
  return c;
};
useMatmulThreads(2);
const started = await matmulThreadsReady().then(
  () => 'started',
  (error) => error.message,
);
const [oneThread, twoThreads] = [threadedProduct(1), threadedProduct(2)];
useMatmulThreads(1);
check(
  '@liouville/linalg/node: helper thread started, same bits on two threads',
  started === 'started' && oneThread.every((x, i) => Object.is(x, twoThreads[i])),
  started,
);

if (failures > 0) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}

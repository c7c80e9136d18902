import { tensor } from '@liouville/linalg';
import { pendulum } from '../src/index.js';
import { describeEnergySweep } from './energySweep.js';

// Long-time energy behaviour on the pendulum H = p²/2 + 1 − cos q (m = l = g = 1); the checks
// and their reasons are in energySweep.ts.
//
// The start (q, p) = (0, 1.5) has H = 1.125, a libration of amplitude 2 asin(0.75) ≈ 1.70 rad,
// far from the harmonic regime, with period 4K(0.75²) ≈ 7.64. dt = 0.2 (≈ 38 steps per period,
// 1e5 steps ≈ 2600 periods) keeps even the most accurate method's energy error at 3.4e-11
// (kahanLi8), well above the random walk of rounding (~√N·s·ε ≈ 6e-13 after N = 1e5 steps of
// s = 17 stages). The energy is read from the closed form (helpers), independent of the code
// under test and cheap to read 1e5 times. The errors stay far below the distance to the
// separatrix (H = 2), where the motion would change character: bound 0.2.
//
// Measured: ratios 1.0000–1.0025 for every symplectic method; implicit midpoint 2.1e-3,
// gaussLegendre4 2.0e-6, gaussLegendre6 5.3e-9; taoExtended at dt = 0.01 (≈ 130 periods) ratio
// 1.000, error 5.5e-5; RK4 loses ≈ 5.4e-7 per step: 2.7e-2, then 5.4e-2 (ratio 1.98).
describeEnergySweep({
  label: 'pendulum',
  system: pendulum(),
  start: { q: tensor([0]), p: tensor([1.5]) },
  dt: 0.2,
  taoDt: 0.01,
  bound: 0.2,
});

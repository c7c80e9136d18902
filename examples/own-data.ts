// Train a Hamiltonian Neural Network on your own measurements. The measurements here are
// SIMULATED (a pendulum plus noise, written to simulated-pendulum-measurements.txt) so that the
// example runs anywhere, but the file looks like a tracker's output: whitespace-separated, a
// `%` header naming only some of its columns, several trials, uneven sampling with a gap, the
// angle wrapped to (−π, π] (some trials swing over the top) and its angular velocity rather than
// a canonical momentum. Run with `npx tsx examples/own-data.ts [folder]` (about a minute).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { primalTensor } from '@liouville/ad';
import {
  type HnnModel,
  hnn,
  hnnModel,
  pendulum,
  phaseScaling,
  scaleDataset,
  splitLoss,
  train,
  unscaledModel,
} from '@liouville/hamiltonian';
import { loadMeasurements } from '@liouville/hamiltonian/node';
import { type State, gaussLegendre4, integrate } from '@liouville/integrators';
import { randomKey, randomNormal, randomUniform, splitKey, tensor } from '@liouville/linalg';
import { adam } from '@liouville/nn';

/** The pendulum the measurements come from: θ̈ = −(g/l) sin θ with g = 9.81, l = 0.75 m. */
const OMEGA2 = 9.81 / 0.75;

/** One trial's (θ, θ̇) at the given times: H = θ̇²/2 + ω²(1 − cos θ) (`pendulum` with m = l = 1, g = ω²) by fine Gauss–Legendre steps. */
function trial(theta0: number, omega0: number, times: readonly number[]): [number, number][] {
  const system = pendulum({ g: OMEGA2 });
  const out: [number, number][] = [];
  let state: State = { q: tensor([theta0]), p: tensor([omega0]) };
  let now = 0;
  for (const t of times) {
    const steps = Math.max(1, Math.round((t - now) / 0.002));
    if (t > now) state = integrate(gaussLegendre4(system, (t - now) / steps), state, { steps }).final;
    now = t;
    out.push([primalTensor(state.q).item(), primalTensor(state.p).item()]);
  }
  return out;
}

/** Writes the simulated measurements file and returns its path. */
export function writeSimulatedMeasurements(folder: string, seed = 0): string {
  const [startKey, timeKey, noiseKey] = splitKey(randomKey(seed), 3);
  const starts = randomUniform(startKey, [6, 2], { low: -1, high: 1 }).data;
  const lines = [
    '% simulated pendulum measurements (l = 0.75 m, g = 9.81 m/s²), noise σ = 0.01 rad, 0.03 rad/s',
    '%t theta omega',
  ];
  for (let k = 0; k < 6; k++) {
    // Uneven sampling near 30 Hz, and a 1.5 s gap in the middle of each trial.
    const jitter = randomUniform(splitKey(timeKey, 6)[k], [120], { low: 0.027, high: 0.04 }).data;
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 120; i++) {
      times.push(t);
      t += jitter[i] + (i === 59 ? 1.5 : 0);
    }
    // Trials 4 and 5 swing over the top: their wrapped angle crosses ±π.
    const speed = k >= 4 ? 7.6 + 0.2 * starts[2 * k] : 3 * starts[2 * k + 1];
    const states = trial(0.8 * starts[2 * k], speed, times);
    const noise = randomNormal(splitKey(noiseKey, 6)[k], [120, 2]).data;
    states.forEach(([theta, omega], i) => {
      const wrapped = Math.atan2(Math.sin(theta + 0.01 * noise[2 * i]), Math.cos(theta + 0.01 * noise[2 * i]));
      lines.push(
        `${k + 1} ${times[i].toFixed(4)} ${wrapped.toFixed(5)} ${(omega + 0.03 * noise[2 * i + 1]).toFixed(4)}`,
      );
    });
  }
  mkdirSync(folder, { recursive: true });
  const path = join(folder, 'simulated-pendulum-measurements.txt');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Trains an HNN on the file as `liouville train --data` does, and reports what it learned. */
export function trainOnMeasurements(path: string, steps = 1500) {
  // Columns: the header names the last three (t theta omega); the trial column is number 1.
  const data = loadMeasurements(path, {
    trajectory: 1,
    time: 't',
    q: ['theta'],
    p: ['omega'],
    momentum: 'velocity',
    periodic: [true],
    derivative: 'savgol',
  });
  const scaling = phaseScaling(data.train, { periodic: [true] });
  const model = hnnModel({ inputDim: 2, hiddenDim: 100, periodic: [true] });
  const { params } = train({ model, data: scaleDataset(data, scaling), steps, optimiser: adam({ lr: 1e-3 }), seed: 0 });
  const user = unscaledModel(model, scaling); // H_θ and its field in the data's units
  const testMse = splitLoss(user, params, data.test).mean;
  const trivial = Array.from(data.test.dxdt.data).reduce((a, v) => a + v * v, 0) / data.test.dxdt.size;
  // The learned H should be conserved along its own symplectic rollout, and close to the true
  // energy θ̇²/2 + ω²(1 − cos θ) up to a constant factor and offset.
  const learned = hnn(user as HnnModel, params);
  const { q, p } = integrate(gaussLegendre4(learned, 0.01), { q: tensor([1]), p: tensor([0]) }, { steps: 300 });
  const H = Array.from(primalTensor(learned.H(primalTensor(q), primalTensor(p))).data);
  return { data, testMse, trivial, energyDrift: Math.max(...H) - Math.min(...H), energySpread: Math.abs(H[0]) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const folder = process.argv[2] ?? join('out', 'own-data');
  const path = writeSimulatedMeasurements(folder);
  console.log(`wrote ${path}`);
  const r = trainOnMeasurements(path);
  console.log(
    `test MSE of dx/dt ${r.testMse.toExponential(3)} (trivial predictor dx/dt = 0: ${r.trivial.toExponential(3)})`,
  );
  console.log(`H_θ along its own Gauss–Legendre rollout varies by ${r.energyDrift.toExponential(2)}`);
  console.log('The same from the command line:');
  console.log(
    `  liouville train --data ${path} --trajectory 1 --time t --q theta --p omega --velocity --periodic theta --derivative savgol --model hnn --out pendulum-hnn.params.json`,
  );
  console.log(`  liouville evaluate --params pendulum-hnn.params.json --data ${path}`);
}

import { doublePendulum, massSpring } from '@liouville/hamiltonian';
import { InvalidArgumentError } from '@liouville/linalg';
import { treeLeaves } from '@liouville/nn';
import { describe, expect, test } from 'vitest';
import { resolveMethod, rolloutEnergies } from '../src/rollouts.js';
import { systemChoice } from '../src/systems.js';
import { DEFAULT_TRAINING, createTraining, trainStep } from '../src/training.js';
import type { HnnModel } from '@liouville/hamiltonian';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('trainStep', () => {
  test('lowers both losses on the pendulum by more than ten times in 150 steps', () => {
    const training = createTraining(systemChoice('pendulum'));
    for (let k = 0; k < 150; k++) trainStep(training);
    expect(training.step).toBe(150);
    // From the untrained network's loss ~1 both reach ~1e-2 (measured); noisy minibatch losses
    // are compared as means of 10 steps.
    for (const run of [training.hnn, training.baseline]) {
      expect(run.trainLoss).toHaveLength(150);
      expect(mean(run.trainLoss.slice(-10))).toBeLessThan(mean(run.trainLoss.slice(0, 10)) / 10);
      expect(run.testLoss).toHaveLength(15);
    }
  });

  test('gives the same bits for the same seed and different ones for another', () => {
    const run = (seed: number) => {
      const training = createTraining(systemChoice('kepler'), { ...DEFAULT_TRAINING, seed, hiddenDim: 8 });
      for (let k = 0; k < 3; k++) trainStep(training);
      return [
        ...training.hnn.trainLoss,
        ...treeLeaves(training.baseline.params).flatMap(({ leaf }) => Array.from(leaf.data)),
      ];
    };
    expect(run(4)).toEqual(run(4));
    expect(run(5)).not.toEqual(run(4));
  });

  test('rejects a configuration it cannot train with, naming the argument', () => {
    const choice = systemChoice('spring');
    expect(() => createTraining(choice, { ...DEFAULT_TRAINING, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => createTraining(choice, { ...DEFAULT_TRAINING, lr: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => createTraining(choice, { ...DEFAULT_TRAINING, hiddenDim: 2.5 })).toThrow(/hiddenDim/);
  });
});

describe('resolveMethod', () => {
  test('keeps a splitting method on a separable system and uses the implicit midpoint rule on a general one', () => {
    expect(resolveMethod(massSpring(), 'yoshida4', 0.1)).toMatchObject({ name: 'yoshida4', substituted: false });
    expect(resolveMethod(doublePendulum(), 'yoshida4', 0.1)).toMatchObject({
      name: 'implicitMidpoint',
      substituted: true,
    });
    expect(resolveMethod(doublePendulum(), 'rk4', 0.1)).toMatchObject({ name: 'rk4', substituted: false });
  });

  test('rejects an unknown method', () => {
    expect(() => resolveMethod(massSpring(), 'euler', 0.1)).toThrow(InvalidArgumentError);
  });
});

describe('rolloutEnergies', () => {
  test("rolls out the true system, the HNN and the baseline; the true spring's energy stays within leapfrog's bound", () => {
    const choice = systemChoice('spring');
    const training = createTraining(choice, { ...DEFAULT_TRAINING, hiddenDim: 8 });
    const dt = 0.1;
    const series = rolloutEnergies({
      choice,
      hnnModel: training.hnn.model as HnnModel,
      hnnParams: training.hnn.params,
      baselineModel: training.baseline.model,
      baselineParams: training.baseline.params,
      method: 'leapfrog',
      dt,
      steps: 100,
    });
    expect(series.map((s) => [s.label, s.method, s.states.shape[0], s.energy.length])).toEqual([
      ['true H', 'leapfrog', 101, 101],
      ['HNN', 'implicitMidpoint', 101, 101],
      ['baseline', 'rk4', 101, 101],
    ]);
    // Leapfrog conserves a modified energy H̃ = H − (h²/8)·(q² or p²) of the oscillator exactly, so
    // H stays within a relative h²/4 / (1 − h²/4) of H₀ for all time.
    const truth = series[0].energy;
    const bound = (dt ** 2 / 4 / (1 - dt ** 2 / 4)) * truth[0];
    expect(Math.max(...Array.from(truth, (h) => Math.abs(h - truth[0])))).toBeLessThanOrEqual(bound * 1.0001);
  });
});

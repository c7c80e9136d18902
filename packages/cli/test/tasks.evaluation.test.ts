import { loadRealPendulum } from '@liouville/hamiltonian/node';
import { describe, expect, test } from 'vitest';
import { protocolFor } from '../src/protocols.js';
import { loadReferenceFile } from '../src/reference.js';
import { TASK_NAMES, taskSpec } from '../src/tasks.js';

const reference = loadReferenceFile();
const real = loadRealPendulum();

describe('TaskSpec.evaluation', () => {
  test('is declared by every task: start points, the measured segment, or orbits', () => {
    const kinds = TASK_NAMES.map((name) => [name, taskSpec(name).evaluation.kind]);
    expect(kinds).toEqual([
      ['spring', 'startPoints'],
      ['pendulum', 'startPoints'],
      ['real', 'measuredSegment'],
      ['two-body', 'orbits'],
      ['three-body', 'orbits'],
    ]);
  });

  test('decides the protocol, not the task’s name: three-body’s data evaluated with two-body’s orbits', () => {
    const three = taskSpec('three-body');
    const evaluation = taskSpec('two-body').evaluation;
    if (evaluation.kind !== 'orbits') throw new Error('orbits expected');
    // Three bodies (12 coordinates) from the three-body generator, over two-body's span t ≤ 25.
    const p = protocolFor(
      {
        ...three,
        evaluation: {
          ...evaluation,
          generate: three.evaluation.kind === 'orbits' ? three.evaluation.generate : evaluation.generate,
        },
      },
      reference,
      real,
      2,
    );
    const set = p.sets[0];
    if (set.kind !== 'simulated') throw new Error('simulated set expected');
    expect(set.tEnd).toEqual([25, 25]);
    expect(set.initialStates[0].shape).toEqual([12]);
  });
});

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import {
  DataFileError,
  type Dataset,
  parseDatasetCsv,
  parsePendulumReference,
  parseRealPendulum,
  parseRealPendulumRaw,
  parseSpringReference,
  parseTwoBodyReference,
} from '../src/index.js';
import {
  loadPendulumReference,
  loadRealPendulum,
  loadRealPendulumRaw,
  loadSpringReference,
  loadTwoBodyReference,
} from '../src/node/index.js';

// The main entry parses the reference files from text or bytes, with no file system (what a
// browser does after fetch); the Node loaders read the same bytes from disk and must agree bit for bit.

const shipped = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'hnn-reference');
const bytesOf = (file: string) => new Uint8Array(readFileSync(join(shipped, file)));
const textOf = (file: string) => readFileSync(join(shipped, file), 'utf8');

/** The numbers of both splits, for a bitwise comparison. */
const contents = (d: Dataset) =>
  [d.train, d.test].map((s) => [Array.from(s.x.data), Array.from(s.dxdt.data), Array.from(s.trajectory ?? [])]);

describe('the parsers of the main entry', () => {
  test.each([
    ['spring_dataset_seed0.csv', parseSpringReference, loadSpringReference],
    ['pend_dataset_seed0.csv', parsePendulumReference, loadPendulumReference],
    ['real_pend_processed.csv', parseRealPendulum, loadRealPendulum],
    ['real_pend_h_1.txt', parseRealPendulumRaw, loadRealPendulumRaw],
  ] as const)('read %s from text and from bytes exactly as the Node loader does', (file, parse, load) => {
    const loaded = load();
    for (const input of [textOf(file), bytesOf(file)]) {
      const parsed = parse(input, { file: `https://example.org/${file}` });
      expect(parsed.name).toBe(loaded.name);
      expect(parsed.meta.path).toBe(`https://example.org/${file}`);
      expect(contents(parsed)).toEqual(contents(loaded));
    }
  });

  test('read the two-body bytes exactly as the Node loader does', () => {
    const parsed = parseTwoBodyReference({ train: bytesOf('2body_train.f32'), test: bytesOf('2body_test.f32') });
    const loaded = loadTwoBodyReference();
    expect(contents(parsed)).toEqual(contents(loaded));
    expect(Array.from(parsed.train.energy?.data ?? [])).toEqual(Array.from(loaded.train.energy?.data ?? []));
  });

  test('parseDatasetCsv reads any file of that layout, naming it as told', () => {
    const text = 'split,traj,t_index,t,q,p,dq_dt,dp_dt\ntrain,0,0,0,1,2,3,4\ntest,1,0,0,5,6,7,8\n';
    const d = parseDatasetCsv(text, { name: 'mine', source: 'lab notebook 3', dtype: 'float32' });
    expect([d.name, d.meta.source, d.meta.path, d.train.x.dtype]).toEqual([
      'mine',
      'lab notebook 3',
      '<input>',
      'float32',
    ]);
    expect(Array.from(d.test.dxdt.data)).toEqual([7, 8]);
    expect(parseDatasetCsv(text).name).toBe('dataset');
  });

  test('name the file option in a DataFileError', () => {
    const url = 'https://example.org/data/bad.csv';
    let caught: unknown;
    try {
      parseDatasetCsv('split,traj\n', { file: url });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DataFileError);
    expect((caught as DataFileError).path).toBe(url);
    expect((caught as DataFileError).message).toContain('expected the header');
  });

  test('reject input that is neither text nor a Uint8Array with an InvalidArgumentError', () => {
    const buffer = bytesOf('spring_dataset_seed0.csv').buffer;
    expect(() => parseSpringReference(buffer as never)).toThrow(InvalidArgumentError);
    expect(() => parseSpringReference(buffer as never)).toThrow(/parseSpringReference: input/);
    const test = bytesOf('2body_test.f32');
    expect(() => parseTwoBodyReference({ train: test.buffer as never, test })).toThrow(InvalidArgumentError);
    expect(() => parseTwoBodyReference({ train: test.buffer as never, test })).toThrow(/Uint8Array/);
  });
});

import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@liouville/linalg';
import { afterAll, describe, expect, test } from 'vitest';
import {
  DataFileError,
  type Dataset,
  REFERENCE_MANIFEST,
  checkReferenceFile,
  parseSpringReference,
} from '../src/index.js';
import {
  REFERENCE_DATA_ENV,
  loadPendulumReference,
  loadRealPendulum,
  loadRealPendulumRaw,
  loadSpringReference,
  loadTwoBodyReference,
  readReferenceFile,
  referenceDataDir,
} from '../src/node/index.js';
import { bundledReferenceDataDir, packageRoot } from '../src/node/referenceDataDir.js';

// The HNN reference data ship inside this package (data/hnn-reference) and every load from the
// reference folder is checked against the manifest: size, SHA-256 and row count.

const packageFolder = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shipped = join(packageFolder, 'data', 'hnn-reference');
const temp = mkdtempSync(join(tmpdir(), 'liouville-reference-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let copies = 0;

/** A fresh copy of the shipped folder in the temporary folder. */
function copyOfReference(): string {
  const copy = join(temp, `copy-${++copies}`);
  cpSync(shipped, copy, { recursive: true });
  return copy;
}

function withEnv<T>(value: string | undefined, run: () => T): T {
  const saved = process.env[REFERENCE_DATA_ENV];
  if (value === undefined) delete process.env[REFERENCE_DATA_ENV];
  else process.env[REFERENCE_DATA_ENV] = value;
  try {
    return run();
  } finally {
    if (saved === undefined) delete process.env[REFERENCE_DATA_ENV];
    else process.env[REFERENCE_DATA_ENV] = saved;
  }
}

/** The DataFileError `run` throws (the test fails if it throws nothing or something else). */
function dataFileError(run: () => unknown): DataFileError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DataFileError);
    return error as DataFileError;
  }
  throw new Error('expected a DataFileError, nothing was thrown');
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('the manifest', () => {
  test('MANIFEST.json in the data folder is REFERENCE_MANIFEST', () => {
    expect(JSON.parse(readFileSync(join(shipped, 'MANIFEST.json'), 'utf8'))).toEqual(REFERENCE_MANIFEST);
  });

  test('lists every data file of the folder, with its true size and SHA-256', () => {
    const dataFiles = readdirSync(shipped).filter(
      (f) => !['MANIFEST.json', 'PROVENANCE.md'].includes(f) && f[0] !== '.',
    );
    expect(REFERENCE_MANIFEST.files.map((e) => e.file).sort()).toEqual(dataFiles.sort());
    for (const entry of REFERENCE_MANIFEST.files) {
      const bytes = readFileSync(join(shipped, entry.file));
      expect([entry.file, bytes.length, sha256(bytes)]).toEqual([entry.file, entry.bytes, entry.sha256]);
    }
  });

  test('states the row counts the parsers find (and PROVENANCE.md describes)', () => {
    const rows = (file: string) => REFERENCE_MANIFEST.files.find((e) => e.file === file)?.rows;
    withEnv(undefined, () => {
      const count = (d: Dataset) => d.train.x.shape[0] + d.test.x.shape[0];
      expect(count(loadSpringReference())).toBe(rows('spring_dataset_seed0.csv'));
      expect(count(loadPendulumReference())).toBe(rows('pend_dataset_seed0.csv'));
      expect(count(loadRealPendulum())).toBe(rows('real_pend_processed.csv'));
      // The raw file's 556 samples give 555 forward differences.
      expect(count(loadRealPendulumRaw())).toBe((rows('real_pend_h_1.txt') ?? 0) - 1);
      const twoBody = loadTwoBodyReference();
      expect([twoBody.train.x.shape[0], twoBody.test.x.shape[0]]).toEqual([
        rows('2body_train.f32'),
        rows('2body_test.f32'),
      ]);
      const results = JSON.parse(new TextDecoder().decode(readReferenceFile('hnn_reference_results.json').bytes));
      expect(Object.keys(results.tasks)).toHaveLength(rows('hnn_reference_results.json') ?? -1);
    });
  });

  test('rejects an unknown file name with an InvalidArgumentError listing the known ones', () => {
    expect(() => checkReferenceFile('spring.csv', new Uint8Array(), '', 'x')).toThrow(InvalidArgumentError);
    expect(() => checkReferenceFile('spring.csv', new Uint8Array(), '', 'x')).toThrow(/spring_dataset_seed0\.csv/);
  });
});

describe('referenceDataDir', () => {
  test('is the folder inside the package when LIOUVILLE_REFERENCE_DATA is unset (nothing beside the repository)', () => {
    const folder = withEnv(undefined, referenceDataDir);
    expect(folder).toBe(shipped);
    expect(folder.split(sep)).not.toContain('shared');
    const d = withEnv(undefined, () => loadSpringReference());
    expect(d.meta.path).toBe(join(shipped, 'spring_dataset_seed0.csv'));
  });

  test('is found from the compiled layout of an installed package too (dist/node, src/node)', () => {
    const installed = join(temp, 'project', 'node_modules', '@liouville', 'hamiltonian');
    for (const sub of ['dist/node', 'src/node', 'data/hnn-reference'])
      mkdirSync(join(installed, sub), { recursive: true });
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: '@liouville/hamiltonian' }));
    // A nearer package.json of another name (a nested "type" marker, the consumer's project) is passed over.
    writeFileSync(join(installed, 'dist', 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(temp, 'project', 'package.json'), JSON.stringify({ name: 'consumer' }));
    for (const from of ['dist/node', 'src/node']) {
      expect(packageRoot(join(installed, from))).toBe(installed);
      expect(bundledReferenceDataDir(join(installed, from))).toBe(join(installed, 'data', 'hnn-reference'));
    }
    const error = dataFileError(() => bundledReferenceDataDir(join(temp, 'project')));
    expect(error.message).toContain('no package.json named @liouville/hamiltonian');
    expect(error.message).toContain(REFERENCE_DATA_ENV);
  });

  test('is the folder LIOUVILLE_REFERENCE_DATA names, and an unmodified copy there loads', () => {
    const copy = copyOfReference();
    withEnv(copy, () => {
      expect(referenceDataDir()).toBe(copy);
      expect(loadSpringReference().meta.path).toBe(join(copy, 'spring_dataset_seed0.csv'));
      expect(readReferenceFile('hnn_reference_results.json').path).toBe(join(copy, 'hnn_reference_results.json'));
    });
  });

  test('throws a DataFileError naming the variable when it names no folder', () => {
    const missing = join(temp, 'no-such-folder');
    const error = withEnv(missing, () => dataFileError(referenceDataDir));
    expect(error.path).toBe(missing);
    expect(error.message).toContain(REFERENCE_DATA_ENV);
  });
});

describe('a copy that differs from the manifest', () => {
  const spring = REFERENCE_MANIFEST.files[0];

  test('with one number changed is rejected, naming the file and the expected and actual SHA-256', () => {
    const copy = copyOfReference();
    const path = join(copy, 'spring_dataset_seed0.csv');
    const text = readFileSync(path, 'utf8');
    // Same length and row count: the change is seen by the digest alone.
    const changed = text.replace('train,0,0,0.0,-0.084702105930239,', 'train,0,0,0.0,-0.084702105930238,');
    expect(changed).not.toBe(text);
    writeFileSync(path, changed);
    const error = withEnv(copy, () => dataFileError(() => loadSpringReference()));
    expect(error.path).toBe(path);
    expect(error.message).toContain(`sha256: expected ${spring.sha256}, found ${sha256(Buffer.from(changed))}`);
    expect(error.message).not.toContain('size:');
    expect(error.message).not.toContain('lines after the header:');
  });

  test('with one trajectory removed is rejected, though it would parse as a smaller dataset', () => {
    const copy = copyOfReference();
    const path = join(copy, 'spring_dataset_seed0.csv');
    const shorter = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('train,7,'))
      .join('\n');
    // Well-formed on its own: 1470 rows, 24 training trajectories.
    expect(parseSpringReference(shorter).train.x.shape[0]).toBe(720);
    writeFileSync(path, shorter);
    const error = withEnv(copy, () => dataFileError(() => loadSpringReference()));
    expect(error.path).toBe(path);
    expect(error.message).toContain('spring_dataset_seed0.csv');
    expect(error.message).toContain('lines after the header: expected 1500, found 1470');
    expect(error.message).toContain(`size: expected ${spring.bytes} bytes, found ${Buffer.byteLength(shorter)}`);
    expect(error.message).toContain(`sha256: expected ${spring.sha256}`);
  });

  test('with the last orbit of a binary file cut off, or the results file edited, is rejected', () => {
    const copy = copyOfReference();
    const testPath = join(copy, '2body_test.f32');
    writeFileSync(testPath, readFileSync(testPath).subarray(0, 680000 - 50 * 68));
    const cut = withEnv(copy, () => dataFileError(() => loadTwoBodyReference()));
    expect(cut.path).toBe(testPath);
    expect(cut.message).toContain('rows of 17 float32: expected 10000, found 9950');
    const resultsPath = join(copy, 'hnn_reference_results.json');
    writeFileSync(resultsPath, readFileSync(resultsPath, 'utf8').replace('"spring"', '"spring2"'));
    const edited = withEnv(copy, () => dataFileError(() => readReferenceFile('hnn_reference_results.json')));
    expect(edited.path).toBe(resultsPath);
    expect(edited.message).toMatch(/size: expected 22573 bytes, found 22574; sha256: expected 22ce31de/);
  });

  test('is accepted when given as an explicit path: then it is the caller’s own file, parsed strictly', () => {
    const copy = copyOfReference();
    const path = join(copy, 'spring_dataset_seed0.csv');
    const lines = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, lines.filter((line) => !line.startsWith('test,49,')).join('\n'));
    expect(loadSpringReference(path).test.x.shape[0]).toBe(720);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { DataFileError } from '../src/index.js';
import {
  loadPendulumReference,
  loadRealPendulum,
  loadRealPendulumRaw,
  loadSpringReference,
  loadTwoBodyReference,
} from '../src/node/index.js';

// Malformed copies of the reference formats, written to a temporary folder.
const folder = mkdtempSync(join(tmpdir(), 'liouville-data-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;
/** Writes `content` to a fresh file in the temporary folder and returns its path. */
function write(content: string | Uint8Array, name = 'file.csv'): string {
  const path = join(folder, `${files++}-${name}`);
  writeFileSync(path, content);
  return path;
}

/** Expects `run` to throw a DataFileError whose message names the path and contains each fragment. */
function expectDataFileError(run: () => unknown, path: string, ...fragments: string[]): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DataFileError);
  const message = (caught as Error).message;
  for (const fragment of [path, ...fragments]) expect(message).toContain(fragment);
}

const HEADER = 'split,traj,t_index,t,q,p,dq_dt,dp_dt';
const validRows = ['train,0,0,0.0,0.5,-0.25,1.5,2.5e-1', 'train,0,1,0.1,1,2,3,4', 'test,1,0,0.0,-1e-05,5,6,7'];
const csv = (rows: readonly string[], header = HEADER) => `${[header, ...rows].join('\n')}\n`;

/** The shortest decimal that reads back as x, like Python's repr (which writes −0 as "-0.0"; String(-0) is "0"). */
const repr = (x: number): string => (Object.is(x, -0) ? '-0.0' : String(x));

describe('loadSpringReference', () => {
  test('reads every number of a well-formed file back bit for bit', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(finite, finite, finite, finite, finite), { minLength: 2, maxLength: 20 }),
        (values) => {
          const rows = values.map((v, i) => `${i === 0 ? 'test' : 'train'},${i},0,${v.map(repr).join(',')}`);
          const d = loadSpringReference(write(csv(rows)));
          const train = values.slice(1);
          expect(Array.from(d.train.t?.data ?? [])).toEqual(train.map((v) => v[0]));
          expect(Array.from(d.train.x.data)).toEqual(train.flatMap((v) => [v[1], v[2]]));
          expect(Array.from(d.train.dxdt.data)).toEqual(train.flatMap((v) => [v[3], v[4]]));
          expect(Array.from(d.test.x.data)).toEqual([values[0][1], values[0][2]]);
          expect(Array.from(d.train.trajectory ?? [])).toEqual(train.map((_, i) => i + 1));
        },
      ),
      { numRuns: 30 },
    );
  });

  test('accepts CRLF line endings and a file without a final newline', () => {
    const d = loadSpringReference(write([HEADER, ...validRows].join('\r\n')));
    expect(Array.from(d.train.dxdt.data)).toEqual([1.5, 0.25, 3, 4]);
  });

  test('throws a DataFileError naming a missing file', () => {
    const path = join(folder, 'absent.csv');
    expectDataFileError(() => loadSpringReference(path), path, 'not found');
    expectDataFileError(() => loadPendulumReference(folder), folder, 'expected a file');
  });

  test.each([
    ['a wrong header', csv(validRows, 'split,traj,t,q,p,dq_dt,dp_dt'), 'line 1', 'expected the header'],
    ['an empty file', '', 'line 1', 'empty'],
    ['a header without rows', `${HEADER}\n`, 'line 2', 'no data rows'],
    ['a short row', csv([validRows[0], 'train,0,1,0.1,1,2,3']), 'line 3', 'expected 8 fields, found 7'],
    ['a blank line', `${HEADER}\n${validRows[0]}\n\n${validRows[2]}\n`, 'line 3', 'blank line'],
    ['NaN', csv([validRows[0], 'train,0,1,0.1,nan,2,3,4', validRows[2]]), 'line 3, column 5', 'column q'],
    ['an infinity', csv([validRows[0], 'train,0,1,0.1,1,inf,3,4', validRows[2]]), 'line 3, column 6', 'finite decimal'],
    ['an empty field', csv([validRows[0], 'train,0,1,,1,2,3,4', validRows[2]]), 'line 3, column 4', 'found ""'],
    ['trailing text', csv([validRows[0], 'train,0,1,0.1,1,2,3,4x', validRows[2]]), 'line 3, column 8', '"4x"'],
    ['a quoted field', csv([validRows[0], '"train",0,1,0.1,1,2,3,4', validRows[2]]), 'line 3', 'quoted'],
    [
      'an unknown split',
      csv([validRows[0], 'valid,0,1,0.1,1,2,3,4', validRows[2]]),
      'line 3, column 1',
      '"train" or "test"',
    ],
    [
      'a fractional trajectory',
      csv([validRows[0], 'train,0.5,1,0.1,1,2,3,4', validRows[2]]),
      'line 3, column 2',
      'integer',
    ],
    [
      'a skipped time index',
      csv([validRows[0], 'train,0,2,0.1,1,2,3,4', validRows[2]]),
      'line 3, column 3',
      'expected 1, found 2',
    ],
    ['no test rows', csv(validRows.slice(0, 2)), '', 'no rows with split "test"'],
  ])('rejects %s with a DataFileError saying where', (_, content, ...fragments) => {
    const path = write(content);
    expectDataFileError(() => loadSpringReference(path), path, ...fragments);
  });
});

describe('loadRealPendulum', () => {
  const header = 'split,row,trial,t,theta,omega,dtheta_dt,domega_dt';
  test('reads the split, times and both targets of each row', () => {
    const path = write(csv(['train,0,0,5.0,1,2,3,4', 'test,0,0,5.5,5,6,7,8', 'train,1,0,6.0,9,10,11,12'], header));
    const d = loadRealPendulum(path);
    expect(Array.from(d.train.x.data)).toEqual([1, 2, 9, 10]);
    expect(Array.from(d.test.dxdt.data)).toEqual([7, 8]);
    expect(Array.from(d.train.t?.data ?? [])).toEqual([5, 6]);
  });

  test('rejects a row index out of sequence', () => {
    const path = write(csv(['train,0,0,5.0,1,2,3,4', 'train,2,0,5.5,5,6,7,8', 'test,0,0,6,1,1,1,1'], header));
    expectDataFileError(() => loadRealPendulum(path), path, 'line 3, column 2', 'expected 1, found 2');
  });
});

describe('loadRealPendulumRaw', () => {
  const rawFile = (rows: readonly (readonly number[])[], header = '%o v') =>
    `${[header, ...rows.map((r) => `  ${r.map((v) => v.toExponential(18)).join('  ')}  `)].join('\r\n')}\r\n`;
  const rows = Array.from({ length: 11 }, (_, i) => [0, 5 + i / 6, Math.sin(i), Math.cos(i)]);

  test('takes forward differences and the reference split of the rows', () => {
    const d = loadRealPendulumRaw(write(rawFile(rows), 'raw.txt'));
    // n = 10 rows after dropping the last: test = rows ⌊8⌋ … 8 + ⌊(1 − 0.8)·10⌋ − 1, and
    // (1 − 0.8)·10 = 1.9999999999999996 truncates to 1, as in the reference.
    expect(d.meta.testRows).toEqual([8, 9]);
    expect(Array.from(d.test.x.data)).toEqual([rows[8][2], rows[8][3]]);
    expect(Array.from(d.train.t?.data ?? [])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 9].map((i) => rows[i][1]));
    const dt = rows[9][1] - rows[8][1];
    expect(Array.from(d.test.dxdt.data)).toEqual([(rows[9][2] - rows[8][2]) / dt, (rows[9][3] - rows[8][3]) / dt]);
  });

  test.each([
    ['a wrong header', rawFile(rows, '%t o v'), 'line 1', 'expected the header "%o v"'],
    ['a row of three numbers', rawFile(rows).replace(/\r\n {2}\S+ {2}/, '\r\n  '), 'line 2', 'expected 4'],
    [
      'time running backwards',
      rawFile([rows[0], rows[2], rows[1], ...rows.slice(3)]),
      'line 4, field 2',
      'expected a time after',
    ],
    ['a fractional trial', rawFile([[0.5, 1, 2, 3], ...rows.slice(1)]), 'line 2, field 1', 'integer'],
  ])('rejects %s with a DataFileError saying where', (_, content, ...fragments) => {
    const path = write(content, 'raw.txt');
    expectDataFileError(() => loadRealPendulumRaw(path), path, ...fragments);
  });
});

describe('loadTwoBodyReference', () => {
  /** `rows` rows of 17 little-endian float32: row r, column c holds r + c/32 (exact in float32). */
  function f32Rows(rows: number): Uint8Array {
    const view = new DataView(new ArrayBuffer(rows * 68));
    for (let r = 0; r < rows; r++) for (let c = 0; c < 17; c++) view.setFloat32(68 * r + 4 * c, r + c / 32, true);
    return new Uint8Array(view.buffer);
  }

  test("converts the reference's (qx1, qx2, qy1, qy2, …) columns to (x₁, y₁, x₂, y₂, …)", () => {
    const d = loadTwoBodyReference({ train: write(f32Rows(100), 'train.f32'), test: write(f32Rows(50), 'test.f32') });
    const order = [0, 2, 1, 3, 4, 6, 5, 7];
    expect(Array.from(d.train.x.data.subarray(8, 16))).toEqual(order.map((c) => 1 + c / 32));
    expect(Array.from(d.train.dxdt.data.subarray(0, 8))).toEqual(order.map((c) => (8 + c) / 32));
    expect(d.train.energy?.data[99]).toBe(99 + 16 / 32);
    expect([d.test.trajectory?.[49], d.train.trajectory?.[0], d.train.trajectory?.[99]]).toEqual([0, 1, 2]);
  });

  test('rejects a truncated file, naming the byte where the partial row starts', () => {
    const path = write(f32Rows(50).subarray(0, 50 * 68 - 10), 'train.f32');
    expectDataFileError(
      () => loadTwoBodyReference({ train: path, test: write(f32Rows(50)) }),
      path,
      `byte ${49 * 68}`,
      '68 bytes each',
    );
  });

  test('rejects a non-finite value, naming its byte, row and column', () => {
    const bytes = f32Rows(50);
    new DataView(bytes.buffer).setFloat32(68 * 3 + 4 * 16, Number.NaN, true);
    const path = write(bytes, 'test.f32');
    expectDataFileError(
      () => loadTwoBodyReference({ train: write(f32Rows(50)), test: path }),
      path,
      `byte ${68 * 3 + 64}`,
      'row 3, column energy',
    );
  });

  test('rejects empty files, partial orbits and missing files', () => {
    const empty = write(new Uint8Array(0), 'test.f32');
    expectDataFileError(
      () => loadTwoBodyReference({ train: write(f32Rows(50)), test: empty }),
      empty,
      'byte 0',
      'empty',
    );
    const partial = write(f32Rows(49), 'test.f32');
    expectDataFileError(
      () => loadTwoBodyReference({ train: write(f32Rows(50)), test: partial }),
      partial,
      'whole orbits of 50 rows',
    );
    const absent = join(folder, 'absent.f32');
    expectDataFileError(() => loadTwoBodyReference({ train: write(f32Rows(50)), test: absent }), absent, 'not found');
  });
});

describe('DataFileError', () => {
  test('names the file, the place in it and the problem', () => {
    const error = new DataFileError('/data/x.csv', 'line 3, column 2', 'expected a number, found "a"');
    expect(error.message).toBe('/data/x.csv (line 3, column 2): expected a number, found "a"');
    expect([error.path, error.location, error.name]).toEqual(['/data/x.csv', 'line 3, column 2', 'DataFileError']);
  });
});

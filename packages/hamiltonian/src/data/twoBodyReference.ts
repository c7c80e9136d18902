import { type DType, InvalidArgumentError } from '@liouville/linalg';
import { DataFileError } from './DataFileError.js';
import { type Dataset, type DatasetOptions, type Split, checkDType, tensorOf } from './Dataset.js';

/** Columns of the reference's rows: its canonical coordinates, their derivatives, the energy. */
const REFERENCE_COLUMNS = [
  ...['qx1', 'qx2', 'qy1', 'qy2', 'px1', 'px2', 'py1', 'py2'],
  ...['dqx1', 'dqx2', 'dqy1', 'dqy2', 'dpx1', 'dpx2', 'dpy1', 'dpy2'],
  'energy',
];
const WIDTH = REFERENCE_COLUMNS.length; // 17 float32 per row
const ROW_BYTES = 4 * WIDTH;
/** Samples per orbit in the reference files (sample_orbits(timesteps=50)). */
const POINTS_PER_ORBIT = 50;
/**
 * Our layout (x₁, y₁, x₂, y₂, px₁, py₁, px₂, py₂) read from the reference's
 * (qx1, qx2, qy1, qy2, px1, px2, py1, py2): column k of ours is column ORDER[k] of theirs.
 */
const ORDER = [0, 2, 1, 3, 4, 6, 5, 7];

/** The bytes of the two reference files, and optionally their names or URLs for error messages. */
export interface TwoBodyReferenceBytes {
  readonly train: Uint8Array;
  readonly test: Uint8Array;
  /** Names of the files in errors and in `meta.paths` (default '<train bytes>', '<test bytes>'). */
  readonly files?: { readonly train?: string; readonly test?: string };
}

/** Reads one file of raw little-endian float32 rows into a split in our layout; orbits numbered from `firstOrbit`. */
function readRows(bytes: Uint8Array, path: string, firstOrbit: number, dtype: DType): Split {
  if (!(bytes instanceof Uint8Array)) {
    const expected = 'the bytes of the file as a Uint8Array (e.g. new Uint8Array(await response.arrayBuffer()))';
    throw new InvalidArgumentError(`parseTwoBodyReference: bytes of ${path}`, expected, bytes);
  }
  const whole = Math.floor(bytes.length / ROW_BYTES) * ROW_BYTES;
  if (bytes.length === 0 || whole !== bytes.length) {
    const problem = `expected rows of ${WIDTH} little-endian float32 (${ROW_BYTES} bytes each), but the file has ${bytes.length} bytes`;
    throw new DataFileError(
      path,
      `byte ${whole}`,
      bytes.length === 0 ? `${problem} (empty)` : `${problem}: a partial row at the end`,
    );
  }
  const rows = bytes.length / ROW_BYTES;
  if (rows % POINTS_PER_ORBIT !== 0) {
    throw new DataFileError(path, '', `expected whole orbits of ${POINTS_PER_ORBIT} rows, found ${rows} rows`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (r: number, c: number): number => {
    const value = view.getFloat32(r * ROW_BYTES + 4 * c, true);
    if (Number.isFinite(value)) return value;
    const location = `byte ${r * ROW_BYTES + 4 * c}`;
    throw new DataFileError(
      path,
      location,
      `row ${r}, column ${REFERENCE_COLUMNS[c]}: expected a finite number, found ${value}`,
    );
  };
  const [x, dxdt, energy] = [new Float64Array(rows * 8), new Float64Array(rows * 8), new Float64Array(rows)];
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < 8; k++) {
      x[8 * r + k] = read(r, ORDER[k]);
      dxdt[8 * r + k] = read(r, 8 + ORDER[k]);
    }
    energy[r] = read(r, 16);
  }
  return {
    x: tensorOf(x, [rows, 8], dtype),
    dxdt: tensorOf(dxdt, [rows, 8], dtype),
    energy: tensorOf(energy, [rows], dtype),
    trajectory: Int32Array.from({ length: rows }, (_, r) => firstOrbit + Math.floor(r / POINTS_PER_ORBIT)),
  };
}

/**
 * The exact two-body dataset the HNN reference trained on (greydanus/hamiltonian-nn,
 * experiment-2body/data.py get_dataset with numpy seed 0, commit bcc3622), from the bytes of
 * 2body_train.f32 and 2body_test.f32: raw little-endian float32 rows of 17 columns (qx1, qx2, qy1, qy2, px1, px2, py1,
 * py2, their time derivatives in the same order, the total energy). Converted to the catalogue's
 * layout q = (x₁, y₁, x₂, y₂), p likewise (`twoBody()`), energies in each split's `energy`; float32
 * values are exact in float64. The test file holds orbits 0–199 (the reference tests on the first
 * 20%), the train file orbits 200–999, 50 samples each.
 */
export function parseTwoBodyReference(files: TwoBodyReferenceBytes, options: DatasetOptions = {}): Dataset {
  const dtype = checkDType('parseTwoBodyReference', options.dtype ?? 'float64');
  const testPath = files.files?.test ?? '<test bytes>';
  const trainPath = files.files?.train ?? '<train bytes>';
  const test = readRows(files.test, testPath, 0, dtype);
  const train = readRows(files.train, trainPath, test.x.shape[0] / POINTS_PER_ORBIT, dtype);
  const source = 'greydanus/hamiltonian-nn experiment-2body/data.py get_dataset (numpy seed 0)';
  return { name: 'twoBody', dof: 4, train, test, meta: { paths: { train: trainPath, test: testPath }, source, dtype } };
}

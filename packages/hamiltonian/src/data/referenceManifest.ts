import { InvalidArgumentError } from '@liouville/linalg';
import { DataFileError } from './DataFileError.js';

/** How a file's rows are counted: text lines after the header, rows of 17 float32, or the JSON's tasks. */
export type ReferenceRowUnit = 'lines after the header' | 'rows of 17 float32' | 'entries of "tasks"';

/** What the manifest records of one reference file. */
export interface ReferenceFileEntry {
  readonly file: string;
  readonly bytes: number;
  /** SHA-256 of the whole file, 64 lowercase hexadecimal digits. */
  readonly sha256: string;
  readonly rows: number;
  readonly rowUnit: ReferenceRowUnit;
}

/** The manifest of the HNN reference data (`data/hnn-reference/MANIFEST.json` holds the same). */
export interface ReferenceManifest {
  readonly format: 'liouville-data-manifest';
  readonly version: 1;
  readonly folder: 'hnn-reference';
  readonly files: readonly ReferenceFileEntry[];
}

/**
 * The size, SHA-256 and row count of every file of the HNN reference data, as shipped with this
 * package in data/hnn-reference (see PROVENANCE.md there). Loaders check a file against this
 * before using it, so a modified, truncated or replaced copy is an error, never a different run.
 * A test keeps it identical to data/hnn-reference/MANIFEST.json and to the files themselves.
 */
export const REFERENCE_MANIFEST: ReferenceManifest = {
  format: 'liouville-data-manifest',
  version: 1,
  folder: 'hnn-reference',
  files: [
    {
      file: 'spring_dataset_seed0.csv',
      bytes: 162303,
      sha256: '1c1bd57e955269dae7cb28137fc3ab81a81ef39bcd2f848fcfa9e4fae1689be0',
      rows: 1500,
      rowUnit: 'lines after the header',
    },
    {
      file: 'pend_dataset_seed0.csv',
      bytes: 237530,
      sha256: '845c7e3ba8d03f47d556dbe692288b54dea25390dd014808054a65e4f61fbad1',
      rows: 2250,
      rowUnit: 'lines after the header',
    },
    {
      file: 'real_pend_processed.csv',
      bytes: 57544,
      sha256: '15d9134435cd5ce0244a087b9918afc5e686c48a06660f19f17dfc0636d612ad',
      rows: 555,
      rowUnit: 'lines after the header',
    },
    {
      file: 'real_pend_h_1.txt',
      bytes: 57274,
      sha256: '45d92988198b89a5933f5a53e67aa819d06937516f71a462ac09e1307d8b3411',
      rows: 556,
      rowUnit: 'lines after the header',
    },
    {
      file: '2body_train.f32',
      bytes: 2720000,
      sha256: '96be2aa447235d685edba7c89129974c565a847b76edf38456b7756d9394cfc1',
      rows: 40000,
      rowUnit: 'rows of 17 float32',
    },
    {
      file: '2body_test.f32',
      bytes: 680000,
      sha256: '76c40f30d75e653aa5628af1c1ac86614c30fc121b91a36cb698f93da1e31d86',
      rows: 10000,
      rowUnit: 'rows of 17 float32',
    },
    {
      file: 'hnn_reference_results.json',
      bytes: 22573,
      sha256: '22ce31dea65956b5b3e02f04e7e264ef5b4637b896b5dc1dc0271d6fb2bb784a',
      rows: 5,
      rowUnit: 'entries of "tasks"',
    },
  ],
};

/** The name of a file of the HNN reference data. */
export type ReferenceFileName =
  | 'spring_dataset_seed0.csv'
  | 'pend_dataset_seed0.csv'
  | 'real_pend_processed.csv'
  | 'real_pend_h_1.txt'
  | '2body_train.f32'
  | '2body_test.f32'
  | 'hnn_reference_results.json';

/** The manifest entry of `file`, or an InvalidArgumentError listing the known names. */
export function referenceFileEntry(file: string): ReferenceFileEntry {
  const entry = REFERENCE_MANIFEST.files.find((e) => e.file === file);
  if (entry === undefined) {
    const names = REFERENCE_MANIFEST.files.map((e) => e.file).join(', ');
    throw new InvalidArgumentError('reference file', `one of ${names}`, file);
  }
  return entry;
}

/** Text lines after the first (LF or CRLF endings; a final line without an ending counts). */
function linesAfterHeader(bytes: Uint8Array): number {
  let lines = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) lines++;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) lines++;
  return Math.max(0, lines - 1);
}

/** The entries of the "tasks" object of a JSON text, or undefined when it has none. */
function taskEntries(bytes: Uint8Array): number | undefined {
  try {
    const tasks = JSON.parse(new TextDecoder().decode(bytes))?.tasks;
    return tasks !== null && typeof tasks === 'object' ? Object.keys(tasks).length : undefined;
  } catch {
    return undefined;
  }
}

/** The rows of `bytes` counted as `unit` says (undefined for a JSON text without a tasks object). */
export function countReferenceRows(bytes: Uint8Array, unit: ReferenceRowUnit): number | undefined {
  if (unit === 'lines after the header') return linesAfterHeader(bytes);
  if (unit === 'rows of 17 float32') return Math.floor(bytes.length / (17 * 4));
  return taskEntries(bytes);
}

/**
 * Checks the bytes of reference file `file` (read from `path`, a path or URL) against the
 * manifest: row count, size and SHA-256 (`sha256` is the caller's digest of `bytes`, e.g. from
 * node:crypto or WebCrypto). Throws a DataFileError naming the path and every expected and actual
 * value that differ.
 */
export function checkReferenceFile(file: string, bytes: Uint8Array, sha256: string, path: string): void {
  const entry = referenceFileEntry(file);
  const rows = countReferenceRows(bytes, entry.rowUnit);
  const mismatches: string[] = [];
  if (rows !== entry.rows) mismatches.push(`${entry.rowUnit}: expected ${entry.rows}, found ${rows ?? 'none'}`);
  if (bytes.length !== entry.bytes) mismatches.push(`size: expected ${entry.bytes} bytes, found ${bytes.length}`);
  if (sha256 !== entry.sha256) mismatches.push(`sha256: expected ${entry.sha256}, found ${sha256}`);
  if (mismatches.length === 0) return;
  throw new DataFileError(
    path,
    '',
    `this is not the reference file ${file} of the manifest (MANIFEST.json): ${mismatches.join('; ')}. The copy was modified, truncated or replaced; use the unmodified file shipped with @liouville/hamiltonian`,
  );
}

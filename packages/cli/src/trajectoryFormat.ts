import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TrajectoryChunk } from './simulation.js';

/** Where formatted text goes: standard output or an atomic output file; may wait (backpressure). */
export type TextSink = (text: string) => void | Promise<void>;

/** Writes a trajectory chunk by chunk, in constant memory. */
export interface TrajectoryWriter {
  /** Starts the document (the CSV header), before any row is computed. */
  begin(): Promise<void>;
  /** Appends the rows of a chunk (chunks arrive in order). */
  write(chunk: TrajectoryChunk): Promise<void>;
  /** Ends the document. */
  finish(): Promise<void>;
  /** Releases temporary files; call it whether or not the document was finished. */
  dispose(): void;
}

/** Column names: t, q (or q1 … qn), p (or p1 … pn), energy (when a true H is known) and, for an HNN, learnedEnergy. */
export function trajectoryColumns(n: number, learnedEnergy: boolean, energy = true): string[] {
  const names = (s: string) => (n === 1 ? [s] : Array.from({ length: n }, (_, i) => `${s}${i + 1}`));
  return [
    't',
    ...names('q'),
    ...names('p'),
    ...(energy ? ['energy'] : []),
    ...(learnedEnergy ? ['learnedEnergy'] : []),
  ];
}

/** The rows of a chunk as CSV lines, numbers in their shortest exact decimal form (they read back bit for bit). */
function csvLines(c: TrajectoryChunk): string {
  const lines: string[] = new Array(c.rows);
  const n = c.n;
  for (let r = 0; r < c.rows; r++) {
    const cells: number[] = [c.t[r]];
    for (let i = r * n; i < (r + 1) * n; i++) cells.push(c.q[i]);
    for (let i = r * n; i < (r + 1) * n; i++) cells.push(c.p[i]);
    if (c.energy !== undefined) cells.push(c.energy[r]);
    if (c.learnedEnergy !== undefined) cells.push(c.learnedEnergy[r]);
    lines[r] = cells.join(',');
  }
  return `${lines.join('\n')}\n`;
}

/** CSV with a header line, each chunk written as it comes. */
export function csvWriter(sink: TextSink, columns: readonly string[]): TrajectoryWriter {
  return {
    async begin() {
      await sink(`${columns.join(',')}\n`);
    },
    async write(chunk) {
      await sink(csvLines(chunk));
    },
    async finish() {},
    dispose() {},
  };
}

/** A number as JSON writes it: NaN and the infinities become null. */
function jsonNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}

/** The arrays of the JSON document, in the order they are written. */
type ArrayKey = 't' | 'q' | 'p' | 'energy' | 'learnedEnergy';

/** A chunk's items of one array, comma-separated (q and p rows as [q1,…,qn]). */
function jsonItems(c: TrajectoryChunk, key: ArrayKey): string {
  const items: string[] = new Array(c.rows);
  for (let r = 0; r < c.rows; r++) {
    if (key === 'q' || key === 'p') {
      const v = c[key];
      const row: string[] = [];
      for (let i = r * c.n; i < (r + 1) * c.n; i++) row.push(jsonNumber(v[i]));
      items[r] = `[${row.join(',')}]`;
    } else items[r] = jsonNumber((c[key] as Float64Array)[r]);
  }
  return items.join(',');
}

const COPY_BLOCK = 1 << 20;

/**
 * JSON: what was simulated and how, the column names, and the columns as arrays — the same bytes as
 * JSON.stringify of the whole table. The columns cannot be written as the rows come, so each is
 * spooled to its own file in a private folder under `tempFolder` and copied out at the end.
 */
export function jsonWriter(
  sink: TextSink,
  about: Record<string, unknown>,
  columns: readonly string[],
  tempFolder: string,
): TrajectoryWriter {
  const keys: ArrayKey[] = [
    't',
    'q',
    'p',
    ...(columns.includes('energy') ? ['energy' as const] : []),
    ...(columns.includes('learnedEnergy') ? ['learnedEnergy' as const] : []),
  ];
  const folder = mkdtempSync(join(tempFolder, 'liouville-simulate-'));
  const spools = new Map<ArrayKey, { fd: number; empty: boolean }>();
  const release = () => {
    for (const spool of spools.values()) closeSync(spool.fd);
    spools.clear();
  };
  try {
    for (const key of keys) spools.set(key, { fd: openSync(join(folder, key), 'w+', 0o600), empty: true });
  } catch (error) {
    release();
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    async begin() {},
    async write(chunk) {
      for (const key of keys) {
        const spool = spools.get(key) as { fd: number; empty: boolean };
        writeSync(spool.fd, `${spool.empty ? '' : ','}${jsonItems(chunk, key)}`);
        spool.empty = false;
      }
    },
    async finish() {
      const head = JSON.stringify({ ...about, columns });
      await sink(head.slice(0, -1));
      for (const key of keys) {
        await sink(`,${JSON.stringify(key)}:[`);
        await copyOut((spools.get(key) as { fd: number }).fd, sink);
        await sink(']');
      }
      await sink('}\n');
    },
    dispose() {
      release();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Copies a spool file from its start into the sink, a block at a time. */
async function copyOut(fd: number, sink: TextSink): Promise<void> {
  const block = Buffer.allocUnsafe(COPY_BLOCK);
  let position = 0;
  for (;;) {
    const read = readSync(fd, block, 0, COPY_BLOCK, position);
    if (read === 0) return;
    position += read;
    // The spool is ASCII (numbers, brackets, commas), so a block boundary never splits a character.
    await sink(block.toString('latin1', 0, read));
  }
}

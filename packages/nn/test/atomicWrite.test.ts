import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@liouville/linalg';
import { afterAll, describe, expect, test } from 'vitest';
import { ParamsFileError } from '../src/index.js';
import { type AtomicFileSystem, loadParams, nodeFileSystem, saveParams, writeFileAtomic } from '../src/node/index.js';

const root = mkdtempSync(join(tmpdir(), 'liouville-nn-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folderCounter = 0;

/** A fresh folder holding one previously written file. */
function folderWithFile(): { folder: string; path: string; before: Buffer } {
  const folder = join(root, `case-${++folderCounter}`);
  mkdirSync(folder);
  const path = join(folder, 'params.json');
  saveParams(path, { w: tensor([1, 2, 3]) }, { version: 'old' });
  return { folder, path, before: readFileSync(path) };
}

/** node:fs with one operation replaced; records whether the temporary file was created. */
function failingAt(operation: 'write' | 'fsync' | 'rename'): AtomicFileSystem & { created: string[] } {
  const created: string[] = [];
  return {
    ...nodeFileSystem,
    created,
    openSync: (path, flags, mode) => {
      if (flags === 'wx') created.push(path);
      return fs.openSync(path, flags, mode);
    },
    writeSync: (fd, buffer, offset, length) => {
      if (operation !== 'write') return fs.writeSync(fd, buffer, offset, length);
      fs.writeSync(fd, buffer, offset, Math.floor(length / 2));
      throw new Error('simulated crash after writing half the file');
    },
    fsyncSync: (fd) => {
      if (operation === 'fsync') throw new Error('simulated fsync failure');
      fs.fsyncSync(fd);
    },
    renameSync: (from, to) => {
      if (operation === 'rename') throw new Error('simulated rename failure');
      fs.renameSync(from, to);
    },
  };
}

describe('writeFileAtomic', () => {
  test.each(['write', 'fsync', 'rename'] as const)(
    'keeps the previous file intact and removes the temporary file when %s fails',
    (operation) => {
      const { folder, path, before } = folderWithFile();
      const fsys = failingAt(operation);
      let caught: unknown;
      try {
        writeFileAtomic(path, new TextEncoder().encode('x'.repeat(10_000)), fsys);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ParamsFileError);
      expect((caught as Error).message).toContain(path);
      expect((caught as Error).message).toMatch(/previous file left unchanged: simulated/);
      // The failure happened after the temporary file existed in the same folder.
      expect(fsys.created).toHaveLength(1);
      expect(fsys.created[0].startsWith(folder)).toBe(true);
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(readdirSync(folder)).toEqual(['params.json']);
      expect(loadParams(path).meta).toEqual({ version: 'old' });
    },
  );

  test('fails cleanly when the target is a folder (rename refused by the system)', () => {
    const { folder } = folderWithFile();
    const target = join(folder, 'a-folder');
    mkdirSync(target);
    expect(() => writeFileAtomic(target, new Uint8Array([1, 2, 3]))).toThrow(ParamsFileError);
    expect(readdirSync(folder).sort()).toEqual(['a-folder', 'params.json']);
  });

  test('refuses a FIFO and a device instead of renaming over them, writing nothing', () => {
    const { folder } = folderWithFile();
    const fifo = join(folder, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const nodes: [string, (s: fs.Stats) => boolean, RegExp][] = [[fifo, (s) => s.isFIFO(), /it is a FIFO/]];
    // A private copy of /dev/null's node (1, 3) where the system allows it (as root): a regression
    // then replaces this one, not the system's.
    const device = join(folder, 'null-device');
    try {
      execFileSync('mknod', [device, 'c', '1', '3'], { stdio: 'ignore' });
      nodes.push([device, (s) => s.isCharacterDevice(), /it is a device/]);
    } catch {
      // Not allowed to make device nodes here: the FIFO alone is checked.
    }
    for (const [path, isStill, message] of nodes) {
      expect(() => writeFileAtomic(path, new Uint8Array([1, 2, 3]))).toThrow(ParamsFileError);
      expect(() => writeFileAtomic(path, new Uint8Array([1, 2, 3]))).toThrow(message);
      expect(isStill(fs.statSync(path))).toBe(true);
    }
    expect(readdirSync(folder).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  test('writes the bytes exactly', () => {
    const { folder } = folderWithFile();
    const path = join(folder, 'bytes.bin');
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) % 256);
    writeFileAtomic(path, bytes);
    expect(readFileSync(path).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('saveParams', () => {
  test('loses nothing of a previous save when the new save fails midway', () => {
    const { folder, path, before } = folderWithFile();
    expect(() => saveParams(path, { w: tensor([9, 9, 9]) }, null, failingAt('write'))).toThrow(ParamsFileError);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(folder)).toEqual(['params.json']);
  });
});

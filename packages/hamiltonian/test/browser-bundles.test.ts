import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

// The check CI runs (scripts/check-browser-bundles.mjs): each core package's main entry bundled
// by esbuild for the browser must need no Node built-in. Also checked: that it does see one.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const script = join(root, 'scripts', 'check-browser-bundles.mjs');
const temp = mkdtempSync(join(tmpdir(), 'liouville-bundles-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function check(...entries: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [script, ...entries], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('check-browser-bundles', () => {
  test('finds no Node built-in in the main entries of linalg, ad, integrators, nn and hamiltonian', () => {
    const { code, out } = check();
    for (const p of ['linalg', 'ad', 'integrators', 'nn', 'hamiltonian'])
      expect(out).toContain(`ok   packages/${p}/src/index.ts`);
    expect(out).not.toContain('FAIL');
    expect(code).toBe(0);
  });

  test('fails naming each Node import and global, and the file, when an entry needs them', () => {
    const entry = join(temp, 'needs-node.ts');
    writeFileSync(
      entry,
      [
        "import { join } from 'node:path';",
        "import { readFileSync } from 'fs';",
        'export const f = () => join(process.cwd(), String(readFileSync)) + Buffer.byteLength("x");',
        // A local binding named like a global is not the global.
        'export const g = (process: number) => process + 1;',
      ].join('\n'),
    );
    const { code, out } = check(entry);
    expect(code).toBe(1);
    for (const need of ['import of node:path', 'import of fs', 'global process', 'global Buffer'])
      expect(out).toMatch(new RegExp(`${need} in .*needs-node\\.ts`));
    expect(out.match(/global process/g)).toHaveLength(1);
  });

  test('flags the Node entry points, which is where file access lives', () => {
    const { code, out } = check('packages/nn/src/node/index.ts', 'packages/hamiltonian/src/node/index.ts');
    expect(code).toBe(1);
    expect(out).toMatch(/import of node:fs in packages\/nn\/src\/node\/atomicWrite\.ts/);
    expect(out).toMatch(/import of node:crypto in packages\/hamiltonian\/src\/node\/referenceFiles\.ts/);
  });
});

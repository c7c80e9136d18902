// The core in a browser: bundles the main entry of each core package (linalg, ad, integrators, nn,
// hamiltonian) with esbuild for the browser (platform 'browser', ESM, everything bundled, what a web
// app's bundler does) and fails listing every Node built-in the bundle would need: an import of a
// Node module (node:fs, path, crypto, …) and a free use of a Node global (process, Buffer, …),
// each with the file that has it. File access belongs in the packages' `./node` sub-paths.
// Usage: `node scripts/check-browser-bundles.mjs [entry.ts …]` (default: the five core entries).
// Prints one line per entry and exits 1 when any entry needs Node.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CORE = ['linalg', 'ad', 'integrators', 'nn', 'hamiltonian'];

/**
 * Node's globals that browsers lack: each is defined as a marker, found back in the bundle with its
 * file. (`require` is not among them: esbuild resolves CommonJS requires while bundling, and a
 * require of a Node module is caught as an import.)
 */
const NODE_GLOBALS = ['process', 'Buffer', 'global', '__dirname', '__filename', 'setImmediate'];
const marker = (name) => `__liouville_node_global_${name}__`;
const BUILTINS = new Set(builtinModules);

/** Whether an import specifier names a Node built-in module (node:x, or a bare name such as fs or fs/promises). */
function isBuiltin(specifier) {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]);
}

/** An esbuild plugin recording every Node built-in import (and keeping it out of the bundle). */
function recordBuiltins(found) {
  return {
    name: 'record-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isBuiltin(args.path)) return undefined;
        found.push({ what: `import of ${args.path}`, file: relative(root, args.importer) });
        return { path: args.path, external: true };
      });
    },
  };
}

/**
 * The Node globals used in the bundle, with the module each sits in: esbuild writes a
 * "// <path>" comment before each module's code, so the nearest one above a marker names its file.
 */
function globalsIn(code) {
  const found = [];
  const lines = code.split('\n');
  let file = '(bundle)';
  for (const line of lines) {
    const header = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(line);
    if (header) file = header[1];
    for (const name of NODE_GLOBALS) if (line.includes(marker(name))) found.push({ what: `global ${name}`, file });
  }
  return found;
}

/** Bundles one entry for the browser; returns its size and the Node built-ins it needs. */
export async function checkEntry(entry) {
  const found = [];
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [recordBuiltins(found)],
    define: Object.fromEntries(NODE_GLOBALS.map((name) => [name, marker(name)])),
  });
  const code = result.outputFiles[0].text;
  const needs = [...found, ...globalsIn(code)];
  const unique = [...new Map(needs.map((n) => [`${n.what} in ${n.file}`, n])).values()];
  return { entry: relative(root, resolve(root, entry)), bytes: code.length, needs: unique };
}

async function main() {
  const started = performance.now();
  const entries = process.argv.slice(2);
  const targets = entries.length > 0 ? entries : CORE.map((p) => `packages/${p}/src/index.ts`);
  let failed = false;
  for (const entry of targets) {
    let result;
    try {
      result = await checkEntry(entry);
    } catch (error) {
      failed = true;
      console.log(`FAIL ${entry}: esbuild could not bundle it for the browser: ${error.message}`);
      continue;
    }
    const kB = (result.bytes / 1024).toFixed(0);
    if (result.needs.length === 0) {
      console.log(`ok   ${result.entry} (${kB} kB bundled for the browser, no Node built-in)`);
      continue;
    }
    failed = true;
    console.log(`FAIL ${result.entry} needs Node built-ins:`);
    for (const n of result.needs) console.log(`       ${n.what} in ${n.file}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`browser bundles: ${failed ? 'FAILED' : 'all clean'} (${targets.length} entries, ${seconds} s)`);
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();

// Builds the playground into dist/ as static files (index.html, style.css, main.js, worker.js),
// or, with --serve, serves it on http://127.0.0.1:PORT (default 8000) and rebuilds on change.
// The bundles target the browser: an import of a Node built-in is a build error.
import { cpSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');

/** esbuild options shared by the one-off build and the dev server. */
const options = {
  entryPoints: [join(root, 'src/main.ts'), join(root, 'src/worker.ts')],
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
};

function copyStatic() {
  mkdirSync(outdir, { recursive: true });
  cpSync(join(root, 'public'), outdir, { recursive: true });
}

async function build() {
  const started = performance.now();
  rmSync(outdir, { recursive: true, force: true });
  copyStatic();
  await esbuild.build(options);
  const kb = (file) => (statSync(join(outdir, file)).size / 1024).toFixed(0);
  const ms = (performance.now() - started).toFixed(0);
  console.log(`playground built in ${ms} ms: ${outdir} (main.js ${kb('main.js')} KiB, worker.js ${kb('worker.js')} KiB)`);
}

async function serve() {
  rmSync(outdir, { recursive: true, force: true });
  copyStatic();
  const context = await esbuild.context(options);
  await context.watch();
  const port = Number(process.env.PORT ?? 8000);
  const { hosts, port: bound } = await context.serve({ servedir: outdir, host: '127.0.0.1', port });
  console.log(`Liouville playground: http://${hosts[0]}:${bound}/  (rebuilds on change; Ctrl-C to stop)`);
}

try {
  if (process.argv.includes('--serve')) await serve();
  else await build();
} catch (error) {
  // esbuild has already printed the errors with their locations.
  console.error(`playground build failed: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
  process.exit(1);
}

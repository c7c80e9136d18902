// Builds every library and the CLI from empty dist folders and packs each publishable package into
// tarballs/ at the repository root, the files `npm publish` would upload. Another project installs
// them with plain npm: `npm install /path/to/liouville/tarballs/*.tgz`.
// Usage: `npx -y pnpm@10 tarballs` (or `node scripts/pack-tarballs.mjs`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packArguments, pnpmCommand, removeBuildOutputs } from './workspace.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const destination = join(root, 'tarballs');
const pnpm = pnpmCommand();

function run(args) {
  const r = spawnSync(pnpm[0], [...pnpm.slice(1), ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`pack-tarballs: \`pnpm ${args.join(' ')}\` failed (${r.status ?? r.signal ?? r.error?.message})`);
    process.exit(1);
  }
}

removeBuildOutputs(root);
run(['build']);
rmSync(destination, { recursive: true, force: true });
mkdirSync(destination);
run(packArguments(root, destination));
const files = readdirSync(destination)
  .filter((f) => f.endsWith('.tgz'))
  .sort();
console.log(`\n${files.length} tarballs in ${destination}:\n${files.map((f) => `  ${f}`).join('\n')}`);
console.log(`install them into another project with:\n  npm install ${join(destination, '*.tgz')}`);

// The workspace as the packaging scripts see it: its publishable packages and how to call pnpm.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** The folders under packages/ whose package.json is not private, sorted. */
export function publishableDirs(root) {
  return readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((dir) => {
      try {
        return readJson(join(root, 'packages', dir, 'package.json')).private !== true;
      } catch {
        return false;
      }
    })
    .sort();
}

/**
 * Removes every publishable package's dist/ before a build: an incremental build keeps the outputs
 * of deleted modules, and a tarball must hold only fresh ones.
 */
export function removeBuildOutputs(root) {
  for (const dir of publishableDirs(root))
    rmSync(join(root, 'packages', dir, 'dist'), { recursive: true, force: true });
}

/** The npm name of the package in packages/<dir>. */
export function packageName(root, dir) {
  return readJson(join(root, 'packages', dir, 'package.json')).name;
}

/** pnpm as the script was started (pnpm run sets npm_execpath), else through npx as the README says. */
export function pnpmCommand() {
  const execPath = process.env.npm_execpath ?? '';
  return /pnpm/.test(execPath) ? [process.execPath, execPath] : ['npx', '-y', 'pnpm@10'];
}

/** The arguments of `pnpm -r pack` for every publishable package, into `destination` (absolute). */
export function packArguments(root, destination) {
  const filters = publishableDirs(root).flatMap((dir) => ['--filter', packageName(root, dir)]);
  return ['-r', ...filters, 'pack', '--pack-destination', destination];
}

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { arch, cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import * as linalg from '@liouville/linalg';

/** The git commit of the working tree at `cwd`, with '+dirty' when it has changes; null outside git. */
function gitCommit(cwd: string): string | null {
  try {
    const run = (args: string[]) =>
      execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    const commit = run(['rev-parse', 'HEAD']);
    return run(['status', '--porcelain']) === '' ? commit : `${commit}+dirty`;
  } catch {
    return null;
  }
}

/** The matrix-product kernel in use, when the linear algebra package reports one. */
function matmulBackend(): string | null {
  const get = (linalg as Record<string, unknown>).getMatmulBackend;
  return typeof get === 'function' ? String(get()) : null;
}

/** The installed version of a package this command uses, or null. */
function packageVersion(name: string): string | null {
  try {
    // Resolve the package's entry point, then read the package.json of the folder that holds it
    // (its export map does not expose package.json itself).
    let folder = dirname(createRequire(import.meta.url).resolve(name));
    while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
    const doc = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: string; version?: string };
    return doc.name === name ? (doc.version ?? null) : null;
  } catch {
    return null;
  }
}

/**
 * Where a run happened, recorded in results.json so that timings can be compared: Node, OS, CPU,
 * memory, the load of the machine when the run started, the matmul backend and the git commit.
 */
export function environmentInfo(cwd: string): Record<string, unknown> {
  const cpuList = cpus();
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    arch: arch(),
    cpuModel: cpuList[0]?.model ?? 'unknown',
    cpuCount: cpuList.length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    freeMemoryGiB: Number((freemem() / 2 ** 30).toFixed(1)),
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
    matmulBackend: matmulBackend(),
    gitCommit: gitCommit(cwd),
    vega: packageVersion('vega'),
    vegaLite: packageVersion('vega-lite'),
    dtype: 'float64',
  };
}

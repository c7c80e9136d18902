// A description of the machine and software a run was measured on, stored beside the numbers:
// a ratio means little without the CPU, the engine and the versions of the code it compares.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** The machine and software of a benchmark run. */
export interface Environment {
  /** ISO 8601 time the description was taken. */
  date: string;
  cpu: string;
  /** Logical cores reported by the OS, and those available to this process. */
  cores: number;
  availableParallelism: number;
  memoryGiB: number;
  /** One-minute load average when the run started: above the core count, numbers are noisy. */
  loadAverage: number;
  platform: string;
  arch: string;
  osRelease: string;
  node: string;
  v8: string;
  /** Versions of @liouville/bench and of each of its dependencies as installed. */
  packages: Record<string, string>;
  /** The checked-out commit, with '-dirty' when tracked files differ from it; only in a git work tree. */
  commit?: string;
  /** The peer libraries the run loaded, with versions and settings, or why one is absent (set after the run). */
  peers?: Record<string, string>;
}

const require = createRequire(import.meta.url);
const benchManifestUrl = new URL('../package.json', import.meta.url);

function readVersion(manifestPath: string): string {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

/**
 * The version of an installed dependency: from the package's folder under this package's
 * node_modules (where the workspace links it, and which works for packages whose `exports` hide
 * their package.json), else through module resolution.
 */
function installedVersion(name: string): string | undefined {
  for (const locate of [
    () => fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url)),
    () => require.resolve(`${name}/package.json`),
  ]) {
    try {
      return readVersion(locate());
    } catch {
      // try the next way of finding it
    }
  }
  return undefined;
}

/** Installed versions of @liouville/bench and its dependencies, read from their package.json files. */
export function packageVersions(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(benchManifestUrl, 'utf8')) as {
    name: string;
    version: string;
    dependencies?: Record<string, string>;
  };
  const versions: Record<string, string> = { [manifest.name]: manifest.version };
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    versions[name] = installedVersion(name) ?? manifest.dependencies?.[name] ?? 'unknown';
  }
  return versions;
}

function gitCommit(): string | undefined {
  try {
    const cwd = new URL('.', benchManifestUrl);
    const out = execFileSync('git', ['describe', '--always', '--dirty', '--abbrev=12'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Describes the current machine, runtime and package versions. */
export function describeEnvironment(): Environment {
  const cpus = os.cpus();
  const environment: Environment = {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
    platform: os.platform(),
    arch: os.arch(),
    osRelease: os.release(),
    node: process.version,
    v8: process.versions.v8,
    packages: packageVersions(),
  };
  const commit = gitCommit();
  if (commit !== undefined) environment.commit = commit;
  return environment;
}

/** One line summarising an environment, for the head of a report. */
export function formatEnvironment(env: Environment): string {
  const commit = env.commit ? `, commit ${env.commit}` : '';
  const load =
    env.loadAverage > env.cores ? ` (busy: load ${env.loadAverage}, numbers are noisy)` : `, load ${env.loadAverage}`;
  return `${env.cpu} (${env.cores} cores, ${env.memoryGiB} GiB), ${env.platform}/${env.arch}, Node ${env.node}, V8 ${env.v8}${commit}${load}`;
}

// The packages as a user gets them from npm: builds the workspace, packs every publishable package,
// checks what each tarball holds, installs the tarballs into a fresh project outside the workspace
// with plain npm, and there runs scripts/package-consumer/consumer.mjs with plain node, the installed
// `liouville` binary, and a TypeScript consumer typechecked against the shipped .d.ts files.
// Usage: `npx -y pnpm@10 check:packages` (or `node scripts/check-packages.mjs`); `--keep` keeps the
// temporary folder. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectTarball } from './package-checks.mjs';
import {
  packArguments,
  pnpmCommand,
  publishableDirs,
  removeBuildOutputs,
  packageName as workspacePackageName,
} from './workspace.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const started = performance.now();
const failures = [];

/** Runs a command, echoing it; returns its output, or records a failure (and stops the check when `fatal`). */
function run(label, command, args, options = {}) {
  const { fatal = true, cwd = root, env = process.env, quiet = false } = options;
  console.log(`$ ${[command, ...args].join(' ')}${cwd === root ? '' : `   (in ${cwd})`}`);
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (!quiet || r.status !== 0) process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  if (r.status === 0) return r.stdout;
  failures.push(`${label}: exit ${r.status ?? r.signal ?? r.error?.message}`);
  if (fatal) finish();
  return undefined;
}

/** Times one stage. */
function stage(name, body) {
  console.log(`\n== ${name}`);
  const t0 = performance.now();
  body();
  console.log(`-- ${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** Prints the verdict and exits. */
function finish() {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (failures.length === 0) {
    if (!keep) rmSync(work, { recursive: true, force: true });
    console.log(`\npackages check passed in ${seconds} s`);
    process.exit(0);
  }
  console.log(`\npackages check FAILED in ${seconds} s (temporary files kept in ${work}):`);
  for (const f of failures) console.log(`  - ${f}`);
  process.exit(1);
}

const pnpm = pnpmCommand();
// npm in the fresh project must not inherit the workspace's pnpm settings from the environment.
const npmEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_)/i.test(k) || /^npm_config_(registry|cache)$/i.test(k)),
);

const work = mkdtempSync(join(realpathSync(tmpdir()), 'liouville-packages-'));
if (!relative(root, work).startsWith('..')) throw new Error(`the temporary folder ${work} is inside the workspace`);
const tarballs = join(work, 'tarballs');
const unpacked = join(work, 'unpacked');
const project = join(work, 'project');

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const packageDirs = publishableDirs(root);
const packageName = (dir) => workspacePackageName(root, dir);
console.log(`publishable packages: ${packageDirs.map(packageName).join(', ')}`);

stage('build (pnpm build, from empty dist folders)', () => {
  removeBuildOutputs(root);
  run('pnpm build', pnpm[0], [...pnpm.slice(1), 'build'], { quiet: true });
});

const inspected = [];
stage('pack and inspect the tarballs', () => {
  run('pnpm pack', pnpm[0], [...pnpm.slice(1), ...packArguments(root, tarballs)], {
    quiet: true,
  });
  for (const dir of packageDirs) {
    const result = inspectTarball({ root, dir, tarballs, unpacked });
    inspected.push(result);
    console.log(`${result.name}: ${(result.bytes / 1024).toFixed(0)} kB packed, ${result.files.length} files`);
    for (const problem of result.problems) failures.push(`${result.name}: ${problem}`);
  }
  if (failures.length > 0) finish();
});

stage('npm install of the tarballs into a fresh project', () => {
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'liouville-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  cpSync(join(root, 'scripts', 'package-consumer'), project, { recursive: true });
  // fast-check: the optional peer a user of the /testing sub-paths adds; @types/node for the
  // TypeScript consumer. Same ranges as the workspace's.
  const devRange = (name) => readJson(join(root, 'package.json')).devDependencies[name];
  const extras = [`fast-check@${devRange('fast-check')}`, `@types/node@${devRange('@types/node')}`];
  const files = inspected.map((r) => r.tarball);
  run('npm install', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...files, ...extras], {
    cwd: project,
    env: npmEnv,
    quiet: true,
  });
  // Every copy of a workspace package must come from the tarballs, none from the registry.
  const lock = readJson(join(project, 'package-lock.json'));
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (/@liouville\//.test(path) && !String(entry.resolved).startsWith('file:')) {
      failures.push(`npm install: ${path} came from ${entry.resolved}, not from a tarball`);
    }
  }
});

stage('plain node: every sub-path, gradients, Hessian, leapfrog, HNN training', () => {
  const specifiers = inspected.flatMap((r) => r.subpaths);
  const importAll =
    'for (const s of JSON.parse(process.argv[1])) { await import(s); console.log("ok   import " + s); }';
  run('import every sub-path', 'node', ['--input-type=module', '-e', importAll, JSON.stringify(specifiers)], {
    cwd: project,
    env: npmEnv,
    fatal: false,
  });
  run('consumer.mjs', 'node', ['consumer.mjs'], { cwd: project, env: npmEnv, fatal: false });
});

stage('the installed liouville binary', () => checkBinary());

stage('TypeScript consumer against the shipped .d.ts (nodenext)', () => {
  const specifiers = inspected.flatMap((r) => r.subpaths);
  const lines = specifiers.map((s, i) => `export * as entry${i} from '${s}';`);
  writeFileSync(join(project, 'subpaths.ts'), `${lines.join('\n')}\n`);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  run('tsc', process.execPath, [tsc, '-p', join(project, 'tsconfig.json')], { cwd: project, fatal: false });
});

/** `liouville --help`, a closed-form `simulate`, and a `reproduce` on two worker threads, all from dist. */
function checkBinary() {
  const bin = realpathSync(join(project, 'node_modules', '.bin', 'liouville'));
  const expected = join(project, 'node_modules', '@liouville', 'cli', 'dist', 'bin.js');
  if (bin !== expected) failures.push(`liouville binary: resolves to ${bin}, expected ${expected}`);
  if (readdirSync(join(project, 'node_modules')).includes('tsx')) failures.push('tsx is installed with the CLI');
  const help = run('liouville --help', 'npx', ['--no', '--', 'liouville', '--help'], {
    cwd: project,
    env: npmEnv,
    fatal: false,
  });
  if (help !== undefined && !/Usage: liouville <command>[\s\S]*simulate/.test(help)) {
    failures.push('liouville --help: no usage line naming simulate');
  } else if (help !== undefined) console.log('ok   npx liouville --help');
  checkSimulate();
  const args = ['--task', 'spring', '--seeds', '1', '--steps', '5', '--eval-trajectories', '1'];
  const out = join(project, 'reproduce');
  // The reference data must come from the installed package, whatever the environment says.
  const { LIOUVILLE_REFERENCE_DATA: _, ...env } = npmEnv;
  const reproduce = [
    '--no',
    '--',
    'liouville',
    'reproduce',
    ...args,
    '--data',
    'reference',
    '--jobs',
    '2',
    '--out',
    out,
  ];
  if (run('liouville reproduce --jobs 2', 'npx', reproduce, { cwd: project, env, fatal: false, quiet: true })) {
    const results = readJson(join(out, 'results.json'));
    const models = results.tasks?.spring?.seeds?.[0]?.models ?? {};
    const finite = ['baseline', 'hnn'].every((k) => models[k]?.history?.trainLoss?.every(Number.isFinite));
    if (results.complete !== true || !finite) failures.push('liouville reproduce: results.json incomplete');
    else console.log('ok   reproduce on two worker threads from dist, reference data from the package');
  }
}

/**
 * Leapfrog on H = p²/2 + q²/2 from (1, 0) with dt = 0.1: q_n = cos(nθ), cos θ = 1 − dt²/2 exactly
 * (the recurrence q_{n+1} − 2q_n + q_{n−1} = −dt²·q_n), energy within dt²/8 / (1 − dt²/4) of ½.
 */
function checkSimulate() {
  const dt = 0.1;
  const args = ['--system', 'massSpring', '--method', 'leapfrog', '--q0', '1', '--p0', '0', '--dt', `${dt}`];
  const csv = run('liouville simulate', 'npx', ['--no', '--', 'liouville', 'simulate', ...args, '--steps', '100'], {
    cwd: project,
    env: npmEnv,
    fatal: false,
    quiet: true,
  });
  if (csv === undefined) return;
  const [header, ...rows] = csv.trim().split('\n');
  const table = rows.map((r) => r.split(',').map(Number));
  const theta = Math.acos(1 - (dt * dt) / 2);
  const qGap = Math.max(...table.map(([, q], n) => Math.abs(q - Math.cos(n * theta))));
  const drift = Math.max(...table.map(([, , , e]) => Math.abs(e - 0.5)));
  const bound = (dt * dt) / 8 / (1 - (dt * dt) / 4);
  // Positions: 100 steps of order-one roundings, far below 1e-12.
  const ok = header === 't,q,p,energy' && table.length === 101 && qGap < 1e-12 && drift <= bound + 1e-12;
  console.log(`${ok ? 'ok  ' : 'FAIL'} liouville simulate: |q_n − cos(nθ)| ≤ ${qGap}, |H − H0| ≤ ${drift}`);
  if (!ok) failures.push(`liouville simulate: header ${header}, ${table.length} rows, q gap ${qGap}, drift ${drift}`);
}

console.log('\ntarball sizes:');
for (const r of inspected) console.log(`  ${r.name.padEnd(24)} ${(r.bytes / 1024).toFixed(0).padStart(6)} kB`);
finish();

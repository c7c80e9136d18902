// What a publishable package's tarball must hold, checked file by file: used by check-packages.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

/** Files a tarball may hold besides dist/ and the folders its `files` field names. */
const TOP_LEVEL = new Set(['package.json', 'README.md', 'LICENSE']);
/** Test files and build leftovers, which never ship. */
const FORBIDDEN = [
  /(^|\/)(test|tests|__tests__)\//,
  /\.(test|spec)\.[cm]?[jt]sx?$/,
  /\.tsbuildinfo$/,
  /(^|\/)tsconfig[^/]*\.json$/,
];
/** Optional peers a package may import only from these dist folders (its /testing sub-path). */
const PEER_ONLY_UNDER = { 'fast-check': 'dist/testing/' };

/** Every file under `folder`, as paths relative to it with forward slashes. */
function walk(folder, prefix = '') {
  return readdirSync(join(folder, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? walk(folder, path) : [path];
  });
}

/** The targets of an exports map (conditions and sub-paths), flattened. */
function exportTargets(exports) {
  if (typeof exports === 'string') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

/** The bare module specifiers a compiled file imports (static, re-export and dynamic forms). */
function bareImports(compiled) {
  // Doc comments hold example imports of other packages: only code counts.
  const source = compiled.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = new Set();
  const patterns = [
    // `from '…'` only as the end of an import or export statement (a string may say "learn from").
    /^\s*(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) {
      const spec = match[1];
      if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec)) continue;
      found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  return found;
}

/** Problems with the published package.json (the one inside the tarball, after publishConfig). */
function manifestProblems(manifest, dir, files) {
  const problems = [];
  const has = (path) => files.includes(path.replace(/^\.\//, ''));
  if (manifest.private) problems.push('is private');
  if (manifest.license !== 'MIT') problems.push(`license is ${manifest.license}, expected MIT`);
  if (!/^\d+\.\d+\.\d+/.test(manifest.version ?? '')) problems.push(`version ${manifest.version}`);
  if (manifest.repository?.directory !== `packages/${dir}`) problems.push('repository.directory');
  if (!manifest.engines?.node) problems.push('no engines.node');
  if (!manifest.description) problems.push('no description');
  const targets = [
    ...exportTargets(manifest.exports),
    manifest.main,
    manifest.types,
    ...Object.values(manifest.bin ?? {}),
  ].filter((t) => t !== undefined);
  if (manifest.exports?.['.'] === undefined) problems.push('no "." export');
  for (const target of targets) {
    if (!target.startsWith('./dist/')) problems.push(`${target}: an entry point outside dist/`);
    else if (!has(target)) problems.push(`${target}: an entry point missing from the tarball`);
  }
  for (const [sub, entry] of Object.entries(manifest.exports ?? {})) {
    if (typeof entry !== 'object' || !entry.types || !entry.import)
      problems.push(`export ${sub}: needs types and import`);
  }
  const dependencies = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies };
  for (const [name, range] of Object.entries(dependencies)) {
    if (String(range).startsWith('workspace:')) problems.push(`${name}: ${range} was not replaced`);
  }
  if (manifest.dependencies?.tsx) problems.push('tsx is a run-time dependency');
  if (manifest.exports?.['./testing']) {
    if (manifest.dependencies?.['fast-check']) problems.push('fast-check is a dependency, expected an optional peer');
    if (
      !manifest.peerDependencies?.['fast-check'] ||
      manifest.peerDependenciesMeta?.['fast-check']?.optional !== true
    ) {
      problems.push('fast-check is not an optional peer dependency');
    }
  }
  return problems;
}

/** Problems with the file list: tests, stray files, TypeScript sources outside src/, stale outputs. */
function fileProblems(manifest, files, sourceDir) {
  const problems = [];
  const shipped = new Set((manifest.files ?? []).filter((f) => !f.startsWith('!')).map((f) => f.replace(/\/$/, '')));
  for (const file of files) {
    if (FORBIDDEN.some((p) => p.test(file))) problems.push(`${file}: a test or build file`);
    const top = file.split('/')[0];
    if (!file.includes('/') ? !TOP_LEVEL.has(file) : top !== 'dist' && !shipped.has(top)) {
      problems.push(`${file}: not part of the package`);
    }
    if (/\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file) && top !== 'src') {
      problems.push(`${file}: TypeScript source outside src/`);
    }
    // A compiled file without its source is left over from a deleted module.
    const source = file.match(/^dist\/(.+)\.js$/)?.[1];
    if (source !== undefined && !existsSync(join(sourceDir, `${source}.ts`))) {
      problems.push(`${file}: stale output, src/${source}.ts does not exist`);
    }
  }
  for (const entry of [...shipped].filter((e) => !TOP_LEVEL.has(e))) {
    if (!files.some((f) => f === entry || f.startsWith(`${entry}/`)))
      problems.push(`"files" names ${entry}, not in the tarball`);
  }
  return problems;
}

/** Problems with what the compiled code imports: every package must be declared. */
function importProblems(manifest, folder, files) {
  const problems = [];
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  for (const file of files.filter((f) => /^dist\/.*\.js$/.test(f))) {
    for (const name of bareImports(readFileSync(join(folder, file), 'utf8'))) {
      if (name === manifest.name) continue;
      if (!declared.has(name)) problems.push(`${file} imports ${name}, which package.json does not declare`);
      const only = PEER_ONLY_UNDER[name];
      if (only !== undefined && !file.startsWith(only)) problems.push(`${file} imports the optional peer ${name}`);
    }
  }
  return problems;
}

/**
 * Unpacks the tarball of packages/<dir> (packed into `tarballs`) under `unpacked` and lists every
 * problem: manifest, files, imports, LICENSE identical to the repository's, README present, a
 * shebang on every binary. Returns the package name, tarball path and size, its files, the import
 * specifiers of its sub-paths, and the problems.
 */
export function inspectTarball({ root, dir, tarballs, unpacked }) {
  const source = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  const tarball = join(tarballs, `${source.name.replace(/^@/, '').replace('/', '-')}-${source.version}.tgz`);
  if (!existsSync(tarball))
    return { name: source.name, tarball, bytes: 0, files: [], subpaths: [], problems: ['no tarball'] };
  const target = join(unpacked, dir);
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', target]);
  const folder = join(target, 'package');
  const files = walk(folder).sort();
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  const problems = [
    ...manifestProblems(manifest, dir, files),
    ...fileProblems(manifest, files, join(root, 'packages', dir, 'src')),
    ...importProblems(manifest, folder, files),
  ];
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  if (!files.includes('LICENSE') || readFileSync(join(folder, 'LICENSE'), 'utf8') !== license) {
    problems.push('LICENSE missing or different from the repository LICENSE');
  }
  if (!files.includes('README.md')) problems.push('no README.md');
  for (const bin of Object.values(manifest.bin ?? {})) {
    const path = join(folder, bin);
    if (existsSync(path) && !readFileSync(path, 'utf8').startsWith('#!/usr/bin/env node\n'))
      problems.push(`${bin}: no shebang`);
  }
  const subpaths = Object.keys(manifest.exports ?? {}).map((s) =>
    s === '.' ? manifest.name : `${manifest.name}${s.slice(1)}`,
  );
  return { name: manifest.name, tarball, bytes: statSync(tarball).size, files, subpaths, problems };
}

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIO, main, memoryIO } from '../src/index.js';

/** What a command line printed and returned. */
export interface RunResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `liouville <argv>` in-process in `cwd`, capturing both streams. */
export async function run(argv: readonly string[], cwd: string, overrides: Partial<CliIO> = {}): Promise<RunResult> {
  const io = memoryIO({ cwd, ...overrides });
  const code = await main(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

/** A fresh temporary folder; remove it with `cleanup`. */
export function tempFolder(prefix = 'liouville-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes a temporary folder and everything in it. */
export function cleanup(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
}

/** Every file under a folder, relative, sorted (temporary files included, so leftovers are seen). */
export function filesUnder(folder: string): string[] {
  return (readdirSync(folder, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name).slice(folder.length + 1))
    .sort();
}

/**
 * Checks an SVG document is well formed: one <svg> root, every element closed in order. Returns the
 * texts of its <text> elements (legend labels, titles, axis titles).
 */
export function parseSvg(svg: string): { texts: string[]; elements: Map<string, number> } {
  const tokens = svg.match(/<\/?[a-zA-Z][^>]*>|[^<]+/g) ?? [];
  const stack: string[] = [];
  const texts: string[] = [];
  const elements = new Map<string, number>();
  let roots = 0;
  for (const token of tokens) {
    if (!token.startsWith('<')) {
      if (stack[stack.length - 1] === 'text' && token.trim() !== '') texts.push(token.trim());
      continue;
    }
    const name = /^<\/?([a-zA-Z][\w:-]*)/.exec(token)?.[1] ?? '';
    if (token.startsWith('</')) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
      continue;
    }
    if (stack.length === 0) roots++;
    elements.set(name, (elements.get(name) ?? 0) + 1);
    if (!token.endsWith('/>')) stack.push(name);
  }
  if (stack.length !== 0 || roots !== 1) throw new Error(`not a single well-formed root (open: ${stack.join(',')})`);
  if (!/^<svg[\s>]/.test(svg.trim())) throw new Error('the root element is not <svg>');
  return { texts, elements };
}

/** The `liouville` binary of the repository (the sources through tsx). */
export const BINARY = new URL('../bin/liouville.mjs', import.meta.url).pathname;

/** What a run of the real binary in a child process printed and returned. */
export interface ProcessResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs the real `liouville` binary in a child process (for what only a process shows: its own
 * stdout failing, its heap limit, a hang). `stdout` may be a file descriptor to write into;
 * `nodeFlags` go to node itself (e.g. --max-old-space-size). A run over `timeoutMs` is killed.
 */
export function runBinary(
  argv: readonly string[],
  cwd: string,
  options: { stdout?: number; nodeFlags?: readonly string[]; timeoutMs?: number } = {},
): ProcessResult {
  const result = spawnSync(process.execPath, [...(options.nodeFlags ?? []), BINARY, ...argv], {
    cwd,
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 60_000,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return { code: result.status, signal: result.signal, out: result.stdout ?? '', err: result.stderr ?? '' };
}

/**
 * A character device to aim outputs at: a private node (1, 3), /dev/null's, made in `folder` where
 * the system allows it (as root), else /dev/null itself. Root could otherwise see a regression
 * replace the system's /dev/null; without root, nothing can replace it.
 */
export function privateDevice(folder: string): string {
  const path = join(folder, 'null-device');
  try {
    execFileSync('mknod', [path, 'c', '1', '3'], { stdio: 'ignore' });
    return path;
  } catch {
    return '/dev/null';
  }
}

/** True when text looks like a stack trace (a line "    at …"), which the command line must never print. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+[:(]/m.test(text) || /node:internal|Error: .*\n\s+at /.test(text);
}

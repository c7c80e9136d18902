// Soak test (not in CI, minutes long): memory over a long run.
//   1. `liouville simulate` of the pendulum by leapfrog for 10⁷ steps to a file, in its own process:
//      the heap after every garbage collection (node --trace-gc), the resident set and the bytes
//      written, sampled as it runs. Streaming output must keep the heap flat.
//   2. 10⁵ training steps of an HNN (train of @liouville/hamiltonian, the compiled step), the heap
//      after a forced collection every 1% of the steps. A leak per step would show as a slope.
// Run: npx tsx packages/bench/src/soak.ts [--simulate-steps N] [--train-steps N] [--skip-simulate] [--skip-train]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hnnModel, springDataset, train } from '@liouville/hamiltonian';
import { adam } from '@liouville/nn';
import { exposeGc } from './memory.js';

/** The command line of this repository, run as a separate process (bench does not import it). */
const LIOUVILLE = fileURLToPath(new URL('../../cli/bin/liouville.mjs', import.meta.url));

const MB = 1024 * 1024;

/** One sample of a run: time since start, heap, resident set, and progress (MB written, or steps done). */
interface Sample {
  readonly seconds: number;
  readonly heapMB: number;
  /** The heap after the last full (mark-compact) collection: what is really alive. */
  readonly liveMB?: number;
  readonly rssMB: number;
  readonly progress: number;
}

// `[pid:0x…]   5023 ms: Mark-Compact 10.9 (12.8) -> 10.0 (13.3) MB, …`: the heap used after the collection.
const GC_LINE = /(\d+) ms: ([A-Za-z -]+?)\s([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB/;

function residentMB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? Number.NaN : Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** The size of the output so far: the temporary file beside the target while it is written, then the target. */
function writtenMB(folder: string): number {
  let bytes = 0;
  for (const name of readdirSync(folder)) bytes = Math.max(bytes, statSync(join(folder, name)).size);
  return bytes / MB;
}

/** Runs simulate for `steps` steps in a child process and samples it every `everyMs`. */
async function soakSimulate(steps: number, everyMs = 1000): Promise<{ samples: Sample[]; code: number | null }> {
  const folder = mkdtempSync(join(tmpdir(), 'liouville-soak-'));
  const argv = ['--trace-gc', LIOUVILLE, 'simulate', '--system', 'pendulum', '--method', 'leapfrog'];
  argv.push('--q0', '1', '--p0', '0', '--dt', '0.01', '--steps', String(steps), '--out', join(folder, 'soak.csv'));
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const started = performance.now();
  let heapMB = 0;
  let liveMB = 0;
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const m = GC_LINE.exec(line);
      if (m === null) continue;
      heapMB = Number(m[5]);
      if (m[2].includes('Mark')) liveMB = heapMB;
    }
  });
  const samples: Sample[] = [];
  const take = () => {
    const seconds = (performance.now() - started) / 1000;
    samples.push({ seconds, heapMB, liveMB, rssMB: residentMB(child.pid as number), progress: writtenMB(folder) });
  };
  const timer = setInterval(take, everyMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  samples.push({ seconds, heapMB, liveMB, rssMB: Number.NaN, progress: writtenMB(folder) });
  rmSync(folder, { recursive: true, force: true });
  return { samples, code };
}

/** Trains an HNN for `steps` steps, reading the heap after a forced collection at every 1% of them. */
function soakTrain(steps: number): Sample[] {
  const gc = exposeGc();
  const data = springDataset({ seed: 0 });
  const samples: Sample[] = [];
  const started = performance.now();
  const every = Math.max(1, Math.round(steps / 100));
  const sample = (step: number) => {
    gc?.();
    const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
    samples.push({
      seconds: (performance.now() - started) / 1000,
      heapMB: (heapUsed + arrayBuffers) / MB,
      rssMB: rss / MB,
      progress: step,
    });
  };
  sample(0);
  // A small HNN on minibatches: the per-step machinery (compiled step, optimiser, batches) is what
  // is soaked; the reference's 200-unit full-batch model only makes each step slower.
  const result = train({
    model: hnnModel({ inputDim: 2, hiddenDim: 32 }),
    data,
    steps,
    batchSize: 64,
    optimiser: adam({ lr: 1e-3 }),
    evalEvery: steps,
    onStep: ({ step }) => {
      if (step % every === 0) sample(step);
    },
  });
  if (result.status !== 'completed') throw new Error(`soak training stopped: ${result.message}`);
  return samples;
}

/** Every k-th sample, so that a curve prints as about `rows` lines (the last always kept). */
function thin<T>(xs: readonly T[], rows = 11): T[] {
  const k = Math.max(1, Math.ceil(xs.length / rows));
  return xs.filter((_, i) => i % k === 0 || i === xs.length - 1);
}

/** Least-squares slope of y against x. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

function flagValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} needs a positive integer`);
  return value;
}

async function main(): Promise<void> {
  const simulateSteps = flagValue('--simulate-steps', 10_000_000);
  const trainSteps = flagValue('--train-steps', 100_000);
  if (!process.argv.includes('--skip-simulate')) {
    console.log(`simulate: pendulum, leapfrog, ${simulateSteps} steps to a file (child process, --trace-gc)`);
    const { samples, code } = await soakSimulate(simulateSteps);
    console.log('| s | written MB | heap after last GC MB | after last full GC MB | RSS MB |');
    console.log('|---:|---:|---:|---:|---:|');
    for (const s of thin(samples)) {
      const cells = [s.seconds.toFixed(0), s.progress.toFixed(0), s.heapMB.toFixed(1), (s.liveMB ?? 0).toFixed(1)];
      console.log(`| ${cells.join(' | ')} | ${s.rssMB.toFixed(0)} |`);
    }
    const peak = Math.max(...samples.map((s) => s.heapMB));
    const live = Math.max(...samples.map((s) => s.liveMB ?? 0));
    const rss = Math.max(...samples.map((s) => s.rssMB).filter(Number.isFinite));
    console.log(
      `exit ${code}; peak heap after any GC ${peak.toFixed(1)} MB, after a full GC ${live.toFixed(1)} MB; peak RSS ${rss.toFixed(0)} MB\n`,
    );
  }
  if (!process.argv.includes('--skip-train')) {
    console.log(`train: HNN 2→32→32→2, batch 64, Adam, ${trainSteps} steps (heap after a forced GC)`);
    const samples = soakTrain(trainSteps);
    console.log('| step | s | heap + buffers MB | RSS MB |\n|---:|---:|---:|---:|');
    for (const s of thin(samples)) {
      console.log(`| ${s.progress} | ${s.seconds.toFixed(0)} | ${s.heapMB.toFixed(2)} | ${s.rssMB.toFixed(0)} |`);
    }
    // The first tenth warms up (compilation, caches); a leak is a slope over the rest.
    const rest = samples.slice(Math.ceil(samples.length / 10));
    const perStep = slope(
      rest.map((s) => s.progress),
      rest.map((s) => s.heapMB),
    );
    console.log(`heap slope after warm-up: ${((perStep * 1e4 * MB) / 1024).toFixed(1)} kB per 10⁴ steps`);
  }
}

await main();

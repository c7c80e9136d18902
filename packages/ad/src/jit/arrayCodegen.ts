import type { Accumulator, LoopNest } from './arrayLoops.js';
import type { Cluster, ReduceMember, Ref } from './arraySchedule.js';
import { stored } from './expressions.js';
import type { Var } from './ir.js';

/**
 * JavaScript for one fused cluster: a function of the arrays it reads and writes, running the
 * loop nest of arrayLoops.ts. In the innermost body each operand element is loaded once, each
 * member is one `const` computed by its eager kernel's expression (rounded with Math.fround when
 * float32, as a store into a Float32Array rounds), stored if a later step needs it, and folded
 * into its reductions. Reductions accumulate in float64 in row-major order from the same initial
 * value as linalg's reduce.ts, so sums and maxima have the eager bits too.
 */

/** Names the cluster function gives its arrays (all made by the compiler from variable ids). */
export const arrayName = (v: Var): string => `a${v.id}`;
export const scratchName = (v: Var): string => `s${v.id}`;

const INITIAL: Record<ReduceMember['op'], string> = { sum: '0', max: '-Infinity' };
const COMBINE: Record<ReduceMember['op'], (acc: string, v: string) => string> = {
  sum: (acc, v) => `${acc} + ${v}`,
  max: (acc, v) => `(${v} > ${acc} || ${v} !== ${v} ? ${v} : ${acc})`,
};

/** What a cluster writes: the member values later steps read, and its float32 reductions' float64 scratch. */
export interface ClusterOutputs {
  readonly stored: ReadonlySet<number>;
  /** Float64 accumulators of float32 reductions that cannot accumulate in a local, by output id. */
  readonly scratch: ReadonlyMap<number, Var>;
}

/** True when a reduction of this cluster needs a float64 scratch array (float32, array accumulator). */
export function needsScratch(member: ReduceMember, accumulator: Accumulator): boolean {
  return member.out.dtype === 'float32' && accumulator.kind === 'array';
}

class NestWriter {
  readonly lines: string[] = [];
  constructor(private readonly nest: LoopNest) {}

  /** The offset of pattern p once loops 0..level are open (level −1: before any loop). */
  offset(p: number, level: number): string {
    const { strides, offset } = this.nest.patterns[p];
    for (let k = Math.min(level, strides.length - 1); k >= 0; k--) if (strides[k] !== 0) return `p${p}_${k}`;
    return String(offset);
  }

  open(level: number): void {
    const size = this.nest.sizes[level];
    this.lines.push(`for (let i${level} = 0; i${level} < ${size}; i${level}++) {`);
    this.nest.patterns.forEach((pattern, p) => {
      const stride = pattern.strides[level];
      if (stride === 0) return;
      const step = stride === 1 ? `i${level}` : `i${level} * ${stride}`;
      this.lines.push(`const p${p}_${level} = ${this.offset(p, level - 1)} + ${step};`);
    });
  }
}

/** The source of `function name(arrays…) { … }` for a cluster, and the variables to pass, in order. */
export function clusterSource(
  name: string,
  cluster: Cluster,
  nest: LoopNest,
  outputs: ClusterOutputs,
): { source: string; params: Var[] } {
  const w = new NestWriter(nest);
  const depth = nest.sizes.length;
  const inner = depth - 1;
  const params: Var[] = [];
  const seen = new Set<number>();
  const param = (v: Var) => {
    if (!seen.has(v.id)) {
      seen.add(v.id);
      params.push(v);
    }
  };
  for (const view of cluster.accesses) param(view.base);
  const reductions = cluster.members.filter((m): m is ReduceMember => m.kind === 'reduce');
  const target = (m: ReduceMember) => {
    const scratch = outputs.scratch.get(m.out.id);
    return scratch === undefined ? arrayName(m.out) : scratchName(scratch);
  };
  // Operands read at one place for the whole loop are loaded once, before it.
  const hoisted = cluster.accesses.map((_, i) => nest.patterns[nest.accessPatterns[i]].strides.every((s) => s === 0));
  cluster.accesses.forEach((view, i) => {
    if (hoisted[i]) w.lines.push(`const x${i} = ${arrayName(view.base)}[${w.offset(nest.accessPatterns[i], -1)}];`);
  });
  const accumulator = (m: ReduceMember) => nest.reductions.get(m.out.id)?.accumulator as Accumulator;
  const localsAt = (level: number) =>
    reductions.filter((m) => {
      const a = accumulator(m);
      return a.kind === 'local' && a.level === level;
    });
  for (const m of reductions) {
    if (accumulator(m).kind === 'array') w.lines.push(`${target(m)}.fill(${INITIAL[m.op]});`);
  }
  const declare = (level: number) => {
    for (const m of localsAt(level)) w.lines.push(`let r${m.out.id} = ${INITIAL[m.op]};`);
  };
  const store = (level: number) => {
    for (const m of localsAt(level)) {
      const pattern = nest.reductions.get(m.out.id)?.pattern as number;
      w.lines.push(`${arrayName(m.out)}[${w.offset(pattern, level - 1)}] = r${m.out.id};`);
    }
  };
  declare(0);
  for (let level = 0; level < depth; level++) {
    w.open(level);
    declare(level + 1);
  }
  body(w, cluster, nest, outputs, hoisted, inner);
  for (let level = depth - 1; level >= 0; level--) {
    store(level + 1);
    w.lines.push('}');
  }
  store(0);
  for (const m of reductions) {
    const scratch = outputs.scratch.get(m.out.id);
    if (scratch !== undefined) w.lines.push(`${arrayName(m.out)}.set(${scratchName(scratch)});`);
  }
  for (const m of cluster.members) if (m.kind === 'reduce' || outputs.stored.has(m.out.id)) param(m.out);
  const names = params.map(arrayName);
  for (const scratch of outputs.scratch.values()) names.push(scratchName(scratch));
  const source = `function ${name}(${names.join(', ')}) {\n${w.lines.join('\n')}\n}`;
  return { source, params: [...params, ...outputs.scratch.values()] };
}

/** The innermost body: loads, members, stores and reduction updates for one element. */
function body(
  w: NestWriter,
  cluster: Cluster,
  nest: LoopNest,
  outputs: ClusterOutputs,
  hoisted: readonly boolean[],
  inner: number,
): void {
  cluster.accesses.forEach((view, i) => {
    if (!hoisted[i]) w.lines.push(`const x${i} = ${arrayName(view.base)}[${w.offset(nest.accessPatterns[i], inner)}];`);
  });
  const ref = (r: Ref) => (r.kind === 'local' ? `t${r.v.id}` : r.kind === 'literal' ? r.text : `x${r.index}`);
  const here = w.offset(nest.contiguous, inner);
  for (const m of cluster.members) {
    if (m.kind === 'element') {
      w.lines.push(`const t${m.out.id} = ${stored(m.expression(m.args.map(ref)), m.out.dtype)};`);
      if (outputs.stored.has(m.out.id)) w.lines.push(`${arrayName(m.out)}[${here}] = t${m.out.id};`);
      continue;
    }
    const info = nest.reductions.get(m.out.id) as { pattern: number; accumulator: Accumulator };
    const v = ref(m.arg);
    if (info.accumulator.kind === 'local') {
      w.lines.push(`r${m.out.id} = ${COMBINE[m.op](`r${m.out.id}`, v)};`);
    } else {
      const scratch = outputs.scratch.get(m.out.id);
      const target = scratch === undefined ? arrayName(m.out) : scratchName(scratch);
      const at = `${target}[${w.offset(info.pattern, inner)}]`;
      w.lines.push(`${at} = ${COMBINE[m.op](at, v)};`);
    }
  }
}

import { type Shape, stridesOf } from '@liouville/linalg';
import type { Cluster, ReduceMember } from './arraySchedule.js';

/**
 * The loop nest of a fused cluster. Every way the loop touches memory is a stride pattern over
 * the cluster's shape: each operand view, the row-major order of the results it writes, and the
 * output of each reduction (stride 0 on the reduced axes). Axes of length 1 are dropped and
 * neighbouring axes merged wherever every pattern allows it, so a chain of same-shape operations is
 * one flat loop and a bias broadcast along rows is two.
 */

/** A stride pattern over the collapsed loop axes, from a starting offset. */
export interface Pattern {
  readonly offset: number;
  readonly strides: readonly number[];
}

/** Where a reduction accumulates: a local declared before loop `level` (its reduced axes are the innermost ones), or an array. */
export type Accumulator = { readonly kind: 'local'; readonly level: number } | { readonly kind: 'array' };

export interface LoopNest {
  /** Loop lengths, outermost first. */
  readonly sizes: readonly number[];
  readonly patterns: readonly Pattern[];
  /** Pattern of each operand view. */
  readonly accessPatterns: readonly number[];
  /** Pattern of the cluster's own row-major order (where it writes its elementwise results). */
  readonly contiguous: number;
  /** Per reduction member (by output id): its output pattern and accumulator. */
  readonly reductions: ReadonlyMap<number, { readonly pattern: number; readonly accumulator: Accumulator }>;
}

/** Strides of a reduction's output over the reduced shape, with 0 on the reduced axes. */
function reductionStrides(shape: Shape, member: ReduceMember): number[] {
  const kept = shape.map((n, a) => (member.axes.includes(a) ? 1 : n));
  return stridesOf(kept).map((s, a) => (member.axes.includes(a) ? 0 : s));
}

/** Drops axes of length 1 and merges neighbours whose strides agree in every pattern. */
function collapse(shape: Shape, raw: readonly (readonly number[])[]): { sizes: number[]; strides: number[][] } {
  const axes = shape.map((_, a) => a).filter((a) => shape[a] !== 1);
  const sizes: number[] = [];
  const strides: number[][] = raw.map(() => []);
  for (let i = axes.length - 1; i >= 0; i--) {
    const a = axes[i];
    const mergeable = sizes.length > 0 && raw.every((p, k) => p[a] === strides[k][0] * sizes[0]);
    if (mergeable) sizes[0] *= shape[a];
    else {
      sizes.unshift(shape[a]);
      raw.forEach((p, k) => {
        strides[k].unshift(p[a]);
      });
    }
  }
  return { sizes, strides };
}

/** The loop nest of a cluster. */
export function planNest(cluster: Cluster): LoopNest {
  const raw: number[][] = [];
  const offsets: number[] = [];
  const keys = new Map<string, number>();
  const pattern = (offset: number, strides: readonly number[]): number => {
    const key = `${offset}|${strides.join(',')}`;
    let index = keys.get(key);
    if (index === undefined) {
      index = raw.length;
      raw.push([...strides]);
      offsets.push(offset);
      keys.set(key, index);
    }
    return index;
  };
  const accessPatterns = cluster.accesses.map((view) => pattern(view.offset, view.strides));
  const contiguous = pattern(0, stridesOf(cluster.shape));
  const reductionPatterns = new Map<number, number>();
  for (const member of cluster.members) {
    if (member.kind === 'reduce')
      reductionPatterns.set(member.out.id, pattern(0, reductionStrides(cluster.shape, member)));
  }
  const { sizes, strides } = collapse(cluster.shape, raw);
  const patterns = strides.map((s, k) => ({ offset: offsets[k], strides: s }));
  const reductions = new Map<number, { pattern: number; accumulator: Accumulator }>();
  for (const [id, index] of reductionPatterns) {
    reductions.set(id, { pattern: index, accumulator: accumulatorOf(patterns[index].strides) });
  }
  return { sizes, patterns, accessPatterns, contiguous, reductions };
}

/** A local accumulator when the reduced (stride-0) loops are exactly the innermost ones. */
function accumulatorOf(strides: readonly number[]): Accumulator {
  let level = strides.length;
  while (level > 0 && strides[level - 1] === 0) level--;
  for (let k = 0; k < level; k++) if (strides[k] === 0) return { kind: 'array' };
  return { kind: 'local', level };
}

import { type DType, type MatmulArena, type TypedArray, allocate } from '@liouville/linalg';
import { type ClusterOutputs, needsScratch } from './arrayCodegen.js';
import { type LoopNest, planNest } from './arrayLoops.js';
import type { Cluster, Schedule, Step } from './arraySchedule.js';
import type { Var } from './ir.js';
import { newVar } from './staging.js';

/**
 * The memory plan of the array backend. Every array a step writes is one of:
 * - 'fresh': a program output, allocated on every call (callers keep outputs);
 * - 'own': made by an eager kernel or a loop at run time (already fresh);
 * - 'pooled': an intermediate, held in a buffer allocated once per compiled program and reused on
 *   every call. Buffers are shared by values whose lifetimes (from the step that writes them to
 *   the last step that reads them) do not overlap: a linear scan over the steps, best fit by size.
 */

export type Storage =
  | { readonly kind: 'fresh' }
  | { readonly kind: 'own' }
  | { readonly kind: 'pooled'; readonly buffer: number; readonly size: number };

export interface MemoryPlan {
  /** Storage of every array a step writes, by variable id. */
  readonly storage: ReadonlyMap<number, Storage>;
  /** The buffers: dtype and capacity in elements. */
  readonly buffers: readonly { readonly dtype: DType; capacity: number }[];
  /** Per cluster: its loop nest and what it writes. */
  readonly clusters: ReadonlyMap<Cluster, { readonly nest: LoopNest; readonly outputs: ClusterOutputs }>;
  /** The arrays each step writes, in order. */
  readonly writes: readonly (readonly Var[])[];
}

/** Which values of a cluster are needed outside it (read by another step, or returned), and its scratch. */
function clusterOutputs(cluster: Cluster, needed: ReadonlySet<number>): { nest: LoopNest; outputs: ClusterOutputs } {
  const nest = planNest(cluster);
  const stored = new Set<number>();
  const scratch = new Map<number, Var>();
  for (const m of cluster.members) {
    if (m.kind === 'element') {
      if (needed.has(m.out.id)) stored.add(m.out.id);
      continue;
    }
    const info = nest.reductions.get(m.out.id);
    if (info !== undefined && needsScratch(m, info.accumulator)) scratch.set(m.out.id, newVar(m.out.shape, 'float64'));
  }
  return { nest, outputs: { stored, scratch } };
}

function stepWrites(step: Step, clusters: MemoryPlan['clusters']): Var[] {
  switch (step.kind) {
    case 'cluster': {
      const { outputs } = clusters.get(step.cluster) as { outputs: ClusterOutputs };
      const members = step.cluster.members.filter((m) => m.kind === 'reduce' || outputs.stored.has(m.out.id));
      return [...members.map((m) => m.out), ...outputs.scratch.values()];
    }
    case 'matmul':
    case 'tanh':
      return [step.out];
    case 'concat':
      return [step.eq.out];
    case 'fallback':
      return [step.eq.out];
    case 'loop':
      return [...step.eq.outs];
  }
}

/** Plans storage for a schedule (see the module comment). */
export function planMemory(schedule: Schedule): MemoryPlan {
  const outputIds = new Set(schedule.outputs.map((o) => o.v.id));
  const needed = new Set(outputIds);
  const lastUse = new Map<number, number>();
  schedule.steps.forEach((step, i) => {
    for (const v of step.reads) {
      needed.add(v.id);
      lastUse.set(v.id, i);
    }
  });
  const clusters = new Map<Cluster, { nest: LoopNest; outputs: ClusterOutputs }>();
  for (const step of schedule.steps)
    if (step.kind === 'cluster') clusters.set(step.cluster, clusterOutputs(step.cluster, needed));
  const writes = schedule.steps.map((step) => stepWrites(step, clusters));
  const storage = new Map<number, Storage>();
  const buffers: { dtype: DType; capacity: number }[] = [];
  const free: number[] = [];
  schedule.steps.forEach((step, i) => {
    const pooled: Var[] = [];
    for (const v of writes[i]) {
      if (step.kind === 'fallback' || step.kind === 'loop') storage.set(v.id, { kind: 'own' });
      else if (outputIds.has(v.id)) storage.set(v.id, { kind: 'fresh' });
      else {
        const buffer = bestFit(buffers, free, v);
        storage.set(v.id, { kind: 'pooled', buffer, size: v.size });
        pooled.push(v);
      }
    }
    // Release after this step's writes are placed, so no step writes over an array it reads.
    for (const v of [...step.reads, ...pooled]) {
      const s = storage.get(v.id);
      if (s?.kind === 'pooled' && (lastUse.get(v.id) ?? i) <= i && !free.includes(s.buffer)) free.push(s.buffer);
    }
  });
  return { storage, buffers, clusters, writes };
}

/** The free buffer of v's dtype that fits it most tightly (else the largest, grown), or a new one. */
function bestFit(buffers: { dtype: DType; capacity: number }[], free: number[], v: Var): number {
  let best = -1;
  for (const b of free) {
    if (buffers[b].dtype !== v.dtype) continue;
    if (best < 0) best = b;
    const [fits, bestFits] = [buffers[b].capacity >= v.size, buffers[best].capacity >= v.size];
    if (fits && (!bestFits || buffers[b].capacity < buffers[best].capacity)) best = b;
    else if (!fits && !bestFits && buffers[b].capacity > buffers[best].capacity) best = b;
  }
  if (best < 0) {
    buffers.push({ dtype: v.dtype, capacity: v.size });
    return buffers.length - 1;
  }
  free.splice(free.indexOf(best), 1);
  buffers[best].capacity = Math.max(buffers[best].capacity, v.size);
  return best;
}

/** Bytes an array of `size` elements of `dtype` takes in the arena, rounded up to a multiple of 16. */
export function arenaBytes(dtype: DType, size: number): number {
  return Math.ceil((size * (dtype === 'float64' ? 8 : 4)) / 16) * 16;
}

/** Bytes of the plan's buffers laid out one after another, each at a multiple of 16 bytes. */
export function bufferBytes(plan: MemoryPlan): number {
  return plan.buffers.reduce((total, b) => total + arenaBytes(b.dtype, b.capacity), 0);
}

/**
 * Allocates the buffers of a plan and the view of each pooled value (done once per compiled
 * program): in the matmul arena when there is one (so products read and write them in place).
 */
export function allocateViews(plan: MemoryPlan, arena: MatmulArena | null): Map<number, TypedArray> {
  let offset = 0;
  const arrays = plan.buffers.map((b) => {
    if (arena === null) return allocate(b.dtype, b.capacity);
    const array = arena.array(b.dtype, offset, b.capacity);
    offset += arenaBytes(b.dtype, b.capacity);
    return array;
  });
  const views = new Map<number, TypedArray>();
  plan.storage.forEach((s, id) => {
    if (s.kind === 'pooled') views.set(id, arrays[s.buffer].subarray(0, s.size));
  });
  return views;
}

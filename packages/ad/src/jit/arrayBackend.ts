import {
  type FunctionBody,
  MatmulArena,
  Tensor,
  type TypedArray,
  allocate,
  cosOf,
  getMatmulBackend,
  matmulInto,
  sinOf,
  tanhInto,
} from '@liouville/linalg';
import { rules } from '../rules/index.js';
import { arrayName, clusterSource } from './arrayCodegen.js';
import { concatSource } from './arrayConcat.js';
import { type MemoryPlan, allocateViews, arenaBytes, bufferBytes, planMemory } from './arrayMemory.js';
import { LANE_IMPORTS, laneCandidate, laneFunction } from './arrayLanes.js';
import { type Cluster, type Schedule, Scheduler, type Step } from './arraySchedule.js';
import type { Equation, LoopEquation, Program, Var } from './ir.js';

/**
 * The backend for large tensors: a program becomes one JavaScript function over typed arrays.
 * Elementwise chains and the reductions that end them run as fused loops (arraySchedule.ts,
 * arrayLoops.ts, arrayCodegen.ts); data movement is read in place through views, and
 * concatenation copied into a buffer (arrayConcat.ts); matmul writes through linalg's kernels into
 * its buffer (matmulInto, transposed operands read in place);
 * intermediates live in buffers allocated once and shared by values whose lifetimes do not overlap
 * (arrayMemory.ts); outputs are fresh arrays on every call. Any other primitive runs its eager
 * kernel, and a loop runs its compiled body once per iteration. Every element is computed by the
 * eager kernel's expression with the eager rounding and summation order, so results are
 * bit-identical to eager evaluation.
 *
 * A program with products, or with loops that can run as WebAssembly, gets an arena (linalg's
 * MatmulArena) holding the buffers, the constants that products and loops read, and copies of the
 * inputs and outputs of its loops; such a loop then runs as WebAssembly SIMD on the arena in place
 * (arrayLanes.ts), with the same bits.
 */

/** Input tensors in, output tensors out (as compile.ts's Executable). */
type Run = (inputs: readonly Tensor[]) => Tensor[];
type ArrayFn = (...arrays: TypedArray[]) => TypedArray;

/** Runtime tables the generated code calls: matmul and tanh steps, eager kernels, loops. */
interface Tables {
  readonly matmuls: ((a: TypedArray, b: TypedArray, out: TypedArray) => void)[];
  readonly tanhs: ((x: TypedArray, out: TypedArray) => void)[];
  readonly fallbacks: ArrayFn[];
  readonly loops: ((...arrays: TypedArray[]) => TypedArray[])[];
  /** Fused loops compiled to WebAssembly (arrayLanes.ts), working on the arena in place. */
  readonly lanes: (() => void)[];
}

function matmulStep(step: MatmulStep, arena: MatmulArena | null): Tables['matmuls'][number] {
  const { a, b } = step;
  const options = { arena };
  return (x, y, out) =>
    matmulInto(
      { data: x, shape: a.shape, transposed: a.transposed },
      { data: y, shape: b.shape, transposed: b.transposed },
      out,
      options,
    );
}

type MatmulStep = Extract<Step, { kind: 'matmul' }>;

/**
 * The arena of a program with matrix products or loops that can run as WebAssembly (null without
 * them, or off the 'wasm' backend): room for its buffers, `extraBytes` more, and scratch for its
 * largest product, all rows of a batch stacked.
 */
function matmulArena(schedule: Schedule, plan: MemoryPlan, extraBytes: number): MatmulArena | null {
  const products = schedule.steps.filter((s): s is MatmulStep => s.kind === 'matmul');
  if (getMatmulBackend() !== 'wasm') return null;
  if (products.length === 0) {
    const lanes = schedule.steps.some((s) => {
      if (s.kind !== 'cluster') return false;
      const { nest } = plan.clusters.get(s.cluster) as NonNullable<ReturnType<MemoryPlan['clusters']['get']>>;
      return laneCandidate(s.cluster, nest);
    });
    return lanes ? MatmulArena.create(bufferBytes(plan) + extraBytes, 0, false) : null;
  }
  const scratch = Math.max(
    ...products.map(({ a, b, out }) => {
      const k = a.shape[a.shape.length - 1];
      const n = b.shape.length === 1 ? 1 : b.shape[b.shape.length - 1];
      return MatmulArena.scratchBytes(out.dtype, Math.max(1, out.size / Math.max(1, n)), k, n);
    }),
  );
  return MatmulArena.create(bufferBytes(plan) + extraBytes, scratch);
}

/** Ids of the arrays fused loops read. */
function clusterReads(schedule: Schedule): Set<number> {
  return new Set(schedule.steps.flatMap((s) => (s.kind === 'cluster' ? s.reads.map((v) => v.id) : [])));
}

/** The constants a product or a fused loop reads (the weights a traced function closed over, say). */
function arenaConstants(program: Program, schedule: Schedule, loopReads: ReadonlySet<number>): Program['constants'] {
  const productReads = new Set(schedule.steps.flatMap((s) => (s.kind === 'matmul' ? [s.a.base.id, s.b.base.id] : [])));
  return program.constants.filter((c) => productReads.has(c.variable.id) || loopReads.has(c.variable.id));
}

/**
 * Arena copies for the fused loops that run as WebAssembly: of the program inputs they read (each
 * call copies them in first) and of the program outputs they write (copied out after the loop).
 */
interface LaneCopies {
  readonly inputs: readonly Var[];
  readonly outputs: readonly Var[];
}

/** The program outputs fused loops write. */
function clusterOutputs(schedule: Schedule, plan: MemoryPlan): Var[] {
  return schedule.steps.flatMap((s, i) =>
    s.kind === 'cluster' ? plan.writes[i].filter((v) => plan.storage.get(v.id)?.kind === 'fresh') : [],
  );
}

/** Arena arrays from byte `offset` up, one per variable, by variable id. */
function arenaArrays(vars: readonly Var[], arena: MatmulArena, offset: number): Map<number, TypedArray> {
  const arrays = new Map<number, TypedArray>();
  for (const v of vars) {
    arrays.set(v.id, arena.array(v.dtype, offset, v.size));
    offset += arenaBytes(v.dtype, v.size);
  }
  return arrays;
}

const totalArenaBytes = (vars: readonly Var[]) => vars.reduce((total, v) => total + arenaBytes(v.dtype, v.size), 0);

/**
 * The arrays of a program's constants. Those a product or a loop reads are copied once into the
 * arena, after the buffers, so that no call copies them in again (constants, like every tensor,
 * never change).
 */
function constantArrays(
  program: Program,
  inArena: Program['constants'],
  arena: MatmulArena | null,
  plan: MemoryPlan,
): TypedArray[] {
  let offset = bufferBytes(plan);
  return program.constants.map((c) => {
    if (arena === null || !inArena.includes(c)) return c.value.data;
    const copy = arena.array(c.variable.dtype, offset, c.variable.size);
    copy.set(c.value.data);
    offset += arenaBytes(c.variable.dtype, c.variable.size);
    return copy;
  });
}

/** The eager kernel of an equation over arrays; a result sharing memory with an argument is copied (it may be a reused buffer). */
function fallbackStep(eq: Equation): ArrayFn {
  const rule = rules[eq.primitive] as { evaluate(args: Tensor[], params: unknown): Tensor };
  return (...arrays) => {
    const result = rule.evaluate(
      arrays.map((data, i) => new Tensor(data, eq.inputs[i].shape)),
      eq.params,
    ).data;
    for (const a of arrays) if (a.buffer === result.buffer) return result.slice();
    return result;
  };
}

/** Runs a loop: its body compiled once, called per iteration; stacked values written into fresh arrays. */
function loopStep(eq: LoopEquation, compile: (p: Program) => Run): Tables['loops'][number] {
  let body: Run | undefined;
  const carried = eq.init.length;
  const shapes = eq.body.inputs.map((v) => v.shape);
  return (...arrays) => {
    body ??= compile(eq.body);
    let carry = arrays.slice(0, carried).map((d, i) => new Tensor(d, shapes[i]));
    const free = arrays.slice(carried).map((d, i) => new Tensor(d, shapes[carried + i]));
    const stacked = eq.outs.slice(carried).map((v) => allocate(v.dtype, v.size));
    for (let t = 0; t < eq.length; t++) {
      const outs = body([...carry, ...free]);
      carry = outs.slice(0, carried);
      for (let j = 0; j < stacked.length; j++) {
        const row = outs[carried + j].data;
        stacked[j].set(row, t * row.length);
      }
    }
    // With no iteration the carry is the loop's input: copied, since outputs of a step are its own.
    return [...carry.map((c) => (eq.length === 0 ? c.data.slice() : c.data)), ...stacked];
  };
}

const arrayType = (v: Var) => (v.dtype === 'float32' ? 'Float32Array' : 'Float64Array');

/** The generated source: cluster functions, then `return function run(I, C, V) { … }`. */
function generate(
  program: Program,
  schedule: Schedule,
  plan: MemoryPlan,
  pooled: readonly number[],
  compile: (p: Program) => Run,
  arena: MatmulArena | null,
  lanes: ReadonlyMap<Cluster, () => void>,
  copies: LaneCopies,
): { source: string; tables: Tables } {
  const tables: Tables = { matmuls: [], tanhs: [], fallbacks: [], loops: [], lanes: [] };
  const functions: string[] = [];
  const lines: string[] = [];
  for (const [k, v] of program.inputs.entries()) lines.push(`const ${arrayName(v)} = I[${k}];`);
  for (const [k, v] of copies.inputs.entries()) lines.push(`S[${k}].set(${arrayName(v)});`);
  for (const [k, c] of program.constants.entries()) lines.push(`const ${arrayName(c.variable)} = C[${k}];`);
  for (const [k, id] of pooled.entries()) lines.push(`const a${id} = V[${k}];`);
  schedule.steps.forEach((step, i) => {
    const lane = step.kind === 'cluster' ? lanes.get(step.cluster) : undefined;
    const fresh = plan.writes[i].filter((v) => plan.storage.get(v.id)?.kind === 'fresh');
    if (lane === undefined)
      for (const v of fresh) lines.push(`const ${arrayName(v)} = new ${arrayType(v)}(${v.size});`);
    const args = (vs: readonly Var[]) => vs.map(arrayName).join(', ');
    switch (step.kind) {
      case 'cluster': {
        if (lane !== undefined) {
          lines.push(`W[${tables.lanes.length}]();`);
          tables.lanes.push(lane);
          // Outputs of the program it computes are copied out of the arena (outputs are the caller's).
          for (const v of fresh) lines.push(`const ${arrayName(v)} = R[${copies.outputs.indexOf(v)}].slice();`);
          break;
        }
        const { nest, outputs } = plan.clusters.get(step.cluster) as NonNullable<
          ReturnType<MemoryPlan['clusters']['get']>
        >;
        const name = `k${functions.length}`;
        const { source, params } = clusterSource(name, step.cluster, nest, outputs);
        functions.push(source);
        lines.push(`${name}(${args(params)});`);
        break;
      }
      case 'concat': {
        const name = `c${functions.length}`;
        const { source, params } = concatSource(name, step.eq, step.reads);
        functions.push(source);
        lines.push(`${name}(${args(params)});`);
        break;
      }
      case 'matmul':
        lines.push(`M[${tables.matmuls.length}](${args([step.a.base, step.b.base, step.out])});`);
        tables.matmuls.push(matmulStep(step, arena));
        break;
      case 'tanh':
        lines.push(`H[${tables.tanhs.length}](${args([step.x, step.out])});`);
        tables.tanhs.push((x, out) => tanhInto(x, out, arena));
        break;
      case 'fallback':
        lines.push(`const ${arrayName(step.eq.out)} = F[${tables.fallbacks.length}](${args(step.reads)});`);
        tables.fallbacks.push(fallbackStep(step.eq));
        break;
      case 'loop': {
        const result = `r${tables.loops.length}`;
        lines.push(`const ${result} = L[${tables.loops.length}](${args(step.reads)});`);
        for (const [j, v] of step.eq.outs.entries()) lines.push(`const ${arrayName(v)} = ${result}[${j}];`);
        tables.loops.push(loopStep(step.eq, compile));
        break;
      }
    }
  });
  const outs = schedule.outputs.map(({ v, copy }) => `${arrayName(v)}${copy ? '.slice()' : ''}`);
  lines.push(`return [${outs.join(', ')}];`);
  const source = `${functions.join('\n')}\nreturn function run(I, C, V) {\n${lines.join('\n')}\n};`;
  return { source, tables };
}

/**
 * The fused loops that run as WebAssembly on the arena (arrayLanes.ts), compiled into one module
 * per program; none without an arena, or where the engine refuses the module.
 */
function laneKernels(
  program: Program,
  schedule: Schedule,
  plan: MemoryPlan,
  arena: MatmulArena | null,
  views: ReadonlyMap<number, TypedArray>,
  constants: readonly TypedArray[],
  staged: ReadonlyMap<number, TypedArray>,
): Map<Cluster, () => void> {
  const kernels = new Map<Cluster, () => void>();
  if (arena === null) return kernels;
  const constantIndex = new Map(program.constants.map((c, k) => [c.variable.id, k]));
  const inputs = new Set(program.inputs.map((v) => v.id));
  const arrayOf = (v: Var, writes: boolean): TypedArray | undefined => {
    const k = constantIndex.get(v.id);
    if (k !== undefined) return constants[k];
    if (inputs.has(v.id)) return staged.get(v.id);
    // A program output has an arena copy only for the loop that writes it; a loop reading it
    // (written by another step into an array of its own) has none.
    if (plan.storage.get(v.id)?.kind === 'fresh') return writes ? staged.get(v.id) : undefined;
    return views.get(v.id);
  };
  const addressOf = (v: Var, writes: boolean): number | null => {
    const array = arrayOf(v, writes);
    return array === undefined ? null : arena.address(array);
  };
  const clusters: Cluster[] = [];
  const functions: { body: FunctionBody; exportName: string }[] = [];
  for (const step of schedule.steps) {
    if (step.kind !== 'cluster') continue;
    const { nest, outputs } = plan.clusters.get(step.cluster) as NonNullable<ReturnType<MemoryPlan['clusters']['get']>>;
    const body = laneFunction(step.cluster, nest, outputs, addressOf);
    if (body === null) continue;
    functions.push({ body, exportName: `k${clusters.length}` });
    clusters.push(step.cluster);
  }
  if (functions.length === 0) return kernels;
  const exports = arena.kernels(functions, LANE_IMPORTS);
  if (exports !== null) for (const [k, c] of clusters.entries()) kernels.set(c, exports[`k${k}`] as () => void);
  laneStatistics.kernels += kernels.size;
  return kernels;
}

/** How many fused loops have been compiled to WebAssembly so far (for tests and diagnostics). */
export const laneStatistics = { kernels: 0 };

let programCount = 0;

/**
 * Compiles a program to a function over typed arrays (see the module comment). `compile` compiles
 * loop bodies (by the dispatcher, so a small body gets the scalar backend).
 */
export function compileArrayProgram(program: Program, compile: (p: Program) => Run): Run {
  const schedule = new Scheduler(program).run();
  const plan = planMemory(schedule);
  const pooled = [...plan.storage].filter(([, s]) => s.kind === 'pooled').map(([id]) => id);
  const loopReads = clusterReads(schedule);
  const resident = arenaConstants(program, schedule, loopReads);
  const residentVars = resident.map((c) => c.variable);
  const loopInputs = program.inputs.filter((v) => loopReads.has(v.id));
  const loopOutputs = clusterOutputs(schedule, plan);
  const staging = [...loopInputs, ...loopOutputs];
  const arena = matmulArena(schedule, plan, totalArenaBytes(residentVars) + totalArenaBytes(staging));
  const constants = constantArrays(program, resident, arena, plan);
  const staged =
    arena === null ? new Map() : arenaArrays(staging, arena, bufferBytes(plan) + totalArenaBytes(residentVars));
  const byId = allocateViews(plan, arena);
  const views = pooled.map((id) => byId.get(id) as TypedArray);
  const lanes = laneKernels(program, schedule, plan, arena, byId, constants, staged);
  const laneReads = new Set([...lanes.keys()].flatMap((c) => c.accesses.map((a) => a.base.id)));
  const laneWrites = new Set(
    schedule.steps.flatMap((s, i) => (s.kind === 'cluster' && lanes.has(s.cluster) ? plan.writes[i] : [])),
  );
  const copies: LaneCopies = {
    inputs: loopInputs.filter((v) => laneReads.has(v.id)),
    outputs: loopOutputs.filter((v) => laneWrites.has(v)),
  };
  const { source, tables } = generate(program, schedule, plan, pooled, compile, arena, lanes, copies);
  const url = `\n//# sourceURL=liouville-jit-arrays-${programCount++}.js`;
  const factory = new Function('M', 'H', 'F', 'L', 'W', 'S', 'R', 'sinOf', 'cosOf', `${source}${url}`) as (
    m: Tables['matmuls'],
    h: Tables['tanhs'],
    f: Tables['fallbacks'],
    l: Tables['loops'],
    w: Tables['lanes'],
    s: readonly TypedArray[],
    r: readonly TypedArray[],
    sin: typeof sinOf,
    cos: typeof cosOf,
  ) => (inputs: readonly TypedArray[], constants: readonly TypedArray[], views: readonly TypedArray[]) => TypedArray[];
  const run = factory(
    tables.matmuls,
    tables.tanhs,
    tables.fallbacks,
    tables.loops,
    tables.lanes,
    copies.inputs.map((v) => staged.get(v.id) as TypedArray),
    copies.outputs.map((v) => staged.get(v.id) as TypedArray),
    sinOf,
    cosOf,
  );
  const shapes = program.outputs.map((v) => v.shape);
  return (inputs) => {
    const data = new Array<TypedArray>(inputs.length);
    for (let i = 0; i < inputs.length; i++) data[i] = inputs[i].data;
    const outs = run(data, constants, views);
    const tensors = new Array<Tensor>(outs.length);
    for (let i = 0; i < outs.length; i++) tensors[i] = new Tensor(outs[i], shapes[i]);
    return tensors;
  };
}

import { sizeOf } from '@liouville/linalg';
import { arrayName } from './arrayCodegen.js';
import type { Equation, Var } from './ir.js';

/**
 * JavaScript for a concatenation in the array backend: one loop over the axes before the joined
 * axis, copying each part's block of the row into its place in the output. A copy changes no
 * bits, and the output has the dtype of linalg's concat (float32 only when every part is), so the
 * result is the eager one. Blocks of a few elements (a column of a batch: a coordinate, one body)
 * are written element by element, wider ones by an inner loop.
 */

/** Blocks of at most this many elements are copied by straight-line assignments. */
const UNROLL = 8;

/**
 * The source of `function name(arrays…) { … }` for a concat equation whose parts are held by
 * `arrays` (contiguous, one per input, in order), and the arrays to pass: each distinct one, then
 * the output.
 */
export function concatSource(name: string, eq: Equation, arrays: readonly Var[]): { source: string; params: Var[] } {
  const { out } = eq;
  const { axis } = eq.params as { axis: number };
  const outer = sizeOf(out.shape.slice(0, axis));
  const inner = sizeOf(out.shape.slice(axis + 1));
  const row = out.shape[axis] * inner;
  const params: Var[] = [];
  for (const v of [...arrays, out]) if (!params.some((u) => u.id === v.id)) params.push(v);
  const lines: string[] = [];
  let start = 0;
  eq.inputs.forEach((part, k) => {
    const width = part.shape[axis] * inner;
    const source = arrayName(arrays[k]);
    const target = arrayName(out);
    if (width <= UNROLL) {
      for (let e = 0; e < width; e++) lines.push(`${target}[o + ${start + e}] = ${source}[i * ${width} + ${e}];`);
    } else {
      lines.push(`for (let e = 0; e < ${width}; e++) ${target}[o + ${start} + e] = ${source}[i * ${width} + e];`);
    }
    start += width;
  });
  const loop = `for (let i = 0; i < ${outer}; i++) {\nconst o = i * ${row};\n${lines.join('\n')}\n}`;
  return { source: `function ${name}(${params.map(arrayName).join(', ')}) {\n${loop}\n}`, params };
}

import { InvalidArgumentError, ShapeError, Tensor, allocate, formatShape } from '@liouville/linalg';

/** The rows `indices` of x along its first axis, in that order (a minibatch of a dataset). Not differentiated. */
export function takeRows(x: Tensor, indices: ArrayLike<number>): Tensor {
  if (!(x instanceof Tensor)) throw new InvalidArgumentError('takeRows: x', 'a Tensor', x);
  if (x.rank < 1) throw new ShapeError('takeRows', `x must have at least one axis, got ${formatShape(x.shape)}`);
  const rows = x.shape[0];
  const width = rows === 0 ? 0 : x.size / rows;
  const out = allocate(x.dtype, indices.length * width);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= rows) {
      throw new InvalidArgumentError(`takeRows: indices[${k}]`, `an integer in [0, ${rows})`, i);
    }
    out.set(x.data.subarray(i * width, (i + 1) * width), k * width);
  }
  return new Tensor(out, [indices.length, ...x.shape.slice(1)]);
}

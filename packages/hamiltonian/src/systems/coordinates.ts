import { type Input, type Value, asValue, reshape, slice } from '@liouville/ad';

/**
 * Component i of the last axis of x, for one state ([dim] → []) or a batch ([B, dim] → [B]):
 * how the catalogue's energies read q₁, q₂, ... so that one formula serves both shapes.
 */
export function component(x: Input, i: number): Value {
  const v = asValue(x);
  const lead = v.shape.slice(0, -1);
  const starts = [...lead.map(() => 0), i];
  const ends = [...lead, i + 1];
  return reshape(slice(v, starts, ends), lead);
}

/** The block [from, to) of the last axis of x: [dim] → [to − from], [B, dim] → [B, to − from]. */
export function lastAxisBlock(x: Input, from: number, to: number): Value {
  const v = asValue(x);
  const lead = v.shape.slice(0, -1);
  return slice(v, [...lead.map(() => 0), from], [...lead, to]);
}

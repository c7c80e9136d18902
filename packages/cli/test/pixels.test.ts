import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { EXIT_USAGE } from '../src/index.js';
import { reproducePixels } from '../src/pixels/pixelReproduction.js';
import { crc32, encodeApng, encodePng } from '../src/plots/png.js';
import { memoryIO } from '../src/index.js';
import { cleanup, parseSvg, run, tempFolder } from './helpers.js';

const cwd = tempFolder();
afterAll(() => cleanup(cwd));

/** The chunks of a PNG file, each CRC checked: type and data. */
function chunks(bytes: Uint8Array): { type: string; data: Uint8Array }[] {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = view.getUint32(at);
    const body = bytes.subarray(at + 4, at + 8 + length);
    expect(view.getUint32(at + 8 + length)).toBe(crc32(body));
    out.push({ type: new TextDecoder().decode(body.subarray(0, 4)), data: body.subarray(4) });
    at += 12 + length;
  }
  return out;
}

/** The pixels of a grayscale image from its compressed scanlines (filter type 0 on every row). */
function unfilter(data: Uint8Array, width: number, height: number): number[] {
  const raw = inflateSync(data);
  const pixels: number[] = [];
  for (let r = 0; r < height; r++) {
    expect(raw[r * (width + 1)]).toBe(0);
    pixels.push(...raw.subarray(r * (width + 1) + 1, (r + 1) * (width + 1)));
  }
  return pixels;
}

describe('encodePng and encodeApng', () => {
  const image = (seed: number) => ({
    width: 5,
    height: 3,
    pixels: Uint8Array.from({ length: 15 }, (_, i) => (i * 37 + seed) % 256),
  });

  test('crc32 is the ISO 3309 checksum', () => {
    // The check value of CRC-32 for the ASCII bytes "123456789".
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  test('write a PNG whose pixels read back', () => {
    const parts = chunks(encodePng(image(1)));
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(unfilter(parts[1].data, 5, 3)).toEqual(Array.from(image(1).pixels));
  });

  test('write an APNG: acTL with the frame count, a control chunk per frame, frames in sequence', () => {
    const parts = chunks(encodeApng([image(1), image(2), image(3)], 50));
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'acTL', 'fcTL', 'IDAT', 'fcTL', 'fdAT', 'fcTL', 'fdAT', 'IEND']);
    const u32 = (d: Uint8Array, at: number) => new DataView(d.buffer, d.byteOffset).getUint32(at);
    expect([u32(parts[1].data, 0), u32(parts[1].data, 4)]).toEqual([3, 0]);
    const sequence = parts.filter((c) => c.type === 'fcTL' || c.type === 'fdAT').map((c) => u32(c.data, 0));
    expect(sequence).toEqual([0, 1, 2, 3, 4]);
    expect(unfilter(parts[7].data.subarray(4), 5, 3)).toEqual(Array.from(image(3).pixels));
  });
});

describe('reproducePixels', () => {
  test('writes the table, pixels.json, the figures and the animation, the same bits for the same seed', async () => {
    const options = { seed: 0, steps: 3, trials: 6, evalTrajectories: 1, jobs: 1, animationFrames: 8 };
    const table = await reproducePixels(memoryIO({ cwd }), { ...options, out: join(cwd, 'a') });
    await reproducePixels(memoryIO({ cwd }), { ...options, out: join(cwd, 'b') });
    expect(table).toMatch(/^baseline\s+\S+ ± \S+ \/ 1\.73e-4\s+\S+ ± \S+ \/ 9\.30e-3$/m);
    expect(table).toMatch(/^HNN\s+\S+ ± \S+ \/ 1\.85e-4\s+\S+ ± \S+ \/ 1\.50e-4$/m);
    expect(table).toMatch(/not comparable with the paper/);
    const results = JSON.parse(readFileSync(join(cwd, 'a', 'pixels.json'), 'utf8'));
    expect(results.models.hnn).toMatchObject({ kind: 'hnn', stepsDone: 3, status: 'completed' });
    for (const file of [
      'params/pixels-seed0-hnn.params.json',
      'params/pixels-seed0-baseline.params.json',
      'pixels-strip.png',
    ]) {
      // Buffer.equals: a deep toEqual over megabytes of bytes would take minutes.
      expect(readFileSync(join(cwd, 'b', file)).equals(readFileSync(join(cwd, 'a', file)))).toBe(true);
    }
    const animation = chunks(readFileSync(join(cwd, 'a', 'pixels-animation.png')));
    const header = new DataView(animation[0].data.buffer, animation[0].data.byteOffset);
    // Three panels (truth, baseline, HNN) of 28 × 4 px with 4 px gaps, eight frames.
    expect([header.getUint32(0), header.getUint32(4)]).toEqual([3 * 112 + 4 * 4, 112 + 2 * 4]);
    expect(animation.filter((c) => c.type === 'fcTL')).toHaveLength(8);
    expect(parseSvg(readFileSync(join(cwd, 'a', 'latent-pixels.svg'), 'utf8')).texts).toContain('HNN rollout');
  }, 120_000);

  test('reproduce --task pixels refuses several seeds and a data source (exit 2)', async () => {
    for (const extra of [
      ['--seeds', '3'],
      ['--data', 'reference'],
    ]) {
      const { code, err } = await run(['reproduce', '--task', 'pixels', ...extra, '--out', 'x'], cwd);
      expect(code).toBe(EXIT_USAGE);
      expect(err).toMatch(/pixel pendulum/);
    }
  });
});

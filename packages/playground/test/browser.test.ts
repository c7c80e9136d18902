import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

/**
 * The playground in a real browser: Debian's chromium driven by playwright-core. Builds the page,
 * serves dist/ on 127.0.0.1, trains in the worker, runs every panel, checks what it drew, and saves
 * a screenshot to artifacts/playground.png. Without chromium it is skipped, except under CI.
 */

const CHROMIUM = '/usr/bin/chromium';
const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(packageDir, 'dist');
const screenshotPath = resolve(packageDir, '../../artifacts/playground.png');
const hasChromium = existsSync(CHROMIUM);

if (!hasChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run)`);
}
if (!hasChromium) console.warn(`browser.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

/** A static file server for dist/ (GET only, no directory listing, nothing outside dist/). */
function serveDist(): Promise<Server> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = join(distDir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(distDir) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

/** Pixels of the canvas within a small distance of the colour (#rrggbb), counted in the page. */
function countColor(page: Page, canvasId: string, hex: string): Promise<number> {
  return page.evaluate(
    ([id, color]) => {
      const canvas = document.getElementById(id) as HTMLCanvasElement;
      const { data } = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(
        0,
        0,
        canvas.width,
        canvas.height,
      );
      const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16));
      let count = 0;
      for (let k = 0; k < data.length; k += 4) {
        if (Math.abs(data[k] - r) + Math.abs(data[k + 1] - g) + Math.abs(data[k + 2] - b) < 40) count++;
      }
      return count;
    },
    [canvasId, hex] as const,
  );
}

interface Snapshot {
  system: string;
  training: boolean;
  step: number;
  hnnLoss: number[];
  baselineLoss: number[];
  portraitStep: number | null;
  rollout: { label: string; method: string; energy: number[] }[] | null;
  liouville: {
    systemName: string;
    dt: number;
    evolutions: { method: string; symplectic: boolean; areaRatio: number[] }[];
  } | null;
  errors: string[];
}

const snapshot = (page: Page): Promise<Snapshot> =>
  page.evaluate(() =>
    (window as unknown as { liouvillePlayground: { snapshot(): Snapshot } }).liouvillePlayground.snapshot(),
  );

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe.skipIf(!hasChromium)('playground page in chromium', () => {
  let server: Server;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const problems: string[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [join(packageDir, 'scripts/build.mjs')], { stdio: 'pipe' });
    server = await serveDist();
    userDataDir = mkdtempSync(join(tmpdir(), 'liouville-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  test('trains both models in the worker and the loss falls', async () => {
    await page.selectOption('#system', 'pendulum');
    await page.fill('#steps', '300');
    await page.click('#train');
    await page.waitForFunction(
      () => {
        const s = (
          window as unknown as { liouvillePlayground: { snapshot(): Snapshot } }
        ).liouvillePlayground.snapshot();
        return s.step === 300 && !s.training;
      },
      undefined,
      { timeout: 40_000 },
    );
    const s = await snapshot(page);
    // Minibatch losses are noisy: compare means over the first and the last 20 steps. From the
    // untrained network (loss ~1) the HNN on the pendulum reaches ~1e-3 in 300 Adam steps, so a
    // factor of 10 leaves a wide margin and still fails if the worker's training does nothing.
    for (const loss of [s.hnnLoss, s.baselineLoss]) {
      expect(loss).toHaveLength(300);
      expect(mean(loss.slice(-20))).toBeLessThan(mean(loss.slice(0, 20)) / 10);
    }
    expect(s.portraitStep).toBe(300);
  }, 45_000);

  test('rolls out the true system, the HNN and the baseline', async () => {
    await page.selectOption('#rollout-method', 'leapfrog');
    await page.click('#rollout');
    await page.waitForFunction(
      () =>
        (window as unknown as { liouvillePlayground: { snapshot(): Snapshot } }).liouvillePlayground.snapshot().rollout,
      undefined,
      { timeout: 20_000 },
    );
    const { rollout } = await snapshot(page);
    expect(rollout?.map((c) => [c.label, c.method])).toEqual([
      ['true H', 'leapfrog'],
      ['HNN', 'implicitMidpoint'],
      ['baseline', 'rk4'],
    ]);
    // Leapfrog on the true pendulum at dt = 0.1 keeps H within O(dt²) of H₀ = 1 − cos 2 ≈ 1.416.
    const truth = rollout?.[0].energy ?? [];
    expect(truth).toHaveLength(301);
    expect(Math.max(...truth.map((e) => Math.abs(e - truth[0])))).toBeLessThan(0.01);
  });

  test('the Liouville panel keeps the area with a symplectic method and RK4 loses it', async () => {
    await page.selectOption('#liouville-method', 'leapfrog');
    await page.fill('#liouville-dt', '0.8');
    await page.fill('#liouville-steps', '150');
    await page.click('#liouville');
    await page.waitForFunction(
      () => {
        const s = (
          window as unknown as { liouvillePlayground: { snapshot(): Snapshot } }
        ).liouvillePlayground.snapshot();
        return s.liouville !== null && s.liouville.dt === 0.8 && s.liouville.evolutions[0].areaRatio.length === 151;
      },
      undefined,
      { timeout: 20_000 },
    );
    const { liouville } = await snapshot(page);
    const [leap, rk4] = liouville?.evolutions ?? [];
    expect([leap.method, leap.symplectic, rk4.method, rk4.symplectic]).toEqual(['leapfrog', true, 'rk4', false]);
    // Leapfrog's step map has det 1, so the only error is the polygon through 400 boundary points
    // standing in for the stretched, curved boundary: measured ≤ 2.3e-3 at this dt; tolerance 1e-2.
    expect(Math.max(...leap.areaRatio.map((a) => Math.abs(a - 1)))).toBeLessThan(1e-2);
    // RK4's linearised step multiplies areas by |R(ih)|² = 1 − h⁶/72 + h⁸/576 ≈ 0.9958 at h = 0.8
    // (for ω = 1), so after 150 steps the area has shrunk by tens of per cent.
    expect(rk4.areaRatio[150]).toBeLessThan(0.9);
  });

  test('every canvas drew its data, the page logged no errors, and a screenshot is saved', async () => {
    // Series colours (plot.ts COLORS): the HNN/symplectic orange and the baseline/RK4 blue.
    const orange = '#d9480f';
    const blue = '#1971c2';
    for (const id of ['loss-canvas', 'portrait-canvas', 'energy-canvas', 'disc-canvas', 'area-canvas']) {
      expect(await countColor(page, id, orange), `${id} orange pixels`).toBeGreaterThan(200);
    }
    for (const id of ['loss-canvas', 'energy-canvas', 'disc-canvas', 'area-canvas']) {
      expect(await countColor(page, id, blue), `${id} blue pixels`).toBeGreaterThan(200);
    }
    expect((await snapshot(page)).errors).toEqual([]);
    expect(problems).toEqual([]);
    mkdirSync(dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });
    expect(statSync(screenshotPath).size).toBeGreaterThan(10_000);
    console.log(`playground screenshot: ${screenshotPath}`);
  });

  test('trains on Kepler, shows a 2-D slice of its 4-D phase space and rolls H_θ out with a general method', async () => {
    await page.selectOption('#system', 'kepler');
    await page.fill('#steps', '150');
    await page.click('#train');
    await page.waitForFunction(
      () => {
        const s = (
          window as unknown as { liouvillePlayground: { snapshot(): Snapshot } }
        ).liouvillePlayground.snapshot();
        return s.system === 'kepler' && s.step === 150 && !s.training;
      },
      undefined,
      { timeout: 30_000 },
    );
    await page.selectOption('#rollout-method', 'yoshida4');
    await page.click('#rollout');
    await page.waitForFunction(
      () =>
        (window as unknown as { liouvillePlayground: { snapshot(): Snapshot } }).liouvillePlayground.snapshot().rollout,
      undefined,
      { timeout: 20_000 },
    );
    const s = await snapshot(page);
    // Kepler's untrained loss is ~0.6; 150 steps bring the HNN's below 1e-2 (measured).
    expect(mean(s.hnnLoss.slice(-10))).toBeLessThan(mean(s.hnnLoss.slice(0, 10)) / 10);
    expect(s.rollout?.map((c) => c.method)).toEqual(['yoshida4', 'implicitMidpoint', 'rk4']);
    expect(await page.textContent('#portrait-note')).toMatch(/2-D slice of the 4-D phase space/);
    expect(await page.textContent('#liouville-summary')).toMatch(/pendulum/);
    expect(await countColor(page, 'portrait-canvas', '#d9480f')).toBeGreaterThan(200);
    expect(problems).toEqual([]);
    const keplerPath = screenshotPath.replace(/\.png$/, '-kepler.png');
    await page.screenshot({ path: keplerPath, fullPage: true });
    console.log(`playground screenshot: ${keplerPath}`);
  }, 55_000);
});

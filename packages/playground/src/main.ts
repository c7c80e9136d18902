/// <reference lib="dom" />
import type { LiouvilleRequest } from './liouville.js';
import type { LiouvilleReport, PortraitReport, ProgressReport, Report, Request, RolloutReport } from './protocol.js';
import { ROLLOUT_METHODS, methodByName } from './rollouts.js';
import { SYSTEM_IDS, type SystemChoice, type SystemId, systemChoice } from './systems.js';
import { DEFAULT_TRAINING, type TrainingConfig } from './training.js';
import { drawEnergy, drawLiouville, drawLoss, drawPortrait } from './views.js';

/** The page: reads the controls, sends requests to the worker, keeps its reports and redraws. */

interface PageState {
  choice: SystemChoice;
  totalSteps: number;
  training: boolean;
  progress: ProgressReport | null;
  portrait: PortraitReport | null;
  rollout: RolloutReport | null;
  liouville: LiouvilleReport | null;
  errors: string[];
}

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no element #${id}`);
  return element as T;
};

const controls = {
  system: byId<HTMLSelectElement>('system'),
  formula: byId<HTMLSpanElement>('formula'),
  steps: byId<HTMLInputElement>('steps'),
  hidden: byId<HTMLInputElement>('hidden'),
  lr: byId<HTMLInputElement>('lr'),
  seed: byId<HTMLInputElement>('seed'),
  train: byId<HTMLButtonElement>('train'),
  stop: byId<HTMLButtonElement>('stop'),
  status: byId<HTMLSpanElement>('status'),
  rolloutMethod: byId<HTMLSelectElement>('rollout-method'),
  rolloutDt: byId<HTMLInputElement>('rollout-dt'),
  rolloutSteps: byId<HTMLInputElement>('rollout-steps'),
  rollout: byId<HTMLButtonElement>('rollout'),
  liouvilleMethod: byId<HTMLSelectElement>('liouville-method'),
  liouvilleDt: byId<HTMLInputElement>('liouville-dt'),
  liouvilleSteps: byId<HTMLInputElement>('liouville-steps'),
  liouville: byId<HTMLButtonElement>('liouville'),
};

const canvases = {
  loss: byId<HTMLCanvasElement>('loss-canvas'),
  portrait: byId<HTMLCanvasElement>('portrait-canvas'),
  energy: byId<HTMLCanvasElement>('energy-canvas'),
  disc: byId<HTMLCanvasElement>('disc-canvas'),
  area: byId<HTMLCanvasElement>('area-canvas'),
};

const state: PageState = {
  choice: systemChoice('pendulum'),
  totalSteps: 0,
  training: false,
  progress: null,
  portrait: null,
  rollout: null,
  liouville: null,
  errors: [],
};

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (request: Request) => worker.postMessage(request);

function option(select: HTMLSelectElement, value: string, text: string): void {
  const element = document.createElement('option');
  element.value = value;
  element.textContent = text;
  select.append(element);
}

function methodText(name: string): string {
  const { info } = methodByName(name);
  return `${name} (order ${info.order}${info.symplectic ? ', symplectic' : ''}${info.implicit ? ', implicit' : ''})`;
}

function fillSelects(): void {
  for (const id of SYSTEM_IDS) option(controls.system, id, systemChoice(id).label);
  controls.system.value = state.choice.id;
  for (const name of ROLLOUT_METHODS) option(controls.rolloutMethod, name, methodText(name));
  for (const name of ROLLOUT_METHODS.filter((n) => methodByName(n).info.symplectic)) {
    option(controls.liouvilleMethod, name, methodText(name));
  }
  controls.liouvilleMethod.value = 'leapfrog';
}

const number = (input: HTMLInputElement, fallback: number): number => {
  const value = Number(input.value);
  return Number.isFinite(value) ? value : fallback;
};

function trainingConfig(): TrainingConfig {
  return {
    ...DEFAULT_TRAINING,
    seed: Math.round(number(controls.seed, 0)),
    hiddenDim: Math.round(number(controls.hidden, DEFAULT_TRAINING.hiddenDim)),
    lr: number(controls.lr, DEFAULT_TRAINING.lr),
  };
}

let drawPending = false;
function redraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    drawLoss(canvases.loss, state.progress, state.totalSteps);
    drawPortrait(canvases.portrait, state.choice.plane, state.portrait, state.rollout);
    drawEnergy(canvases.energy, state.rollout);
    drawLiouville(canvases.disc, canvases.area, state.liouville);
  });
}

function setText(id: string, text: string): void {
  byId(id).textContent = text;
}

function selectSystem(id: SystemId): void {
  if (state.training) {
    send({ type: 'stop' });
    state.training = false;
    controls.train.disabled = false;
    controls.stop.disabled = true;
    controls.status.textContent = 'Training stopped: the system changed.';
  }
  state.choice = systemChoice(id);
  state.progress = null;
  state.portrait = null;
  state.rollout = null;
  controls.formula.textContent = state.choice.formula;
  controls.rolloutDt.value = String(state.choice.rollout.dt);
  controls.rolloutSteps.value = String(state.choice.rollout.steps);
  controls.rollout.disabled = true;
  const plane = state.choice.plane;
  const fixed = plane.isSlice
    ? `A 2-D slice of the 4-D phase space: (${plane.xLabel}, ${plane.yLabel}) vary at ${plane.heldAt}; rollouts leave the slice, so they are not drawn here.`
    : 'The whole phase plane (q, p).';
  setText('portrait-rollouts', plane.isSlice ? '' : "rollouts in the energy plot's colours");
  setText('portrait-note', `${fixed} H_θ is shifted by a constant to match H (the loss only fixes its gradient).`);
  setText('loss-summary', '');
  setText('energy-summary', '');
  runLiouville();
  redraw();
}

function startTraining(): void {
  state.totalSteps = Math.max(1, Math.round(number(controls.steps, 400)));
  state.training = true;
  state.progress = null;
  state.rollout = null;
  controls.train.disabled = true;
  controls.stop.disabled = false;
  controls.rollout.disabled = true;
  controls.status.textContent = 'Training in the worker…';
  send({ type: 'train', system: state.choice.id, steps: state.totalSteps, config: trainingConfig() });
  redraw();
}

function startRollout(): void {
  controls.rollout.disabled = true;
  controls.status.textContent = 'Rolling out…';
  const dt = number(controls.rolloutDt, state.choice.rollout.dt);
  const steps = Math.max(1, Math.round(number(controls.rolloutSteps, state.choice.rollout.steps)));
  send({ type: 'rollout', method: controls.rolloutMethod.value, dt, steps });
}

/** The disc of the Liouville panel: centre (1, 0), radius 0.4, 400 boundary points; drawn at 0, T/15 and T/4. */
function liouvilleRequest(): LiouvilleRequest {
  const steps = Math.max(1, Math.round(number(controls.liouvilleSteps, 150)));
  return {
    centre: [1, 0],
    radius: 0.4,
    points: 400,
    method: controls.liouvilleMethod.value,
    dt: number(controls.liouvilleDt, 0.8),
    steps,
    snapshotSteps: [0, Math.round(steps / 15), Math.round(steps / 4)],
  };
}

function runLiouville(): void {
  controls.liouville.disabled = true;
  send({ type: 'liouville', system: state.choice.id, request: liouvilleRequest() });
}

const last = (xs: readonly number[]) => xs[xs.length - 1];
const format = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : String(x));

function onProgress(report: ProgressReport): void {
  if (report.system !== state.choice.id) return;
  state.progress = report;
  const seconds = (report.elapsedMs / 1000).toFixed(1);
  controls.status.textContent = report.done
    ? `Trained ${report.step} steps in ${seconds} s.`
    : `Step ${report.step} / ${report.steps} (${seconds} s)`;
  const hnnTest = last(report.hnnTestLoss);
  const baselineTest = last(report.baselineTestLoss);
  setText(
    'loss-summary',
    `Test loss at step ${last(report.testSteps) ?? 0}: HNN ${format(hnnTest)}, baseline ${format(baselineTest)}.`,
  );
  if (report.done) {
    state.training = false;
    controls.train.disabled = false;
    controls.stop.disabled = true;
    controls.rollout.disabled = false;
  }
}

function onRollout(report: RolloutReport): void {
  state.rollout = report;
  controls.rollout.disabled = false;
  controls.status.textContent = `Rolled out in ${(report.elapsedMs / 1000).toFixed(1)} s.`;
  const parts = report.curves.map((curve) => {
    const drift = Math.max(...Array.from(curve.energy, (e) => Math.abs(e - curve.energy[0])));
    const stopped = curve.stopped ? ` (stopped: ${curve.stopped})` : '';
    return `${curve.label} (${curve.method}) ${format(drift)}${stopped}`;
  });
  setText('energy-summary', `max |H − H₀|: ${parts.join(' · ')}`);
}

function onLiouville(report: LiouvilleReport): void {
  state.liouville = report;
  controls.liouville.disabled = false;
  const [chosen, reference] = report.evolutions;
  setText('liouville-label', chosen.method);
  const times = chosen.snapshots.map((s) => Number((s.step * report.dt).toPrecision(3))).join(', ');
  setText('liouville-times', `t = ${times}`);
  const maxDeviation = Math.max(...Array.from(chosen.areaRatio, (a) => Math.abs(a - 1)));
  const end = reference.areaRatio[reference.areaRatio.length - 1];
  const note = state.choice.system.dim === 1 ? '' : ` (${state.choice.label} has a 4-D phase space)`;
  setText(
    'liouville-summary',
    `System: ${report.systemName}${note}, dt = ${report.dt}. ${chosen.method}: max |A/A₀ − 1| = ${format(maxDeviation)}; RK4: A/A₀ = ${end.toFixed(4)} at the end.`,
  );
}

worker.addEventListener('message', (event: MessageEvent<Report>) => {
  const report = event.data;
  if (report.type === 'progress') onProgress(report);
  else if (report.type === 'portrait') {
    if (report.system === state.choice.id) state.portrait = report;
  } else if (report.type === 'rollout') onRollout(report);
  else if (report.type === 'liouville') onLiouville(report);
  else if (report.type === 'error') {
    state.errors.push(report.message);
    controls.status.textContent = `Error: ${report.message}`;
    controls.liouville.disabled = false;
    controls.rollout.disabled = state.training || state.progress === null;
  }
  redraw();
});
worker.addEventListener('error', (event) => {
  state.errors.push(event.message);
  controls.status.textContent = `Worker error: ${event.message}`;
});

/** A read-only view of the page's results for scripts and the browser test. */
function snapshot() {
  return {
    system: state.choice.id,
    training: state.training,
    step: state.progress?.step ?? 0,
    hnnLoss: state.progress?.hnnLoss ?? [],
    baselineLoss: state.progress?.baselineLoss ?? [],
    hnnTestLoss: state.progress?.hnnTestLoss ?? [],
    baselineTestLoss: state.progress?.baselineTestLoss ?? [],
    portraitStep: state.portrait?.step ?? null,
    rollout:
      state.rollout?.curves.map((c) => ({ label: c.label, method: c.method, energy: Array.from(c.energy) })) ?? null,
    liouville: state.liouville
      ? {
          systemName: state.liouville.systemName,
          dt: state.liouville.dt,
          evolutions: state.liouville.evolutions.map((e) => ({
            method: e.method,
            symplectic: e.symplectic,
            areaRatio: Array.from(e.areaRatio),
          })),
        }
      : null,
    errors: [...state.errors],
  };
}

(window as unknown as { liouvillePlayground: { snapshot: typeof snapshot } }).liouvillePlayground = { snapshot };

fillSelects();
controls.system.addEventListener('change', () => selectSystem(controls.system.value as SystemId));
controls.train.addEventListener('click', startTraining);
controls.stop.addEventListener('click', () => send({ type: 'stop' }));
controls.rollout.addEventListener('click', startRollout);
controls.liouville.addEventListener('click', runLiouville);
window.addEventListener('resize', redraw);
selectSystem(state.choice.id);

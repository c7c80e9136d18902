import type { CliIO } from './io.js';

/** Progress of one long job (a training run): told each step, and once when it ends. */
export interface ProgressLine {
  update(step: number, loss: number): void;
  /** Ends the job with a closing message (always printed, on its own line). */
  done(message: string): void;
}

/** Seconds as '45s', '3m 05s' or '1h 02m'. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The state common to both renderings: timing and the ETA from the mean time per step so far. */
function tracker(io: CliIO, total: number) {
  const started = io.now();
  return {
    elapsed: () => (io.now() - started) / 1000,
    eta: (step: number) => (step > 0 ? (((io.now() - started) / 1000) * (total - step)) / step : Number.NaN),
  };
}

/** A single terminal line redrawn in place with \r: bar, step, loss and ETA (at most ~10 redraws a second). */
function terminalLine(io: CliIO, label: string, total: number): ProgressLine {
  const time = tracker(io, total);
  let lastDraw = Number.NEGATIVE_INFINITY;
  const width = Math.max(40, io.columns - 1);
  return {
    update(step, loss) {
      if (io.now() - lastDraw < 100 && step < total) return;
      lastDraw = io.now();
      const barWidth = width >= 80 ? 20 : 10;
      const filled = Math.round((barWidth * step) / total);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}`;
      // Most important first, so that a narrow line loses the bar before the ETA.
      const text = `${label} ${step}/${total} ETA ${formatDuration(time.eta(step))} loss ${loss.toExponential(3)} ${bar}`;
      io.stderr(`\r${text.slice(0, width).padEnd(width)}`);
    },
    done(message) {
      io.stderr(`\r${' '.repeat(width)}\r${label} ${message} (${formatDuration(time.elapsed())})\n`);
    },
  };
}

/** Plain lines for logs: one at every further 10% of the steps, or after 30 s without one. */
function logLines(io: CliIO, label: string, total: number): ProgressLine {
  const time = tracker(io, total);
  let lastTenth = 0;
  let lastLine = io.now();
  return {
    update(step, loss) {
      const tenth = Math.floor((10 * step) / total);
      if (tenth <= lastTenth && io.now() - lastLine < 30_000) return;
      lastTenth = Math.max(lastTenth, tenth);
      lastLine = io.now();
      const percent = Math.floor((100 * step) / total);
      io.stderr(
        `${label} step ${step}/${total} (${percent}%) loss ${loss.toExponential(3)} elapsed ${formatDuration(time.elapsed())} ETA ${formatDuration(time.eta(step))}\n`,
      );
    },
    done(message) {
      io.stderr(`${label} ${message} (${formatDuration(time.elapsed())})\n`);
    },
  };
}

/** A progress line suited to where standard error goes: a redrawn bar on a terminal, log lines otherwise. */
export function progressLine(io: CliIO, label: string, total: number): ProgressLine {
  return io.isTTY ? terminalLine(io, label, total) : logLines(io, label, total);
}

/** Output of several concurrent jobs on one error stream: one writer per job, closed at the end. */
export interface ProgressBoard {
  channel(id: number): (text: string) => void;
  close(): void;
}

/**
 * Shares standard error between concurrent jobs. Off a terminal their lines pass through (each
 * message is whole lines). On a terminal each job's progress line (written with \r) becomes one
 * segment of a single status line redrawn in place, and their finished lines print above it.
 */
export function progressBoard(io: CliIO): ProgressBoard {
  if (!io.isTTY) return { channel: () => (text) => io.stderr(text), close: () => undefined };
  const width = Math.max(40, io.columns - 1);
  const status = new Map<number, string>();
  const draw = () => {
    if (status.size === 0) return;
    const each = Math.floor((width - 3 * (status.size - 1)) / status.size);
    io.stderr(`\r${[...status.values()].map((s) => s.slice(0, each).padEnd(each)).join(' │ ')}`);
  };
  const visible = (line: string) => line.slice(line.lastIndexOf('\r') + 1).trimEnd();
  return {
    channel: (id) => (text) => {
      const lines = text.split('\n');
      const partial = lines.pop() as string;
      if (lines.length > 0) {
        status.delete(id);
        io.stderr(`\r${' '.repeat(width)}\r`);
        for (const line of lines.map(visible).filter((l) => l !== '')) io.stderr(`${line}\n`);
      }
      if (visible(partial) !== '') status.set(id, visible(partial));
      draw();
    },
    close: () => {
      if (status.size > 0) io.stderr('\n');
    },
  };
}

import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    // Property tests over many generated inputs can take a few seconds each on a 2-core machine.
    testTimeout: 60_000,
    pool: 'threads',
    // Vitest's default leaves one core to its main thread, which here mostly waits: on a 2-core
    // machine that is a single worker. The command-line tests also spend time in child processes,
    // so one worker per core keeps both cores busy.
    maxWorkers: Math.max(availableParallelism(), 1),
    setupFiles: ['./vitest.setup.ts'],
  },
});

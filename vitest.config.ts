import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    // Property tests over many generated inputs can take a few seconds each on a 2-core machine.
    testTimeout: 60_000,
    pool: 'threads',
    setupFiles: ['./vitest.setup.ts'],
  },
});

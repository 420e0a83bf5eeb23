import { defineConfig } from 'vitest/config'

// `npm run bench`: performance against the real lab, reported as ratios to baselines measured in the
// same run (test-results/bench/*.txt). No timed assertions.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    environment: 'node',
    setupFiles: ['test/setup-english.ts'],
    // The lab up and etalab logging in on every host, once per run (each file checks less: requireLab).
    globalSetup: ['test/lab/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
})

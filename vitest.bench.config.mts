import { defineConfig } from 'vitest/config'

// `npm run bench`: performance against the real lab, reported as ratios to baselines measured in the
// same run (test-results/bench/*.txt). No timed assertions.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    environment: 'node',
    setupFiles: ['test/setup-english.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
})

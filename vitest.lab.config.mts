import { defineConfig } from 'vitest/config'

// Against the real lab (`sudo npm run lab:up`). Lab-heavy: one file at a time on two cores.
export default defineConfig({
  test: {
    include: ['test/lab/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup-english.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
})

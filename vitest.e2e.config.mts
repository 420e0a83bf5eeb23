import { defineConfig } from 'vitest/config'

// Browser-mode end-to-end tests: Playwright driving Debian's chromium against `serve`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup-english.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})

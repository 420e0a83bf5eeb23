import { defineConfig } from 'vitest/config'

// Browser-mode end-to-end tests: Playwright driving Debian's chromium against `serve`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup-english.ts'],
    // Two files at a time: a file alone keeps ~0.7 of a core busy (the rest is the page, the core and
    // the test waiting on one another), so on two cores two files side by side nearly halve the step.
    // Each file has its own core, server (port 0) and browser.
    fileParallelism: true,
    maxWorkers: 2,
    // expect.poll waits for something the page or the core will do; its 1 s default lost the race on
    // a loaded 2-core CI machine (iso-upload's chunk count). A poll that fails now fails after 15 s.
    expect: { poll: { timeout: 15_000 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})

import { defineConfig } from 'vitest/config'

// Browser-mode end-to-end tests: Playwright driving Debian's chromium against `serve`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup-english.ts'],
    // One chromium for the whole run; each file connects to it (test/support/browser.ts).
    globalSetup: ['test/support/chromium-server.ts'],
    // One file at a time. Two side by side were measured on the 2-core CI machine: the step took 330 s
    // against 323 s for one at a time (each file's page, core and browser already keep the cores busy),
    // and each test ran about twice as long, nearer its timeouts and polls: no gain, more flake risk.
    fileParallelism: false,
    // One process and one module graph for all the files: a fresh process per file imported the core
    // and Playwright again (22 s of CI's 290 s). Each file starts and stops its own core, server and
    // contexts. Five files measured on the loaded machine: 29 CPU-s instead of 40.
    isolate: false,
    // expect.poll waits for something the page or the core will do; its 1 s default lost the race on
    // a loaded 2-core CI machine (iso-upload's chunk count). A poll that fails now fails after 15 s.
    expect: { poll: { timeout: 15_000 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})

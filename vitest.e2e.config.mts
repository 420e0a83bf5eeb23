import { defineConfig } from 'vitest/config'

// Browser-mode end-to-end tests: Playwright driving Debian's chromium against `serve`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup-english.ts'],
    // One file at a time. Two side by side were measured on the 2-core CI machine: the step took 330 s
    // against 323 s for one at a time (each file's page, core and browser already keep the cores busy),
    // and each test ran about twice as long, nearer its timeouts and polls: no gain, more flake risk.
    fileParallelism: false,
    // expect.poll waits for something the page or the core will do; its 1 s default lost the race on
    // a loaded 2-core CI machine (iso-upload's chunk count). A poll that fails now fails after 15 s.
    expect: { poll: { timeout: 15_000 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})

import { defineConfig } from 'vitest/config'

// The plain suite: no lab, no browser. `npm test` builds first, because some tests inspect the build.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup-english.ts'],
    // One file at a time: the SSH tests run real sh and sshd-like servers with real timeouts, and on
    // two cores parallel files made them flaky; sequential is also faster here (25 s vs 35-60 s).
    fileParallelism: false,
    // expect.poll waits for something the page or the core will do; its 1 s default lost the race on
    // a loaded 2-core CI machine (iso-upload's chunk count). A poll that fails now fails after 15 s.
    expect: { poll: { timeout: 15_000 } },
    testTimeout: 20_000,
  },
})

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
    testTimeout: 20_000,
  },
})

import { defineConfig } from 'vitest/config'

/** Files that replace a module with vi.mock: they need a module graph of their own. */
const MOCKING_FILES = ['test/unit/definition-reader.test.ts']

// The plain suite: no lab, no browser. `npm test` builds first, because some tests inspect the build.
export default defineConfig({
  test: {
    environment: 'node',
    setupFiles: ['test/setup-english.ts'],
    // One file at a time: the SSH tests run real sh and sshd-like servers with real timeouts, and on
    // two cores parallel files made them flaky; sequential is also faster here (25 s vs 35-60 s).
    fileParallelism: false,
    // expect.poll waits for something the page or the core will do; its 1 s default lost the race on
    // a loaded 2-core CI machine (iso-upload's chunk count). A poll that fails now fails after 15 s.
    expect: { poll: { timeout: 15_000 } },
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        // One process and one module graph for all the other files: a fresh process per file, each
        // importing the core again, was ~60 s of CI's 162 s unit step (vitest's import and setup);
        // measured side by side on the loaded machine, 237 s instead of 288 s, 95 CPU-s instead of 133.
        // These files restore what they change (fake timers, spies, PATH) in their own finally/after.
        // (Each project names its files: extends merges a root include into its own.)
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], exclude: MOCKING_FILES, isolate: false },
      },
      { extends: true, test: { name: 'unit-isolated', include: MOCKING_FILES } },
    ],
  },
})

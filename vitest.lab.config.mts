import { defineConfig } from 'vitest/config'

// Against the real lab (`sudo npm run lab:up`). Lab-heavy: one file at a time on two cores.
export default defineConfig({
  test: {
    include: ['test/lab/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup-english.ts'],
    fileParallelism: false,
    // One worker for all the files, its modules imported once: each file still makes its own core (and
    // closes it in afterAll), and no lab file mocks modules or changes globals. Isolated, each of the
    // ~40 files paid a new fork and the core's imports again (~1-2 s a file; import 45 s in a CI run).
    isolate: false,
    // expect.poll waits for something the page or the core will do; its 1 s default lost the race on
    // a loaded 2-core CI machine (iso-upload's chunk count). A poll that fails now fails after 15 s.
    expect: { poll: { timeout: 15_000 } },
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
})

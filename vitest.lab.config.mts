import { defineConfig } from 'vitest/config'

// Against the real lab (`sudo npm run lab:up`). Lab-heavy: one file at a time on two cores.
export default defineConfig({
  test: {
    include: ['test/lab/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup-english.ts'],
    // The lab up and etalab logging in on every host, once per run (each file checks less: requireLab).
    globalSetup: ['test/lab/support/global-setup.ts'],
    fileParallelism: false,
    // Each file in its own worker (vitest's default). `isolate: false` saved ~1 s a file on five small
    // files, but it was never run over the whole suite, and app modules keep state at module level
    // (caches, registries): one file could then change what the next one sees.
    // expect.poll waits for something the page or the core will do; its 1 s default lost the race on
    // a loaded 2-core CI machine (iso-upload's chunk count). A poll that fails now fails after 15 s.
    expect: { poll: { timeout: 15_000 } },
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
})

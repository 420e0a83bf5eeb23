import { defineConfig } from 'vitest/config'

// Against the real lab (`sudo npm run lab:up`). Lab-heavy: one file at a time on two cores.
export default defineConfig({
  test: {
    include: ['test/lab/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup-english.ts'],
    // The lab up and etalab logging in on every host, once per run (each file checks less: requireLab).
    // One chromium for the run, which the UI files connect to (test/support/browser.ts), as in the
    // e2e suite: each launched its own (2-6 s of a loaded machine's CPU beside the file's setup) and
    // closed it after its tests; each file still opens and closes its own contexts.
    globalSetup: ['test/lab/support/global-setup.ts', 'test/support/chromium-server.ts'],
    fileParallelism: false,
    // Every file in one worker, its modules imported once: a worker of its own cost each file its app
    // modules' import again (33 s of the suite's run on CI; 29 s against 6 s over nine files on the
    // loaded lab machine). What is shared cannot change what the next file sees: the modules' only
    // state is a cache of Intl formatters, the English catalog (the same) and a WeakMap per core's
    // options; the lab files use no vi.mock, spy, fake timers or stubbed globals, and every core and
    // chromium they start is closed in their afterAll or a finally (nothing alive when the next file
    // starts, checked). The one process-wide change, SSH_AUTH_SOCK deleted, every lab core makes.
    // A timed-out test's body still runs on into the next file: read a red run from its first failure.
    isolate: false,
    // expect.poll waits for something the page or the core will do; its 1 s default lost the race on
    // a loaded 2-core CI machine (iso-upload's chunk count). A poll that fails now fails after 15 s.
    expect: { poll: { timeout: 15_000 } },
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
})

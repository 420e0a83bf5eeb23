import { defineConfig } from 'vitest/config'

// The real Electron shell (shell.test.ts) and the packaged app (package.test.ts); needs Electron's
// binary (`npx install-electron`), which this project's CI machines cannot download: the release
// workflow runs these. One file at a time: each launches an app.
export default defineConfig({
  test: {
    include: ['test/electron/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup-english.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})

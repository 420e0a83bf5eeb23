import { defineConfig } from 'vitest/config'

// The plain suite: no lab, no browser. `npm test` builds first, because some tests inspect the build.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
})

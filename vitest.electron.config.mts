import { defineConfig } from 'vitest/config'

// The real Electron shell; needs Electron's binary (not available on this project's CI machines).
export default defineConfig({
  test: {
    include: ['test/electron/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})

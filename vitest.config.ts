import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Studio renders real media: generous limits keep a loaded CI machine from failing slow renders.
    testTimeout: 120_000,
    hookTimeout: 30_000,
    // Files spawn servers and ffmpeg; two cores is the budget.
    maxWorkers: 2,
    minWorkers: 1,
  },
})

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The testkit as a CPO team imports it (package.json exports), from source in this repository.
  resolve: { alias: { 'plugsurfing-emp-sim/testkit': fileURLToPath(new URL('./src/testkit/index.ts', import.meta.url)) } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/hostile/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});

// `npm run test:hostile`: the fuzz and crash tests (test/hostile/), apart from `npm test`
// because they are long (each bounded: the fuzz < 60 s, the crash rounds < 90 s). One file at a
// time, so the time bounds measure the simulator, not the other file.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/hostile/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

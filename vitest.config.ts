import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

// The two browser files never run at the same time (two chromiums on 2 cores): one starts first,
// the other, which bounds a page load by the wall clock (10,000 locations within 5 s), ends the run.
const FIRST = 'test/dashboard.browser.test.ts';
const LAST = 'test/dashboard-scale.browser.test.ts';
const is = (spec: TestSpecification, file: string) => spec.moduleId === fileURLToPath(new URL(file, import.meta.url));

class Sequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files); // slowest first, from the durations of the last run
    return [
      ...sorted.filter((f) => is(f, FIRST)),
      ...sorted.filter((f) => !is(f, FIRST) && !is(f, LAST)),
      ...sorted.filter((f) => is(f, LAST)),
    ];
  }
}

export default defineConfig({
  // The testkit as a CPO team imports it (package.json exports), from source in this repository.
  resolve: { alias: { 'plugsurfing-emp-sim/testkit': fileURLToPath(new URL('./src/testkit/index.ts', import.meta.url)) } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/hostile/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two files at a time on 2 cores (the default, cores - 1, runs one file at a time): much of a
    // file's time is spent waiting on sockets, child processes and the browser.
    maxWorkers: 2,
    // A worker process runs file after file instead of a new process (and a fresh import of src/,
    // zod, faker, hono, playwright) per file. No test relies on module state: each file starts its
    // own simulators, stores and clocks.
    isolate: false,
    sequence: { sequencer: Sequencer },
  },
});

// HEAP_GROWTH_PERCENT: the CLI's limit on how far V8's heap grows past what its last full
// collection kept. Measured in child processes (the flag is process-wide): the same allocation
// pattern with two growths.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ROOT } from './helpers/process.js';

const run = promisify(execFile);

async function peakOldSpaceMb(percent: number): Promise<number> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/heap-churn.ts'), String(percent)], {
    cwd: ROOT,
    timeout: 60_000,
  });
  return (JSON.parse(stdout) as { peakOldSpaceMb: number }).peakOldSpaceMb;
}

it('the growth asked for is the growth V8 applies: the old generation stays near what is live at 10%, not at 300%', async () => {
  // Two fixed settings (V8's own growth depends on how fast it collects, so it is not compared).
  const [wide, limited] = await Promise.all([peakOldSpaceMb(300), peakOldSpaceMb(10)]);
  // ~30 MB stay live (every 20th object) beside ~45 MB promoted and dropped per ring turn.
  // Measured: 281-283 MB at 300% (V8's own growth gave 281-284), 106 MB at 10%.
  expect(limited).toBeLessThan(160);
  expect(limited).toBeLessThan(wide * 0.6);
}, 90_000);

it("HEAP_GROWTH_PERCENT: 0 (V8's own growth) by default, refused outside 0-1000", () => {
  expect(loadConfig({ DB_FILE: ':memory:' }).heapGrowthPercent).toBe(0);
  expect(loadConfig({ DB_FILE: ':memory:', HEAP_GROWTH_PERCENT: '100' }).heapGrowthPercent).toBe(100);
  expect(() => loadConfig({ HEAP_GROWTH_PERCENT: '-1' })).toThrow('HEAP_GROWTH_PERCENT="-1" must be at least 0');
  expect(() => loadConfig({ HEAP_GROWTH_PERCENT: '1001' })).toThrow('HEAP_GROWTH_PERCENT="1001" must be at most 1000');
  expect(() => loadConfig({ HEAP_GROWTH_PERCENT: '1.5' })).toThrow('HEAP_GROWTH_PERCENT="1.5" must be an integer');
});

// A child process for heap.test.ts: limitHeapGrowth(argv[2]), then a fixed allocation pattern
// (some objects kept, many living long enough to be promoted and then dropped), and prints the
// largest old-generation size seen, in MB.
import { getHeapSpaceStatistics } from 'node:v8';
import { limitHeapGrowth } from '../../src/heap.js';

limitHeapGrowth(Number(process.argv[2]));
const kept: object[] = [];
// Each object outlives ~400,000 allocations (several young-generation cycles): promoted, then garbage.
const ring: object[] = new Array(400_000);
let peak = 0;
for (let i = 0; i < 4_000_000; i++) {
  const o = { a: i, b: `x${i}`, c: [i, i] };
  if (i % 20 === 0) kept.push(o);
  ring[i % ring.length] = o;
  if (i % 10_000 === 0) peak = Math.max(peak, getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_size ?? 0);
}
console.log(JSON.stringify({ peakOldSpaceMb: peak / 1048576, kept: kept.length }));

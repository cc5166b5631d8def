// A/B of two (or more) builds of the simulator over real sockets: each build in its own process
// on the bench's data, the same scenario driven on each in turn, rounds interleaved, with the bare
// server measured before each scenario. On this shared machine a change of a few us per request
// only shows this way: measured minutes apart, the machine's drift is larger than the change.
//
//   npm run build && cp -r dist /tmp/ab-new && git stash && npm run build && ...
//   npx tsx bench/ab.ts --builds /path/to/old/cli.js,dist/cli.js [--scenarios versions,patch]
//       [--rounds 5] [--seconds 3] [--connections 50]
//
// A build is the path of its cli.js (a copy of another commit's dist/ needs the package.json
// beside its folder: cli.js reads ../package.json); `path|NAME=value|...` adds environment
// variables (e.g. `dist/cli.js|NODE_OPTIONS=--max-semi-space-size=64`) and `path|--flag` node
// flags (for V8 flags NODE_OPTIONS refuses, e.g. `--single-threaded-gc`). Reports the main
// thread's CPU per request and the whole process's (GC helpers and the thread pool included),
// per round and the median.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CPO_TOKEN, pushTariff, writeFixtures, writeSnapshot } from './data.js';
import { measure, type Scenario } from './load.js';
import { cpuSeconds, type Proc, ROOT, startBare, startSim, stopAll, untilCleared } from './procs.js';
import { medianOf } from './report.js';
import * as sc from './scenarios.js';

const { values } = parseArgs({
  options: {
    builds: { type: 'string', default: 'dist/cli.js' },
    scenarios: { type: 'string', default: 'versions' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
  },
});
const STORED = 100;

/** Each build gets its own ids for the scenarios that insert (PUT, CDR). */
const SCENARIOS: Record<string, (build: number) => Scenario> = {
  versions: () => sc.versions,
  tokens: () => sc.tokens,
  patch: () => sc.patch(STORED),
  authorize: () => sc.authorize(STORED),
  cdr: (k) => sc.cdrs(STORED, `AB${k}`),
  put: (k) => sc.put(`AB${k}`),
};

async function main(): Promise<void> {
  const names = (values.scenarios as string).split(',');
  for (const n of names) if (!SCENARIOS[n]) throw new Error(`unknown scenario ${n}: one of ${Object.keys(SCENARIOS).join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-ab-'));
  const fixtures = join(dir, 'fixtures.json');
  writeFixtures(fixtures, sc.BENCH_TOKENS);
  const builds: Proc[] = [];
  for (const [k, spec] of (values.builds as string).split(',').entries()) {
    const [cli, ...vars] = spec.split('|') as [string, ...string[]];
    const nodeFlags = vars.filter((v) => v.startsWith('--'));
    const env = Object.fromEntries(
      vars.filter((v) => !v.startsWith('--')).map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]),
    );
    const dbFile = join(dir, `db-${k}.json`);
    writeSnapshot(dbFile, STORED, sc.STORED);
    const sim = await startSim({ dbFile, cli: resolve(ROOT, cli), nodeFlags, env: { FIXTURES: fixtures, ...env } });
    await pushTariff((path, init) => fetch(sim.url + path, init));
    builds.push(sim);
    console.log(`[${k}] ${spec}`);
  }
  const bare = await startBare();
  const opts = { token: CPO_TOKEN, connections: Number(values.connections), seconds: Number(values.seconds), warmupSeconds: 0.5 };
  const counters = new Map<string, { i: number }>();
  const results = new Map<string, number[]>();
  const totals = new Map<string, number[]>();
  const p99s = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, key: string, x: number) => m.set(key, [...(m.get(key) ?? []), x]);
  /** CPU us per request of one measurement (warm-up excluded), main thread and process, and its p99 latency. */
  const run = async (proc: Proc, scenario: Scenario, key: string) => {
    const counter = counters.get(key) ?? { i: 0 };
    counters.set(key, counter);
    let before = 0;
    let beforeAll = 0;
    const r = await measure(scenario, { ...opts, url: proc.url }, counter, () => {
      before = cpuSeconds(proc.pid, true);
      beforeAll = cpuSeconds(proc.pid);
    });
    const us = ((cpuSeconds(proc.pid, true) - before) * 1e6) / r.requests;
    const all = ((cpuSeconds(proc.pid) - beforeAll) * 1e6) / r.requests;
    add(results, key, us);
    add(totals, key, all);
    add(p99s, key, r.p99);
    return { rps: r.rps, us, all, p99: r.p99 };
  };
  /**
   * A build's idle compaction starts 1 s after its last write and would share the CPU with the
   * next build's measurement (the second of a pair paid for the first's writes): every build is
   * left to finish it first. The order of the builds also alternates from round to round.
   */
  const quiet = async () => {
    await new Promise((r) => setTimeout(r, 1200));
    for (const sim of builds) await untilCleared(sim.url, 'compacting');
  };
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = [...builds.entries()];
    if (round % 2) order.reverse();
    for (const name of names) {
      await quiet();
      const b = await run(bare, sc.bare, 'bare GET');
      for (const [k, sim] of order) {
        await quiet();
        const r = await run(sim, (SCENARIOS[name] as (k: number) => Scenario)(k), `${name} [${k}]`);
        console.log(
          `round ${round + 1} ${name} [${k}]: ${Math.round(r.rps)} req/s, ${r.us.toFixed(1)} us/req (process ${r.all.toFixed(1)}), p99 ${r.p99} ms (bare ${b.us.toFixed(1)}, ${Math.round(b.rps)} req/s)`,
        );
      }
    }
  }
  console.log('CPU us per request, main thread / process: median (each round); p99 ms: median (each round)');
  const each = (xs: number[]) => `${medianOf(xs).toFixed(1).padStart(6)} (${xs.map((x) => x.toFixed(1)).join(' ')})`;
  for (const [key, xs] of results) {
    const ps = p99s.get(key) as number[];
    console.log(`  ${key.padEnd(18)} ${each(xs)}  / ${each(totals.get(key) as number[])}   p99 ${medianOf(ps)} (${ps.join(' ')})`);
  }
  for (const p of [...builds, bare]) await p.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  stopAll();
  console.error(err);
  process.exit(1);
});

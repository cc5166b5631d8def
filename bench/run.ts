// `npm run bench [-- --runs 3]`: the simulator (built, `node dist/cli.js`, default file store on a
// temporary DB_FILE, LOG_LEVEL=warn) against a bare node:http server in the same run, each in
// its own process, driven by autocannon from this process. See bench/README.md.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CPO_TOKEN, locationBytes, pushTariff, writeFixtures, writeSnapshot, writeStatusLog } from './data.js';
import { type LoadOptions, type LoadResult, measure, sample, type Scenario, sequential } from './load.js';
import { cpuSeconds, health, memoryMb, type Proc, ROOT, startBare, startHono, startSim, stopAll, untilCleared } from './procs.js';
import { summarise } from './profile.js';
import * as S from './scenarios.js';
import { REFERENCES, report, type Metrics, median } from './report.js';

const { values: args } = parseArgs({
  strict: true,
  options: {
    runs: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    small: { type: 'string', default: '100' },
    large: { type: 'string', default: '30000' },
    sync: { type: 'string', default: '5000' },
    'restart-lines': { type: 'string', default: '300000' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results.json' },
  },
});
const num = (s: string | undefined) => Number(s);
const RUNS = num(args.runs);
const SMALL = num(args.small);
const LARGE = num(args.large);
const SYNC = num(args.sync);
const RESTART_LINES = num(args['restart-lines']);
/** Before each bare measurement: the simulator's idle compaction starts 1 s after its last write. */
const BARE_PAUSE_MS = 2000;
const only = args.only ? new Set(args.only.split(',')) : null;
const MAIN = ['versions', 'tokens', 'patch', 'authorize', 'cdr', 'put'];
/** --only takes parts (main, scale, restart, sync) and scenarios of the main part (versions, patch...). */
const want = (part: string) => !only || only.has(part) || (part === 'main' && MAIN.some((k) => only.has(k)));
const wantScenario = (key: string) => !only || only.has('main') || only.has(key);
const load = (url: string, token?: string): LoadOptions => ({
  url,
  ...(token ? { token } : {}),
  connections: num(args.connections),
  seconds: num(args.seconds),
  warmupSeconds: num(args.warmup),
});
const profileDir = resolve(ROOT, 'bench/profiles');
const work = mkdtempSync(join(tmpdir(), 'emp-sim-bench-'));
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Running {
  proc: Proc;
  stop(): Promise<void>;
}

/**
 * A simulator on a fresh DB_FILE holding `stored` locations, with the bench CPO pre-registered
 * and `tokens` tokens (FIXTURES file), and the tariff its connectors name pushed.
 */
async function simWith(label: string, stored: number, tokens: number): Promise<Running> {
  const dir = mkdtempSync(join(work, `${label}-`));
  const dbFile = join(dir, 'db.json');
  if (stored > 0) writeSnapshot(dbFile, stored, S.STORED);
  writeFixtures(join(dir, 'fixtures.json'), tokens);
  const nodeFlags = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${label}-${Date.now()}.cpuprofile`] : [];
  const proc = await startSim({ dbFile, nodeFlags, env: { FIXTURES: join(dir, 'fixtures.json') } });
  await pushTariff((path, init) => fetch(proc.url + path, init));
  return {
    proc,
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The idle compaction after a load (it starts 1 s after the last write): how long it took, and the
 * longest a request waited meanwhile (/health, one at a time; the server is otherwise idle, so
 * any wait is the compaction's). null when none began within `withinMs`.
 */
async function compaction(url: string, withinMs = 5000): Promise<{ ms: number; longestWaitMs: number } | null> {
  const started = performance.now();
  let began: number | null = null;
  let longest = 0;
  for (;;) {
    const sent = performance.now();
    const { compacting } = await health(url);
    const now = performance.now();
    longest = Math.max(longest, now - sent);
    if (compacting && began === null) began = sent;
    if (!compacting && began !== null) return { ms: now - began, longestWaitMs: longest };
    if (began === null && now - started > withinMs) return null;
    if (now - started > 60_000) throw new Error('the compaction did not end within 60 s');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** How many findings the simulator recorded, and the rule of the newest (the bench's requests should produce none). */
async function findings(url: string): Promise<{ total: number; rule?: string }> {
  const res = await fetch(`${url}/admin/findings?limit=1`);
  const body = (await res.json()) as { total: number; items: { rule: string }[] };
  return { total: body.total, ...(body.items[0] ? { rule: body.items[0].rule } : {}) };
}

/** One scenario against a server process: throughput, latency, and the server's CPU time per request. */
async function scenario(m: Metrics, key: string, s: Scenario, o: LoadOptions, pid: number): Promise<LoadResult> {
  const counter = { i: 0 };
  const sim = !REFERENCES.has(key);
  const before = sim ? await findings(o.url) : undefined;
  await sample(s, o, 3, counter);
  let cpu0 = 0;
  let main0 = 0;
  const r = await measure(s, o, counter, () => {
    cpu0 = cpuSeconds(pid);
    main0 = cpuSeconds(pid, true);
  });
  const cpuUs = ((cpuSeconds(pid) - cpu0) * 1e6) / r.requests;
  const mainUs = ((cpuSeconds(pid, true) - main0) * 1e6) / r.requests;
  await sample(s, o, 2, counter);
  m[`${key}.rps`] = r.rps;
  m[`${key}.p50`] = r.p50;
  m[`${key}.p99`] = r.p99;
  m[`${key}.cpu_us`] = cpuUs;
  m[`${key}.main_us`] = mainUs;
  if (r.non2xx + r.errors > 0) m[`${key}.failed`] = r.non2xx + r.errors;
  const after = before && (await findings(o.url));
  if (before && after && after.total > before.total) {
    m[`${key}.findings`] = after.total - before.total;
    log(`  (${after.total - before.total} findings recorded, e.g. ${after.rule}: the bench's requests should be clean)`);
  }
  log(
    `  ${s.name.padEnd(18)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ${cpuUs.toFixed(0)} us CPU/req (main thread ${mainUs.toFixed(0)})  (${r.requests} requests${r.non2xx + r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''})`,
  );
  return r;
}

async function oneRun(run: number): Promise<Metrics> {
  const m: Metrics = {};
  const tag = `${run}${Date.now().toString(36)}`;

  // The bare server stays up (idle) all run and is measured right before each simulator scenario:
  // that scenario's ratio divides by it. This machine's speed drifts by 2x over tens of seconds,
  // so a bare figure from another part of the run compared two machine states (one run gave
  // versions 1.08 x bare that way). The pause first lets the simulator finish what follows a
  // burst of writes (its idle compaction starts 1 s after the last one; the bench then waits for
  // /health to say `compacting: false`), so the bare server does not share the CPU with it. The
  // bare row of the table is the median of all of them.
  log(`run ${run}: bare node:http server`);
  const bare = await startBare();
  const bares: Metrics[] = [];
  const measureBare = async () => {
    const b: Metrics = {};
    await scenario(b, 'bare', S.bare, load(bare.url), bare.pid);
    bares.push(b);
    return b;
  };
  const paired = async (key: string, s: Scenario, o: LoadOptions, pid: number) => {
    await new Promise((r) => setTimeout(r, BARE_PAUSE_MS));
    // A compaction goes on in the background now (chunked, serving meanwhile): it ends first.
    if (!REFERENCES.has(key)) await untilCleared(o.url, 'compacting');
    const b = await measureBare();
    m[`${key}.bare_rps`] = b['bare.rps'] as number;
    m[`${key}.bare_cpu_us`] = b['bare.cpu_us'] as number;
    await scenario(m, key, s, o, pid);
  };

  if (want('main')) {
    const hono = await startHono();
    await paired('hono', { ...S.bare, name: 'hono GET (ref.)' }, load(hono.url), hono.pid);
    if (wantScenario('put')) await paired('hono_put', { ...S.put(`R${tag}`), name: 'hono zod PUT (ref.)' }, load(hono.url), hono.pid);
    await hono.stop();

    log(`run ${run}: simulator, ${SMALL} locations stored`);
    const sim = await simWith('main', SMALL, S.BENCH_TOKENS);
    const o = load(sim.proc.url, CPO_TOKEN);
    // Reads first, then writes; the location PUT, which grows the store most, last.
    const list: [string, Scenario][] = [
      ['versions', S.versions],
      ['tokens', S.tokens],
      ['patch', S.patch(SMALL)],
      ['authorize', S.authorize(SMALL)],
      ['cdr', S.cdrs(SMALL, tag)],
      ['put', S.put(tag)],
    ];
    for (const [key, s] of list) if (wantScenario(key)) await paired(key, s, o, sim.proc.pid);
    m['main.rss_mb'] = memoryMb(sim.proc.pid).rss;
    await sim.stop();
  }

  if (want('scale')) {
    // The 30k / 100 ratios compare two servers measured back to back, each pair within ~15 s: on
    // a shared machine whose speed drifts over tens of seconds, the main part's figures (a minute
    // earlier) would compare two machine states. Never two servers busy at once: the 100-stored
    // one is idle while the 30k one runs (start-up, its background parse, its compaction).
    log(`run ${run}: ${SMALL} locations stored, then ${LARGE} (${LARGE * 2} EVSEs), each scenario paired`);
    const small = await simWith('scale-small', SMALL, S.BENCH_TOKENS);
    const os = load(small.proc.url, CPO_TOKEN);
    await paired('patch_small_paired', S.patch(SMALL), os, small.proc.pid);
    const sim = await simWith('scale', LARGE, S.BENCH_TOKENS);
    m['scale.startup_ms'] = sim.proc.startupMs;
    m['scale.rss_start_mb'] = memoryMb(sim.proc.pid).rss;
    // It serves from the first /health 200, parsing each value when first read and the rest in
    // slices meanwhile. The scale scenarios measure the cost per request with the store warm (the
    // same as the 100-stored one, which is warm at once), so they wait for that; how long it took
    // is reported beside the start-up time.
    m['scale.parsed_ms'] = sim.proc.startupMs + (await untilCleared(sim.proc.url, 'parsing'));
    const o = load(sim.proc.url, CPO_TOKEN);
    await paired('patch_large', S.patch(LARGE), o, sim.proc.pid);
    await paired('authorize_large', S.authorize(LARGE), o, sim.proc.pid);
    m['scale.rss_mb'] = memoryMb(sim.proc.pid).rss;
    // The writes of the load (authorizations, status changes) make the store compact once idle.
    const c = await compaction(sim.proc.url);
    if (c) {
      m['scale.compaction_ms'] = c.ms;
      m['scale.compaction_wait_ms'] = c.longestWaitMs;
    }
    m['scale.peak_rss_mb'] = memoryMb(sim.proc.pid).peak;
    log(
      `  start-up ${m['scale.startup_ms']?.toFixed(0)} ms (snapshot parsed ${m['scale.parsed_ms']?.toFixed(0)} ms after spawn); RSS ${m['scale.rss_start_mb']?.toFixed(0)} MB after start, ${m['scale.rss_mb'].toFixed(0)} MB after load (peak ${m['scale.peak_rss_mb'].toFixed(0)} MB, compactions included)`,
    );
    log(
      c
        ? `  idle compaction after the load: ${c.ms.toFixed(0)} ms, longest /health wait meanwhile ${c.longestWaitMs.toFixed(1)} ms`
        : '  (no compaction began within 5 s of the load)',
    );
    await sim.stop();
    await paired('authorize_small_paired', S.authorize(SMALL), os, small.proc.pid);
    await small.stop();
  }

  if (bares.length === 0) await measureBare();
  await bare.stop();
  Object.assign(m, median(bares));

  if (want('restart')) {
    // What a SIGKILL under a sustained status PATCH stream leaves: the snapshot and a log of
    // changes not yet compacted (compaction waits for 1 s without writes, or 256 MB of log).
    log(`run ${run}: restart after a crash: ${LARGE} locations stored and a log of ${RESTART_LINES} status changes`);
    const dir = mkdtempSync(join(work, 'restart-'));
    const dbFile = join(dir, 'db.json');
    writeSnapshot(dbFile, LARGE, S.STORED);
    m['restart.log_mb'] = writeStatusLog(`${dbFile}.log.0`, LARGE, RESTART_LINES, S.STORED) / 1e6;
    const proc = await startSim({ dbFile });
    m['restart.startup_ms'] = proc.startupMs;
    log(`  ${m['restart.log_mb'].toFixed(0)} MB of log replayed: spawn to /health 200 in ${proc.startupMs.toFixed(0)} ms`);
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  if (want('sync')) {
    log(`run ${run}: sequential initial sync of ${SYNC} locations (1 connection)`);
    const sim = await simWith('sync', 0, 0);
    await sample(S.put(`Z${tag}`), { url: sim.proc.url, token: CPO_TOKEN }, 2);
    const main0 = cpuSeconds(sim.proc.pid, true);
    const r = await sequential(S.put(`S${tag}`), { url: sim.proc.url, token: CPO_TOKEN }, SYNC);
    // The rest of the wall time is waiting: the disk (write + fdatasync per PUT), the thread pool, the network.
    m['sync.main_us'] = ((cpuSeconds(sim.proc.pid, true) - main0) * 1e6) / SYNC;
    m['sync.wall_s'] = r.wallMs / 1000;
    m['sync.p50'] = r.p50;
    m['sync.p99'] = r.p99;
    if (r.non2xx + r.errors > 0) m['sync.failed'] = r.non2xx + r.errors;
    log(
      `  ${SYNC} PUTs in ${(r.wallMs / 1000).toFixed(2)} s (p50 ${r.p50} ms, p99 ${r.p99} ms; simulator main thread busy ${m['sync.main_us'].toFixed(0)} us per PUT)`,
    );
    await sim.stop();
  }
  return m;
}

async function main(): Promise<void> {
  if (!args['no-build']) {
    log('building (npm run build)...');
    try {
      execSync('npm run build --silent', { cwd: ROOT, stdio: 'inherit' });
    } catch {
      if (!existsSync(resolve(ROOT, 'dist/cli.js'))) throw new Error('the build failed and there is no dist/cli.js');
      log('WARNING: the build reported errors; benchmarking the JavaScript it emitted');
    }
  }
  if (args.profile) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  const started = Date.now();
  log(
    `simulator: node dist/cli.js, file store on a temporary DB_FILE, LOG_LEVEL=warn; ${args.connections} connections, ${args.seconds} s (+${args.warmup} s warm-up) per scenario; ${RUNS} run(s)`,
  );
  const runs: Metrics[] = [];
  for (let run = 1; run <= RUNS; run++) runs.push(await oneRun(run));
  const med = median(runs);
  const settings = {
    connections: num(args.connections),
    seconds: num(args.seconds),
    warmup_seconds: num(args.warmup),
    runs: RUNS,
    stored_small: SMALL,
    stored_large: LARGE,
    sync_locations: SYNC,
    restart_log_lines: RESTART_LINES,
    location_bytes: locationBytes(),
    store: 'file (temporary DB_FILE)',
    log_level: 'warn',
    simulator: 'node dist/cli.js',
    bare: 'node bench/bare.mjs (156-byte JSON GET)',
    hono: 'node bench/hono.mjs (the same document from a plain Hono app, reference only)',
    hono_put:
      "node bench/hono.mjs: the location PUT zod-validated with the simulator's Location schema into a Map (the issue's reference, no target)",
    put_ids: 'a new location id per request',
  };
  const { table, targets } = report(med, { runs: RUNS, connections: num(args.connections), small: SMALL, large: LARGE, sync: SYNC });
  console.log(table);
  const result = {
    generated_at: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    duration_s: Math.round((Date.now() - started) / 1000),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, platform: process.platform },
    settings,
    median: med,
    targets,
    runs,
  };
  if (!only) writeFileSync(resolve(ROOT, args.out as string), `${JSON.stringify(result, null, 2)}\n`);
  else log(`(--only: ${args.out} not written)`);
  if (args.profile)
    for (const f of readdirSync(profileDir).filter((n) => n.endsWith('.cpuprofile'))) console.log(`\n${summarise(join(profileDir, f))}`);
}

main()
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => {
    stopAll(); // after an error, servers still running would keep this process alive
    rmSync(work, { recursive: true, force: true });
  });

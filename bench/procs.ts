// The servers under test, each in its own process (autocannon runs in the bench process): the
// built simulator (`node dist/cli.js`) and the bare node:http server. Start-up time is measured
// from spawn to the first /health 200; memory from /proc/<pid>/status.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');

export interface Proc {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Milliseconds from spawn to the first answer 200 on the health path. */
  startupMs: number;
  output(): string;
  /** SIGTERM (graceful: the simulator flushes its store; --cpu-prof writes its profile), then wait. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

const running = new Set<ChildProcess>();

/** SIGKILL every server still running (after an error). */
export function stopAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

async function startProcess(args: string[], env: Record<string, string>, healthPath: string): Promise<Proc> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  running.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  void exited.then(() => running.delete(child));
  let dead = false;
  void exited.then(() => (dead = true));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (dead) throw new Error(`${args.join(' ')} exited before answering:\n${out}`);
    if (performance.now() - started > 60_000) throw new Error(`${args.join(' ')} did not answer in 60 s:\n${out}`);
    const ok = await fetch(url + healthPath).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const startupMs = performance.now() - started;
  return {
    child,
    pid: child.pid as number,
    url,
    startupMs,
    output: () => out,
    stop: async () => {
      if (!dead) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface SimOptions {
  dbFile: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  env?: Record<string, string>;
  /** Another build's cli.js (an A/B against an older commit); default: this checkout's dist/cli.js. */
  cli?: string;
}

/** The built simulator on the default file store, LOG_LEVEL=warn (a log line per request would dominate). */
export function startSim(o: SimOptions): Promise<Proc> {
  return startProcess(
    [...(o.nodeFlags ?? []), o.cli ?? resolve(ROOT, 'dist/cli.js')],
    { LOG_LEVEL: 'warn', DB_FILE: o.dbFile, ...o.env },
    '/health',
  );
}

export function startBare(): Promise<Proc> {
  return startProcess([resolve(ROOT, 'bench/bare.mjs')], {}, '/');
}

/** The same document from a plain Hono app: the framework's own ceiling, for reference. */
export function startHono(): Promise<Proc> {
  return startProcess([resolve(ROOT, 'bench/hono.mjs')], {}, '/');
}

/** Resident and peak resident memory of a process, in MB (Linux). */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** CPU seconds (user + system) a process, or only its main (event loop) thread, has used so far (Linux; 10 ms ticks). */
export function cpuSeconds(pid: number, mainThreadOnly = false): number {
  const stat = readFileSync(mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface Health {
  parsing?: boolean;
  compacting?: boolean;
}
export const health = async (url: string) => (await (await fetch(`${url}/health`)).json()) as Health;

/** Milliseconds until /health says `flag` is false (the snapshot parsed, a compaction ended); at most 60 s. */
export async function untilCleared(url: string, flag: keyof Health): Promise<number> {
  const started = performance.now();
  while ((await health(url))[flag]) {
    if (performance.now() - started > 60_000) throw new Error(`/health still said ${flag} after 60 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - started;
}

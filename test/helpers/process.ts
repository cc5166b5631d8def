// The simulator as a separate process (the CLI, src/cli.ts, as it is now), for crash and CLI tests.
//
// `node --import tsx src/cli.ts` would transpile the ~120 files of src/ again in every process
// (about 1 s of CPU per start, and these tests start ~20 processes). Instead src/ is transpiled
// once by esbuild, with the settings tsx itself uses, into node_modules/.cache/ (same layout
// beside a copy of package.json, so `import.meta.url`-relative reads and package resolution are
// unchanged), keyed by a hash of the sources: any change in src/ gives a fresh build.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

export interface SimProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** SIGKILL, and wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export const ROOT = resolve(import.meta.dirname, '../..');
const CACHE = join(ROOT, 'node_modules/.cache/plugsurfing-emp-sim-cli');

interface Esbuild {
  buildSync(options: Record<string, unknown>): unknown;
}
// The esbuild tsx runs on (a dependency of tsx).
const esbuild = (): Esbuild => createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))('esbuild') as Esbuild;

const isSource = (f: string) => /\.(ts|tsx|mts|cts)$/.test(f) && !/\.test\.tsx?$/.test(f);

function build(sources: string[], outdir: string): void {
  esbuild().buildSync({
    entryPoints: sources.map((s) => join(ROOT, 'src', s)),
    outbase: ROOT,
    outdir,
    bundle: false,
    format: 'esm',
    platform: 'node',
    tsconfig: join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
    // As tsx transforms: target this node, keep function and class names, inline source maps.
    target: `node${process.versions.node}`,
    keepNames: true,
    sourcemap: 'inline',
    sourcesContent: false,
  });
}

/** The directory holding `src/cli.js`, transpiled from the current src/ (built when src/ changed). */
function compiledRoot(): string {
  const sources = (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[]).filter(isSource).sort();
  const hash = createHash('sha256');
  for (const f of ['package.json', 'tsconfig.json', ...sources.map((s) => join('src', s))]) {
    hash.update(`${f}\0`);
    hash.update(readFileSync(join(ROOT, f)));
  }
  const dir = join(CACHE, hash.digest('hex').slice(0, 20));
  if (existsSync(dir)) return dir;
  // Build beside it, then rename: a directory that exists is complete (two workers may race).
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp, { recursive: true });
  try {
    build(sources, tmp);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  copyFileSync(join(ROOT, 'package.json'), join(tmp, 'package.json'));
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another worker was first
  }
  // Builds of older sources: gone once nobody can be starting from them any more.
  for (const old of readdirSync(CACHE)) {
    const path = join(CACHE, old);
    try {
      if (path !== dir && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
    } catch {} // pruned by another worker meanwhile
  }
  return dir;
}

/** `node` arguments that run the CLI (src/cli.ts) with the current sources; run them with cwd ROOT. */
export function cliArgs(args: string[] = []): string[] {
  let root: string;
  try {
    root = compiledRoot();
  } catch {
    return ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args]; // no esbuild, or src/ does not build: tsx says why
  }
  return ['--enable-source-maps', join(root, 'src/cli.js'), ...args];
}

export function spawnSim(env: Record<string, string>, args: string[] = []): Promise<SimProcess> {
  const child = spawn(process.execPath, cliArgs(args), {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator did not start in time:\n${out}`)), 20_000);
    const onData = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolvePromise({
          child,
          url: m[1] as string,
          output: () => out,
          kill: (signal = 'SIGKILL') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}:\n${out}`));
    });
  });
}

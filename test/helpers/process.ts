// The simulator as a separate process (`node --import tsx src/cli.ts`), for crash and CLI tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface SimProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** SIGKILL, and wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

const ROOT = resolve(import.meta.dirname, '../..');

export function spawnSim(env: Record<string, string>, args: string[] = []): Promise<SimProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src/cli.ts'), ...args], {
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

// A simulator listening on a real socket: used by the CLI, the testkit and the tests.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createSimulator, type Simulator, type SimulatorOptions } from './app.js';
import type { Config } from './config.js';
import { batchingServer } from './http-batching.js';

/** How long in-flight requests may run after a stop before their connections are cut. */
const STOP_GRACE_MS = 1500;

export interface RunningSimulator extends Simulator {
  server: ServerType;
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  port: number;
  /** Stop accepting, finish what is in flight, flush the store. */
  stop(): Promise<void>;
}

export async function startServer(config: Config, options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await createSimulator(config, options);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve(
      {
        fetch: sim.app.fetch,
        port: config.port,
        hostname: config.host,
        ...(config.httpBatching
          ? { createServer: batchingServer((err) => sim.deps.log.error('an answer could not be written', { error: err.message })) }
          : {}),
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (config.port === 0) {
    // The versions URL must name the port we really got.
    const publicUrl = config.publicUrl.replace(/:0$/, `:${port}`);
    Object.assign(config, { port, publicUrl, versionsUrl: `${publicUrl}/ocpi/versions` });
  }
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive sockets would hold close() open; requests in flight get a grace period
        // (their writes are acknowledged only once durable), then their connections are cut.
        const http = server as unknown as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
        http.closeIdleConnections?.();
        setTimeout(() => http.closeAllConnections?.(), STOP_GRACE_MS).unref();
      });
      await sim.close();
    })();
    return stopping;
  };
  return { ...sim, server, url, port, stop };
}

// GET /admin/events: journal entries and findings as they happen (Server-Sent Events), for
// dashboards and `curl -N` tail -f use. Each event: `event: journal|finding`, `data: <JSON>`.
// A comment line every 15 s keeps proxies from closing an idle stream; when the client goes
// away the subscription is dropped at once, and at shutdown the connection is closed. A client that reads too slowly is disconnected
// rather than letting its backlog grow without bound.
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { SimEvent } from '../events.js';
import { destroyConnection, onServerClosing } from '../faults/connection.js';
import { adminQuery } from './http.js';
import type { AdminRouter } from './router.js';

const TYPES = ['journal', 'finding', 'change'] as const;
type StreamType = (typeof TYPES)[number];

const EventsQuery = z.object({
  types: z
    .string()
    .optional()
    .describe(`Comma-separated event types (default journal,finding); any of ${TYPES.join(', ')}`)
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean)
        : ['journal', 'finding'],
    )
    .pipe(z.array(z.enum(TYPES, { message: `must list event types among ${TYPES.join(', ')}` })).min(1, 'must name at least one type')),
});

const KEEPALIVE_MS = 15_000;
/** Writes waiting for a slow client beyond this: the client is dropped. */
const MAX_BACKLOG = 1000;

export function registerEventsAdmin(admin: AdminRouter): void {
  admin.get(
    '/events',
    'Live stream (Server-Sent Events) of journal entries and findings; query types=journal,finding,change',
    ({ c, deps }) => {
      const types = new Set<StreamType>(adminQuery(c, EventsQuery).types);
      return streamSSE(c, async (stream) => {
        let seq = 0;
        let backlog = 0;
        let chain: Promise<void> = Promise.resolve();
        const send = (event: string, data: unknown) => {
          if (stream.closed || stream.aborted) return;
          if (++backlog > MAX_BACKLOG) return void stream.abort();
          const id = String(++seq);
          chain = chain
            .then(() => stream.writeSSE({ event, id, data: JSON.stringify(data) }))
            .catch(() => stream.abort())
            .finally(() => void backlog--);
        };
        await new Promise<void>((resolve) => {
          const unsubscribe = deps.events.subscribe((e: SimEvent) => {
            if (types.has(e.type)) send(e.type, e.data);
          });
          const timer = setInterval(() => {
            if (!stream.closed)
              chain = chain
                .then(() => stream.write(': keep-alive\n\n'))
                .then(
                  () => undefined,
                  () => stream.abort(),
                );
          }, KEEPALIVE_MS);
          timer.unref();
          // At shutdown, drop the connection: an endless stream would hold server.close() open.
          const offServer = onServerClosing(c, () => destroyConnection(c));
          const end = () => {
            clearInterval(timer);
            offServer();
            unsubscribe();
            resolve();
          };
          stream.onAbort(end);
          c.req.raw.signal.addEventListener('abort', () => stream.abort(), { once: true });
          send('ready', { types: [...types] });
        });
      });
    },
    EventsQuery,
  );
}

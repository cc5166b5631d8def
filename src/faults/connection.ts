// The Node socket under a Hono request (@hono/node-server puts the Node objects at c.env), for
// what only a socket can do: drop the connection, and notice that the server is shutting down.
// A hung request or an event stream would otherwise hold server.close() open until the client
// leaves, so both let go of their connection as soon as the server stops listening.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';

interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

const node = (c: Context): NodeBindings => (c.env ?? {}) as NodeBindings;

/** Destroy the TCP connection of this request (no answer is written). */
export function destroyConnection(c: Context): void {
  const { incoming, outgoing } = node(c);
  (incoming?.socket ?? outgoing?.socket)?.destroy();
}

/** Calls `callback` once when the connection of this request closes. Returns an unsubscribe. */
export function onConnectionClose(c: Context, callback: () => void): () => void {
  const { outgoing } = node(c);
  outgoing?.once('close', callback);
  return () => outgoing?.off('close', callback);
}

/** Calls `callback` once the server that accepted this request stops listening (shutdown). */
export function onServerClosing(c: Context, callback: () => void, everyMs = 250): () => void {
  // net.Server sets `socket.server` on the sockets it accepts; `listening` turns false at close().
  const server = (node(c).incoming?.socket as unknown as { server?: { listening?: boolean } } | undefined)?.server;
  if (!server) return () => {};
  const timer = setInterval(() => {
    if (server.listening) return;
    clearInterval(timer);
    callback();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

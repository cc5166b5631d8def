// The Node request under Hono's (when served by @hono/node-server; `app.request()` has none).
// Reading headers and the body from it directly skips building a WHATWG Request and its stream
// for every call, which costs more than the rest of a small request's handling.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

export function incomingOf(c: Context): IncomingMessage | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming;
}

/**
 * The whole body of a Node request, refused past `maxBytes`: then the rest is discarded as it
 * comes (the answer says why) and the connection is closed after the answer. At once, without a
 * promise, when the HTTP parser already has all of it (`incomingBodyNow`: most requests).
 */
export function readIncoming(incoming: IncomingMessage, maxBytes: number, tooLarge: () => Error): Buffer | Promise<Buffer> {
  return incomingBodyNow(incoming, maxBytes) ?? readArriving(incoming, maxBytes, tooLarge);
}

/** A body still arriving, from the stream's data and end events. */
function readArriving(incoming: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        incoming.resume(); // drain, do not buffer
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => onError(new Error('Client connection closed before the body ended'));
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('aborted', onAborted);
  });
}

const EMPTY = Buffer.alloc(0);

/**
 * The whole body when the HTTP parser already has it (it came with the headers: the usual case
 * for a small body, and under batching the handler runs once the parser is done with the packet),
 * taken from the stream's buffer at once: no promise, tick, or data and end events. Else
 * undefined (still arriving, or larger than `maxBytes`: `readIncoming` handles those).
 */
export function incomingBodyNow(incoming: IncomingMessage, maxBytes: number): Buffer | undefined {
  if (incoming.readableEnded) return EMPTY;
  if (incoming.complete && !incoming.readableFlowing && incoming.readableLength <= maxBytes) {
    return (incoming.read() as Buffer | null) ?? EMPTY;
  }
  return undefined;
}

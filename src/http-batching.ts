// Requests that arrive in the same event-loop turn are handled together, then answered together.
//
// Node reads each ready socket and, by default, runs that request's handler and writes its answer
// right away: read, handle, write, read, handle, write. Every read and write is a system call,
// and on a machine with kernel page-table isolation (bench/README.md) each one flushes the TLB,
// so every handler ran with cold caches. Here the poll phase only queues what it read; the check
// phase (setImmediate) runs the queued handlers one after another, then writes their answers one
// after another. A request with a body goes on once its body is read (right after the phase when
// the body came with the headers, see ocpi/transport/incoming.ts), still next to the others; an
// answer given after an await (a group commit) is written at once. What a request waits for this
// is the rest of its turn's reads: microseconds under load, nothing when it came alone.
import { createServer, type IncomingMessage, type RequestListener, ServerResponse } from 'node:http';

type OnError = (err: Error) => void;

let answers: { res: BatchedResponse; args: unknown[] }[] = [];
/** True while a check phase runs the queued handlers: an answer given meanwhile is held back. */
let dispatching = false;

const end = ServerResponse.prototype.end as (this: ServerResponse, ...args: unknown[]) => ServerResponse;

/** Write every answer held back by the handlers of this check phase. */
function writeAnswers(): void {
  const list = answers;
  answers = [];
  for (const { res, args } of list) {
    // Destroyed meanwhile (the client left, or node-server gave up on a broken answer): as a
    // write after destroy() would have been, it is dropped.
    if (res.destroyed) continue;
    try {
      end.apply(res, args);
    } catch (thrown) {
      // What res.end() would have thrown at its caller (e.g. a content length that does not
      // match): that request's connection is cut, the other answers are still written.
      const err = thrown instanceof Error ? thrown : new Error(String(thrown));
      res.reportError(err);
      res.destroy(err);
    }
  }
}

/**
 * A response whose end() (the answer's last write), when its handler gives it in a check phase
 * of queued requests, is held back until all of them have run. Any other answer (after an await:
 * a body read, a group commit) is written at once, as node's own.
 */
export class BatchedResponse extends ServerResponse {
  /** An answer that could not be written (see batchingServer). */
  reportError(_err: Error): void {}

  override end(...args: unknown[]): this {
    if (!dispatching) return end.apply(this, args) as this;
    answers.push({ res: this, args });
    return this;
  }
}

/**
 * How long the handlers of one check phase may run before the loop turns again (the rest wait
 * for the next one): what the poll phase delivers meanwhile is not held up for longer. 1 ms is
 * about 35 versions GETs, small against a p99 of a few ms. Against 0.3 and 3 ms (bench/README.md)
 * no budget was better across the board, and 3 ms doubled the p99 of authorize.
 */
export const TURN_BUDGET_MS = 1;

/** `listener`, run for the requests of a turn together in its check phase. */
export function batchedListener(listener: RequestListener, budgetMs = TURN_BUDGET_MS): RequestListener {
  let queued: [IncomingMessage, ServerResponse][] = [];
  const dispatch = () => {
    dispatching = true;
    const until = performance.now() + budgetMs;
    let handled = 0;
    try {
      // node-server's listener is async: it never throws here, it answers the error itself.
      while (handled < queued.length) {
        const [req, res] = queued[handled++] as [IncomingMessage, ServerResponse];
        listener(req, res);
        if (performance.now() >= until) break;
      }
    } finally {
      dispatching = false;
      queued = handled === queued.length ? [] : queued.slice(handled);
      if (queued.length > 0) setImmediate(dispatch);
      writeAnswers();
    }
  };
  return (req, res) => {
    if (queued.length === 0) setImmediate(dispatch);
    queued.push([req, res]);
  };
}

/**
 * For @hono/node-server's `serve({ createServer })`: an http.Server that batches as above.
 * `onError`: an answer that could not be written (its connection is cut).
 */
export function batchingServer(onError: OnError): typeof createServer {
  class Response extends BatchedResponse {
    override reportError(err: Error): void {
      onError(err);
    }
  }
  return ((options: object, listener: RequestListener) =>
    createServer({ ...options, ServerResponse: Response as typeof ServerResponse }, batchedListener(listener))) as typeof createServer;
}

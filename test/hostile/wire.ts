// HTTP exactly as written: node:http with raw header lines (a name may repeat, values are not
// cleaned up), the path sent as given (no normalisation of `..` or percent-encoding), bodies as
// bytes (invalid UTF-8 stays invalid) with Content-Length or chunked; and a raw socket for bytes
// that are not even HTTP. Only ever to 127.0.0.1.
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';

export interface WireRequest {
  method: string;
  /** Path and query as they go on the request line. */
  path: string;
  /** Header lines in order; a name may repeat. Host is added. */
  headers: [string, string][];
  body?: Buffer;
  /** Send the body with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
}

export interface WireResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const CHUNK = 64 * 1024;
const LARGE = 16 * 1024;

export class Wire {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  static of(url: string): Wire {
    const u = new URL(url);
    if (u.hostname !== '127.0.0.1') throw new Error(`hostile tests only talk to 127.0.0.1, not ${u.hostname}`);
    return new Wire(u.hostname, Number(u.port));
  }

  send(req: WireRequest, timeoutMs = 20_000): Promise<WireResponse> {
    return new Promise((resolve, reject) => {
      const raw: string[] = ['Host', `${this.host}:${this.port}`];
      for (const [name, value] of req.headers) raw.push(name, value);
      if (req.body && req.chunked) raw.push('Transfer-Encoding', 'chunked');
      else if (req.body) raw.push('Content-Length', String(req.body.length));
      let settled = false;
      // A large upload gets its own connection: the server may answer (413) and close before
      // reading it all, and the broken pipe must not fall on the next request of a shared socket.
      const large = (req.body?.length ?? 0) > LARGE;
      if (large) raw.push('Connection', 'close');
      const r = request({
        host: this.host,
        port: this.port,
        method: req.method,
        path: req.path,
        headers: raw,
        agent: large ? false : this.agent,
      });
      r.on('socket', (socket) => {
        if (large) socket.on('error', () => {});
      });
      r.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => {
          if (!settled) {
            settled = true;
            reject(err);
          }
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
      });
      // After an answer, a server that stops reading an oversized body may reset our upload: ignored.
      r.on('error', (err) => {
        if (!settled) {
          settled = true;
          reject(err);
        }
      });
      r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      if (!req.body) return void r.end();
      if (!req.chunked) return void r.end(req.body);
      const body = req.body;
      let offset = 0;
      const pump = (): void => {
        while (offset < body.length) {
          const piece = body.subarray(offset, offset + CHUNK);
          offset += piece.length;
          if (!r.write(piece)) return void r.once('drain', pump);
        }
        r.end();
      };
      pump();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Write `bytes` on a fresh connection; resolve with whatever came back before the server closed,
 * went quiet for a moment after answering, or the timeout.
 */
export function rawExchange(host: string, port: number, bytes: Buffer, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    const chunks: Buffer[] = [];
    let quiet: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(quiet);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      clearTimeout(quiet);
      quiet = setTimeout(done, 200);
    });
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', done);
    socket.setTimeout(timeoutMs, done);
    socket.write(bytes);
  });
}

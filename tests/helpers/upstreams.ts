// Real upstream servers on 127.0.0.1 that answer with their own names, for proxy tests.
//   GET /anything          200 {"name", "method", "url", "headers"}
//   /status/NNN            answers status NNN
//   /body                  reads the body, answers {"name", "bytes"}
//   /hold                  answers only when release() is called (waitForHeld() resolves when one arrives)
//   /never                 never answers
//   /big?bytes=N           N bytes of a repeating pattern, chunked
//   Upgrade: websocket     a WebSocket echo: each text frame comes back as "<name>:<text>"
import { once } from "node:events";
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TestCertificate } from "./certificates";
import { acceptKey, decodeFrame, encodeTextFrame } from "./websocket-frames";

export interface UpstreamReply {
  name: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export class Upstream {
  requests = 0;
  readonly sockets = new Set<Socket>();
  private held: (() => void)[] = [];
  private heldWaiters: (() => void)[] = [];

  /** Set once listening. */
  port = 0;

  constructor(
    readonly name: string,
    readonly server: http.Server,
  ) {}

  /** Resolves when a /hold request has arrived (immediately if one is waiting). */
  waitForHeld(): Promise<void> {
    if (this.held.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push(resolve));
  }

  /** Answers every /hold request waiting. */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const answer of held) answer();
  }

  hold(answer: () => void): void {
    this.held.push(answer);
    const waiters = this.heldWaiters;
    this.heldWaiters = [];
    for (const waiter of waiters) waiter();
  }

  async close(): Promise<void> {
    this.release();
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function startUpstream(
  name: string,
  options: { tls?: TestCertificate } = {},
): Promise<Upstream> {
  const handler: http.RequestListener = (req, res) => {
    upstream.requests++;
    const url = req.url ?? "/";
    const reply = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
    };
    const echo = (): UpstreamReply => ({ name, method: req.method ?? "", url, headers: req.headers });
    const status = /^\/status\/(\d{3})/.exec(url);
    if (status) return reply(Number(status[1]), echo());
    if (url.startsWith("/body")) {
      let bytes = 0;
      req.on("data", (chunk: Buffer) => (bytes += chunk.length));
      req.on("end", () => reply(200, { name, bytes }));
      return;
    }
    if (url.startsWith("/hold")) return upstream.hold(() => reply(200, echo()));
    if (url.startsWith("/never")) return;
    const big = /^\/big\?bytes=(\d+)/.exec(url);
    if (big) {
      let left = Number(big[1]);
      const chunk = Buffer.alloc(64 * 1024, "0123456789abcdef");
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const pump = (): void => {
        while (left > 0) {
          const piece = chunk.subarray(0, Math.min(left, chunk.length));
          left -= piece.length;
          if (!res.write(piece)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      pump();
      return;
    }
    req.resume();
    reply(200, echo());
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  server.on("connection", (socket: Socket) => {
    upstream.sockets.add(socket);
    socket.once("close", () => upstream.sockets.delete(socket));
  });
  server.on("upgrade", (req: http.IncomingMessage, socket: Socket) => {
    upstream.requests++;
    const key = req.headers["sec-websocket-key"];
    if (typeof key !== "string" || (req.headers.upgrade ?? "").toLowerCase() !== "websocket") {
      socket.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    upstream.sockets.add(socket);
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${acceptKey(key)}\r\nX-Upstream: ${name}\r\n` +
        `X-Seen-Forwarded-Proto: ${String(req.headers["x-forwarded-proto"])}\r\n\r\n`,
    );
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let frame = decodeFrame(buffered); frame; frame = decodeFrame(buffered)) {
        buffered = buffered.subarray(frame.length);
        socket.write(encodeTextFrame(`${name}:${frame.text}`, false));
      }
    });
    socket.on("error", () => socket.destroy());
  });
  // The handlers above run only after listen, when `upstream` is initialised.
  const upstream = new Upstream(name, server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  upstream.port = (server.address() as AddressInfo).port;
  return upstream;
}

/** A port on 127.0.0.1 that refuses connections (bound, then closed). */
export async function refusedPort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

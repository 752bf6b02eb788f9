// Single requests from the benchmark itself (not load): free ports, readiness polls, the routes check and the
// change poll of the large-table mode. Every request goes to 127.0.0.1 with the Host header (and, over TLS, the
// SNI name) of the host it means; certificates are not verified (they are self-signed).
import { once } from "node:events";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";

export interface Reply {
  readonly status: number;
  readonly body: string;
}

export interface Target {
  readonly port: number;
  readonly tls: boolean;
  /** Host header and SNI name. */
  readonly host: string;
  readonly path: string;
}

/** One request on a new connection; rejects on a connection error or after `timeoutMs`. */
export function request(target: Target, timeoutMs = 5_000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const options = {
      host: "127.0.0.1",
      port: target.port,
      path: target.path,
      headers: { host: target.host },
      agent: false as const,
      timeout: timeoutMs,
    };
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("latin1") }),
      );
      res.on("error", reject);
    };
    const req = target.tls
      ? https.get({ ...options, servername: target.host, rejectUnauthorized: false }, onResponse)
      : http.get(options, onResponse);
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

async function bindable(port: number, address: string): Promise<number | null> {
  const server = http.createServer();
  try {
    server.listen(port, address);
    await once(server, "listening");
    return (server.address() as AddressInfo).port;
  } catch {
    return null;
  } finally {
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A port free right now on each of `addresses` (default 127.0.0.1). */
export async function freePort(addresses: readonly string[] = ["127.0.0.1"]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await bindable(0, addresses[0] ?? "127.0.0.1");
    if (port === null) continue;
    let free = true;
    for (const address of addresses.slice(1)) free &&= (await bindable(port, address)) !== null;
    if (free) return port;
  }
  throw new Error(`no port free on ${addresses.join(" and ")}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `target` every `intervalMs` until `accept` holds for the reply; resolves with the ms waited. Rejects after
 * `timeoutMs`, or as soon as `abort()` returns a reason (a process that died).
 */
export async function pollUntil(
  target: Target,
  accept: (reply: Reply) => boolean,
  options: { intervalMs: number; timeoutMs: number; abort?: () => string | null },
): Promise<number> {
  const start = performance.now();
  let last = "no answer";
  for (;;) {
    const reason = options.abort?.();
    if (reason) throw new Error(reason);
    try {
      const reply = await request(target, Math.max(1_000, options.intervalMs));
      if (accept(reply)) return performance.now() - start;
      last = `status ${reply.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (performance.now() - start > options.timeoutMs) {
      throw new Error(
        `${target.tls ? "https" : "http"}://${target.host}:${target.port}${target.path} not ready within ` +
          `${options.timeoutMs} ms (last: ${last})`,
      );
    }
    await sleep(options.intervalMs);
  }
}

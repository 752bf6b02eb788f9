// Before a proxy is measured: does it serve the benchmark routes as the others do? Every host on `/` and `/api/`,
// both upstream endpoints in turn, the 16 KiB body on `/big`, and a 404 for an unknown host; over plain HTTP and
// TLS. A proxy that fails is not measured (its rows say why), so a ratio never compares different work.
import { once } from "node:events";
import tls from "node:tls";
import { request } from "./http-client";
import type { Transport } from "./options";
import { BIG_BYTES, BIG_PATH, HOSTS, LOAD_HOST, UPSTREAM_COUNT, upstreamName } from "./routes";

/** null when every route answers as expected, else what went wrong. */
export async function checkRoutes(
  ports: { plain: number; tls: number },
  transports: readonly Transport[],
): Promise<string | null> {
  const problems: string[] = [];
  for (const transport of transports) {
    const tls = transport === "tls";
    const port = tls ? ports.tls : ports.plain;
    const get = async (host: string, path: string) => {
      try {
        return await request({ port, tls, host, path });
      } catch (error) {
        return { status: 0, body: (error as Error).message };
      }
    };
    for (const host of HOSTS) {
      for (const path of ["/", "/api/items"]) {
        const reply = await get(host, path);
        if (reply.status !== 200 || !/^upstream-\d\n$/.test(reply.body)) {
          problems.push(
            `${transport} ${host}${path}: ${reply.status} ${JSON.stringify(reply.body.slice(0, 60))}`,
          );
        }
      }
    }
    const seen = new Set<string>();
    for (let i = 0; i < 2 * UPSTREAM_COUNT + 2; i++) seen.add((await get(LOAD_HOST, "/")).body.trim());
    for (let i = 0; i < UPSTREAM_COUNT; i++) {
      if (!seen.has(upstreamName(i))) problems.push(`${transport}: ${upstreamName(i)} never answered`);
    }
    const big = await get(LOAD_HOST, BIG_PATH);
    if (big.status !== 200 || big.body.length !== BIG_BYTES || !big.body.startsWith("upstream-")) {
      problems.push(`${transport} ${BIG_PATH}: ${big.status}, ${big.body.length} bytes`);
    }
    const unknown = await get("unknown.example.org", "/");
    if (unknown.status !== 404) problems.push(`${transport} unknown host: ${unknown.status} instead of 404`);
  }
  return problems.length === 0 ? null : problems.join("; ");
}

/**
 * How many of `attempts` connections, opened at once, resume the TLS 1.2 session of a first one, as wrk's
 * new-connection client tries to (it negotiates TLS 1.2 and offers its last session when it reconnects): does
 * the proxy resume at all. With several workers the connections may all reach one of them (the kernel hands a
 * burst of connections to whichever worker wakes first), so this does not tell whether workers share sessions.
 */
export async function tlsResumptions(port: number, host: string, attempts = 10): Promise<number> {
  const connect = async (session?: Buffer): Promise<{ session?: Buffer; reused: boolean }> => {
    const socket = tls.connect({
      host: "127.0.0.1",
      port,
      servername: host,
      rejectUnauthorized: false,
      maxVersion: "TLSv1.2",
      session,
    });
    try {
      await once(socket, "secureConnect");
      return { session: socket.getSession(), reused: socket.isSessionReused() };
    } catch {
      return { reused: false };
    } finally {
      socket.destroy();
    }
  };
  const first = await connect();
  if (first.session === undefined) return 0;
  const results = await Promise.all(Array.from({ length: attempts }, () => connect(first.session)));
  return results.filter((r) => r.reused).length;
}

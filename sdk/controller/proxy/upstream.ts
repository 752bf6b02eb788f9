// Upstream connections: one keep-alive undici Pool per endpoint (and protocol, connect timeout and TLS name), and
// the classification of upstream failures. undici's Pool measured about 30% more requests/s than node:http's
// Agent with keepAlive in the same minimal proxy on this machine (docs/controller.md). Backend HTTPS is encrypted
// but not verified, as with NGINX's default proxy_ssl_verify off: in-cluster backends usually serve self-signed
// certificates. WebSocket upgrades use their own node:http connection (websocket.ts).
import { Pool } from "undici";
import type { UpstreamEndpoint } from "../backend-resolver";
import type { UpstreamErrorKind } from "../metrics";

export interface UpstreamPoolOptions {
  /** Idle upstream connections close after this, ms (or sooner when the upstream says so). Default 30 000. */
  keepAliveTimeoutMs?: number;
}

interface PoolEntry {
  readonly pool: Pool;
  readonly endpointKey: string;
}

export class UpstreamPools {
  private readonly pools = new Map<string, PoolEntry>();
  private readonly keepAliveTimeoutMs: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: UpstreamPoolOptions = {}) {
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 30_000;
    // HTTPS backends get a pool per TLS name (the client's host, which a wildcard rule lets clients choose):
    // pools left without connections are dropped, so such names cannot make them pile up.
    this.sweeper = setInterval(() => this.dropUnused(), Math.min(this.keepAliveTimeoutMs, 30_000));
    this.sweeper.unref();
  }

  /** The pool for one endpoint; created on first use. */
  get(endpoint: UpstreamEndpoint, secure: boolean, connectTimeoutMs: number, servername: string): Pool {
    const key = `${secure ? "https" : "http"}|${endpoint.key}|${connectTimeoutMs}|${secure ? servername : ""}`;
    let entry = this.pools.get(key);
    if (!entry) {
      const host = endpoint.address.includes(":") ? `[${endpoint.address}]` : endpoint.address;
      const pool = new Pool(`${secure ? "https" : "http"}://${host}:${endpoint.port}`, {
        connections: null,
        pipelining: 1,
        keepAliveTimeout: this.keepAliveTimeoutMs,
        keepAliveMaxTimeout: 10 * 60_000,
        // The proxy enforces its own limits on what it forwards.
        maxHeaderSize: 64 * 1024,
        connect: {
          timeout: connectTimeoutMs,
          noDelay: true,
          ...(secure ? { rejectUnauthorized: false, ...(servername !== "" ? { servername } : {}) } : {}),
        },
      });
      entry = { pool, endpointKey: endpoint.key };
      this.pools.set(key, entry);
    }
    return entry.pool;
  }

  /** Closes (gracefully: requests in flight finish) the pools of endpoints no snapshot names any more. */
  retain(endpointKeys: ReadonlySet<string>): void {
    for (const [key, entry] of this.pools) {
      if (endpointKeys.has(entry.endpointKey)) continue;
      this.pools.delete(key);
      entry.pool.close().catch(() => undefined);
    }
  }

  /** Pools held (tests). */
  get size(): number {
    return this.pools.size;
  }

  private dropUnused(): void {
    for (const [key, entry] of this.pools) {
      const stats = entry.pool.stats;
      if (stats.connected + stats.pending + stats.running > 0) continue;
      this.pools.delete(key);
      entry.pool.close().catch(() => undefined);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const entry of this.pools.values()) entry.pool.destroy().catch(() => undefined);
    this.pools.clear();
  }
}

/** An error the proxy raises itself to abort an upstream request. */
export class UpstreamTimeoutError extends Error {
  constructor(readonly kind: "connect_timeout" | "read_timeout" | "send_timeout") {
    super(`upstream ${kind.replace("_", " ")}`);
    this.name = "UpstreamTimeoutError";
  }
}

const CONNECT_ERRORS = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CONNECT",
]);

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

/** Whether the request failed before a connection to the upstream existed (so nothing was sent). */
export function isConnectFailure(error: unknown): boolean {
  if (error instanceof UpstreamTimeoutError) return error.kind === "connect_timeout";
  return CONNECT_ERRORS.has(codeOf(error));
}

/** Classifies an upstream request error. `connected` says whether the connection had been established. */
export function classifyUpstreamError(error: unknown, connected: boolean): UpstreamErrorKind {
  if (error instanceof UpstreamTimeoutError) {
    return error.kind === "send_timeout" ? "read_timeout" : error.kind;
  }
  const code = codeOf(error);
  if (code === "UND_ERR_CONNECT_TIMEOUT") return "connect_timeout";
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return "read_timeout";
  if (!connected || CONNECT_ERRORS.has(code)) {
    return code === "ECONNREFUSED" ? "connect_refused" : "connect_error";
  }
  if (code.startsWith("HPE_") || code === "UND_ERR_INFO" || (error as Error)?.name === "HTTPParserError") {
    return "protocol";
  }
  return "reset";
}

/** Calls `onConnected` once a node:http request's socket is connected (and TLS-established), or now if reused. */
export function whenConnected(
  request: import("node:http").ClientRequest,
  secure: boolean,
  connectTimeoutMs: number,
  onConnected: () => void,
): void {
  request.once("socket", (socket: import("node:net").Socket) => {
    if (request.reusedSocket || (!socket.connecting && !secure)) {
      onConnected();
      return;
    }
    const timer = setTimeout(
      () => request.destroy(new UpstreamTimeoutError("connect_timeout")),
      connectTimeoutMs,
    );
    const cancel = (): void => clearTimeout(timer);
    socket.once("close", cancel);
    socket.once(secure ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      socket.removeListener("close", cancel);
      onConnected();
    });
  });
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

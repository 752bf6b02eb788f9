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
  /** Idle connections one endpoint keeps over all its pools (TLS names), as the fast engine's pool. Default 256. */
  maxIdlePerEndpoint?: number;
}

interface PoolEntry {
  readonly key: string;
  readonly pool: Pool;
  readonly endpointKey: string;
  /** When a request last took the pool (ms): the least recently used name's pool goes first. */
  lastUsed: number;
}

export class UpstreamPools {
  private readonly pools = new Map<string, PoolEntry>();
  /** Per endpoint key, its pools (more than one only for HTTPS endpoints reached under several TLS names). */
  private readonly byEndpoint = new Map<string, Set<PoolEntry>>();
  private readonly keepAliveTimeoutMs: number;
  private readonly maxIdle: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: UpstreamPoolOptions = {}) {
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 30_000;
    this.maxIdle = options.maxIdlePerEndpoint ?? 256;
    // HTTPS backends get a pool per TLS name (the client's host, which a wildcard rule lets clients choose):
    // pools left without connections are dropped, so such names cannot make them pile up.
    this.sweeper = setInterval(() => this.dropUnused(), Math.min(this.keepAliveTimeoutMs, 30_000));
    this.sweeper.unref();
  }

  /** The pool for one endpoint; created on first use. */
  get(endpoint: UpstreamEndpoint, secure: boolean, connectTimeoutMs: number, servername: string): Pool {
    const key = `${secure ? "https" : "http"}|${endpoint.key}|${connectTimeoutMs}|${secure ? servername : ""}`;
    const existing = this.pools.get(key);
    if (existing) {
      if (secure) existing.lastUsed = Date.now(); // plain endpoints have one pool: nothing to choose from
      return existing.pool;
    }
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
    const entry: PoolEntry = { key, pool, endpointKey: endpoint.key, lastUsed: Date.now() };
    this.pools.set(key, entry);
    let siblings = this.byEndpoint.get(endpoint.key);
    if (!siblings) {
      siblings = new Set();
      this.byEndpoint.set(endpoint.key, siblings);
    }
    if (siblings.size > 0) this.keepWithinIdleBudget(siblings);
    siblings.add(entry);
    return pool;
  }

  /**
   * Before another TLS name's pool joins an endpoint: closes the least recently used pools (gracefully: their
   * requests in flight finish) until the idle connections of the rest leave a place for the new one's.
   */
  private keepWithinIdleBudget(siblings: Set<PoolEntry>): void {
    let idle = 0;
    for (const sibling of siblings) idle += sibling.pool.stats.free;
    while (idle > this.maxIdle - 1 && siblings.size > 0) {
      let oldest: PoolEntry | null = null;
      for (const sibling of siblings) {
        if (oldest === null || sibling.lastUsed < oldest.lastUsed) oldest = sibling;
      }
      idle -= oldest!.pool.stats.free;
      this.drop(oldest!);
    }
  }

  private drop(entry: PoolEntry): void {
    this.pools.delete(entry.key);
    const siblings = this.byEndpoint.get(entry.endpointKey);
    siblings?.delete(entry);
    if (siblings?.size === 0) this.byEndpoint.delete(entry.endpointKey);
    entry.pool.close().catch(() => undefined);
  }

  /** Closes (gracefully: requests in flight finish) the pools of endpoints no snapshot names any more. */
  retain(endpointKeys: ReadonlySet<string>): void {
    for (const entry of [...this.pools.values()]) if (!endpointKeys.has(entry.endpointKey)) this.drop(entry);
  }

  /** Pools held (tests). */
  get size(): number {
    return this.pools.size;
  }

  private dropUnused(): void {
    for (const entry of [...this.pools.values()]) {
      const stats = entry.pool.stats;
      if (stats.connected + stats.pending + stats.running + stats.queued === 0) this.drop(entry);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const entry of this.pools.values()) entry.pool.destroy().catch(() => undefined);
    this.pools.clear();
    this.byEndpoint.clear();
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

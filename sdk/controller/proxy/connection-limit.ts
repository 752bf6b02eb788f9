// The limit of open client connections per listener (--max-connections). Node checks server.maxConnections at
// accept and closes the connection over the limit before reading a byte (no TLS handshake, no HTTP parsing), which
// is the cheapest refusal there is: the client sees its connection closed and retries, usually through the load
// balancer to another replica. A connection handed to node:http for a WebSocket keeps its place until it closes,
// so tunnels count against the limit like the requests they started as.
// With --workers N this relies on each worker accepting its own connections (SCHED_NONE in workers.ts): under
// node:cluster's round robin a worker at its limit gives the connection back to the primary, which offers it
// again at once, a busy loop while every worker is full (measured on Node 20).
import type { Server } from "node:net";
import type { Logger } from "pino";
import type { ControllerMetrics, ListenerName } from "../metrics";

/** Default --max-connections: per listener and worker, as NGINX's worker_connections is per worker. */
export const DEFAULT_MAX_CONNECTIONS = 16_384;

/** Largest --max-connections accepted: Linux's default per-process open file ceiling (fs.nr_open). */
export const MAX_MAX_CONNECTIONS = 1_048_576;

/** While connections are being refused, at most one warning per this many ms. */
const WARNING_INTERVAL_MS = 10_000;

/**
 * Throws a RangeError naming the setting (`name`), the value as written and the fix unless `value` is a whole
 * number in range.
 */
export function validateMaxConnections(value: number, name: string, written = String(value)): void {
  if (Number.isInteger(value) && value >= 1 && value <= MAX_MAX_CONNECTIONS) return;
  throw new RangeError(
    `${name} "${written}" is not a connection count: use a whole number from 1 to ` +
      `${MAX_MAX_CONNECTIONS} (open client connections per listener and worker; default ${DEFAULT_MAX_CONNECTIONS}).`,
  );
}

export interface ConnectionLimitOptions {
  maxConnections: number;
  listener: ListenerName;
  logger: Logger;
  metrics?: ControllerMetrics;
}

export function limitConnections(server: Server, options: ConnectionLimitOptions): void {
  const { maxConnections, listener, logger } = options;
  server.maxConnections = maxConnections;
  let refusedSinceWarning = 0;
  let lastWarning = -Infinity;
  // "drop" (Node 18.6+) is emitted for every connection closed at accept because of maxConnections.
  server.on("drop", () => {
    options.metrics?.connectionRefused(listener);
    refusedSinceWarning++;
    const now = Date.now();
    if (now - lastWarning < WARNING_INTERVAL_MS) return;
    logger.warn(
      { listener, maxConnections, refused: refusedSinceWarning },
      "connection limit reached: refusing new connections; raise --max-connections or add replicas",
    );
    lastWarning = now;
    refusedSinceWarning = 0;
  });
}

// The plain HTTP listener: node:http with strict parsing (llhttp, insecureHTTPParser off: conflicting
// Content-Length/Transfer-Encoding, bad request lines and oversized heads are rejected) and limits on slow clients.
// Routing and forwarding live in ProxyHandler so a faster HTTP layer can replace this file.
import http from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { DEFAULT_MAX_CONNECTIONS, limitConnections } from "./connection-limit";
import { rejectionReason } from "./error-responses";
import { writeRawError } from "./raw-response";
import type { ProxyHandler } from "./proxy-handler";

export interface ListenerLimits {
  /** Largest request head in bytes (431 beyond). Default 16 KiB. */
  maxHeaderSize?: number;
  /** Time allowed to receive the whole request head, ms (408 beyond). Default 20 000. */
  headersTimeoutMs?: number;
  /** Time allowed to receive the whole request, ms. Default 300 000. */
  requestTimeoutMs?: number;
  /** Idle keep-alive connections close after this, ms. Default 75 000 (NGINX's default). */
  keepAliveTimeoutMs?: number;
  /** How often head and request timeouts are checked, ms. Default 1 000. */
  connectionsCheckingIntervalMs?: number;
  /** Open client connections beyond which new ones are closed at accept. Default DEFAULT_MAX_CONNECTIONS. */
  maxConnections?: number;
}

export function serverOptions(limits: ListenerLimits): http.ServerOptions {
  return {
    insecureHTTPParser: false,
    maxHeaderSize: limits.maxHeaderSize ?? 16 * 1024,
    headersTimeout: limits.headersTimeoutMs ?? 20_000,
    requestTimeout: limits.requestTimeoutMs ?? 300_000,
    keepAliveTimeout: limits.keepAliveTimeoutMs ?? 75_000,
    connectionsCheckingInterval: limits.connectionsCheckingIntervalMs ?? 1_000,
    requireHostHeader: true,
    noDelay: true,
  };
}

/** Answers requests the parser rejected: 431 for oversized heads, 408 for slow ones, 400 for the rest. */
export function handleClientError(error: NodeJS.ErrnoException, socket: Duplex, logger: Logger): void {
  const code = error.code ?? "";
  if (code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = code === "HPE_HEADER_OVERFLOW" ? 431 : code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const reason = rejectionReason(status);
  logger.debug({ code, status }, "rejected malformed request");
  writeRawError(socket, status, reason);
}

export function attachProxy(
  server: http.Server,
  handler: ProxyHandler,
  secure: boolean,
  logger: Logger,
): void {
  server.on("request", (req, res) => handler.handleRequest(req, res, secure));
  // With a listener here node:http leaves `Expect: 100-continue` to us: no 100 before the routing and size checks.
  server.on("checkContinue", (req, res) => handler.handleRequest(req, res, secure, true));
  server.on("upgrade", (req, socket, head) => handler.handleUpgrade(req, socket, head, secure));
  server.on("clientError", (error, socket) => handleClientError(error, socket, logger));
}

export function createHttpListener(
  handler: ProxyHandler,
  limits: ListenerLimits,
  logger: Logger,
): http.Server {
  const server = http.createServer(serverOptions(limits));
  attachProxy(server, handler, false, logger);
  limitConnections(server, {
    maxConnections: limits.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    listener: "http",
    logger,
    metrics: handler.metrics,
  });
  return server;
}

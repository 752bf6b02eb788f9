// The HTTPS listener: TLS 1.2+ with the certificate chosen per SNI name from the current snapshot (exact host over
// wildcard, by the matcher's tlsSecretFor), the fallback certificate for unknown or missing names. ALPN offers
// http/1.1 only (HTTP/2 is not implemented: node:http2's compatibility layer would double the request path).
import https from "node:https";
import type { SecureContext } from "node:tls";
import type { Logger } from "pino";
import { DEFAULT_MAX_CONNECTIONS, limitConnections } from "./connection-limit";
import type { FallbackCertificate } from "./fallback-certificate";
import { attachProxy, serverOptions, type ListenerLimits } from "./http-listener";
import type { ProxyHandler, SnapshotReader } from "./proxy-handler";
import { TLS_CONTEXT_OPTIONS } from "./tls-settings";

/** The SecureContext for an SNI name: the Ingress secret serving it, else the fallback. */
export function selectContext(
  snapshots: SnapshotReader,
  fallback: SecureContext,
  servername: string,
): SecureContext {
  const snapshot = snapshots.current();
  if (!snapshot) return fallback;
  const match = snapshot.table.tlsSecretFor(servername);
  if (!match) return fallback;
  return snapshot.tls.get(`${match.namespace}/${match.secretName}`)?.context ?? fallback;
}

export interface TlsListenerOptions {
  handler: ProxyHandler;
  snapshots: SnapshotReader;
  fallback: FallbackCertificate;
  limits: ListenerLimits;
  logger: Logger;
  /** TLS handshake must finish within this, ms. Default 10 000. */
  handshakeTimeoutMs?: number;
  /** Session ticket keys (48 bytes) shared by every worker, so a client resumes on any of them. */
  ticketKeys?: Buffer;
}

export function createTlsListener(options: TlsListenerOptions): https.Server {
  const { fallback, snapshots, logger } = options;
  const server = https.createServer({
    ...serverOptions(options.limits),
    ...TLS_CONTEXT_OPTIONS,
    cert: fallback.cert,
    key: fallback.key,
    ALPNProtocols: ["http/1.1"],
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    ...(options.ticketKeys ? { ticketKeys: options.ticketKeys } : {}),
    SNICallback: (servername, callback) => {
      try {
        callback(null, selectContext(snapshots, fallback.context, servername));
      } catch (error) {
        callback(error as Error, undefined);
      }
    },
  });
  attachProxy(server, options.handler, true, logger);
  limitConnections(server, {
    maxConnections: options.limits.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    listener: "https",
    logger,
    metrics: options.handler.metrics,
  });
  server.on("tlsClientError", (error: NodeJS.ErrnoException, socket) => {
    logger.debug({ code: error.code, reason: error.message }, "TLS handshake failed");
    socket.destroy();
  });
  return server;
}

// The fast HTTP/1.1 listeners: bare net (plain) and tls (HTTPS, certificate per SNI name) servers whose
// connections are ClientConnections, instead of node:http's request/response objects. Requests that switch
// protocols are handed to a node:http server that never listens (it only adopts connections), so WebSocket
// tunnelling stays in one place. Head, request and keep-alive timeouts are checked by one sweep per listener, not
// by a timer per request. Exposes the same shutdown calls as http.Server (close, closeIdleConnections,
// closeAllConnections) so the controller treats both engines alike.
import http from "node:http";
import net, { type Socket } from "node:net";
import tls from "node:tls";
import type { Logger } from "pino";
import { DEFAULT_REQUEST_HEAD_LIMITS } from "../http1/request-head";
import { ClientConnection, type ConnectionContext } from "./client-connection";
import { DEFAULT_MAX_CONNECTIONS, limitConnections } from "./connection-limit";
import type { FallbackCertificate } from "./fallback-certificate";
import { attachProxy, serverOptions, type ListenerLimits } from "./http-listener";
import type { ProxyHandler, SnapshotReader } from "./proxy-handler";
import { selectContext } from "./tls-listener";
import { TLS_CONTEXT_OPTIONS } from "./tls-settings";

/** A listening proxy server of either engine, as the controller drives it. */
export interface ProxyServer {
  readonly server: net.Server;
  /** Closes connections that are between requests. */
  closeIdleConnections(): void;
  /** Closes every connection now. */
  closeAllConnections(): void;
}

/** A closing connection (our side ended) is destroyed after this even if the peer never closes its side. */
const CLOSING_LINGER_MS = 5_000;

export interface FastListenerOptions {
  handler: ProxyHandler;
  limits: ListenerLimits;
  logger: Logger;
  /** HTTPS: the certificate source; absent for plain HTTP. */
  tls?: {
    snapshots: SnapshotReader;
    fallback: FallbackCertificate;
    /** TLS handshake must finish within this, ms. Default 10 000. */
    handshakeTimeoutMs?: number;
    /** Session ticket keys (48 bytes) shared by every worker, so a client resumes on any of them. */
    ticketKeys?: Buffer;
  };
}

export class FastListener implements ProxyServer, ConnectionContext {
  readonly server: net.Server;
  readonly proxy: ProxyHandler;
  readonly logger: Logger;
  readonly headLimits;
  private readonly connections = new Set<ClientConnection>();
  /** Connections given to node:http (upgrades) and not closed yet. */
  private readonly handedOver = new Set<Socket>();
  /** Adopts upgraded connections; created on the first upgrade. */
  private upgrades: http.Server | null = null;
  private readonly sweeper: NodeJS.Timeout;
  private readonly headersTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly keepAliveTimeoutMs: number;

  constructor(private readonly options: FastListenerOptions) {
    this.proxy = options.handler;
    this.logger = options.logger;
    const limits = options.limits;
    this.headLimits = {
      ...DEFAULT_REQUEST_HEAD_LIMITS,
      maxHeadBytes: limits.maxHeaderSize ?? DEFAULT_REQUEST_HEAD_LIMITS.maxHeadBytes,
    };
    this.headersTimeoutMs = limits.headersTimeoutMs ?? 20_000;
    this.requestTimeoutMs = limits.requestTimeoutMs ?? 300_000;
    this.keepAliveTimeoutMs = limits.keepAliveTimeoutMs ?? 75_000;
    const secure = options.tls !== undefined;
    if (options.tls) {
      const { snapshots, fallback } = options.tls;
      this.server = tls.createServer(
        {
          ...TLS_CONTEXT_OPTIONS,
          cert: fallback.cert,
          key: fallback.key,
          ALPNProtocols: ["http/1.1"],
          handshakeTimeout: options.tls.handshakeTimeoutMs ?? 10_000,
          ...(options.tls.ticketKeys ? { ticketKeys: options.tls.ticketKeys } : {}),
          // Not during the handshake: a half-open socket whose client left mid-handshake would wait for the
          // handshake timeout (and hold up a shutdown). accept() allows it once the handshake is done.
          allowHalfOpen: false,
          SNICallback: (servername, callback) => {
            try {
              callback(null, selectContext(snapshots, fallback.context, servername));
            } catch (error) {
              callback(error as Error, undefined);
            }
          },
        },
        (socket) => this.accept(socket, true),
      );
      this.server.on("tlsClientError", (error: NodeJS.ErrnoException, socket) => {
        this.logger.debug({ code: error.code, reason: error.message }, "TLS handshake failed");
        socket.destroy();
      });
    } else {
      this.server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) =>
        this.accept(socket, secure),
      );
    }
    limitConnections(this.server, {
      maxConnections: limits.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      listener: secure ? "https" : "http",
      logger: this.logger,
      metrics: this.proxy.metrics,
    });
    this.sweeper = setInterval(() => this.sweep(), limits.connectionsCheckingIntervalMs ?? 1_000);
    this.sweeper.unref();
    this.server.once("close", () => clearInterval(this.sweeper));
  }

  private accept(socket: Socket, secure: boolean): void {
    if (secure) {
      socket.setNoDelay(true);
      // A client may send its request and half-close: its response still goes out (client-connection.ts).
      socket.allowHalfOpen = true;
    }
    this.connections.add(new ClientConnection(socket, secure, this));
  }

  closed(connection: ClientConnection): void {
    this.connections.delete(connection);
  }

  handOver(socket: Socket, secure: boolean): void {
    // node:http tracks (and times out) only connections of a listening server: these are ours to close.
    this.handedOver.add(socket);
    socket.once("close", () => this.handedOver.delete(socket));
    if (!this.upgrades) {
      this.upgrades = http.createServer(serverOptions(this.options.limits));
      attachProxy(this.upgrades, this.proxy, secure, this.logger);
    }
    this.upgrades.emit("connection", socket);
    socket.resume();
  }

  /** Enforces the head, request and keep-alive timeouts, and how long a closing connection may linger. */
  private sweep(): void {
    const now = Date.now();
    for (const connection of this.connections) {
      if (connection.closing) {
        if (connection.closingSince + CLOSING_LINGER_MS <= now) connection.destroy();
      } else if (connection.idle) {
        // Between requests the keep-alive timeout applies; before the first, the head timeout.
        const limit = connection.served > 0 ? this.keepAliveTimeoutMs : this.headersTimeoutMs;
        if (connection.idleSince + limit <= now) connection.closeIfIdle();
      } else if (connection.readingHead) {
        if (connection.headStartedAt + this.headersTimeoutMs <= now) connection.timedOut();
      } else if (connection.readingBody && connection.requestStartedAt + this.requestTimeoutMs <= now) {
        connection.timedOut();
      }
    }
  }

  closeIdleConnections(): void {
    for (const connection of this.connections) connection.closeIfIdle();
  }

  closeAllConnections(): void {
    for (const connection of this.connections) connection.destroy();
    for (const socket of this.handedOver) socket.destroy();
  }
}

// The proxy's request path, independent of the listener that accepted the request: read the current snapshot
// once, match, redirect or answer errors, pick an endpoint, forward over a keep-alive pool, retry once on another
// endpoint when connecting fails, stream the response back. Listeners (node:http today, maybe a faster HTTP layer
// later) only call handleRequest/handleUpgrade.
import { ServerResponse, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import type { UpstreamEndpoint } from "../backend-resolver";
import type { ControllerMetrics, UpstreamErrorKind } from "../metrics";
import type { RouteTarget, Snapshot } from "../snapshot";
import { affinitySetCookie, readCookie } from "./affinity-cookie";
import { EndpointHealth } from "./endpoint-health";
import { EndpointPicker } from "./endpoint-picker";
import { sendPlain, sendProxyError, type ProxyReason } from "./error-responses";
import { BodyTooLargeError, ForwardedBody } from "./forwarded-body";
import { buildForwardedHead, flattenResponseHeaders } from "./forwarded-headers";
import { routeRequest } from "./route-request";
import { TrustedProxies } from "./trusted-proxies";
import {
  UpstreamPools,
  UpstreamTimeoutError,
  classifyUpstreamError,
  isIdempotent,
  isConnectFailure,
} from "./upstream";
import { UpstreamConnectionPool } from "./upstream-connection-pool";
import { UpstreamExchange } from "./upstream-exchange";
import { hostHeaderProblem, isWebSocketUpgrade } from "./request-checks";
import { proxyWebSocket } from "./websocket";

export interface SnapshotReader {
  current(): Snapshot | null;
}

export interface ProxyHandlerOptions {
  snapshots: SnapshotReader;
  logger: Logger;
  metrics?: ControllerMetrics;
  trustedProxies?: TrustedProxies;
  /** Log one line per request. Default false. */
  accessLog?: boolean;
  /** HTTPS port used in redirects when the client addressed us with an explicit port. Default 443. */
  httpsPort?: number;
  health?: EndpointHealth;
  pools?: UpstreamPools;
  connections?: UpstreamConnectionPool;
  random?: () => number;
}

/** One finished request, for metrics and the access log. */
export interface FinishedRequest {
  readonly method: string;
  readonly host: string | undefined;
  /** The request-target as sent. */
  readonly target: string;
  readonly status: number;
  /** process.hrtime.bigint() when the request head was read. */
  readonly started: bigint;
  readonly route: RouteTarget | null;
  readonly endpoint: UpstreamEndpoint | null;
  readonly requestId: string | null;
  readonly client: string | undefined;
}

/** At most this many upstream attempts per request: the first and one retry on another endpoint. */
export const MAX_ATTEMPTS = 2;

/** What one request carries through its attempts. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly target: RouteTarget;
  readonly method: string;
  readonly path: string;
  readonly headers: string[];
  readonly requestId: string;
  readonly secure: boolean;
  readonly servername: string;
  readonly affinity: string | null;
  readonly hasBody: boolean;
  /** The client waits for `100 Continue` before sending the body: sent when the upstream starts taking it. */
  readonly expectContinue: boolean;
  readonly started: bigint;
  endpoint: UpstreamEndpoint | null;
  attempts: number;
  exclude: Set<string> | null;
  lastFailure: UpstreamErrorKind | null;
}

export { splitHost } from "./route-request";

export function reasonFor(kind: UpstreamErrorKind | null): ProxyReason {
  switch (kind) {
    case "connect_timeout":
    case "read_timeout":
      return "upstreamTimeout";
    case "protocol":
      return "upstreamProtocol";
    default:
      return "upstreamConnect";
  }
}

export class ProxyHandler {
  readonly health: EndpointHealth;
  readonly pools: UpstreamPools;
  /** Keep-alive upstream connections of the fast HTTP/1.1 path (the node:http path uses `pools`). */
  readonly connections: UpstreamConnectionPool;
  readonly picker: EndpointPicker;
  readonly trusted: TrustedProxies;
  private readonly upgraded = new Set<Duplex>();
  private closing = false;
  private redirectHttpsPort: number;

  constructor(private readonly options: ProxyHandlerOptions) {
    this.health = options.health ?? new EndpointHealth();
    this.pools = options.pools ?? new UpstreamPools();
    this.connections = options.connections ?? new UpstreamConnectionPool();
    this.picker = new EndpointPicker(this.health, options.random);
    this.trusted = options.trustedProxies ?? new TrustedProxies([]);
    this.redirectHttpsPort = options.httpsPort ?? 443;
  }

  /** The HTTPS port named in redirects when the client addressed us with an explicit port. */
  setRedirectHttpsPort(port: number): void {
    this.redirectHttpsPort = port;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  get redirectPort(): number {
    return this.redirectHttpsPort;
  }

  get snapshots(): SnapshotReader {
    return this.options.snapshots;
  }

  get logger(): Logger {
    return this.options.logger;
  }

  get metrics(): ControllerMetrics | undefined {
    return this.options.metrics;
  }

  /** Responses carry `Connection: close` from now on (graceful shutdown). */
  startClosing(): void {
    this.closing = true;
  }

  /** Closes tunnels (WebSockets) and the upstream pools. */
  close(): void {
    for (const socket of this.upgraded) socket.destroy();
    this.upgraded.clear();
    this.pools.close();
    this.connections.close();
  }

  get openTunnels(): number {
    return this.upgraded.size;
  }

  /** Forgets per-endpoint state that no snapshot needs (call after a swap). */
  retainEndpoints(snapshot: Snapshot): void {
    const keys = new Set<string>();
    const services = new Set<string>();
    for (const target of snapshot.targets) {
      services.add(target.serviceLabel);
      for (const endpoint of target.endpoints) keys.add(endpoint.key);
    }
    this.health.retain(keys);
    this.pools.retain(keys);
    this.connections.retain(keys);
    this.picker.retain(services);
  }

  /**
   * `expectContinue`: the request came through node:http's `checkContinue` event (`Expect: 100-continue`), so
   * no `100 Continue` has been sent: it goes out when the upstream is ready for the body, after the routing and
   * body-size checks; an answer of our own comes instead of it and closes (the body may never come).
   */
  handleRequest(req: IncomingMessage, res: ServerResponse, secure: boolean, expectContinue = false): void {
    const started = process.hrtime.bigint();
    if (this.closing || expectContinue) res.shouldKeepAlive = false;
    const host = req.headers.host ?? "";
    if (hostHeaderProblem(req) !== null) {
      res.shouldKeepAlive = false;
      this.finishOwn(req, res, started, null, "badRequest");
      return;
    }
    const contentLength = req.headers["content-length"];
    const decision = routeRequest(
      this.options.snapshots.current(),
      {
        host,
        target: req.url ?? "/",
        secure,
        contentLength: contentLength === undefined ? -1 : Number(contentLength),
      },
      this.redirectHttpsPort,
    );
    if (decision.kind === "answer") {
      if (decision.close) res.shouldKeepAlive = false;
      if (decision.reason === "noEndpoints") this.options.metrics?.upstreamError("no_endpoints");
      this.finishOwn(req, res, started, decision.target, decision.reason);
      return;
    }
    if (decision.kind === "redirect") {
      const location = decision.location;
      res.setHeader("location", location);
      this.observe(req, res, started, decision.target, null, () =>
        sendPlain(res, 308, `308 Permanent Redirect: ${location}\n`),
      );
      return;
    }
    const { target, path } = decision;
    if (expectContinue) res.shouldKeepAlive = !this.closing; // forwarded: the body is read, continue or not
    const head = buildForwardedHead({
      rawHeaders: req.rawHeaders,
      remoteAddress: req.socket.remoteAddress ?? "",
      trusted: this.trusted.trusts(req.socket.remoteAddress),
      proto: secure ? "https" : "http",
      host,
      port: req.socket.localPort ?? 0,
    });
    const cookie = target.options.affinityCookie;
    const exchange: Exchange = {
      req,
      res,
      target,
      method: req.method ?? "GET",
      path,
      headers: head.headers,
      requestId: head.requestId,
      secure,
      servername: decision.servername,
      affinity: cookie !== null ? readCookie(req.headers.cookie, cookie) : null,
      hasBody:
        contentLength !== undefined ? contentLength !== "0" : req.headers["transfer-encoding"] !== undefined,
      expectContinue,
      started,
      endpoint: null,
      attempts: 0,
      exclude: null,
      lastFailure: null,
    };
    res.once("close", () => this.recordDone(exchange));
    this.attempt(exchange);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, secure: boolean): void {
    if (!isWebSocketUpgrade(req) || hostHeaderProblem(req) !== null) {
      // Any other upgrade (h2c, say) is answered as a plain HTTP/1.1 request on this one connection: the
      // Upgrade and Connection headers are hop-by-hop and not forwarded, and the connection closes after the
      // response, so whatever the client sent behind the request (`head`) is never read, let alone routed.
      const connection = socket as Socket;
      const res = new ServerResponse(req);
      res.assignSocket(connection);
      res.shouldKeepAlive = false;
      res.once("finish", () => connection.destroySoon());
      this.handleRequest(req, res, secure);
      return;
    }
    // Tracked from the handshake on, not only once tunnelled: shutdown closes one still waiting for its upstream.
    this.upgraded.add(socket);
    socket.once("close", () => this.upgraded.delete(socket));
    proxyWebSocket(
      {
        snapshot: this.options.snapshots.current(),
        picker: this.picker,
        health: this.health,
        trusted: this.trusted,
        logger: this.options.logger,
        metrics: this.options.metrics,
        tunnels: this.upgraded,
        closing: this.closing,
        redirectHttpsPort: this.redirectHttpsPort,
        record: (entry) => this.recordRequest(entry),
      },
      req,
      socket,
      head,
      secure,
    );
  }

  private attempt(exchange: Exchange): void {
    const { req, res, target } = exchange;
    const endpoint = this.picker.pick(target, exchange.exclude, exchange.affinity);
    if (endpoint === null) {
      sendProxyError(res, reasonFor(exchange.lastFailure), exchange.requestId);
      return;
    }
    exchange.endpoint = endpoint;
    exchange.attempts++;
    const options = target.options;
    const secureUpstream = options.backendProtocol === "HTTPS";
    const pool = this.pools.get(endpoint, secureUpstream, options.connectTimeoutMs, exchange.servername);
    const body = exchange.hasBody
      ? new ForwardedBody(
          req,
          options.maxBodyBytes,
          options.sendTimeoutMs,
          exchange.expectContinue ? () => res.writeContinue() : null,
        )
      : null;
    this.health.begin(endpoint.key);
    const handler = new UpstreamExchange(res, endpoint, body, {
      responseHeaders: (picked, headers) => {
        this.health.connected(picked.key);
        const raw = flattenResponseHeaders(headers);
        // The client gets the id the upstream saw, so one value ties its report to both logs.
        if (headers["x-request-id"] === undefined) raw.push("X-Request-Id", exchange.requestId);
        if (options.affinityCookie !== null && exchange.affinity !== picked.cookieId) {
          raw.push("Set-Cookie", affinitySetCookie(options.affinityCookie, picked.cookieId, exchange.secure));
        }
        if (this.closing) res.shouldKeepAlive = false;
        return raw;
      },
      settled: (picked) => this.health.end(picked.key),
      failedBeforeResponse: (picked, error, sent) => this.failed(exchange, picked, error, sent),
      failedDuringResponse: (error) =>
        this.options.metrics?.upstreamError(classifyUpstreamError(error, true)),
    });
    pool.dispatch(
      {
        method: exchange.method as Dispatcher.HttpMethod,
        path: exchange.path,
        headers: exchange.headers,
        body,
        headersTimeout: options.readTimeoutMs,
        bodyTimeout: options.readTimeoutMs,
      },
      handler,
    );
  }

  private failed(
    exchange: Exchange,
    endpoint: UpstreamEndpoint,
    error: unknown,
    body: ForwardedBody | null,
  ): void {
    const { res, target } = exchange;
    // A body read in part cannot be left for node:http to read to its end (it could be any size): close after the
    // answer.
    if (body !== null && body.started && !body.complete) res.shouldKeepAlive = false;
    if (error instanceof BodyTooLargeError) {
      res.shouldKeepAlive = false;
      sendProxyError(res, "bodyTooLarge", exchange.requestId);
      return;
    }
    if (error instanceof UpstreamTimeoutError && error.kind === "send_timeout") {
      res.shouldKeepAlive = false;
      sendProxyError(res, "bodyTimeout", exchange.requestId);
      return;
    }
    const connectFailure = isConnectFailure(error);
    const kind = classifyUpstreamError(error, !connectFailure);
    exchange.lastFailure = kind;
    this.options.metrics?.upstreamError(kind);
    if (connectFailure) {
      const ejectedMs = this.health.connectFailed(endpoint.key);
      if (ejectedMs > 0) {
        this.options.logger.warn(
          { endpoint: endpoint.key, service: target.serviceLabel, ejectedMs },
          "upstream endpoint ejected after consecutive connect failures",
        );
      }
    }
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    // A connection that failed sent nothing; a reset before any body byte was read is safe to replay when the
    // method is idempotent (typically a keep-alive connection the upstream closed at that moment).
    const replayable = kind === "reset" && !(body?.started ?? false) && isIdempotent(exchange.method);
    if ((connectFailure || replayable) && exchange.attempts < MAX_ATTEMPTS) {
      if (connectFailure) (exchange.exclude ??= new Set()).add(endpoint.key);
      this.options.logger.debug(
        { endpoint: endpoint.key, kind, requestId: exchange.requestId },
        "retrying upstream",
      );
      this.attempt(exchange);
      return;
    }
    this.options.logger.warn(
      {
        endpoint: endpoint.key,
        service: target.serviceLabel,
        kind,
        requestId: exchange.requestId,
        err: error instanceof Error ? error.message : String(error),
      },
      "upstream request failed",
    );
    sendProxyError(res, reasonFor(kind), exchange.requestId);
  }

  private finishOwn(
    req: IncomingMessage,
    res: ServerResponse,
    started: bigint,
    target: RouteTarget | null,
    reason: ProxyReason,
  ): void {
    this.observe(req, res, started, target, null, () => sendProxyError(res, reason));
  }

  private observe(
    req: IncomingMessage,
    res: ServerResponse,
    started: bigint,
    target: RouteTarget | null,
    endpoint: UpstreamEndpoint | null,
    send: () => void,
  ): void {
    res.once("close", () => this.record(req, res, started, target, endpoint, null));
    send();
  }

  private recordDone(exchange: Exchange): void {
    this.record(
      exchange.req,
      exchange.res,
      exchange.started,
      exchange.target,
      exchange.endpoint,
      exchange.requestId,
    );
  }

  private record(
    req: IncomingMessage,
    res: ServerResponse,
    started: bigint,
    target: RouteTarget | null,
    endpoint: UpstreamEndpoint | null,
    requestId: string | null,
  ): void {
    this.recordRequest({
      method: req.method ?? "",
      host: req.headers.host,
      target: req.url ?? "",
      status: res.headersSent ? res.statusCode : 499,
      started,
      route: target,
      endpoint,
      requestId,
      client: req.socket.remoteAddress,
    });
  }

  /** Counts a finished request in the metrics and, when asked, the access log. Status 499: the client left. */
  recordRequest(entry: FinishedRequest): void {
    const { route: target, status } = entry;
    const seconds = Number(process.hrtime.bigint() - entry.started) / 1e9;
    this.options.metrics?.observeRequest(
      target?.ingressLabel ?? "",
      target?.serviceLabel ?? "",
      status,
      seconds,
    );
    if (this.options.accessLog) {
      this.options.logger.info(
        {
          requestId: entry.requestId,
          method: entry.method,
          host: entry.host,
          path: entry.target,
          status,
          ms: Math.round(seconds * 10_000) / 10,
          ingress: target?.ingressLabel,
          service: target?.serviceLabel,
          upstream: entry.endpoint?.key,
          client: entry.client,
        },
        "access",
      );
    }
  }
}

// WebSocket (and any HTTP/1.1 Upgrade): route like a request, open a fresh upstream connection, forward the
// upgrade request, and once the upstream answers 101 tunnel bytes both ways (tunnel.ts) until either side closes
// or nothing flows for the route's read timeout. A non-101 answer is passed to the client as a normal response.
// One retry on another endpoint when connecting fails. Each upgrade request is counted once, when it is answered
// (101 for a tunnel), in the request metrics and the access log like any other request.
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { UpstreamEndpoint } from "../backend-resolver";
import type { ControllerMetrics } from "../metrics";
import type { RouteTarget, Snapshot } from "../snapshot";
import { readCookie } from "./affinity-cookie";
import type { EndpointHealth } from "./endpoint-health";
import type { EndpointPicker } from "./endpoint-picker";
import { ProxyReasons, type ProxyReason } from "./error-responses";
import { buildForwardedHead } from "./forwarded-headers";
import type { FinishedRequest } from "./proxy-handler";
import { writeRawProxyError, writeRawResponse } from "./raw-response";
import { routeRequest } from "./route-request";
import type { TrustedProxies } from "./trusted-proxies";
import { openTunnel } from "./tunnel";
import { UpstreamTimeoutError, classifyUpstreamError, whenConnected } from "./upstream";

export interface WebSocketContext {
  snapshot: Snapshot | null;
  picker: EndpointPicker;
  health: EndpointHealth;
  trusted: TrustedProxies;
  logger: Logger;
  metrics?: ControllerMetrics;
  /** Open client sockets of established tunnels, closed on shutdown. */
  tunnels: Set<Duplex>;
  closing: boolean;
  /** The HTTPS port named in redirects when the client addressed us with an explicit port. */
  redirectHttpsPort: number;
  /** Counts the answered upgrade in the request metrics and, when enabled, the access log (recordRequest). */
  record(entry: FinishedRequest): void;
}

function rawHead(statusLine: string, rawHeaders: readonly string[]): string {
  let head = `${statusLine}\r\n`;
  for (let i = 0; i < rawHeaders.length; i += 2) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return `${head}\r\n`;
}

export function proxyWebSocket(
  context: WebSocketContext,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  secure: boolean,
): void {
  const started = process.hrtime.bigint();
  let route: RouteTarget | null = null;
  let endpoint: UpstreamEndpoint | null = null;
  let requestId: string | null = null;
  let answered = false;
  /** Counts the request once, with the status the client got (499: it left before any answer). */
  const answer = (status: number): void => {
    if (answered) return;
    answered = true;
    const entry: FinishedRequest = {
      method: req.method ?? "",
      host: req.headers.host,
      target: req.url ?? "",
      status,
      started,
      route,
      endpoint,
      requestId,
      client: req.socket.remoteAddress,
    };
    context.record(entry);
  };
  socket.on("error", () => socket.destroy());
  const fail = (reason: ProxyReason): void => {
    answer(socket.destroyed ? 499 : ProxyReasons[reason][0]);
    writeRawProxyError(socket, reason);
  };
  if (context.snapshot && context.closing) return fail("shuttingDown");
  const host = req.headers.host ?? "";
  // The same decision as for plain requests, the HTTPS redirect included: a WebSocket to a TLS host over plain
  // HTTP gets the 308 (browsers then connect with wss://) instead of a tunnel in clear text.
  const decision = routeRequest(
    context.snapshot,
    { host, target: req.url ?? "/", secure, contentLength: -1 },
    context.redirectHttpsPort,
  );
  route = decision.target;
  if (decision.kind === "answer") return fail(decision.reason);
  if (decision.kind === "redirect") {
    const location = decision.location;
    answer(308);
    writeRawResponse(socket, 308, `308 Permanent Redirect: ${location}\n`, `Location: ${location}\r\n`);
    return;
  }
  const { target, path } = decision;
  const forwarded = buildForwardedHead({
    rawHeaders: req.rawHeaders,
    remoteAddress: req.socket.remoteAddress ?? "",
    trusted: context.trusted.trusts(req.socket.remoteAddress),
    proto: secure ? "https" : "http",
    host,
    port: req.socket.localPort ?? 0,
    upgrade: true,
  });
  requestId = forwarded.requestId;
  const cookie = target.options.affinityCookie;
  const affinity = cookie !== null ? readCookie(req.headers.cookie, cookie) : null;
  let exclude: Set<string> | null = null;

  const attempt = (attemptNo: number): void => {
    const picked: UpstreamEndpoint | null = context.picker.pick(target, exclude, affinity);
    if (!picked) return fail("upstreamConnect");
    endpoint = picked;
    const secureUpstream = target.options.backendProtocol === "HTTPS";
    const options: https.RequestOptions = {
      host: picked.address,
      port: picked.port,
      method: req.method,
      path,
      headers: forwarded.headers as unknown as http.OutgoingHttpHeaders,
      setHost: false,
      agent: false,
    };
    if (secureUpstream) options.rejectUnauthorized = false;
    const upstream = (secureUpstream ? https : http).request(options);
    let connected = false;
    whenConnected(upstream, secureUpstream, target.options.connectTimeoutMs, () => {
      connected = true;
      context.health.connected(picked.key);
      upstream.setTimeout(target.options.readTimeoutMs, () =>
        upstream.destroy(new UpstreamTimeoutError("read_timeout")),
      );
      upstream.end();
    });
    const onClientGone = (): void => {
      answer(499);
      upstream.destroy();
    };
    socket.once("close", onClientGone);

    upstream.once("upgrade", (upstreamRes: IncomingMessage, upstreamSocket: Socket, upstreamHead: Buffer) => {
      socket.removeListener("close", onClientGone);
      upstreamSocket.setTimeout(0);
      if (socket.destroyed) {
        answer(499);
        upstreamSocket.destroy();
        return;
      }
      answer(101);
      socket.write(
        rawHead(`HTTP/1.1 101 ${upstreamRes.statusMessage || "Switching Protocols"}`, upstreamRes.rawHeaders),
      );
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      if (head.length > 0) upstreamSocket.write(head);
      context.tunnels.add(socket);
      context.metrics?.tunnelOpened();
      // The route's read timeout is the tunnel's idle timeout, as ingress-nginx's proxy-read-timeout is.
      const idleTimeoutMs = target.options.readTimeoutMs;
      openTunnel(socket, upstreamSocket, {
        idleTimeoutMs,
        onClose: (end) => {
          context.tunnels.delete(socket);
          context.metrics?.tunnelClosed();
          if (end === "idle") {
            context.logger.debug(
              { ingress: target.ingressLabel, endpoint: picked.key, requestId, idleTimeoutMs },
              "websocket tunnel closed after its idle timeout",
            );
          }
        },
      });
    });

    upstream.once("response", (upstreamRes: IncomingMessage) => {
      socket.removeListener("close", onClientGone);
      answer(upstreamRes.statusCode ?? 0);
      // No upgrade: pass the answer on as a plain response and close.
      const headers = upstreamRes.rawHeaders.filter((_, i, all) => {
        const name = (i % 2 === 0 ? all[i] : all[i - 1])!.toLowerCase();
        return name !== "connection" && name !== "transfer-encoding" && name !== "keep-alive";
      });
      headers.push("Connection", "close");
      socket.write(rawHead(`HTTP/1.1 ${upstreamRes.statusCode} ${upstreamRes.statusMessage ?? ""}`, headers));
      upstreamRes.pipe(socket);
      upstreamRes.on("error", () => socket.destroy());
    });

    upstream.once("error", (error) => {
      socket.removeListener("close", onClientGone);
      const kind = classifyUpstreamError(error, connected);
      context.metrics?.upstreamError(kind);
      if (!connected) context.health.connectFailed(picked.key);
      if (!connected && attemptNo < 2 && !socket.destroyed) {
        (exclude ??= new Set()).add(picked.key);
        attempt(attemptNo + 1);
        return;
      }
      context.logger.warn({ endpoint: picked.key, kind, err: error.message }, "websocket upstream failed");
      fail(kind === "connect_timeout" || kind === "read_timeout" ? "upstreamTimeout" : "upstreamConnect");
    });
  };
  attempt(1);
}

// WebSocket (and any HTTP/1.1 Upgrade): route like a request, open a fresh upstream connection, forward the
// upgrade request, and once the upstream answers 101 tunnel bytes both ways until either side closes. A non-101
// answer is passed to the client as a normal response. One retry on another endpoint when connecting fails.
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { UpstreamEndpoint } from "../backend-resolver";
import type { ControllerMetrics } from "../metrics";
import type { Snapshot } from "../snapshot";
import { readCookie } from "./affinity-cookie";
import type { EndpointHealth } from "./endpoint-health";
import type { EndpointPicker } from "./endpoint-picker";
import type { ProxyReason } from "./error-responses";
import { buildForwardedHead } from "./forwarded-headers";
import { writeRawProxyError, writeRawResponse } from "./raw-response";
import { routeRequest } from "./route-request";
import type { TrustedProxies } from "./trusted-proxies";
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
  socket.on("error", () => socket.destroy());
  const fail = (reason: ProxyReason): void => writeRawProxyError(socket, reason);
  if (context.snapshot && context.closing) return fail("shuttingDown");
  const host = req.headers.host ?? "";
  // The same decision as for plain requests, the HTTPS redirect included: a WebSocket to a TLS host over plain
  // HTTP gets the 308 (browsers then connect with wss://) instead of a tunnel in clear text.
  const decision = routeRequest(
    context.snapshot,
    { host, target: req.url ?? "/", secure, contentLength: -1 },
    context.redirectHttpsPort,
  );
  if (decision.kind === "answer") return fail(decision.reason);
  if (decision.kind === "redirect") {
    const location = decision.location;
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
  const cookie = target.options.affinityCookie;
  const affinity = cookie !== null ? readCookie(req.headers.cookie, cookie) : null;
  let exclude: Set<string> | null = null;

  const attempt = (attemptNo: number): void => {
    const endpoint: UpstreamEndpoint | null = context.picker.pick(target, exclude, affinity);
    if (!endpoint) return fail("upstreamConnect");
    const secureUpstream = target.options.backendProtocol === "HTTPS";
    const options: https.RequestOptions = {
      host: endpoint.address,
      port: endpoint.port,
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
      context.health.connected(endpoint.key);
      upstream.setTimeout(target.options.readTimeoutMs, () =>
        upstream.destroy(new UpstreamTimeoutError("read_timeout")),
      );
      upstream.end();
    });
    const onClientGone = (): void => {
      upstream.destroy();
    };
    socket.once("close", onClientGone);

    upstream.once("upgrade", (upstreamRes: IncomingMessage, upstreamSocket: Socket, upstreamHead: Buffer) => {
      socket.removeListener("close", onClientGone);
      upstreamSocket.setTimeout(0);
      if (socket.destroyed) {
        upstreamSocket.destroy();
        return;
      }
      socket.write(
        rawHead(`HTTP/1.1 101 ${upstreamRes.statusMessage || "Switching Protocols"}`, upstreamRes.rawHeaders),
      );
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      if (head.length > 0) upstreamSocket.write(head);
      context.tunnels.add(socket);
      const close = (): void => {
        context.tunnels.delete(socket);
        socket.destroy();
        upstreamSocket.destroy();
      };
      upstreamSocket.on("error", close);
      upstreamSocket.on("close", close);
      socket.on("close", close);
      // When one side finishes, flush what it sent to the other and close the tunnel (as NGINX does): the
      // listeners allow half-open sockets, and a peer that never ends its side would keep the tunnel forever.
      socket.once("end", () => upstreamSocket.end(close));
      upstreamSocket.once("end", () => socket.end(close));
      upstreamSocket.pipe(socket);
      socket.pipe(upstreamSocket);
    });

    upstream.once("response", (upstreamRes: IncomingMessage) => {
      socket.removeListener("close", onClientGone);
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
      if (!connected) context.health.connectFailed(endpoint.key);
      if (!connected && attemptNo < 2 && !socket.destroyed) {
        (exclude ??= new Set()).add(endpoint.key);
        attempt(attemptNo + 1);
        return;
      }
      context.logger.warn({ endpoint: endpoint.key, kind, err: error.message }, "websocket upstream failed");
      fail(kind === "connect_timeout" || kind === "read_timeout" ? "upstreamTimeout" : "upstreamConnect");
    });
  };
  attempt(1);
}

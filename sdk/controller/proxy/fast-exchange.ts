// One request on the fast HTTP/1.1 path, from its parsed head to the end of its response: route, pick an
// endpoint, borrow a keep-alive upstream connection, write the head, stream the body (re-framing chunked bodies),
// parse the response head, relay it and its body with backpressure both ways, then hand the upstream connection
// back to its pool. Retries once on another endpoint when connecting fails, or on the same rules as the node:http
// path when a reused connection resets before anything was sent. Timeouts: connect (pool), read (the upstream's
// silence), send (the client's body stalling). An answer of our own that comes before the request body was read
// (404, 503, 502, a redirect) reads and drops the rest of the body so that the connection stays open, as NGINX
// and node:http do, when that body is small enough to be worth reading.
import type { UpstreamEndpoint } from "../backend-resolver";
import { HttpParseError } from "../http1/http-parse-error";
import type { RequestHead } from "../http1/request-head";
import { parseResponseHead, type ResponseHead } from "../http1/response-head";
import { BodyReader, requestFraming, responseFraming, type BodyFraming } from "../http1/body-reader";
import type { UpstreamErrorKind } from "../metrics";
import type { RouteTarget } from "../snapshot";
import { affinitySetCookie, readCookie } from "./affinity-cookie";
import { ProxyReasons, type ProxyReason } from "./error-responses";
import { buildForwardedHead } from "./forwarded-headers";
import { MAX_ATTEMPTS, reasonFor, type ProxyHandler } from "./proxy-handler";
import { ownResponse, reasonResponse, relayedHead } from "./raw-response";
import { routeRequest } from "./route-request";
import { classifyUpstreamError, isConnectFailure, isIdempotent } from "./upstream";
import type { UpstreamConnection, UpstreamOwner } from "./upstream-connection";

/** What the exchange needs from the client connection it runs on. */
export interface ClientSide {
  readonly secure: boolean;
  readonly remoteAddress: string | undefined;
  /** Whether the peer is a trusted proxy (its X-Forwarded-* headers are kept): one answer per connection. */
  readonly trustedPeer: boolean;
  readonly localPort: number;
  /** Writes to the client (after anything queued); false when its buffer is full (wait for `onClientDrain`). */
  write(data: string | Buffer): boolean;
  /**
   * Queues bytes for the next flush: a head and the body bytes that came with it leave in one write call.
   * Buffers are copied (they may be in the upstream's shared read buffer).
   */
  queue(data: string | Buffer): void;
  /** Writes what is queued; false when the client's buffer is full. */
  flush(): boolean;
  /** Stop/start reading the client's socket (request body backpressure). */
  pauseReading(): void;
  resumeReading(): void;
  /** The upstream is ready for the request body: feed what is buffered, then keep reading. */
  bodyWanted(): void;
  /** The exchange is over; `keepAlive` says whether the connection may carry another request. */
  exchangeDone(keepAlive: boolean): void;
  /** Abort the client connection (a response cannot be completed). */
  destroy(): void;
}

const EMPTY = Buffer.alloc(0);
const CRLF = "\r\n";
const LAST_CHUNK = "0\r\n\r\n";
/** A request body after an answer of our own is read and dropped up to this size; a larger one closes. */
export const MAX_DRAIN_BYTES = 1024 * 1024;
/** The longest pause in that body before the connection closes (NGINX's lingering_timeout is 5 s). */
export const DRAIN_TIMEOUT_MS = 5_000;
const dropChunk = (): void => undefined;

export class FastExchange implements UpstreamOwner {
  private readonly started = process.hrtime.bigint();
  private target: RouteTarget | null = null;
  private path = "";
  /** The TLS name for an HTTPS backend ("" for a plain one). */
  private servername = "";
  private requestId: string | null = null;
  private upstreamHead = "";
  private affinity: string | null = null;
  private endpoint: UpstreamEndpoint | null = null;
  private attempts = 0;
  private exclude: Set<string> | null = null;
  private lastFailure: UpstreamErrorKind | null = null;
  private upstream: UpstreamConnection | null = null;
  /** Request body: reader (null when there is none), whether any of it went upstream, whether all of it did. */
  private readonly body: BodyReader | null;
  private readonly chunkedBody: boolean;
  private bodySent = false;
  private bodyComplete: boolean;
  private readingBody = false;
  /** The upstream's socket buffer is full: the body waits for it, not for the client. */
  private upstreamBlocked = false;
  private bodyTimer: NodeJS.Timeout | null = null;
  private continueSent = false;
  /** Response: bytes of an incomplete head, the head, its body reader, how it is framed for the client. */
  private responsePending: Buffer = EMPTY;
  private response: ResponseHead | null = null;
  private responseBody: BodyReader | null = null;
  private responseDelimitedByClose = false;
  private clientChunked = false;
  private keepClient = false;
  private status = 0;
  private finished = false;
  private upstreamPaused = false;
  /** The answer is out; the request body is being read and dropped so that the connection can stay open. */
  private draining = false;

  constructor(
    private readonly proxy: ProxyHandler,
    private readonly client: ClientSide,
    private readonly head: RequestHead,
  ) {
    const framing: BodyFraming = requestFraming(head);
    this.body = framing.kind === "none" ? null : new BodyReader(framing);
    this.chunkedBody = framing.kind === "chunked";
    this.bodyComplete = this.body === null;
  }

  /** Whether a response (of the upstream or our own) has started going to the client. */
  get responseStarted(): boolean {
    return this.status !== 0;
  }

  /** Whether the exchange is reading the request body now (the connection feeds it `readBody`). */
  get wantsBody(): boolean {
    return this.readingBody;
  }

  start(): void {
    const head = this.head;
    const decision = routeRequest(
      this.proxy.snapshots.current(),
      {
        host: head.host ?? "",
        target: head.target,
        secure: this.client.secure,
        contentLength: head.contentLength,
      },
      this.proxy.redirectPort,
    );
    if (decision.kind === "answer") {
      if (decision.reason === "noEndpoints") this.proxy.metrics?.upstreamError("no_endpoints");
      this.target = decision.target;
      this.answer(decision.reason, decision.close);
      return;
    }
    if (decision.kind === "redirect") {
      this.target = decision.target;
      const location = decision.location;
      this.answerWith(308, `308 Permanent Redirect: ${location}\n`, `Location: ${location}\r\n`, false);
      return;
    }
    const target = decision.target;
    this.target = target;
    this.path = decision.path;
    this.servername = decision.servername;
    const forwarded = buildForwardedHead({
      rawHeaders: head.rawHeaders,
      connectionTokens: head.connectionTokens,
      remoteAddress: this.client.remoteAddress ?? "",
      trusted: this.client.trustedPeer,
      proto: this.client.secure ? "https" : "http",
      host: head.host ?? "",
      port: this.client.localPort,
      ownFraming: true,
    });
    this.requestId = forwarded.requestId;
    let upstreamHead = `${head.method} ${this.path} HTTP/1.1\r\n`;
    const headers = forwarded.headers;
    for (let i = 0; i < headers.length; i += 2) upstreamHead += `${headers[i]}: ${headers[i + 1]}\r\n`;
    if (this.chunkedBody) upstreamHead += "Transfer-Encoding: chunked\r\n";
    else if (head.contentLength >= 0) upstreamHead += `Content-Length: ${head.contentLength}\r\n`;
    this.upstreamHead = `${upstreamHead}\r\n`;
    const cookie = target.options.affinityCookie;
    if (cookie !== null) this.affinity = readCookie(headerValue(head.rawHeaders, "cookie"), cookie);
    this.attempt();
  }

  // ---- upstream attempts ----

  private attempt(): void {
    const target = this.target!;
    const endpoint = this.proxy.picker.pick(target, this.exclude, this.affinity);
    if (endpoint === null) {
      this.answer(reasonFor(this.lastFailure), false);
      return;
    }
    this.endpoint = endpoint;
    this.attempts++;
    const options = target.options;
    const secure = options.backendProtocol === "HTTPS";
    this.proxy.health.begin(endpoint.key);
    const connection = this.proxy.connections.acquire(
      endpoint,
      secure,
      this.servername,
      options.connectTimeoutMs,
      options.readTimeoutMs,
      this,
    );
    this.upstream = connection;
    if (connection.connected) this.onUpstreamConnect();
  }

  onUpstreamConnect(): void {
    const upstream = this.upstream;
    if (!upstream || this.finished) return;
    this.proxy.health.connected(this.endpoint!.key);
    upstream.socket.write(this.upstreamHead, "latin1");
    if (this.bodyComplete) return;
    if (this.head.expectContinue && !this.continueSent) {
      this.continueSent = true;
      this.client.write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    this.readingBody = true;
    this.armBodyTimer();
    this.client.bodyWanted();
  }

  // ---- request body ----

  /** Feeds client bytes buf[start, end) to the request body; returns the index after the bytes it consumed. */
  readBody(buf: Buffer, start: number, end: number): number {
    if (this.draining) return this.drainBody(buf, start, end);
    const body = this.body!;
    let consumed: number;
    try {
      consumed = body.read(buf, start, end, this.onBodyData);
    } catch (error) {
      // A malformed chunked body (HttpParseError) or anything else: the framing can no longer be trusted.
      if (!(error instanceof HttpParseError)) this.proxy.logger.debug({ err: error }, "request body failed");
      this.bodyFailed("badRequest");
      return end;
    }
    if (this.finished) return end;
    const max = this.target!.options.maxBodyBytes;
    if (max > 0 && body.received > max) {
      this.bodyFailed("bodyTooLarge");
      return end;
    }
    this.bodyTimer?.refresh();
    if (body.done) {
      this.readingBody = false;
      this.bodyComplete = true;
      this.clearBodyTimer();
      if (this.chunkedBody) this.upstream?.socket.write(LAST_CHUNK);
    }
    return consumed;
  }

  private readonly onBodyData = (chunk: Buffer): void => {
    const upstream = this.upstream;
    if (!upstream) return;
    this.bodySent = true;
    const socket = upstream.socket;
    let flushed: boolean;
    if (this.chunkedBody) {
      socket.cork();
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      flushed = socket.write(CRLF);
      socket.uncork();
    } else {
      flushed = socket.write(chunk);
    }
    if (!flushed) {
      this.upstreamBlocked = true;
      this.client.pauseReading();
    }
  };

  onUpstreamDrain(): void {
    this.upstreamBlocked = false;
    this.bodyTimer?.refresh();
    if (this.readingBody) this.client.resumeReading();
  }

  private armBodyTimer(): void {
    this.clearBodyTimer();
    const ms = this.target!.options.sendTimeoutMs;
    // send-timeout is the longest pause in the body's flow: the client's (408) or, while the upstream does not
    // take what was sent, the upstream's (504), as with NGINX's client_body_timeout and proxy_send_timeout.
    this.bodyTimer = setTimeout(
      () => this.bodyFailed(this.upstreamBlocked ? "upstreamTimeout" : "bodyTimeout"),
      ms,
    );
  }

  private clearBodyTimer(): void {
    if (this.bodyTimer) clearTimeout(this.bodyTimer);
    this.bodyTimer = null;
  }

  /** The request body broke a rule (size, time, framing): answer when we still can, and close. */
  private bodyFailed(reason: ProxyReason): void {
    if (this.finished) return;
    this.readingBody = false;
    this.clearBodyTimer();
    this.dropUpstream();
    if (this.status !== 0) {
      this.abort();
      return;
    }
    this.answer(reason, true);
  }

  /** Client went away or is being closed: give up on everything. */
  clientClosed(): void {
    if (this.draining) {
      this.draining = false;
      this.readingBody = false;
      this.clearBodyTimer();
      return;
    }
    if (this.finished) return;
    this.readingBody = false;
    this.clearBodyTimer();
    this.dropUpstream();
    this.finish(499, false, false);
  }

  // ---- response ----

  onUpstreamData(chunk: Buffer): void {
    if (this.finished) return;
    let start = 0;
    if (this.response === null) {
      let buf = chunk;
      if (this.responsePending.length > 0) buf = Buffer.concat([this.responsePending, chunk]);
      let head: ResponseHead | null;
      for (;;) {
        try {
          head = parseResponseHead(buf, start, buf.length);
        } catch {
          this.upstreamFailed(new UpstreamProtocolError());
          return;
        }
        if (head === null) {
          // Kept across reads: a copy (the chunk lives in the connection's shared read buffer).
          this.responsePending = Buffer.from(buf.subarray(start));
          return;
        }
        if (head.statusCode >= 200) break;
        if (head.statusCode === 101) {
          this.upstreamFailed(new UpstreamProtocolError());
          return;
        }
        start += head.headLength; // 1xx informational: the proxy answers 100-continue itself
      }
      this.responsePending = EMPTY;
      chunk = buf;
      start += head.headLength;
      this.startResponse(head);
    }
    const reader = this.responseBody!;
    let end: number;
    try {
      end = reader.read(chunk, start, chunk.length, this.onResponseData);
    } catch {
      this.client.flush();
      this.upstreamFailed(new UpstreamProtocolError());
      return;
    }
    if (reader.done) {
      this.completeResponse(end === chunk.length);
      return;
    }
    if (!this.client.flush() && !this.upstreamPaused && this.upstream) {
      this.upstreamPaused = true;
      this.upstream.socket.pause();
    }
  }

  private startResponse(head: ResponseHead): void {
    this.response = head;
    const framing = responseFraming(head, this.head.method);
    this.responseBody = new BodyReader(framing);
    const http10 = this.head.minorVersion === 0;
    const unframed = framing.kind === "chunked" || framing.kind === "close";
    this.responseDelimitedByClose = framing.kind === "close";
    this.clientChunked = unframed && !http10;
    // The connection carries another request only if this one was read whole and the response is delimited.
    this.keepClient =
      this.head.keepAlive && !this.proxy.isClosing && (!unframed || !http10) && this.bodyComplete;
    const options = this.target!.options;
    const endpoint = this.endpoint!;
    this.status = head.statusCode;
    this.client.queue(
      relayedHead(head.statusCode, head.reason, head.rawHeaders, {
        connectionTokens: head.connectionTokens,
        requestId: this.requestId!,
        setCookie:
          options.affinityCookie !== null && this.affinity !== endpoint.cookieId
            ? affinitySetCookie(options.affinityCookie, endpoint.cookieId, this.client.secure)
            : null,
        chunked: this.clientChunked,
        close: !this.keepClient,
        http10,
      }),
    );
  }

  private readonly onResponseData = (chunk: Buffer): void => {
    if (this.clientChunked) {
      this.client.queue(`${chunk.length.toString(16)}\r\n`);
      this.client.queue(chunk);
      this.client.queue(CRLF);
    } else {
      this.client.queue(chunk);
    }
  };

  onClientDrain(): void {
    if (this.upstreamPaused) {
      this.upstreamPaused = false;
      this.upstream?.socket.resume();
    }
  }

  onUpstreamEnd(): void {
    if (this.finished) return;
    const reader = this.responseBody;
    if (reader !== null && !reader.done) {
      try {
        reader.end();
      } catch {
        this.upstreamFailed(new UpstreamClosedEarlyError());
        return;
      }
      this.completeResponse(false);
      return;
    }
    if (this.response === null) this.upstreamFailed(new UpstreamClosedEarlyError());
  }

  /** The response body is complete; `clean` is false when the upstream's connection cannot be reused. */
  private completeResponse(clean: boolean): void {
    if (this.clientChunked) this.client.queue(LAST_CHUNK);
    this.client.flush();
    const upstream = this.upstream;
    this.upstream = null;
    if (upstream) {
      const reusable =
        clean && this.bodyComplete && this.response!.keepAlive && !this.responseDelimitedByClose;
      if (this.upstreamPaused) {
        this.upstreamPaused = false;
        upstream.socket.resume();
      }
      upstream.release(reusable, reusable ? keepAliveTimeoutMs(this.response!.keepAliveHeader) : Infinity);
      this.proxy.health.end(this.endpoint!.key);
    }
    // A body the client is still sending (the upstream answered early) leaves the connection unframed.
    this.finish(this.status, this.keepClient && this.bodyComplete, true);
  }

  // ---- failures ----

  onUpstreamFailure(error: Error): void {
    this.upstreamFailed(error);
  }

  private upstreamFailed(error: Error): void {
    if (this.finished) return;
    const upstream = this.upstream;
    const endpoint = this.endpoint!;
    const connected = upstream?.connected ?? true;
    const reused = (upstream?.uses ?? 1) > 1;
    this.upstream = null;
    if (upstream) {
      upstream.release(false);
      this.proxy.health.end(endpoint.key);
    }
    this.readingBody = false;
    const connectFailure = !connected || isConnectFailure(error);
    const kind =
      error instanceof UpstreamProtocolError ? "protocol" : classifyUpstreamError(error, !connectFailure);
    this.lastFailure = kind;
    this.proxy.metrics?.upstreamError(kind);
    const target = this.target!;
    if (connectFailure) {
      const ejectedMs = this.proxy.health.connectFailed(endpoint.key);
      if (ejectedMs > 0) {
        this.proxy.logger.warn(
          { endpoint: endpoint.key, service: target.serviceLabel, ejectedMs },
          "upstream endpoint ejected after consecutive connect failures",
        );
      }
    }
    if (this.status !== 0) {
      this.abort();
      return;
    }
    // A connection that failed sent nothing; a reused keep-alive connection that the upstream closed at that
    // moment is safe to replay when no body byte went out and the method is idempotent.
    const replayable =
      kind === "reset" &&
      reused &&
      !this.bodySent &&
      this.responsePending.length === 0 && // nothing is retried once the upstream started answering
      isIdempotent(this.head.method);
    if ((connectFailure || replayable) && this.attempts < MAX_ATTEMPTS) {
      this.clearBodyTimer(); // the next attempt arms its own
      if (connectFailure) (this.exclude ??= new Set()).add(endpoint.key);
      this.proxy.logger.debug(
        { endpoint: endpoint.key, kind, requestId: this.requestId },
        "retrying upstream",
      );
      this.attempt();
      return;
    }
    this.clearBodyTimer();
    this.proxy.logger.warn(
      {
        endpoint: endpoint.key,
        service: target.serviceLabel,
        kind,
        requestId: this.requestId,
        err: error.message,
      },
      "upstream request failed",
    );
    // The rest of the body, if any, is read and dropped when small enough (drainable), else the connection closes.
    this.answer(reasonFor(kind), false);
  }

  private dropUpstream(): void {
    const upstream = this.upstream;
    if (!upstream) return;
    this.upstream = null;
    upstream.release(false);
    this.proxy.health.end(this.endpoint!.key);
  }

  /** The response started and cannot be completed: the client sees the connection close. */
  private abort(): void {
    this.dropUpstream();
    this.finish(this.status, false, false);
    this.client.destroy();
  }

  // ---- own answers and the end ----

  private answer(reason: ProxyReason, close: boolean): void {
    this.answerWithText(reasonResponse(reason, this.ownOptions(close)), reason, close);
  }

  private answerWith(status: number, body: string, extraHeaders: string, close: boolean): void {
    const response = ownResponse({ status, body, extraHeaders, ...this.ownOptions(close) });
    this.status = status;
    this.client.write(response);
    this.ownAnswerSent(close);
  }

  private answerWithText(response: string, reason: ProxyReason, close: boolean): void {
    this.clearBodyTimer();
    this.status = ProxyReasons[reason][0];
    this.client.write(response);
    this.ownAnswerSent(close);
  }

  private ownAnswerSent(close: boolean): void {
    if (!this.drainable(close)) {
      this.finish(this.status, !this.mustClose(close), true);
      return;
    }
    // The request is answered (and counted); the connection waits for the rest of its body.
    this.finish(this.status, true, false);
    this.draining = true;
    this.readingBody = true;
    this.bodyTimer = setTimeout(() => this.stopDraining(false), DRAIN_TIMEOUT_MS);
    this.client.bodyWanted();
  }

  private mustClose(close: boolean): boolean {
    // An unread request body would be taken for the next request: close, unless it is read and dropped.
    return (
      close || (!this.bodyComplete && !this.drainable(close)) || !this.head.keepAlive || this.proxy.isClosing
    );
  }

  /**
   * Whether the rest of the request body can be read and dropped after an answer of our own, keeping the
   * connection: its framing is intact, it is not too large, and the client is not waiting for a 100 Continue
   * before sending it (it may never come).
   */
  private drainable(close: boolean): boolean {
    const body = this.body;
    if (close || body === null || this.bodyComplete || !this.head.keepAlive || this.proxy.isClosing) {
      return false;
    }
    if (this.head.expectContinue && !this.continueSent) return false;
    const length = this.head.contentLength;
    return length < 0 ? body.received <= MAX_DRAIN_BYTES : length <= MAX_DRAIN_BYTES;
  }

  private drainBody(buf: Buffer, start: number, end: number): number {
    const body = this.body!;
    let consumed: number;
    try {
      consumed = body.read(buf, start, end, dropChunk);
    } catch {
      this.stopDraining(false); // the framing broke: nothing after it can be read as a request
      return end;
    }
    if (body.received > MAX_DRAIN_BYTES) {
      this.stopDraining(false);
      return end;
    }
    this.bodyTimer?.refresh();
    if (body.done) this.stopDraining(true);
    return consumed;
  }

  private stopDraining(keepAlive: boolean): void {
    if (!this.draining) return;
    this.draining = false;
    this.readingBody = false;
    this.bodyComplete = keepAlive;
    this.clearBodyTimer();
    this.client.exchangeDone(keepAlive);
  }

  private ownOptions(close: boolean): {
    close: boolean;
    http10: boolean;
    headOnly: boolean;
    requestId: string | null;
  } {
    return {
      close: this.mustClose(close),
      http10: this.head.minorVersion === 0,
      headOnly: this.head.method === "HEAD",
      requestId: this.requestId,
    };
  }

  private finish(status: number, keepAlive: boolean, notify: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.readingBody = false;
    this.clearBodyTimer();
    this.proxy.recordRequest({
      method: this.head.method,
      host: this.head.host,
      target: this.head.target,
      status,
      started: this.started,
      route: this.target,
      endpoint: this.endpoint,
      requestId: this.requestId,
      client: this.client.remoteAddress,
    });
    if (notify) this.client.exchangeDone(keepAlive);
  }
}

/** The idle timeout an upstream announced with `Keep-Alive: timeout=N` (ms), or Infinity. */
function keepAliveTimeoutMs(value: string | undefined): number {
  if (value === undefined) return Infinity;
  const match = /(?:^|[\s,;])timeout\s*=\s*(\d{1,6})/i.exec(value);
  return match ? Number(match[1]) * 1000 : Infinity;
}

/** The first value of a header in a raw list (names compared case-insensitively), or undefined. */
function headerValue(rawHeaders: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return rawHeaders[i + 1];
  }
  return undefined;
}

/** The upstream's response broke HTTP/1.1 framing. */
class UpstreamProtocolError extends Error {
  readonly code = "UPSTREAM_PROTOCOL";
  constructor() {
    super("invalid response from upstream");
  }
}

/** The upstream closed before the response was complete. */
class UpstreamClosedEarlyError extends Error {
  readonly code = "ECONNRESET";
  constructor() {
    super("upstream closed the connection before the response was complete");
  }
}

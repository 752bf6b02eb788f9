// Response heads written as bytes for the fast HTTP/1.1 path: the proxy's own answers (errors, redirects) and the
// head relayed from an upstream, minus hop-by-hop headers. One string per head, written with the body in one go.
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { ProxyReasons, errorBody, type ProxyReason } from "./error-responses";

let cachedDate = "";
let cachedSecond = 0;

/** The Date header's value, formatted once per second. */
export function httpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedDate = new Date(second * 1000).toUTCString();
  }
  return cachedDate;
}

/** Response headers never relayed: hop-by-hop ones (RFC 9110 7.6.1) and framing, which the proxy sets itself. */
const HOP_BY_HOP_RESPONSE = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-authenticate",
]);

export interface RelayedHeadOptions {
  /** Lower-case tokens of the upstream's Connection headers: the headers they name are hop-by-hop too. */
  connectionTokens: readonly string[];
  /** Added when the upstream sent none. */
  requestId: string;
  /** A Set-Cookie line value to add (session affinity), or null. */
  setCookie: string | null;
  /** "Transfer-Encoding: chunked" is added (the body is re-framed for the client). */
  chunked: boolean;
  /** "Connection: close" (false: keep-alive, stated explicitly for HTTP/1.0 clients). */
  close: boolean;
  /** The client spoke HTTP/1.0. */
  http10: boolean;
}

/** The head sent to the client for an upstream response. */
export function relayedHead(
  statusCode: number,
  reason: string,
  rawHeaders: readonly string[],
  options: RelayedHeadOptions,
): string {
  let head = `HTTP/1.1 ${statusCode} ${reason}\r\n`;
  let hasRequestId = false;
  const tokens = options.connectionTokens;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    // Every hop-by-hop name is 2 to 18 characters long; most headers skip the lower-casing this way.
    let lower = "";
    if (name.length <= 18) {
      lower = name.toLowerCase();
      if (HOP_BY_HOP_RESPONSE.has(lower)) continue;
    }
    if (tokens.length > 0) {
      if (lower === "") lower = name.toLowerCase();
      // Content-Length frames what the client reads next: no Connection token removes it.
      if (lower !== "content-length" && tokens.includes(lower)) continue;
    }
    if (lower === "x-request-id") hasRequestId = true;
    head += `${name}: ${rawHeaders[i + 1]}\r\n`;
  }
  if (!hasRequestId) head += `X-Request-Id: ${options.requestId}\r\n`;
  if (options.setCookie !== null) head += `Set-Cookie: ${options.setCookie}\r\n`;
  if (options.chunked) head += "Transfer-Encoding: chunked\r\n";
  if (options.close) head += "Connection: close\r\n";
  else if (options.http10) head += "Connection: keep-alive\r\n";
  return `${head}\r\n`;
}

export interface OwnResponse {
  status: number;
  body: string;
  /** Extra header lines, each ending in CRLF (a redirect's Location). */
  extraHeaders?: string;
  requestId?: string | null;
  close: boolean;
  http10: boolean;
  /** HEAD request: the head only. */
  headOnly: boolean;
}

/** A complete response of the proxy's own (plain text, never cached). */
export function ownResponse(response: OwnResponse): string {
  const length = Buffer.byteLength(response.body);
  let head =
    `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? "Error"}\r\n` +
    `Date: ${httpDate()}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${length}\r\n` +
    `Cache-Control: no-store\r\n${response.extraHeaders ?? ""}`;
  if (response.requestId) head += `X-Request-Id: ${response.requestId}\r\n`;
  if (response.close) head += "Connection: close\r\n";
  else if (response.http10) head += "Connection: keep-alive\r\n";
  return response.headOnly ? `${head}\r\n` : `${head}\r\n${response.body}`;
}

/** The proxy's answer for a reason (404, 502, ...). */
export function reasonResponse(reason: ProxyReason, options: Omit<OwnResponse, "status" | "body">): string {
  const [status, text] = ProxyReasons[reason];
  return ownResponse({ ...options, status, body: errorBody(status, text) });
}

/** Writes a complete response of our own on a raw socket (upgrades, rejected requests) and ends it. */
export function writeRawResponse(socket: Duplex, status: number, body: string, extraHeaders = ""): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(ownResponse({ status, body, extraHeaders, close: true, http10: false, headOnly: false }));
}

/** Writes an error response (status and one-line reason) on a raw socket and ends it. */
export function writeRawError(socket: Duplex, status: number, reason: string): void {
  writeRawResponse(socket, status, errorBody(status, reason));
}

export function writeRawProxyError(socket: Duplex, reason: ProxyReason): void {
  const [status, text] = ProxyReasons[reason];
  writeRawError(socket, status, text);
}

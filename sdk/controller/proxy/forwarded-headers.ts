// The request head sent upstream: the client's headers minus hop-by-hop ones, plus X-Forwarded-For/-Proto/-Host/
// -Port and X-Request-Id. Incoming forwarded headers are kept only from trusted proxies; from anyone else they
// are replaced, so a client cannot spoof its address or scheme to the backend.
import { randomUUID } from "node:crypto";

/** Hop-by-hop headers (RFC 9110 7.6.1) plus headers the proxy answers itself (Expect) or must not pass on. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
  "http2-settings",
]);

/**
 * Headers a `Connection` token can never remove: the message's framing and Host. A client that lists
 * `Content-Length` there would otherwise have its body forwarded without a length, and read upstream as a second
 * request (request smuggling).
 */
const END_TO_END = new Set(["content-length", "host"]);

const FORWARDED = new Set([
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-forwarded-port",
  "x-request-id",
  "forwarded",
  "x-real-ip",
]);

const REQUEST_ID = /^[A-Za-z0-9._:+/=-]{1,200}$/;

export interface ForwardingContext {
  /** The raw headers as received (`req.rawHeaders`). */
  rawHeaders: readonly string[];
  /** The client's address as seen on the socket. */
  remoteAddress: string;
  /** Whether the peer is a trusted proxy. */
  trusted: boolean;
  /** Scheme the client used to reach us. */
  proto: "http" | "https";
  /** The Host the request was routed by (the client's Host header). */
  host: string;
  /** Local port the client connected to. */
  port: number;
  /** The lower-case tokens of the request's Connection headers, when the caller has them; else read here. */
  connectionTokens?: readonly string[];
  /** Keep `Connection: upgrade` and `Upgrade` (WebSocket). */
  upgrade?: boolean;
  /**
   * Leave out Content-Length: the caller writes the framing itself, from what its parser read, never a copy of
   * the client's header (the fast engine).
   */
  ownFraming?: boolean;
}

export interface ForwardedHead {
  /** Raw header list for `http.request({ headers })`. */
  readonly headers: string[];
  /** The request id sent upstream (and echoed to the client). */
  readonly requestId: string;
}

function stripMappedPrefix(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

export function buildForwardedHead(context: ForwardingContext): ForwardedHead {
  const raw = context.rawHeaders;
  // Headers named in Connection are hop-by-hop too (the fast engine's parser has listed them already).
  let connectionTokens: Set<string> | null = null;
  if (context.connectionTokens !== undefined) {
    if (context.connectionTokens.length > 0) connectionTokens = new Set(context.connectionTokens);
  } else {
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i]!.length === 10 && raw[i]!.toLowerCase() === "connection") {
        connectionTokens ??= new Set();
        for (const token of raw[i + 1]!.split(",")) connectionTokens.add(token.trim().toLowerCase());
      }
    }
  }
  const headers: string[] = [];
  let forwardedFor: string | undefined;
  let forwardedProto: string | undefined;
  let forwardedHost: string | undefined;
  let forwardedPort: string | undefined;
  let requestId: string | undefined;
  let hasHost = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || (connectionTokens?.has(lower) && !END_TO_END.has(lower))) {
      if (context.upgrade && lower === "upgrade") headers.push(name, value);
      continue;
    }
    if (FORWARDED.has(lower)) {
      if (!context.trusted) continue;
      switch (lower) {
        case "x-forwarded-for":
          forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
          continue;
        case "x-forwarded-proto":
          forwardedProto ??= value;
          continue;
        case "x-forwarded-host":
          forwardedHost ??= value;
          continue;
        case "x-forwarded-port":
          forwardedPort ??= value;
          continue;
        case "x-request-id":
          if (REQUEST_ID.test(value)) requestId ??= value;
          continue;
        default:
          headers.push(name, value); // Forwarded, X-Real-IP from a trusted proxy pass unchanged
          continue;
      }
    }
    if (lower === "host") hasHost = true;
    else if (context.ownFraming && lower === "content-length") continue;
    headers.push(name, value);
  }
  if (!hasHost) headers.push("Host", context.host);
  if (context.upgrade) headers.push("Connection", "upgrade");
  const client = stripMappedPrefix(context.remoteAddress);
  const id = requestId ?? randomUUID();
  headers.push(
    "X-Forwarded-For",
    forwardedFor === undefined ? client : `${forwardedFor}, ${client}`,
    "X-Forwarded-Proto",
    forwardedProto ?? context.proto,
    "X-Forwarded-Host",
    forwardedHost ?? context.host,
    "X-Forwarded-Port",
    forwardedPort ?? String(context.port),
    "X-Real-IP",
    client,
    "X-Request-Id",
    id,
  );
  return { headers, requestId: id };
}

/** undici's response headers (lower-case names, arrays for repeated ones) minus hop-by-hop ones, as a raw list. */
export function flattenResponseHeaders(headers: Record<string, string | string[] | undefined>): string[] {
  const connection = headers["connection"];
  let connectionTokens: Set<string> | null = null;
  if (connection !== undefined) {
    connectionTokens = new Set();
    for (const value of Array.isArray(connection) ? connection : [connection]) {
      for (const token of value.split(",")) connectionTokens.add(token.trim().toLowerCase());
    }
  }
  const flat: string[] = [];
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || (connectionTokens?.has(name) && !END_TO_END.has(name))) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) flat.push(name, item);
    else flat.push(name, value);
  }
  return flat;
}

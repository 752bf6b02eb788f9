// The proxy's own responses: a status and a one-line plain-text reason. Never internal details (addresses,
// stack traces, object names): those go to the log.
import { STATUS_CODES, type ServerResponse } from "node:http";

/** Why the proxy answered itself; the text is the response body's reason. */
export const ProxyReasons = {
  notReady: [503, "the controller has not loaded its routes yet"],
  noRoute: [404, "no route for this host and path"],
  backendUnavailable: [503, "the backend service for this route is not available"],
  noEndpoints: [503, "no ready endpoints for this route's backend"],
  upstreamConnect: [502, "could not connect to the upstream"],
  upstreamProtocol: [502, "the upstream sent an invalid response"],
  upstreamTimeout: [504, "the upstream did not respond in time"],
  bodyTooLarge: [413, "request body too large"],
  bodyTimeout: [408, "the request body did not arrive in time"],
  badRequest: [400, "bad request"],
  shuttingDown: [503, "the controller is shutting down"],
} as const satisfies Record<string, readonly [number, string]>;

export type ProxyReason = keyof typeof ProxyReasons;

export function errorBody(status: number, reason: string): string {
  return `${status} ${STATUS_CODES[status] ?? "Error"}: ${reason}\n`;
}

/** Answers `res` with the reason's status and body, unless headers were already sent. */
export function sendProxyError(res: ServerResponse, reason: ProxyReason, requestId?: string): void {
  const [status, text] = ProxyReasons[reason];
  sendPlain(res, status, errorBody(status, text), requestId);
}

export function sendPlain(res: ServerResponse, status: number, body: string, requestId?: string): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const headers: Record<string, string | number> = {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  };
  if (requestId) headers["x-request-id"] = requestId;
  res.writeHead(status, headers);
  res.end(res.req?.method === "HEAD" ? undefined : body);
}

/** The reason given for a request the parser rejected, by status (the parser's own message goes to the log). */
export function rejectionReason(status: number): string {
  switch (status) {
    case 408:
      return "request timed out";
    case 414:
      return "request-target too long";
    case 431:
      return "request header fields too large";
    case 501:
      return "transfer coding not implemented";
    case 505:
      return "HTTP version not supported";
    default:
      return "malformed request";
  }
}

// Checks on a request's head that node:http does not make and that routing relies on: a Host header that is a
// plain host[:port] (a Host like "evil%2ecom/x.example.com" would otherwise reach a wildcard route and end up in
// a redirect's Location), given once (RFC 9112 3.2), and upgrades limited to WebSocket (an `Upgrade: h2c`
// tunnel would let a client send requests for paths no route allows on the same connection).
import type { IncomingMessage } from "node:http";
import { isRoutableHost } from "./route-request";

/** Why the request's Host header cannot be routed, or null when it can (an absent Host routes as no host). */
export function hostHeaderProblem(req: IncomingMessage): string | null {
  let count = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === "host") count++;
  }
  if (count > 1) return "more than one Host header";
  return isRoutableHost(req.headers.host ?? "") ? null : "a Host header that is not host[:port]";
}

/** Whether an Upgrade request is a WebSocket handshake, the only upgrade the proxy tunnels. */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return (
    req.method === "GET" &&
    typeof upgrade === "string" &&
    upgrade.split(",").some((token) => token.trim().toLowerCase() === "websocket") &&
    typeof req.headers["sec-websocket-key"] === "string"
  );
}

// The routing decision for one request, shared by both HTTP engines (node:http and the fast HTTP/1.1 path) so
// they answer identically: snapshot ready, Host well-formed, target in origin or absolute form, route matched,
// HTTPS redirect, backend resolvable with endpoints, declared body within max-body-size. The path is normalised
// once: the path matched is the path forwarded (and redirected to).
import { isIP } from "node:net";
import { normalizeRequestPath } from "../../matcher";
import type { RouteTarget, Snapshot } from "../snapshot";
import type { ProxyReason } from "./error-responses";
import { splitTarget, upstreamPath } from "./path-rewrite";

export interface RequestFacts {
  /** The Host header's value ("" when absent). */
  host: string;
  /** The request-target as sent. */
  target: string;
  secure: boolean;
  /** Declared Content-Length, -1 when absent. */
  contentLength: number;
}

export type RouteDecision =
  | {
      readonly kind: "answer";
      readonly reason: ProxyReason;
      readonly target: RouteTarget | null;
      /** The connection must close after the answer (the request's framing or body cannot be trusted). */
      readonly close: boolean;
    }
  | { readonly kind: "redirect"; readonly location: string; readonly target: RouteTarget }
  | {
      readonly kind: "forward";
      readonly target: RouteTarget;
      /** Path and query sent upstream. */
      readonly path: string;
      /**
       * The TLS name (SNI) for an HTTPS backend: the Host header's name, never an IP literal (which SNI does not
       * allow); "" for a plain HTTP backend.
       */
      readonly servername: string;
    };

const HOST_HEADER = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9.])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Whether a Host value is a plain host[:port]. A Host like "evil%2ecom/x.example.com" would otherwise reach a
 * wildcard route and end up in a redirect's Location.
 */
export function isRoutableHost(host: string): boolean {
  return host === "" || HOST_HEADER.test(host);
}

/** Splits a Host header into name and explicit port ("" when none). */
export function splitHost(host: string): { name: string; port: string } {
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return {
      name: host.slice(0, end + 1),
      port: end !== -1 && host[end + 1] === ":" ? host.slice(end + 2) : "",
    };
  }
  const colon = host.lastIndexOf(":");
  return colon === -1
    ? { name: host, port: "" }
    : { name: host.slice(0, colon), port: host.slice(colon + 1) };
}

function sniName(hostName: string): string {
  return isIP(hostName) !== 0 || hostName.startsWith("[") ? "" : hostName;
}

const ABSOLUTE_FORM = /^https?:\/\//i;

function answer(reason: ProxyReason, target: RouteTarget | null, close = false): RouteDecision {
  return { kind: "answer", reason, target, close };
}

/**
 * Decides what to do with a request whose head has been read. `redirectHttpsPort` is the port named in HTTPS
 * redirects when the client addressed us with an explicit port.
 */
export function routeRequest(
  snapshot: Snapshot | null,
  request: RequestFacts,
  redirectHttpsPort: number,
): RouteDecision {
  if (!snapshot) return answer("notReady", null);
  const host = request.host;
  if (!isRoutableHost(host)) return answer("badRequest", null, true);
  const { path: rawPath, query } = splitTarget(request.target);
  if (rawPath === "" || (rawPath.charCodeAt(0) !== 47 && !ABSOLUTE_FORM.test(rawPath))) {
    return answer("badRequest", null);
  }
  const normalized = normalizeRequestPath(rawPath);
  const route = snapshot.table.match(host, normalized);
  if (!route) return answer("noRoute", null);
  const target = snapshot.targets[route.id]!;
  if (!request.secure && target.options.sslRedirect) {
    const hostParts = splitHost(host);
    if (hostParts.name !== "" && snapshot.table.tlsSecretFor(hostParts.name)) {
      // A client that named a port (other than 80) reached us on a non-standard one: send it to our HTTPS port.
      const port =
        hostParts.port !== "" && hostParts.port !== "80" && redirectHttpsPort !== 443
          ? `:${redirectHttpsPort}`
          : "";
      // The normalised path: an absolute-form target ("http://host/p") must not end up in the Location.
      return { kind: "redirect", location: `https://${hostParts.name}${port}${normalized}${query}`, target };
    }
  }
  if (target.problem) return answer("backendUnavailable", target);
  if (target.endpoints.length === 0) return answer("noEndpoints", target);
  const max = target.options.maxBodyBytes;
  if (max > 0 && request.contentLength > max) return answer("bodyTooLarge", target, true);
  return {
    kind: "forward",
    target,
    path: upstreamPath(route, target.options.rewriteTarget, normalized, query),
    // Split only for HTTPS backends: a plain request pays nothing for it.
    servername: target.options.backendProtocol === "HTTPS" ? sniName(splitHost(host).name) : "",
  };
}

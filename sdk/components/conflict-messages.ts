// Turns the matcher's conflicts into HostRoute messages that name both routes, the host and the path, and end
// with the fix. The matcher says what collides; only the components know which HostRoute owns each Ingress.
import type { Conflict, ObjectRef } from "../matcher";
import type { RouteEntry } from "./route-registry";

export interface RouteConflictMessage {
  readonly code: string;
  readonly severity: "error" | "warning";
  /** Without the `HostRoute "name": ` prefix and the code. */
  readonly message: string;
}

function hostLabel(host: string | undefined): string {
  return host ? `host "${host}"` : "any host";
}

function backendOf(entry: RouteEntry, conflict: Conflict): string {
  const trim = (p: string): string => p.replace(/\/+$/, "") || "/";
  const match =
    entry.paths.find((p) => p.path === conflict.path && p.pathType === conflict.pathType) ??
    entry.paths.find((p) => conflict.path !== undefined && trim(p.path) === trim(conflict.path));
  return match?.backend ?? entry.paths[0]?.backend ?? "(no backend)";
}

function names(entries: readonly RouteEntry[]): string {
  return entries.map((e) => `HostRoute "${e.routeName}" on gateway "${e.gatewayLabel}"`).join(" and ");
}

/**
 * The message for one conflict the new route introduced. `self` is the new route's Ingress ref; `routeOf` finds the
 * HostRoute behind any other ref.
 */
export function describeRouteConflict(
  conflict: Conflict,
  self: ObjectRef,
  newRoute: RouteEntry,
  routeOf: (ref: ObjectRef) => RouteEntry | undefined,
): RouteConflictMessage {
  const isSelf = (ref: ObjectRef): boolean => ref.namespace === self.namespace && ref.name === self.name;
  const others = conflict.objects
    .filter((ref) => !isSelf(ref))
    .map((ref) => routeOf(ref))
    .filter((entry): entry is RouteEntry => entry !== undefined)
    .sort((a, b) => (a.routeName < b.routeName ? -1 : a.routeName > b.routeName ? 1 : 0));
  const where = `path "${conflict.path ?? "/"}" (${conflict.pathType ?? "Prefix"}) on ${hostLabel(conflict.host)}`;
  const base = { code: conflict.code, severity: conflict.severity };
  if (others.length === 0) {
    // Within the route itself (two of its own paths), or a rule of its own that no request reaches.
    return { ...base, message: `${conflict.message.replace(/\s+$/, "")}` };
  }
  switch (conflict.kind) {
    case "route-conflict":
      return {
        ...base,
        message:
          `${where} is already routed to service ${others.map((o) => backendOf(o, conflict)).join(", ")} by ` +
          `${names(others)}. Give one route a different path, or remove one.`,
      };
    case "duplicate-route":
      return {
        ...base,
        message:
          `${where} is also routed to service ${backendOf(newRoute, conflict)} by ${names(others)}; ` +
          `only one of them is used. Remove the duplicate path.`,
      };
    case "tls-conflict":
      return {
        ...base,
        message:
          `${hostLabel(conflict.host)} gets its certificate from ${newRoute.tls ?? "no TLS"} here but from ` +
          `${others.map((o) => o.tls ?? "no TLS").join(", ")} in ${names(others)}. Give the routes of one host the ` +
          `same tls.secretName, or put their paths in one HostRoute.`,
      };
    default:
      return { ...base, message: `${conflict.message.replace(/\s+$/, "")} (with ${names(others)})` };
  }
}

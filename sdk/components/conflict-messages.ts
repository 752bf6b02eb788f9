// Turns the matcher's conflicts into HostRoute messages that name both routes, the host and the path, and end
// with the fix. The matcher says what collides; only the components know which HostRoute owns each Ingress.
import type { Conflict, IngressBackend, ObjectRef } from "../matcher";
import { routeFieldOf } from "./route-fields";
import type { RouteEntry } from "./route-registry";

export interface RouteConflictMessage {
  readonly code: string;
  readonly severity: "error" | "warning";
  /** Without the `HostRoute "name": ` prefix and the code. */
  readonly message: string;
  /** The route's argument concerned, when it is one of its own paths (e.g. `paths[1]`); else `paths`. */
  readonly field?: string;
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

/** The index of the route's own path whose backend is `backend` (the matcher hands back the objects it was given). */
function ownPathOf(
  backend: IngressBackend | undefined,
  ownBackends: readonly unknown[],
  after: number,
): number | undefined {
  if (backend === undefined) return undefined;
  let at = ownBackends.indexOf(backend);
  if (at < 0) {
    const json = JSON.stringify(backend);
    at = ownBackends.findIndex((b, i) => i > after && JSON.stringify(b) === json);
  }
  return at < 0 ? undefined : at;
}

/**
 * A conflict between two paths of the route itself, named by their place in `paths` with the values the route was
 * given (never the stand-ins the matcher saw). Undefined when the paths cannot be told.
 */
function describeOwnConflict(
  conflict: Conflict,
  newRoute: RouteEntry,
  ownBackends: readonly unknown[],
): RouteConflictMessage | undefined {
  const i = ownPathOf(conflict.backends?.[0], ownBackends, -1);
  const j = i === undefined ? undefined : ownPathOf(conflict.backends?.[1], ownBackends, i);
  const first = i === undefined ? undefined : newRoute.paths[i];
  const second = j === undefined ? undefined : newRoute.paths[j];
  if (i === undefined || j === undefined || i === j || !first || !second) return undefined;
  const types =
    first.pathType === second.pathType
      ? `"${first.path}" and paths[${j}] "${second.path}" (${first.pathType})`
      : `"${first.path}" (${first.pathType}) and paths[${j}] "${second.path}" (${second.pathType})`;
  const notes: string[] = [];
  if (first.path !== second.path) notes.push(`a trailing "/" does not change a Prefix path`);
  if (first.pathType !== second.pathType) notes.push(`ImplementationSpecific is matched as Prefix`);
  const note = notes.length > 0 ? ` (${notes.join("; ")})` : "";
  const where = `paths[${i}] ${types} on ${hostLabel(conflict.host)}`;
  const base = { code: conflict.code, severity: conflict.severity, field: `paths[${j}]` };
  if (conflict.kind === "duplicate-route") {
    return {
      ...base,
      message:
        `${where} are the same route${note} to the same ${first.backend}; only paths[${i}] is used. ` +
        `Remove paths[${j}].`,
    };
  }
  return {
    ...base,
    message:
      `${where} are the same route${note} but go to different backends: ${first.backend} and ` +
      `${second.backend}; paths[${i}] wins. Remove one.`,
  };
}

/** A matcher message about the route's own Ingress, reworded to name the route's arguments. */
function ownMessage(conflict: Conflict, self: ObjectRef): string {
  let message = conflict.message.replace(/\s+$/, "");
  const refPrefix = `Ingress ${self.namespace}/${self.name}: `;
  if (message.startsWith(refPrefix)) {
    message = message.slice(refPrefix.length);
    const field = /^\S+/.exec(message)?.[0];
    if (field !== undefined) message = `${routeFieldOf(field)}${message.slice(field.length)}`;
  }
  return message;
}

/**
 * The message for one conflict the new route introduced. `self` is the new route's Ingress ref, `ownBackends` the
 * backends of its paths as the index was given them; `routeOf` finds the HostRoute behind any other ref.
 */
export function describeRouteConflict(
  conflict: Conflict,
  self: ObjectRef,
  newRoute: RouteEntry,
  ownBackends: readonly unknown[],
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
    const own =
      conflict.kind === "route-conflict" || conflict.kind === "duplicate-route"
        ? describeOwnConflict(conflict, newRoute, ownBackends)
        : undefined;
    return own ?? { ...base, message: ownMessage(conflict, self) };
  }
  switch (conflict.kind) {
    case "route-conflict":
      return {
        ...base,
        message:
          `${where} is already routed to ${others.map((o) => backendOf(o, conflict)).join(", ")} by ` +
          `${names(others)}. Give one route a different path, or remove one.`,
      };
    case "duplicate-route":
      return {
        ...base,
        message:
          `${where} is also routed to ${backendOf(newRoute, conflict)} by ${names(others)}; ` +
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

/** The messages for every conflict the new route introduced (see `describeRouteConflict`). */
export function describeRouteConflicts(
  conflicts: readonly Conflict[],
  self: ObjectRef,
  newRoute: RouteEntry,
  ownBackends: readonly unknown[],
  routeOf: (ref: ObjectRef) => RouteEntry | undefined,
): RouteConflictMessage[] {
  return conflicts.map((c) => describeRouteConflict(c, self, newRoute, ownBackends, routeOf));
}

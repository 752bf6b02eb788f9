// Conflicts between Ingresses of one class: the same route sent to different backends, one TLS host served
// from two Secrets, two default backends, and rules no request can reach. Everything is keyed in hash maps,
// so finding conflicts among n routes is O(n), never a pairwise comparison.
import { MatcherCodes } from "./errors";
import { formatBackend, formatRef, quote } from "./format";
import { classOf } from "./ingress-class";
import {
  defaultBackendOf,
  routeKey,
  routesOf,
  sortByPrecedence,
  tlsEntriesOf,
  type RouteEntry,
  type TlsEntry,
} from "./ingress-routes";
import { normalizeRequestPath, unreachablePathReason } from "./path";
import { ingressRef, validateIngress } from "./validate";
import type { Conflict, ConflictOptions, IngressBackend, IngressObject, ObjectRef } from "./types";

/** Adds Ingresses one at a time and reports what each new one conflicts with, in O(its own routes). */
export interface ConflictIndex {
  /**
   * Adds an Ingress; returns the conflicts it introduces with those already added (earlier additions win),
   * and its own unreachable rules. Ingresses of another class than `options.ingressClass` are ignored.
   */
  add(ingress: IngressObject): Conflict[];
  /** Number of Ingresses added. */
  readonly size: number;
}

interface DefaultBackendClaim {
  readonly ingress: ObjectRef;
  readonly backend: IngressBackend;
}

function hostPhrase(host: string): string {
  return host === "" ? "any host (rules without a host)" : `host ${quote(host)}`;
}

function backendOf(entry: { ingress: ObjectRef; backend: IngressBackend }): string {
  return formatBackend(entry.backend, entry.ingress.namespace);
}

function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.namespace === b.namespace && a.name === b.name;
}

function uniqueRefs(refs: readonly ObjectRef[]): ObjectRef[] {
  const out: ObjectRef[] = [];
  for (const ref of refs) if (!out.some((r) => sameRef(r, ref))) out.push(ref);
  return out;
}

function routeConflict(claims: readonly RouteEntry[]): Conflict {
  const [winner] = claims as [RouteEntry, ...RouteEntry[]];
  const backends = claims.map(backendOf);
  const same = backends.every((b) => b === backends[0]);
  const writtenPaths = [...new Set(claims.map((c) => c.path))];
  const pathNote =
    writtenPaths.length > 1
      ? ` (written as ${writtenPaths.map((p) => quote(p)).join(" and ")}: a trailing "/" does not change a Prefix path)`
      : "";
  const types = [...new Set(claims.map((c) => c.pathType))].join("/");
  const where = `Path ${quote(winner.path)} (${types}) on ${hostPhrase(winner.host)}${pathNote}`;
  const objects = uniqueRefs(claims.map((c) => c.ingress));
  if (same) {
    return {
      kind: "duplicate-route",
      code: MatcherCodes.DUPLICATE_ROUTE,
      severity: "warning",
      message: `${where} is routed to the same ${backends[0]} by ${claims.map((c) => formatRef(c.ingress)).join(" and ")}; only the rule of ${formatRef(winner.ingress)} is used. Remove the duplicate.`,
      objects,
      host: winner.host,
      path: winner.path,
      pathType: winner.pathType,
      backends: claims.map((c) => c.backend),
    };
  }
  const listed = claims.map((c) => `${formatRef(c.ingress)} (${backendOf(c)})`).join(", ");
  return {
    kind: "route-conflict",
    code: MatcherCodes.ROUTE_CONFLICT,
    severity: "error",
    message: `${where} is routed to different backends by ${listed}; ${formatRef(winner.ingress)} is older (or first by namespace/name) and wins. Give one route a different path or host, or remove one.`,
    objects,
    host: winner.host,
    path: winner.path,
    pathType: winner.pathType,
    backends: claims.map((c) => c.backend),
  };
}

function tlsConflict(claims: readonly TlsEntry[]): Conflict {
  const [winner] = claims as [TlsEntry, ...TlsEntry[]];
  const listed = claims
    .map((c) => `${c.ingress.namespace}/${c.secretName} (Ingress ${formatRef(c.ingress)})`)
    .join(", ");
  return {
    kind: "tls-conflict",
    code: MatcherCodes.TLS_CONFLICT,
    severity: "error",
    message: `Host ${quote(winner.host)} takes its TLS certificate from different Secrets: ${listed}; the one of ${formatRef(winner.ingress)} is used. Use one Secret for the host in every Ingress.`,
    objects: uniqueRefs(claims.map((c) => c.ingress)),
    host: winner.host,
    secretNames: claims.map((c) => c.secretName),
  };
}

function defaultBackendConflict(
  claims: readonly DefaultBackendClaim[],
  className: string | undefined,
): Conflict {
  const [winner] = claims as [DefaultBackendClaim, ...DefaultBackendClaim[]];
  const forClass = className === undefined ? "" : ` for class ${quote(className)}`;
  const listed = claims.map((c) => `${formatRef(c.ingress)} (${backendOf(c)})`).join(", ");
  return {
    kind: "default-backend-conflict",
    code: MatcherCodes.DEFAULT_BACKEND_CONFLICT,
    severity: "error",
    message: `${claims.length} Ingresses set a default backend${forClass}: ${listed}; the one of ${formatRef(winner.ingress)} is used. Keep one default backend per class.`,
    objects: uniqueRefs(claims.map((c) => c.ingress)),
    backends: claims.map((c) => c.backend),
  };
}

function unreachableConflicts(entries: readonly RouteEntry[]): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const entry of entries) {
    const why = unreachablePathReason(entry.matchPath);
    if (why === null) continue;
    const field = `spec.rules[${entry.ruleIndex}].http.paths[${entry.pathIndex}].path`;
    conflicts.push({
      kind: "unreachable-rule",
      code: MatcherCodes.UNREACHABLE_RULE,
      severity: "error",
      message: `Ingress ${formatRef(entry.ingress)}: ${field} ${quote(entry.path)} on ${hostPhrase(entry.host)} ${why}, so no request can match it. Write the path in normalised form, such as ${quote(normalizeRequestPath(entry.path))}.`,
      objects: [entry.ingress],
      host: entry.host,
      path: entry.path,
      pathType: entry.pathType,
    });
  }
  return conflicts;
}

function isIngressLike(item: unknown): item is IngressObject {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return false;
  const kind = (item as { kind?: unknown }).kind;
  return kind === undefined || kind === "Ingress";
}

/** The group an Ingress is checked in: its class, the default class for class-less ones, or "". */
function groupOf(ingress: IngressObject, options: ConflictOptions): string | null {
  const requested = classOf(ingress);
  if (options.ingressClass !== undefined) {
    if (requested === undefined) return options.isDefaultClass ? options.ingressClass : null;
    return requested === options.ingressClass ? options.ingressClass : null;
  }
  return requested ?? options.defaultClassName ?? "";
}

function conflictsInGroup(ingresses: readonly IngressObject[], className: string | undefined): Conflict[] {
  const conflicts: Conflict[] = [];
  const routeClaims = new Map<string, RouteEntry[]>();
  const tlsClaims = new Map<string, TlsEntry[]>();
  const defaults: DefaultBackendClaim[] = [];
  for (const ingress of sortByPrecedence(ingresses)) {
    const entries = routesOf(ingress);
    conflicts.push(...unreachableConflicts(entries));
    for (const entry of entries) {
      const key = routeKey(entry);
      const claims = routeClaims.get(key);
      if (claims === undefined) routeClaims.set(key, [entry]);
      else claims.push(entry);
    }
    for (const tls of tlsEntriesOf(ingress)) {
      const claims = tlsClaims.get(tls.host);
      if (claims === undefined) tlsClaims.set(tls.host, [tls]);
      else if (
        !claims.some((c) => c.secretName === tls.secretName && c.ingress.namespace === tls.ingress.namespace)
      ) {
        claims.push(tls);
      }
    }
    const backend = defaultBackendOf(ingress);
    if (backend !== undefined) defaults.push({ ingress: ingressRef(ingress), backend });
  }
  for (const claims of routeClaims.values()) if (claims.length > 1) conflicts.push(routeConflict(claims));
  for (const claims of tlsClaims.values()) if (claims.length > 1) conflicts.push(tlsConflict(claims));
  if (defaults.length > 1) conflicts.push(defaultBackendConflict(defaults, className));
  return conflicts;
}

const SEVERITY_ORDER = { error: 0, warning: 1 } as const;

function compareConflicts(a: Conflict, b: Conflict): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    (a.host ?? "").localeCompare(b.host ?? "") ||
    (a.path ?? "").localeCompare(b.path ?? "") ||
    a.kind.localeCompare(b.kind) ||
    a.message.localeCompare(b.message)
  );
}

/**
 * Every conflict among the given Ingresses that would be served (those without validation errors). With
 * `ingressClass`, only that class's Ingresses are checked;
 * without it, each class is checked on its own (routes of different classes never conflict). Non-Ingress
 * objects are ignored. Sorted: errors first, then by host and path. Never throws.
 */
export function findConflicts(ingresses: readonly unknown[], options: ConflictOptions = {}): Conflict[] {
  const groups = new Map<string, Map<string, IngressObject>>();
  for (const item of Array.isArray(ingresses) ? ingresses : []) {
    if (!isIngressLike(item)) continue;
    // An Ingress with errors is never served (compileRoutes skips it): it takes no part in conflicts, and
    // validateIngress reports what is wrong with it.
    if (validateIngress(item).some((p) => p.severity === "error")) continue;
    const group = groupOf(item, options);
    if (group === null) continue;
    let members = groups.get(group);
    if (members === undefined) groups.set(group, (members = new Map()));
    const ref = ingressRef(item);
    members.set(`${ref.namespace}/${ref.name}`, item); // a later copy of the same object replaces the earlier
  }
  const conflicts: Conflict[] = [];
  for (const [group, members] of groups) {
    conflicts.push(...conflictsInGroup([...members.values()], group === "" ? undefined : group));
  }
  return conflicts.sort(compareConflicts);
}

/** An index for checking Ingresses as they are created, as the Pulumi components do for each HostRoute. */
export function createConflictIndex(options: ConflictOptions = {}): ConflictIndex {
  const routes = new Map<string, RouteEntry>();
  const tls = new Map<string, TlsEntry>();
  const defaults = new Map<string, DefaultBackendClaim>();
  let size = 0;
  return {
    get size() {
      return size;
    },
    add(ingress: IngressObject): Conflict[] {
      if (!isIngressLike(ingress)) return [];
      const group = groupOf(ingress, options);
      if (group === null) return [];
      size++;
      const entries = routesOf(ingress);
      const conflicts = unreachableConflicts(entries);
      const prefix = `${group}\u0001`;
      for (const entry of entries) {
        const key = prefix + routeKey(entry);
        const existing = routes.get(key);
        if (existing === undefined) routes.set(key, entry);
        else if (
          !sameRef(existing.ingress, entry.ingress) ||
          existing.pathIndex !== entry.pathIndex ||
          existing.ruleIndex !== entry.ruleIndex
        ) {
          conflicts.push(routeConflict([existing, entry]));
        }
      }
      for (const entry of tlsEntriesOf(ingress)) {
        const key = prefix + entry.host;
        const existing = tls.get(key);
        if (existing === undefined) tls.set(key, entry);
        else if (
          existing.secretName !== entry.secretName ||
          existing.ingress.namespace !== entry.ingress.namespace
        ) {
          conflicts.push(tlsConflict([existing, entry]));
        }
      }
      const backend = defaultBackendOf(ingress);
      if (backend !== undefined) {
        const claim = { ingress: ingressRef(ingress), backend };
        const existing = defaults.get(group);
        if (existing === undefined) defaults.set(group, claim);
        else conflicts.push(defaultBackendConflict([existing, claim], group === "" ? undefined : group));
      }
      return conflicts.sort(compareConflicts);
    },
  };
}

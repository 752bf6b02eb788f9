// Turns one Ingress into the route entries the table and the conflict checks work on, and defines the
// precedence between Ingress objects that claim the same route: the oldest object wins, then namespace/name.
import { canonicalEncoding, prefixKey } from "./path";
import { ingressRef } from "./validate";
import type { IngressBackend, IngressObject, IngressTLS, ObjectRef, PathType } from "./types";

/** One path rule of one Ingress, ready to index. */
export interface RouteEntry {
  readonly ingress: ObjectRef;
  /** Lowercase rule host, "" for none. */
  readonly host: string;
  readonly path: string;
  readonly pathType: PathType;
  /**
   * What the route is keyed on: the path canonically percent-encoded (as requests are), and for Prefix (and
   * ImplementationSpecific) without trailing "/".
   */
  readonly matchKind: "Exact" | "Prefix";
  readonly matchPath: string;
  readonly backend: IngressBackend;
  readonly ruleIndex: number;
  readonly pathIndex: number;
}

export interface TlsEntry {
  readonly ingress: ObjectRef;
  readonly host: string;
  readonly secretName: string;
}

const PATH_TYPES: readonly string[] = ["Exact", "Prefix", "ImplementationSpecific"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The route key shared by the table and the conflict checks: host, match kind and normalised path. */
export function routeKey(entry: Pick<RouteEntry, "host" | "matchKind" | "matchPath">): string {
  return `${entry.host}\u0000${entry.matchKind}\u0000${entry.matchPath}`;
}

/** The path rules of an Ingress, skipping any entry too malformed to route (validation reports those). */
export function routesOf(ingress: IngressObject): RouteEntry[] {
  const ref = ingressRef(ingress);
  const rules = ingress?.spec?.rules;
  if (!Array.isArray(rules)) return [];
  const entries: RouteEntry[] = [];
  rules.forEach((rule, ruleIndex) => {
    if (!isRecord(rule)) return;
    const host = typeof rule.host === "string" ? rule.host.toLowerCase() : "";
    const paths = isRecord(rule.http) && Array.isArray(rule.http.paths) ? rule.http.paths : [];
    paths.forEach((entry: unknown, pathIndex: number) => {
      if (!isRecord(entry) || !isRecord(entry.backend)) return;
      const pathType = entry.pathType;
      if (typeof pathType !== "string" || !PATH_TYPES.includes(pathType)) return;
      const rawPath = entry.path;
      const path = typeof rawPath === "string" && rawPath !== "" ? rawPath : "/";
      if (path.charCodeAt(0) !== 47) return;
      const matchKind = pathType === "Exact" ? "Exact" : "Prefix";
      entries.push({
        ingress: ref,
        host,
        path,
        pathType: pathType as PathType,
        matchKind,
        matchPath: matchKind === "Exact" ? canonicalEncoding(path) : prefixKey(canonicalEncoding(path)),
        backend: entry.backend as IngressBackend,
        ruleIndex,
        pathIndex,
      });
    });
  });
  return entries;
}

/** The TLS hosts of an Ingress with their secret; an entry without hosts covers every host of its rules. */
export function tlsEntriesOf(ingress: IngressObject): TlsEntry[] {
  const ref = ingressRef(ingress);
  const tls = ingress?.spec?.tls;
  if (!Array.isArray(tls)) return [];
  const entries: TlsEntry[] = [];
  for (const item of tls as IngressTLS[]) {
    if (!isRecord(item) || typeof item.secretName !== "string" || item.secretName === "") continue;
    const hosts = Array.isArray(item.hosts) && item.hosts.length > 0 ? item.hosts : ruleHostsOf(ingress);
    for (const host of hosts) {
      if (typeof host === "string" && host !== "") {
        entries.push({ ingress: ref, host: host.toLowerCase(), secretName: item.secretName });
      }
    }
  }
  return entries;
}

function ruleHostsOf(ingress: IngressObject): string[] {
  const rules = ingress?.spec?.rules;
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((rule) =>
    isRecord(rule) && typeof rule.host === "string" && rule.host !== "" ? [rule.host] : [],
  );
}

/** The default backend of an Ingress, if it has one. */
export function defaultBackendOf(ingress: IngressObject): IngressBackend | undefined {
  const backend = ingress?.spec?.defaultBackend;
  return isRecord(backend) ? (backend as IngressBackend) : undefined;
}

/** creationTimestamp in ms; +Infinity when missing. */
export function creationTime(ingress: IngressObject): number {
  const stamp = ingress?.metadata?.creationTimestamp;
  const time = typeof stamp === "string" ? Date.parse(stamp) : NaN;
  // Objects without a timestamp (from YAML files) are treated as newest, then ordered by name.
  return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

/**
 * Sorts Ingresses by precedence: when two claim the same route, the first wins. Oldest creationTimestamp first,
 * then namespace, then name (the order ingress-nginx and Contour use), so the result never depends on input order.
 */
export function sortByPrecedence<T extends IngressObject>(ingresses: readonly T[]): T[] {
  const keyed = ingresses.map((ingress) => ({
    ingress,
    time: creationTime(ingress),
    ref: ingressRef(ingress),
  }));
  keyed.sort((a, b) => {
    if (a.time !== b.time) return a.time < b.time ? -1 : 1;
    if (a.ref.namespace !== b.ref.namespace) return a.ref.namespace < b.ref.namespace ? -1 : 1;
    if (a.ref.name !== b.ref.name) return a.ref.name < b.ref.name ? -1 : 1;
    return 0;
  });
  return keyed.map((k) => k.ingress);
}

// The compiled routing table: built once per snapshot, then read by every request. Lookups are hash-map probes
// whose count depends on the request path's depth, never on the number of routes or hosts:
//   host:  exact host map, else the wildcard map keyed by the parent domain, else the rules without a host
//          (host-first, as NGINX and HAProxy select a server block; a host's unmatched paths go to the default
//          backend rather than to a less specific host);
//   path:  see host-routes.ts.
import { belongsToClass } from "./ingress-class";
import { comparePrecedence, ingressParts, type IngressParts, type IngressPartsCache } from "./ingress-parts";
import type { RouteEntry, TlsEntry } from "./ingress-routes";
import { HostRoutes } from "./host-routes";
import { LayeredMap } from "./layered-map";
import { normalizeHost, wildcardParent } from "./host";
import { normalizeRequestPath } from "./path";
import { ingressRef, validateIngress } from "./validate";
import type {
  CompileOptions,
  IngressBackend,
  IngressObject,
  ObjectRef,
  Problem,
  RouteMatch,
  RouteTable,
  SkippedIngress,
  TlsMatch,
} from "./types";

/** What a table is made of; the incremental compiler keeps it to build the next table from. */
export interface TableParts {
  /** Indexed by RouteMatch.id. */
  readonly routes: RouteMatch[];
  readonly skipped: SkippedIngress[];
  readonly warnings: Problem[];
  /** Compiled Ingresses sorted by namespace/name. */
  readonly ingresses: ObjectRef[];
  /** Exact rule hosts, wildcard rule hosts by their parent domain ("*.x" under "x"). */
  readonly exactHosts: LayeredMap<HostRoutes>;
  readonly wildcardHosts: LayeredMap<HostRoutes>;
  readonly anyHost: HostRoutes | null;
  readonly defaultBackend: RouteMatch | null;
  readonly tlsExact: LayeredMap<TlsMatch>;
  readonly tlsWildcard: LayeredMap<TlsMatch>;
}

export class CompiledRouteTable implements RouteTable {
  readonly routes: readonly RouteMatch[];
  readonly skipped: readonly SkippedIngress[];
  readonly warnings: readonly Problem[];
  readonly ingresses: readonly ObjectRef[];
  readonly #exactHosts: LayeredMap<HostRoutes>;
  readonly #wildcardHosts: LayeredMap<HostRoutes>;
  readonly #anyHost: HostRoutes | null;
  readonly #defaultBackend: RouteMatch | null;
  readonly #tlsExact: LayeredMap<TlsMatch>;
  readonly #tlsWildcard: LayeredMap<TlsMatch>;

  /** Takes `parts` over: they are frozen or never changed again. */
  constructor(parts: TableParts) {
    this.routes = Object.freeze(parts.routes);
    this.skipped = Object.freeze(parts.skipped);
    this.warnings = Object.freeze(parts.warnings);
    this.ingresses = Object.freeze(parts.ingresses);
    this.#exactHosts = parts.exactHosts;
    this.#wildcardHosts = parts.wildcardHosts;
    this.#anyHost = parts.anyHost;
    this.#defaultBackend = parts.defaultBackend;
    this.#tlsExact = parts.tlsExact;
    this.#tlsWildcard = parts.tlsWildcard;
    Object.freeze(this);
  }

  match(host: string, path: string): RouteMatch | null {
    const h = normalizeHost(typeof host === "string" ? host : "");
    let routes = this.#exactHosts.get(h);
    if (routes === undefined && this.#wildcardHosts.size > 0) {
      const parent = wildcardParent(h);
      if (parent !== undefined) routes = this.#wildcardHosts.get(parent);
    }
    if (routes === undefined && this.#anyHost !== null) routes = this.#anyHost;
    if (routes !== undefined) {
      const route = routes.match(normalizeRequestPath(typeof path === "string" ? path : "/"));
      if (route !== null) return route;
    }
    return this.#defaultBackend;
  }

  tlsSecretFor(serverName: string): TlsMatch | null {
    const h = normalizeHost(typeof serverName === "string" ? serverName : "");
    const exact = this.#tlsExact.get(h);
    if (exact !== undefined) return exact;
    const parent = wildcardParent(h);
    return (parent !== undefined && this.#tlsWildcard.get(parent)) || null;
  }
}

export function isIngressLike(item: unknown): item is IngressObject {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return false;
  const kind = (item as { kind?: unknown }).kind;
  return kind === undefined || kind === "Ingress";
}

/** The Ingresses a table is compiled from, and those it reports. */
export interface SelectedIngresses {
  readonly skipped: SkippedIngress[];
  readonly warnings: Problem[];
  /** The valid Ingresses of the class, one per namespace/name (the last listed wins), in input order. */
  readonly accepted: IngressParts[];
}

/**
 * Ingresses of other classes are left out; Ingresses with errors are skipped (listed in `skipped`); non-Ingress
 * objects are ignored.
 */
export function selectIngresses(
  ingresses: readonly unknown[],
  options: CompileOptions,
  cache: IngressPartsCache | undefined,
): SelectedIngresses {
  const skipped: SkippedIngress[] = [];
  const warnings: Problem[] = [];
  const accepted: IngressParts[] = [];
  const seen = new Map<string, number>();
  for (const item of Array.isArray(ingresses) ? ingresses : []) {
    if (!isIngressLike(item) || !belongsToClass(item, options)) {
      if (typeof item !== "object" || item === null) {
        skipped.push({ ingress: ingressRef(item), problems: validateIngress(item) });
      }
      continue;
    }
    const parts = cache ? cache.get(item) : ingressParts(item);
    if (parts.hasErrors) {
      skipped.push({ ingress: parts.ref, problems: parts.problems });
      continue;
    }
    if (parts.problems.length > 0) warnings.push(...parts.problems);
    // The same object listed twice (two files, a List and a document): the later copy replaces the earlier.
    const previous = seen.get(parts.label);
    if (previous !== undefined) accepted[previous] = parts;
    else {
      seen.set(parts.label, accepted.length);
      accepted.push(parts);
    }
  }
  return { skipped, warnings, accepted };
}

/**
 * Compiles plain Ingress objects into an immutable RouteTable. Ingresses of other classes are left out;
 * Ingresses with errors are skipped and listed in `skipped` while every valid route is served; non-Ingress
 * objects are ignored. Never throws.
 */
export function compileRoutes(ingresses: readonly unknown[], options: CompileOptions = {}): RouteTable {
  return compileRoutesReusing(ingresses, options, undefined);
}

/**
 * compileRoutes, taking each Ingress's own work from `cache` when the same object instance was compiled before
 * (for callers whose objects are never mutated, such as the bundled controller's sources).
 */
export function compileRoutesReusing(
  ingresses: readonly unknown[],
  options: CompileOptions,
  cache: IngressPartsCache | undefined,
): RouteTable {
  return new CompiledRouteTable(buildTableParts(selectIngresses(ingresses, options, cache)));
}

/** A rule's compiled route. */
export function ruleRoute(parts: IngressParts, entry: RouteEntry, id: number): RouteMatch {
  return Object.freeze({
    id,
    kind: "rule",
    ingress: parts.ref,
    host: entry.host,
    path: entry.path,
    pathType: entry.pathType,
    backend: entry.backend,
    annotations: parts.annotations,
    ruleIndex: entry.ruleIndex,
    pathIndex: entry.pathIndex,
  });
}

/** The compiled route of an Ingress's default backend. */
export function defaultBackendRoute(parts: IngressParts, backend: IngressBackend, id: number): RouteMatch {
  return Object.freeze({
    id,
    kind: "defaultBackend",
    ingress: parts.ref,
    host: "",
    path: "/",
    pathType: "Prefix",
    backend,
    annotations: parts.annotations,
    ruleIndex: -1,
    pathIndex: -1,
  });
}

export function tlsMatch(parts: IngressParts, tls: TlsEntry): TlsMatch {
  return Object.freeze({
    namespace: parts.ref.namespace,
    secretName: tls.secretName,
    host: tls.host,
    ingress: parts.ref,
  });
}

/** The host map and key a rule or TLS host is kept under: wildcards by their parent domain. */
export function hostKey(host: string): { wildcard: boolean; key: string } {
  return host.startsWith("*.") ? { wildcard: true, key: host.slice(2) } : { wildcard: false, key: host };
}

export function byLabel(a: IngressParts, b: IngressParts): number {
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

/** Every route of `selected`: precedence decides which Ingress owns a route another one also claims. */
export function buildTableParts(
  selected: SelectedIngresses,
  sortedByLabel: readonly IngressParts[] = [...selected.accepted].sort(byLabel),
): TableParts {
  const ordered = [...selected.accepted].sort(comparePrecedence);
  const routes: RouteMatch[] = [];
  const exactHosts = new Map<string, HostRoutes>();
  const wildcardHosts = new Map<string, HostRoutes>();
  let anyHost: HostRoutes | null = null;
  let defaultBackend: RouteMatch | null = null;
  const tlsExact = new Map<string, TlsMatch>();
  const tlsWildcard = new Map<string, TlsMatch>();

  const hostRoutesFor = (host: string): HostRoutes => {
    if (host === "") return (anyHost ??= new HostRoutes());
    const { wildcard, key } = hostKey(host);
    const map = wildcard ? wildcardHosts : exactHosts;
    let routesOfHost = map.get(key);
    if (routesOfHost === undefined) map.set(key, (routesOfHost = new HostRoutes()));
    return routesOfHost;
  };

  for (const parts of ordered) {
    for (const entry of parts.routes) {
      const routesOfHost = hostRoutesFor(entry.host);
      if (routesOfHost.has(entry)) continue; // an older (or lower-named) Ingress already owns this route
      const route = ruleRoute(parts, entry, routes.length);
      routes.push(route);
      routesOfHost.add(entry, route);
    }
    if (parts.defaultBackend !== undefined && defaultBackend === null) {
      defaultBackend = defaultBackendRoute(parts, parts.defaultBackend, routes.length);
      routes.push(defaultBackend);
    }
    for (const tls of parts.tls) {
      const { wildcard, key } = hostKey(tls.host);
      const map = wildcard ? tlsWildcard : tlsExact;
      if (!map.has(key)) map.set(key, tlsMatch(parts, tls));
    }
  }

  for (const routesOfHost of exactHosts.values()) routesOfHost.seal();
  for (const routesOfHost of wildcardHosts.values()) routesOfHost.seal();
  (anyHost as HostRoutes | null)?.seal();

  return {
    routes,
    skipped: selected.skipped,
    warnings: selected.warnings,
    ingresses: sortedByLabel.map((parts) => parts.ref),
    exactHosts: LayeredMap.of(exactHosts),
    wildcardHosts: LayeredMap.of(wildcardHosts),
    anyHost,
    defaultBackend,
    tlsExact: LayeredMap.of(tlsExact),
    tlsWildcard: LayeredMap.of(tlsWildcard),
  };
}

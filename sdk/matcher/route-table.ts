// The compiled routing table: built once per snapshot, then read by every request. Lookups are hash-map probes
// whose count depends on the request path's depth, never on the number of routes or hosts:
//   host:  exact host map, else the wildcard map keyed by the parent domain, else the rules without a host
//          (host-first, as NGINX and HAProxy select a server block; a host's unmatched paths go to the default
//          backend rather than to a less specific host);
//   path:  the Exact map, then the Prefix map probed at each '/' boundary from the longest candidate down.
import { belongsToClass } from "./ingress-class";
import { ingressParts, type IngressParts, type IngressPartsCache } from "./ingress-parts";
import type { RouteEntry } from "./ingress-routes";
import { normalizeHost, wildcardParent } from "./host";
import { normalizeRequestPath } from "./path";
import { ingressRef, validateIngress } from "./validate";
import type {
  CompileOptions,
  IngressObject,
  ObjectRef,
  Problem,
  RouteMatch,
  RouteTable,
  SkippedIngress,
  TlsMatch,
} from "./types";

const SLASH = 47;
/** The prefixLengths of a host without Prefix keys (most hosts with only "/"): one shared array, not one each. */
const NO_PREFIX_LENGTHS = new Uint8Array(1);

/** One shared empty map for hosts without Exact or Prefix keys (most hosts have only "/"). */
const NO_ROUTES: ReadonlyMap<string, RouteMatch> = new Map();

/** The routes of one host (or of the wildcard, or of "any host"). Maps are made on first use: 10,000 hosts. */
class HostRoutes {
  exact: ReadonlyMap<string, RouteMatch> = NO_ROUTES;
  prefix: ReadonlyMap<string, RouteMatch> = NO_ROUTES;
  rootPrefix: RouteMatch | null = null;
  maxExactLength = 0;
  maxPrefixLength = 0;
  /** prefixLengths[n] === 1 when some Prefix key is n characters long: skips probes that cannot hit. */
  prefixLengths = NO_PREFIX_LENGTHS;

  /** Whether an earlier (higher-precedence) rule already owns this route. */
  has(entry: RouteEntry): boolean {
    if (entry.matchKind === "Exact") return this.exact.has(entry.matchPath);
    return entry.matchPath === "" ? this.rootPrefix !== null : this.prefix.has(entry.matchPath);
  }

  add(entry: RouteEntry, route: RouteMatch): void {
    if (entry.matchKind === "Exact") {
      if (this.exact === NO_ROUTES) this.exact = new Map();
      (this.exact as Map<string, RouteMatch>).set(entry.matchPath, route);
      this.maxExactLength = Math.max(this.maxExactLength, entry.matchPath.length);
    } else if (entry.matchPath === "") {
      this.rootPrefix = route;
    } else {
      if (this.prefix === NO_ROUTES) this.prefix = new Map();
      (this.prefix as Map<string, RouteMatch>).set(entry.matchPath, route);
      this.maxPrefixLength = Math.max(this.maxPrefixLength, entry.matchPath.length);
    }
  }

  seal(): void {
    if (this.maxPrefixLength === 0) return;
    this.prefixLengths = new Uint8Array(this.maxPrefixLength + 1);
    for (const key of this.prefix.keys()) this.prefixLengths[key.length] = 1;
  }

  match(path: string): RouteMatch | null {
    if (path.length <= this.maxExactLength) {
      const exact = this.exact.get(path);
      if (exact !== undefined) return exact;
    }
    // Prefix candidates are the path itself (without a trailing '/') and the path cut at each '/'.
    let end = path.length;
    if (end > 1 && path.charCodeAt(end - 1) === SLASH) end--;
    if (end > this.maxPrefixLength) end = path.lastIndexOf("/", this.maxPrefixLength);
    while (end > 0) {
      if (this.prefixLengths[end] === 1) {
        const route = this.prefix.get(end === path.length ? path : path.slice(0, end));
        if (route !== undefined) return route;
      }
      end = path.lastIndexOf("/", end - 1);
    }
    return this.rootPrefix;
  }
}

class CompiledRouteTable implements RouteTable {
  readonly routes: readonly RouteMatch[];
  readonly skipped: readonly SkippedIngress[];
  readonly warnings: readonly Problem[];
  readonly ingresses: readonly ObjectRef[];
  readonly #exactHosts: Map<string, HostRoutes>;
  readonly #wildcardHosts: Map<string, HostRoutes>;
  readonly #anyHost: HostRoutes | null;
  readonly #defaultBackend: RouteMatch | null;
  readonly #tlsExact: Map<string, TlsMatch>;
  readonly #tlsWildcard: Map<string, TlsMatch>;

  constructor(parts: {
    routes: RouteMatch[];
    skipped: SkippedIngress[];
    warnings: Problem[];
    ingresses: ObjectRef[];
    exactHosts: Map<string, HostRoutes>;
    wildcardHosts: Map<string, HostRoutes>;
    anyHost: HostRoutes | null;
    defaultBackend: RouteMatch | null;
    tlsExact: Map<string, TlsMatch>;
    tlsWildcard: Map<string, TlsMatch>;
  }) {
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

function isIngressLike(item: unknown): item is IngressObject {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return false;
  const kind = (item as { kind?: unknown }).kind;
  return kind === undefined || kind === "Ingress";
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
    warnings.push(...parts.problems);
    // The same object listed twice (two files, a List and a document): the later copy replaces the earlier.
    const previous = seen.get(parts.label);
    if (previous !== undefined) accepted[previous] = parts;
    else {
      seen.set(parts.label, accepted.length);
      accepted.push(parts);
    }
  }

  // Precedence as sortByPrecedence: oldest first, then namespace, then name.
  const ordered = accepted.sort((a, b) => {
    if (a.time !== b.time) return a.time < b.time ? -1 : 1;
    if (a.ref.namespace !== b.ref.namespace) return a.ref.namespace < b.ref.namespace ? -1 : 1;
    if (a.ref.name !== b.ref.name) return a.ref.name < b.ref.name ? -1 : 1;
    return 0;
  });
  const routes: RouteMatch[] = [];
  const exactHosts = new Map<string, HostRoutes>();
  const wildcardHosts = new Map<string, HostRoutes>();
  let anyHost: HostRoutes | null = null;
  let defaultBackend: RouteMatch | null = null;
  const tlsExact = new Map<string, TlsMatch>();
  const tlsWildcard = new Map<string, TlsMatch>();

  const hostRoutesFor = (host: string): HostRoutes => {
    if (host === "") return (anyHost ??= new HostRoutes());
    const [map, key] = host.startsWith("*.") ? [wildcardHosts, host.slice(2)] : [exactHosts, host];
    let routesOfHost = map.get(key);
    if (routesOfHost === undefined) map.set(key, (routesOfHost = new HostRoutes()));
    return routesOfHost;
  };

  for (const { ref, annotations, routes: entries, defaultBackend: backend, tls: tlsEntries } of ordered) {
    for (const { entry, backend: routeBackend } of entries) {
      const routesOfHost = hostRoutesFor(entry.host);
      if (routesOfHost.has(entry)) continue; // an older (or lower-named) Ingress already owns this route
      const route: RouteMatch = Object.freeze({
        id: routes.length,
        kind: "rule",
        ingress: ref,
        host: entry.host,
        path: entry.path,
        pathType: entry.pathType,
        backend: routeBackend,
        annotations,
        ruleIndex: entry.ruleIndex,
        pathIndex: entry.pathIndex,
      });
      routes.push(route);
      routesOfHost.add(entry, route);
    }
    if (backend !== undefined && defaultBackend === null) {
      defaultBackend = Object.freeze({
        id: routes.length,
        kind: "defaultBackend",
        ingress: ref,
        host: "",
        path: "/",
        pathType: "Prefix",
        backend,
        annotations,
        ruleIndex: -1,
        pathIndex: -1,
      });
      routes.push(defaultBackend);
    }
    for (const tls of tlsEntries) {
      const [map, key] = tls.host.startsWith("*.") ? [tlsWildcard, tls.host.slice(2)] : [tlsExact, tls.host];
      if (!map.has(key)) {
        map.set(
          key,
          Object.freeze({
            namespace: ref.namespace,
            secretName: tls.secretName,
            host: tls.host,
            ingress: ref,
          }),
        );
      }
    }
  }

  for (const routesOfHost of exactHosts.values()) routesOfHost.seal();
  for (const routesOfHost of wildcardHosts.values()) routesOfHost.seal();
  (anyHost as HostRoutes | null)?.seal();

  return new CompiledRouteTable({
    routes,
    skipped,
    warnings,
    ingresses: ordered
      .map((parts) => ({ ref: parts.ref, label: parts.label }))
      .sort((a, b) => (a.label < b.label ? -1 : 1))
      .map((labelled) => labelled.ref),
    exactHosts,
    wildcardHosts,
    anyHost,
    defaultBackend,
    tlsExact,
    tlsWildcard,
  });
}

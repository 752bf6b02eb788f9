// The compiled routing table: built once per snapshot, then read by every request. Lookups are hash-map probes
// whose count depends on the request path's depth, never on the number of routes or hosts:
//   host:  exact host map, else the wildcard map keyed by the parent domain, else the rules without a host
//          (host-first, as NGINX and HAProxy select a server block; a host's unmatched paths go to the default
//          backend rather than to a less specific host);
//   path:  the Exact map, then the Prefix map probed at each '/' boundary from the longest candidate down.
import { belongsToClass } from "./ingress-class";
import {
  routesOf,
  sortByPrecedence,
  tlsEntriesOf,
  defaultBackendOf,
  type RouteEntry,
} from "./ingress-routes";
import { normalizeHost, wildcardParent } from "./host";
import { normalizeRequestPath } from "./path";
import { ingressRef, validateIngress } from "./validate";
import type {
  CompileOptions,
  IngressBackend,
  IngressObject,
  ServiceBackendPort,
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

/** The routes of one host (or of the wildcard, or of "any host"). */
class HostRoutes {
  readonly exact = new Map<string, RouteMatch>();
  readonly prefix = new Map<string, RouteMatch>();
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
      this.exact.set(entry.matchPath, route);
      this.maxExactLength = Math.max(this.maxExactLength, entry.matchPath.length);
    } else if (entry.matchPath === "") {
      this.rootPrefix = route;
    } else {
      this.prefix.set(entry.matchPath, route);
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

function freezeAnnotations(ingress: IngressObject): Readonly<Record<string, string>> {
  const annotations = ingress?.metadata?.annotations;
  const copy: Record<string, string> = {};
  if (annotations && typeof annotations === "object") {
    for (const [key, value] of Object.entries(annotations)) if (typeof value === "string") copy[key] = value;
  }
  return Object.freeze(copy);
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
  const skipped: SkippedIngress[] = [];
  const warnings: Problem[] = [];
  const accepted: IngressObject[] = [];
  const seen = new Map<string, number>();
  for (const item of Array.isArray(ingresses) ? ingresses : []) {
    if (!isIngressLike(item) || !belongsToClass(item, options)) {
      if (typeof item !== "object" || item === null) {
        skipped.push({ ingress: ingressRef(item), problems: validateIngress(item) });
      }
      continue;
    }
    const problems = validateIngress(item);
    const errors = problems.filter((p) => p.severity === "error");
    if (errors.length > 0) {
      skipped.push({ ingress: ingressRef(item), problems: Object.freeze(problems) });
      continue;
    }
    warnings.push(...problems);
    // The same object listed twice (two files, a List and a document): the later copy replaces the earlier.
    const ref = ingressRef(item);
    const id = `${ref.namespace}/${ref.name}`;
    const previous = seen.get(id);
    if (previous !== undefined) accepted[previous] = item;
    else {
      seen.set(id, accepted.length);
      accepted.push(item);
    }
  }

  const ordered = sortByPrecedence(accepted);
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

  for (const ingress of ordered) {
    const ref = Object.freeze(ingressRef(ingress));
    const annotations = freezeAnnotations(ingress);
    for (const entry of routesOf(ingress)) {
      const routesOfHost = hostRoutesFor(entry.host);
      if (routesOfHost.has(entry)) continue; // an older (or lower-named) Ingress already owns this route
      const route: RouteMatch = Object.freeze({
        id: routes.length,
        kind: "rule",
        ingress: ref,
        host: entry.host,
        path: entry.path,
        pathType: entry.pathType,
        backend: copyBackend(entry.backend),
        annotations,
        ruleIndex: entry.ruleIndex,
        pathIndex: entry.pathIndex,
      });
      routes.push(route);
      routesOfHost.add(entry, route);
    }
    const backend = defaultBackendOf(ingress);
    if (backend !== undefined && defaultBackend === null) {
      defaultBackend = Object.freeze({
        id: routes.length,
        kind: "defaultBackend",
        ingress: ref,
        host: "",
        path: "/",
        pathType: "Prefix",
        backend: copyBackend(backend),
        annotations,
        ruleIndex: -1,
        pathIndex: -1,
      });
      routes.push(defaultBackend);
    }
    for (const tls of tlsEntriesOf(ingress)) {
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
      .map((i) => ingressRef(i))
      .sort((a, b) => (a.namespace + "/" + a.name < b.namespace + "/" + b.name ? -1 : 1)),
    exactHosts,
    wildcardHosts,
    anyHost,
    defaultBackend,
    tlsExact,
    tlsWildcard,
  });
}

/** A frozen copy of a backend as written (the caller's objects are never frozen or kept). */
function copyBackend(backend: IngressBackend): IngressBackend {
  const { service, resource } = backend;
  if (service && typeof service === "object") {
    const port: ServiceBackendPort = {};
    if (service.port?.number !== undefined) port.number = service.port.number;
    if (service.port?.name !== undefined) port.name = service.port.name;
    return Object.freeze({ service: Object.freeze({ name: service.name, port: Object.freeze(port) }) });
  }
  if (resource && typeof resource === "object") {
    const copy: NonNullable<IngressBackend["resource"]> = { kind: resource.kind, name: resource.name };
    if (resource.apiGroup !== undefined) copy.apiGroup = resource.apiGroup;
    return Object.freeze({ resource: Object.freeze(copy) });
  }
  return Object.freeze({});
}

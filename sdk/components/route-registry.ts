// The program-wide registry of gateways and routes, keyed by IngressClass name. Each class has one matcher
// ConflictIndex, so adding a route costs O(its own paths), never a pass over the routes already there. Only routes
// that passed their check stay in it.
// Module-level on purpose: every HostRoute of one program (one Node process) must see the others. Tests that run
// several programs in one process call `resetRouteRegistry()` between them.
import { createConflictIndex, type Conflict, type ConflictIndex, type IngressObject } from "../matcher";
import type { ControllerKind } from "./controller-kind";
import type { GatewayCa } from "./tls";

/** What the registry knows of a gateway declared in this program. */
export interface GatewayEntry {
  /** The IngressGateway resource name. */
  readonly gatewayName: string;
  readonly ingressClassName: string;
  readonly controller: ControllerKind;
  /** Whether its controller writes a load balancer address into Ingress status (else routes skip Pulumi's await). */
  readonly publishesAddress: boolean;
  readonly ca?: GatewayCa;
}

/** One path of a registered route, described for messages. */
export interface RegisteredPath {
  readonly path: string;
  readonly pathType: string;
  /** How the backend reads in messages: `service namespace/name:port`, or `Service resource "name" (port 80)`. */
  readonly backend: string;
}

/** What the registry keeps of a route: enough to name it in another route's error. */
export interface RouteEntry {
  readonly routeName: string;
  /** The gateway as messages name it: its resource name, or the class name for a gateway of another program. */
  readonly gatewayLabel: string;
  readonly paths: readonly RegisteredPath[];
  /** How the route gets its certificate, e.g. `secret "shop-tls"`; undefined without TLS. */
  readonly tls?: string;
}

interface ClassRoutes {
  /** Holds exactly the Ingresses of `ingresses` (rebuilt from them when `stale`). */
  index: ConflictIndex;
  /** The accepted routes' Ingresses, in the order they were added, by `namespace/name`. */
  readonly ingresses: Map<string, IngressObject>;
  /** By the `namespace/name` of the route's Ingress in the index. */
  readonly routes: Map<string, RouteEntry>;
  readonly names: Set<string>;
  /** A route was withdrawn since the index was built: rebuild it before the next check. */
  stale: boolean;
}

const gatewaysByClass = new Map<string, GatewayEntry>();
const gatewaysByObject = new WeakMap<object, GatewayEntry>();
const classes = new Map<string, ClassRoutes>();

/** Forgets every gateway and route: for tests that run several programs in one process. */
export function resetRouteRegistry(): void {
  gatewaysByClass.clear();
  classes.clear();
}

/** Registers a gateway; returns the entry already holding the class if there is one (nothing is registered then). */
export function registerGateway(gateway: object, entry: GatewayEntry): GatewayEntry | undefined {
  const existing = gatewaysByClass.get(entry.ingressClassName);
  if (existing) return existing;
  gatewaysByClass.set(entry.ingressClassName, entry);
  gatewaysByObject.set(gateway, entry);
  return undefined;
}

/** The entry of an IngressGateway object, or of a class name declared by a gateway of this program. */
export function findGateway(gateway: object | string): GatewayEntry | undefined {
  return typeof gateway === "string" ? gatewaysByClass.get(gateway) : gatewaysByObject.get(gateway);
}

function routesOf(ingressClassName: string): ClassRoutes {
  let routes = classes.get(ingressClassName);
  if (!routes) {
    routes = {
      index: createConflictIndex({ ingressClass: ingressClassName }),
      ingresses: new Map(),
      routes: new Map(),
      names: new Set(),
      stale: false,
    };
    classes.set(ingressClassName, routes);
  }
  return routes;
}

const DNS_LABEL_CHARS = /[^a-z0-9-]+/g;

/**
 * A unique Ingress name for the route within its class and namespace: the route name made DNS-safe, suffixed only
 * when two routes would share it. The matcher's messages name the route by it.
 */
export function reserveIngressName(ingressClassName: string, namespace: string, routeName: string): string {
  const { names } = routesOf(ingressClassName);
  const base =
    routeName
      .toLowerCase()
      .replace(DNS_LABEL_CHARS, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 50) || "route";
  let name = base;
  for (let n = 2; names.has(`${namespace}/${name}`); n++) name = `${base}-${n}`;
  names.add(`${namespace}/${name}`);
  return name;
}

/** Frees an Ingress name reserved for a route that failed before it was added. */
export function releaseIngressName(ingressClassName: string, namespace: string, name: string): void {
  classes.get(ingressClassName)?.names.delete(`${namespace}/${name}`);
}

/**
 * Adds a route's Ingress to its class; returns the conflicts it introduces, the entries of the routes involved, and
 * `withdraw`, which takes the route out again (call it when the route fails, so that later routes are not checked
 * against a route that is never created). Adding costs O(the route's own paths); the first add after a withdrawal
 * rebuilds the class's index from the accepted routes, once (a failing route normally ends the program).
 */
export function addRoute(
  ingressClassName: string,
  ingress: IngressObject,
  entry: RouteEntry,
): {
  conflicts: Conflict[];
  routeOf: (ref: { namespace: string; name: string }) => RouteEntry | undefined;
  withdraw: () => void;
} {
  const routes = routesOf(ingressClassName);
  if (routes.stale) {
    routes.index = createConflictIndex({ ingressClass: ingressClassName });
    for (const accepted of routes.ingresses.values()) routes.index.add(accepted);
    routes.stale = false;
  }
  const key = `${ingress.metadata?.namespace ?? "default"}/${ingress.metadata?.name ?? ""}`;
  routes.routes.set(key, entry);
  routes.ingresses.set(key, ingress);
  const conflicts = routes.index.add(ingress);
  return {
    conflicts,
    routeOf: (ref) => routes.routes.get(`${ref.namespace}/${ref.name}`),
    withdraw: () => {
      if (routes.ingresses.get(key) !== ingress) return;
      routes.ingresses.delete(key);
      routes.routes.delete(key);
      routes.names.delete(key);
      routes.stale = true;
    },
  };
}

/** Number of routes accepted for a class (for tests and the bench). */
export function routeCount(ingressClassName: string): number {
  return classes.get(ingressClassName)?.ingresses.size ?? 0;
}

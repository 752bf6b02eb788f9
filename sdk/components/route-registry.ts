// The program-wide registry of gateways and routes, keyed by IngressClass name. Each class has one matcher
// ConflictIndex, so adding a route costs O(its own paths), never a pass over the routes already there.
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
  /** `namespace/service:port`. */
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
  readonly index: ConflictIndex;
  /** By the `namespace/name` of the route's Ingress in the index. */
  readonly routes: Map<string, RouteEntry>;
  readonly names: Set<string>;
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
      routes: new Map(),
      names: new Set(),
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

/** Adds a route's Ingress to its class; returns the conflicts it introduces and the entries of the routes involved. */
export function addRoute(
  ingressClassName: string,
  ingress: IngressObject,
  entry: RouteEntry,
): { conflicts: Conflict[]; routeOf: (ref: { namespace: string; name: string }) => RouteEntry | undefined } {
  const routes = routesOf(ingressClassName);
  const key = `${ingress.metadata?.namespace ?? "default"}/${ingress.metadata?.name ?? ""}`;
  routes.routes.set(key, entry);
  const conflicts = routes.index.add(ingress);
  return { conflicts, routeOf: (ref) => routes.routes.get(`${ref.namespace}/${ref.name}`) };
}

/** Number of routes registered for a class (for tests and the bench). */
export function routeCount(ingressClassName: string): number {
  return classes.get(ingressClassName)?.index.size ?? 0;
}

// The routing snapshot: everything the proxy needs, compiled once from a ClusterState with the shared matcher
// and never mutated afterwards. A pure function of its inputs (plus the previous snapshot, only to reuse TLS
// contexts); the snapshot builder swaps whole snapshots, so a request sees one consistent view.
//
// Work on objects is remembered by object instance (sources never mutate what they hand on, and keep the
// instances of unchanged objects): each Ingress's matcher work, its route options and each Service port's
// resolution are reused from earlier builds, so a change to one Ingress of 10,000 costs little more than
// assembling the table. That memory is keyed weakly, so it changes no result and goes with the objects.
import type { ObjectRef, RouteMatch, RouteTable } from "../matcher";
import { IngressPartsCache } from "../matcher/ingress-parts";
import { compileRoutesReusing } from "../matcher/route-table";
import type { CompileOptions, IngressObject } from "../matcher";
import { BUILTIN_CONTROLLER_NAME } from "../builtin-dialect";
import { BackendResolver, type ResolvedService, type UpstreamEndpoint } from "./backend-resolver";
import { parseRouteOptions, type ParsedRouteOptions, type RouteOptions } from "./route-options";
import { buildTlsContexts, type CachedContext } from "./tls-secrets";
import type { ClusterState } from "./sources/objects";
import type { UnservableIngress } from "./sources/source";

export const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

/** One compiled route with what the proxy needs to serve it; `snapshot.targets[route.id]`. */
export interface RouteTarget {
  readonly route: RouteMatch;
  /** "namespace/name" of the Ingress, for metrics and logs. */
  readonly ingressLabel: string;
  readonly service: ResolvedService | null;
  /** "namespace/name:port" of the backend Service ("" when the backend is not a service). */
  readonly serviceLabel: string;
  /** Ready endpoints, sorted by address; empty means 503. */
  readonly endpoints: readonly UpstreamEndpoint[];
  /** Why the backend cannot be resolved (missing Service or port), or null. Requests get 503. */
  readonly problem: { readonly code: string; readonly message: string } | null;
  readonly options: RouteOptions;
}

export interface Snapshot {
  /** Increases by one per successful build. */
  readonly version: number;
  readonly builtAt: Date;
  readonly ingressClass: string;
  readonly table: RouteTable;
  readonly targets: readonly RouteTarget[];
  /** TLS contexts by "namespace/secretName". */
  readonly tls: ReadonlyMap<string, CachedContext>;
  /** Ingresses (or parts of them) that cannot be served, sorted by namespace/name. */
  readonly unservable: readonly UnservableIngress[];
  /** Log-worthy notes: class problems, invalid annotation values, matcher warnings. */
  readonly warnings: readonly string[];
  readonly routeCount: number;
  /** Distinct upstream endpoints across all routes. */
  readonly endpointCount: number;
}

export interface SnapshotOptions {
  /** The IngressClass served. */
  ingressClass: string;
  /** `spec.controller` an IngressClass must name to be ours. Default `ingress-kit.dev/controller`. */
  controllerName?: string;
  /** The snapshot being replaced: its TLS contexts are reused and its version incremented. */
  previous?: Snapshot | null;
  /** The route compiler; default the shared matcher's `compileRoutes`, remembering per-Ingress work by instance. */
  compile?: (ingresses: readonly unknown[], options: CompileOptions) => RouteTable;
}

function refKey(ref: ObjectRef): string {
  return `${ref.namespace}/${ref.name}`;
}

const ingressParts = new IngressPartsCache();
const compileRemembering = (ingresses: readonly unknown[], options: CompileOptions): RouteTable =>
  compileRoutesReusing(ingresses, options, ingressParts);

/** Parsed options by the route's frozen annotations object, which the matcher keeps per Ingress instance. */
const parsedOptions = new WeakMap<object, ParsedRouteOptions>();
function routeOptionsOf(annotations: Readonly<Record<string, string>>): ParsedRouteOptions {
  let parsed = parsedOptions.get(annotations);
  if (parsed === undefined) {
    parsed = parseRouteOptions(annotations);
    parsedOptions.set(annotations, parsed);
  }
  return parsed;
}

/** "namespace/name:port" by the frozen ResolvedService, which a remembered resolution keeps. */
const serviceLabels = new WeakMap<ResolvedService, string>();
function serviceLabelOf(service: ResolvedService): string {
  let label = serviceLabels.get(service);
  if (label === undefined) {
    serviceLabels.set(service, (label = `${service.namespace}/${service.name}:${service.port}`));
  }
  return label;
}

/** "namespace/name" by the frozen reference the matcher keeps per Ingress instance. */
const labels = new WeakMap<ObjectRef, string>();
function labelOf(ref: ObjectRef): string {
  let label = labels.get(ref);
  if (label === undefined) labels.set(ref, (label = refKey(ref)));
  return label;
}

export function buildSnapshot(state: ClusterState, options: SnapshotOptions): Snapshot {
  const compile = options.compile ?? compileRemembering;
  const controllerName = options.controllerName ?? BUILTIN_CONTROLLER_NAME;
  const warnings: string[] = [];
  const ingressClass = state.ingressClasses.find((c) => c?.metadata?.name === options.ingressClass);
  let ingresses: readonly IngressObject[] = state.ingresses;
  let isDefaultClass = false;
  if (!ingressClass) {
    warnings.push(
      `IngressClass "${options.ingressClass}" not found: serving only Ingresses that name it. Create it with spec.controller "${controllerName}".`,
    );
  } else if (ingressClass.spec?.controller !== controllerName) {
    warnings.push(
      `IngressClass "${options.ingressClass}" names controller "${ingressClass.spec?.controller ?? ""}", not "${controllerName}": serving nothing. Fix spec.controller or --ingress-class.`,
    );
    ingresses = [];
  } else {
    isDefaultClass = ingressClass.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true";
  }

  const table = compile(ingresses, { ingressClass: options.ingressClass, isDefaultClass });
  const resolver = new BackendResolver(state);
  const unservable = new Map<string, UnservableIngress>();
  const addUnservable = (ref: ObjectRef, code: string, message: string): void => {
    const key = `${refKey(ref)}\0${code}\0${message}`;
    if (!unservable.has(key)) {
      unservable.set(key, { namespace: ref.namespace, name: ref.name, code, message });
    }
  };
  for (const skipped of table.skipped) {
    const errors = skipped.problems.filter((p) => p.severity === "error");
    const first = errors[0] ?? skipped.problems[0];
    addUnservable(
      skipped.ingress,
      first?.code ?? "ERR_INVALID_OBJECT",
      errors.length > 0 ? errors.map((p) => p.message).join(" ") : "skipped by the matcher",
    );
  }
  for (const warning of table.warnings) warnings.push(`${refKey(warning.object)}: ${warning.message}`);

  const optionsByIngress = new Map<string, RouteOptions>();
  const endpointKeys = new Set<string>();
  const targets = table.routes.map((route): RouteTarget => {
    const ingressLabel = labelOf(route.ingress);
    let routeOptions = optionsByIngress.get(ingressLabel);
    if (!routeOptions) {
      const parsed = route.annotations ? routeOptionsOf(route.annotations) : parseRouteOptions({});
      for (const problem of parsed.problems) warnings.push(`${ingressLabel}: ${problem.message}`);
      routeOptions = parsed.options;
      optionsByIngress.set(ingressLabel, routeOptions);
    }
    const resolution = resolver.resolve(route.backend, route.ingress.namespace);
    const service = resolution.service;
    const serviceLabel = service ? serviceLabelOf(service) : "";
    if (!resolution.ok) {
      addUnservable(route.ingress, resolution.code, resolution.message);
      return Object.freeze({
        route,
        ingressLabel,
        service,
        serviceLabel,
        endpoints: [],
        problem: { code: resolution.code, message: resolution.message },
        options: routeOptions,
      });
    }
    for (const endpoint of resolution.endpoints) endpointKeys.add(endpoint.key);
    return Object.freeze({
      route,
      ingressLabel,
      service,
      serviceLabel,
      endpoints: resolution.endpoints, // frozen, shared by the routes of one Service port
      problem: null,
      options: routeOptions,
    });
  });

  const served = new Set(table.ingresses.map(labelOf));
  // Only Ingresses with TLS entries matter to buildTlsContexts: the test is cheap, the key is not.
  const compiledIngresses = ingresses.filter(
    (i) =>
      Array.isArray(i?.spec?.tls) &&
      i.spec.tls.length > 0 &&
      served.has(`${i.metadata?.namespace ?? "default"}/${i.metadata?.name ?? ""}`),
  );
  const tls = buildTlsContexts(compiledIngresses, state.secrets, options.previous?.tls);
  for (const problem of tls.problems) addUnservable(problem.ingress, problem.code, problem.message);

  const sortedUnservable = [...unservable.values()].sort((a, b) =>
    a.namespace !== b.namespace
      ? a.namespace < b.namespace
        ? -1
        : 1
      : a.name !== b.name
        ? a.name < b.name
          ? -1
          : 1
        : a.code < b.code
          ? -1
          : a.code > b.code
            ? 1
            : 0,
  );
  return Object.freeze({
    version: (options.previous?.version ?? 0) + 1,
    builtAt: new Date(),
    ingressClass: options.ingressClass,
    table,
    targets: Object.freeze(targets),
    tls: tls.contexts,
    unservable: Object.freeze(sortedUnservable),
    warnings: Object.freeze(warnings),
    routeCount: targets.length,
    endpointCount: endpointKeys.size,
  });
}

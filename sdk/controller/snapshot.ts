// The routing snapshot: everything the proxy needs, compiled once from a ClusterState with the shared matcher
// and never mutated afterwards. A pure function of its inputs (plus the previous snapshot, only to reuse TLS
// contexts); the snapshot builder swaps whole snapshots, so a request sees one consistent view.
//
// Work on objects is remembered by object instance (sources never mutate what they hand on, and keep the
// instances of unchanged objects): each Ingress's matcher work, its route options and each Service port's
// resolution are reused from earlier builds, and the table is recompiled from the previous one (only the hosts
// a changed Ingress touches are compiled again; the other routes keep their objects and ids), so the route
// targets of unchanged routes are carried over too. A change to one Ingress of 10,000 costs a few passes over
// arrays, no compile of the rest. That memory is keyed weakly, so it changes no result and goes with the objects.
import type { ObjectRef, RouteMatch, RouteTable } from "../matcher";
import { IngressPartsCache, refLabel } from "../matcher/ingress-parts";
import { recompileRoutes } from "../matcher/recompile-routes";
import type { CompileOptions, IngressObject } from "../matcher";
import { BUILTIN_CONTROLLER_NAME, BuiltinAnnotations } from "../builtin-dialect";
import {
  BackendResolver,
  type BackendResolution,
  type ResolvedService,
  type UpstreamEndpoint,
} from "./backend-resolver";
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
  /**
   * The route compiler; default the shared matcher's, remembering per-Ingress work by instance and recompiling
   * from the previous snapshot's table.
   */
  compile?: (ingresses: readonly unknown[], options: CompileOptions) => RouteTable;
}

function refKey(ref: ObjectRef): string {
  return `${ref.namespace}/${ref.name}`;
}

const ingressParts = new IngressPartsCache();

/** Whether `target` already says what `resolution` says (the same resolution, remembered, or an equal one). */
function sameResolution(target: RouteTarget, resolution: BackendResolution): boolean {
  if (resolution.ok) {
    return (
      target.problem === null &&
      target.endpoints === resolution.endpoints &&
      target.service === resolution.service
    );
  }
  return (
    target.problem !== null &&
    target.problem.code === resolution.code &&
    target.problem.message === resolution.message &&
    target.serviceLabel === (resolution.service ? resolution.service.label : "")
  );
}

function createTarget(route: RouteMatch, resolution: BackendResolution, options: RouteOptions): RouteTarget {
  const service = resolution.service;
  return Object.freeze({
    route,
    ingressLabel: labelOf(route.ingress),
    service,
    serviceLabel: service ? service.label : "",
    // frozen, shared by the routes of one Service port
    endpoints: resolution.ok ? resolution.endpoints : NO_ENDPOINTS,
    problem: resolution.ok ? null : { code: resolution.code, message: resolution.message },
    options,
  });
}

const NO_ENDPOINTS: readonly UpstreamEndpoint[] = Object.freeze([]);

const NO_ROUTE_OPTIONS = parseRouteOptions({});

/** Parsed options by the route's frozen annotations object, which the matcher keeps per Ingress instance. */
const parsedOptions = new WeakMap<object, ParsedRouteOptions>();
/**
 * Parsed options by the values of the annotations they are read from, so that Ingresses with the same options
 * (most of them) share one: 10,000 Ingresses kept 10,000 equal copies. Cleared when it holds too many.
 */
const sharedOptions = new Map<string, ParsedRouteOptions>();
const MAX_SHARED_OPTIONS = 1024;
const OPTION_ANNOTATIONS = Object.values(BuiltinAnnotations);

function routeOptionsOf(annotations: Readonly<Record<string, string>> | undefined): ParsedRouteOptions {
  if (!annotations) return NO_ROUTE_OPTIONS;
  let parsed = parsedOptions.get(annotations);
  if (parsed === undefined) {
    const key = OPTION_ANNOTATIONS.map((name) => annotations[name] ?? "\u0001").join("\u0000");
    parsed = sharedOptions.get(key);
    if (parsed === undefined) {
      parsed = parseRouteOptions(annotations);
      if (sharedOptions.size >= MAX_SHARED_OPTIONS) sharedOptions.clear();
      sharedOptions.set(key, parsed);
    }
    parsedOptions.set(annotations, parsed);
  }
  return parsed;
}

/** "namespace/name" of a route's Ingress: the matcher's own string for it. */
const labelOf = refLabel;

const NO_INGRESSES: readonly IngressObject[] = Object.freeze([]);

export function buildSnapshot(state: ClusterState, options: SnapshotOptions): Snapshot {
  const previous = options.previous ?? null;
  const compile =
    options.compile ??
    ((list: readonly unknown[], compileOptions: CompileOptions) =>
      recompileRoutes(previous?.table, list, compileOptions, ingressParts));
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
    ingresses = NO_INGRESSES;
  } else {
    isDefaultClass = ingressClass.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true";
  }

  const table = compile(ingresses, { ingressClass: options.ingressClass, isDefaultClass });
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

  const { targets, endpointCount, problems, optionProblems } = buildTargets(table, state, previous);
  for (const target of problems) {
    addUnservable(target.route.ingress, target.problem!.code, target.problem!.message);
  }
  const warnedIngresses = new Set<string>();
  for (const target of optionProblems) {
    if (warnedIngresses.has(target.ingressLabel)) continue;
    warnedIngresses.add(target.ingressLabel);
    for (const problem of routeOptionsOf(target.route.annotations).problems) {
      warnings.push(`${target.ingressLabel}: ${problem.message}`);
    }
  }

  // Only Ingresses with TLS entries matter to buildTlsContexts: the test is cheap, the key is not.
  const withTls = ingresses.filter((i) => Array.isArray(i?.spec?.tls) && i.spec.tls.length > 0);
  const served = withTls.length > 0 ? new Set(table.ingresses.map(labelOf)) : null;
  const compiledIngresses = withTls.filter((i) =>
    served!.has(`${i.metadata?.namespace ?? "default"}/${i.metadata?.name ?? ""}`),
  );
  const tls = buildTlsContexts(compiledIngresses, state.secrets, previous?.tls);
  for (const problem of tls.problems) addUnservable(problem.ingress, problem.code, problem.message);

  // By namespace, name, code and message: the routes' order (which a recompiled table does not keep) must not
  // show through.
  const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const sortedUnservable = [...unservable.values()].sort(
    (a, b) =>
      order(a.namespace, b.namespace) ||
      order(a.name, b.name) ||
      order(a.code, b.code) ||
      order(a.message, b.message),
  );
  const snapshot: Snapshot = Object.freeze({
    version: (previous?.version ?? 0) + 1,
    builtAt: new Date(),
    ingressClass: options.ingressClass,
    table,
    targets,
    tls: tls.contexts,
    unservable: Object.freeze(sortedUnservable),
    warnings: Object.freeze(warnings),
    routeCount: targets.length,
    endpointCount,
  });
  const targetsState = building.get(targets);
  if (targetsState !== undefined) {
    building.delete(targets);
    targetStates.set(snapshot, targetsState);
  }
  return snapshot;
}

/**
 * The targets of a snapshot's routes with what is tallied over them, kept beside the snapshot and handed on to
 * the next one (never shared): a build after a change to a few routes then looks at those routes only.
 */
interface TargetsState {
  /** The Services and EndpointSlices the targets were resolved from. */
  readonly services: ClusterState["services"];
  readonly endpointSlices: ClusterState["endpointSlices"];
  /** Endpoint keys of the targets without a problem, with how many targets have each. */
  readonly endpointUses: Map<string, number>;
  /** Targets with a problem (their Ingress is unservable), and targets whose options have problems, by id. */
  readonly problems: Map<number, RouteTarget>;
  readonly optionProblems: Map<number, RouteTarget>;
}

const targetStates = new WeakMap<Snapshot, TargetsState>();
/** A TargetsState by the targets array it was built with, until the snapshot of that array is made. */
const building = new WeakMap<readonly RouteTarget[], TargetsState>();

function tally(targetsState: TargetsState, id: number, target: RouteTarget, add: boolean): void {
  if (target.problem !== null) {
    if (add) targetsState.problems.set(id, target);
    else targetsState.problems.delete(id);
  } else {
    const uses = targetsState.endpointUses;
    for (const { key } of target.endpoints) {
      const count = (uses.get(key) ?? 0) + (add ? 1 : -1);
      if (count > 0) uses.set(key, count);
      else uses.delete(key);
    }
  }
  if (routeOptionsOf(target.route.annotations).problems.length > 0) {
    if (add) targetsState.optionProblems.set(id, target);
    else targetsState.optionProblems.delete(id);
  }
}

/**
 * The targets of `table`'s routes. With the previous snapshot's Services and EndpointSlices, only the ids whose
 * route is not the previous table's route at that id are worked out (a recompiled table keeps the others);
 * otherwise every route is resolved, a target kept where its route and resolution are unchanged.
 */
function buildTargets(
  table: RouteTable,
  state: ClusterState,
  previous: Snapshot | null,
): {
  targets: readonly RouteTarget[];
  endpointCount: number;
  problems: Iterable<RouteTarget>;
  optionProblems: Iterable<RouteTarget>;
} {
  const resolver = new BackendResolver(state);
  const make = (route: RouteMatch): RouteTarget =>
    createTarget(
      route,
      resolver.resolve(route.backend, route.ingress.namespace),
      routeOptionsOf(route.annotations).options,
    );
  const routes = table.routes;
  const before = previous ? targetStates.get(previous) : undefined;
  let targets: RouteTarget[];
  let targetsState: TargetsState;
  if (
    previous !== null &&
    before !== undefined &&
    before.services === state.services &&
    before.endpointSlices === state.endpointSlices
  ) {
    targetStates.delete(previous);
    targetsState = before;
    const oldRoutes = previous.table.routes;
    const oldTargets = previous.targets;
    targets = [...oldTargets]; // not slice(): V8's slice of a frozen array takes a slow path
    targets.length = Math.min(targets.length, routes.length);
    for (let id = 0; id < Math.max(routes.length, oldRoutes.length); id++) {
      const route = routes[id];
      if (route !== undefined && route === oldRoutes[id]) continue;
      if (id < oldTargets.length) tally(targetsState, id, oldTargets[id]!, false);
      if (route === undefined) continue;
      const target = make(route);
      targets[id] = target;
      tally(targetsState, id, target, true);
    }
  } else {
    targetsState = {
      services: state.services,
      endpointSlices: state.endpointSlices,
      endpointUses: new Map(),
      problems: new Map(),
      optionProblems: new Map(),
    };
    const previousTargets = previous?.targets ?? [];
    targets = routes.map((route, id) => {
      const kept = previousTargets[id];
      let target: RouteTarget;
      if (kept !== undefined && kept.route === route) {
        const resolution = resolver.resolve(route.backend, route.ingress.namespace);
        target = sameResolution(kept, resolution) ? kept : createTarget(route, resolution, kept.options);
      } else target = make(route);
      tally(targetsState, id, target, true);
      return target;
    });
  }
  Object.freeze(targets);
  building.set(targets, targetsState);
  return {
    targets,
    endpointCount: targetsState.endpointUses.size,
    problems: targetsState.problems.values(),
    optionProblems: targetsState.optionProblems.values(),
  };
}

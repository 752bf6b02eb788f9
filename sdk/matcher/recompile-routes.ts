// Compiling a table again after a few Ingresses changed, at a cost that follows the change rather than the
// table: a controller recompiles on every change, and with 10,000 Ingresses a whole compile is most of a change's
// latency. The result equals compileRoutes's on the same input (the same routes, matches, TLS names, skipped
// Ingresses and warnings) except for route ids, which are kept stable instead: a route whose host no changed
// Ingress touches is the same object, with the same id, in the new table, so per-route work keyed by route or id
// (the controller's targets) carries over.
//
// How: the new input is compared with the previous one by instance, walking both arrays side by side (sources
// keep the instances, and the order, of unchanged objects). The hosts that an added or removed Ingress has rules
// (or TLS entries) on are rebuilt from every Ingress with rules on them, in precedence order, exactly as a whole
// compile would; the ids their old routes held are reused, and ids left over are filled by moving the last
// routes down, so that ids stay dense. The index this needs (Ingresses by label and by host) moves on from table
// to table instead of being copied: only the newest table can be recompiled from, an older one compiles whole.
// So does anything the update does not follow: many changes, a changed Ingress with problems (skipped ones and
// warnings are listed in input order, and are kept as they are), the same namespace/name twice, other options.
import type { IngressParts, IngressPartsCache } from "./ingress-parts";
import { comparePrecedence } from "./ingress-parts";
import { belongsToClass } from "./ingress-class";
import { HostRoutes } from "./host-routes";
import type { LayeredMap } from "./layered-map";
import {
  buildTableParts,
  byLabel,
  CompiledRouteTable,
  defaultBackendRoute,
  hostKey,
  isIngressLike,
  ruleRoute,
  selectIngresses,
  tlsMatch,
  type TableParts,
} from "./route-table";
import type { CompileOptions, ObjectRef, RouteMatch, RouteTable, TlsMatch } from "./types";

/** Ingresses with an entry on one host: one alone (the usual case) or several. */
type Contributors = IngressParts | IngressParts[];

/** What the next recompile needs of a table, beside it; handed on to the next table (never shared). */
interface CompiledState {
  optionsKey: string;
  input: readonly unknown[];
  parts: TableParts;
  /** The accepted Ingresses in label order (found by label with a binary search; their refs are `ingresses`). */
  readonly sortedByLabel: IngressParts[];
  /** Accepted Ingresses by the rule hosts (as written) and the TLS hosts they have entries on. */
  readonly ruleHosts: Map<string, Contributors>;
  readonly tlsHosts: Map<string, Contributors>;
  /** Accepted Ingresses with a default backend. */
  readonly defaults: Set<IngressParts>;
}

const states = new WeakMap<RouteTable, CompiledState>();

/** Above this many added and removed Ingresses (or this share of them) a whole compile is the better way. */
const MAX_CHANGES = 256;
const MAX_CHANGED_SHARE = 1 / 8;

function optionsKey(options: CompileOptions): string {
  return options.ingressClass === undefined
    ? "\u0000any"
    : `${options.ingressClass}\u0000${options.isDefaultClass === true}`;
}

/**
 * compileRoutesReusing, working from `previous` (the newest table this function returned) when the options are
 * the same: only what the changed Ingresses touch is compiled again. Objects must never be mutated once handed
 * in, and the input should keep unchanged objects in their order.
 */
export function recompileRoutes(
  previous: RouteTable | null | undefined,
  ingresses: readonly unknown[],
  options: CompileOptions,
  cache: IngressPartsCache,
): RouteTable {
  const key = optionsKey(options);
  const before = previous ? states.get(previous) : undefined;
  if (before !== undefined && before.optionsKey === key) {
    if (before.input === ingresses) return previous!;
    const limit = Math.min(MAX_CHANGES, Math.max(8, before.sortedByLabel.length * MAX_CHANGED_SHARE));
    const diff = diffInstances(before.input, ingresses, limit);
    if (diff !== null && update(before, diff, options, cache)) {
      before.input = ingresses;
      const table = new CompiledRouteTable(before.parts);
      states.delete(previous!);
      states.set(table, before);
      return table;
    }
  }
  const selected = selectIngresses(ingresses, options, cache);
  const sortedByLabel = [...selected.accepted].sort(byLabel);
  const parts = buildTableParts(selected, sortedByLabel);
  const table = new CompiledRouteTable(parts);
  const state = indexState(key, ingresses, options, cache, parts, sortedByLabel);
  if (state !== null) states.set(table, state);
  return table;
}

/** The index of a whole compile, or null when its input lists one namespace/name twice. */
function indexState(
  key: string,
  input: readonly unknown[],
  options: CompileOptions,
  cache: IngressPartsCache,
  parts: TableParts,
  sortedByLabel: IngressParts[],
): CompiledState | null {
  const state: CompiledState = {
    optionsKey: key,
    input,
    parts,
    sortedByLabel,
    ruleHosts: new Map(),
    tlsHosts: new Map(),
    defaults: new Set(),
  };
  for (const ingress of sortedByLabel) index(state, ingress, true);
  let accepted = 0;
  for (const item of input) {
    if (isIngressLike(item) && belongsToClass(item, options) && !cache.get(item).hasErrors) accepted++;
  }
  return sortedByLabel.length === accepted ? state : null;
}

/** Adds `ingress` to the state's index, or takes it out. */
function index(state: CompiledState, ingress: IngressParts, add: boolean): void {
  for (const entry of ingress.routes) note(state.ruleHosts, entry.host, ingress, add);
  for (const tls of ingress.tls) note(state.tlsHosts, tls.host, ingress, add);
  if (ingress.defaultBackend !== undefined) {
    if (add) state.defaults.add(ingress);
    else state.defaults.delete(ingress);
  }
}

function note(map: Map<string, Contributors>, host: string, ingress: IngressParts, add: boolean): void {
  const current = map.get(host);
  if (add) {
    if (current === undefined) map.set(host, ingress);
    else if (Array.isArray(current)) {
      if (!current.includes(ingress)) current.push(ingress);
    } else if (current !== ingress) map.set(host, [current, ingress]);
  } else if (current === ingress) map.delete(host);
  else if (Array.isArray(current)) {
    const rest = current.filter((other) => other !== ingress);
    map.set(host, rest.length === 1 ? rest[0]! : rest);
  }
}

function contributorsOn(map: Map<string, Contributors>, host: string): IngressParts[] {
  const current = map.get(host);
  if (current === undefined) return [];
  return Array.isArray(current) ? [...current].sort(comparePrecedence) : [current];
}

interface InstanceDiff {
  readonly removed: readonly unknown[];
  readonly added: readonly unknown[];
  /** Whether some items that stay changed places (skipped Ingresses and warnings are listed in input order). */
  readonly reordered: boolean;
}

/**
 * What left `before` and what came into `after`, by instance, walking both side by side: linear when the
 * unchanged items keep their order. Null when more than `limit` changed.
 */
function diffInstances(
  before: readonly unknown[],
  after: readonly unknown[],
  limit: number,
): InstanceDiff | null {
  const removed: unknown[] = [];
  const added: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length && j < after.length) {
    if (before[i] === after[j]) {
      i++;
      j++;
    } else if (j + 1 < after.length && before[i] === after[j + 1]) {
      added.push(after[j++]);
    } else if (i + 1 < before.length && before[i + 1] === after[j]) {
      removed.push(before[i++]);
    } else {
      removed.push(before[i++]);
      added.push(after[j++]);
    }
    if (removed.length + added.length > limit) return null;
  }
  while (i < before.length) removed.push(before[i++]);
  while (j < after.length) added.push(after[j++]);
  if (removed.length + added.length > limit) return null;
  // An item out of place is both removed and added: it did not change.
  const removedSet = new Set(removed);
  const addedSet = new Set(added);
  const left = removed.filter((item) => !addedSet.has(item));
  return {
    removed: left,
    added: added.filter((item) => !removedSet.has(item)),
    reordered: left.length < removed.length,
  };
}

/** The accepted Ingresses among `items`, or null when one of them is something an update does not follow. */
function acceptedAmong(
  items: readonly unknown[],
  options: CompileOptions,
  cache: IngressPartsCache,
): IngressParts[] | null {
  const found: IngressParts[] = [];
  for (const item of items) {
    if (typeof item !== "object" || item === null) return null; // listed in `skipped`
    if (!isIngressLike(item)) continue;
    if (!belongsToClass(item, options)) continue;
    const parts = cache.get(item);
    if (parts.problems.length > 0) return null; // listed in `skipped` or `warnings`
    found.push(parts);
  }
  return found;
}

/** Applies the change to `state` (which then describes the new table); false, changing nothing, when it cannot. */
function update(
  state: CompiledState,
  diff: InstanceDiff,
  options: CompileOptions,
  cache: IngressPartsCache,
): boolean {
  if (diff.reordered && (state.parts.skipped.length > 0 || state.parts.warnings.length > 0)) return false;
  const removed = acceptedAmong(diff.removed, options, cache);
  const added = acceptedAmong(diff.added, options, cache);
  if (removed === null || added === null) return false;
  const sorted = state.sortedByLabel;
  const labelled = (ingress: IngressParts): IngressParts | undefined => {
    const found = sorted[labelPosition(sorted, ingress)];
    return found?.label === ingress.label ? found : undefined;
  };
  for (const ingress of removed) if (labelled(ingress) !== ingress) return false;
  const labels = new Set<string>(removed.map((ingress) => ingress.label));
  const addedLabels = new Set<string>();
  for (const ingress of added) {
    // Listed twice, or beside one that stays: a whole compile tells which one wins.
    if (addedLabels.has(ingress.label)) return false;
    if (labelled(ingress) !== undefined && !labels.has(ingress.label)) return false;
    addedLabels.add(ingress.label);
  }
  if (removed.length === 0 && added.length === 0) {
    state.parts = { ...state.parts };
    return true;
  }

  const ruleHosts = new Set<string>();
  const tlsHosts = new Set<string>();
  let defaultChanged = false;
  for (const ingress of [...removed, ...added]) {
    for (const entry of ingress.routes) ruleHosts.add(entry.host);
    for (const tls of ingress.tls) tlsHosts.add(tls.host);
    if (ingress.defaultBackend !== undefined) defaultChanged = true;
  }
  for (const ingress of removed) index(state, ingress, false);
  for (const ingress of added) index(state, ingress, true);
  const refs = relabel(state, removed, added);

  const old = state.parts;
  const routes = new RouteIds(old.routes);
  const hosts = new HostChanges(old);
  // The old routes of every host to rebuild give their ids back first, then the new routes take ids.
  for (const host of ruleHosts) {
    const routesOfHost = hosts.get(host);
    if (routesOfHost !== undefined) for (const route of routesOfHost.routes()) routes.release(route.id);
  }
  let defaultBackend = old.defaultBackend;
  if (defaultChanged && defaultBackend !== null) routes.release(defaultBackend.id);

  for (const host of ruleHosts) {
    const contributors = contributorsOn(state.ruleHosts, host);
    const fresh = new HostRoutes();
    for (const ingress of contributors) {
      for (const entry of ingress.routes) {
        if (entry.host !== host || fresh.has(entry)) continue;
        fresh.add(
          entry,
          routes.add((id) => ruleRoute(ingress, entry, id)),
        );
      }
    }
    fresh.seal();
    hosts.set(host, contributors.length > 0 ? fresh : undefined);
  }
  if (defaultChanged) {
    let first: IngressParts | undefined;
    for (const ingress of state.defaults) {
      if (first === undefined || comparePrecedence(ingress, first) < 0) first = ingress;
    }
    defaultBackend =
      first === undefined ? null : routes.add((id) => defaultBackendRoute(first, first.defaultBackend!, id));
  }
  routes.compact((from, to) => {
    if (from.kind === "defaultBackend") defaultBackend = to;
    else hosts.set(from.host, hosts.get(from.host)!.withReplaced(from, to));
  });

  const tlsExact = new Map<string, TlsMatch | undefined>();
  const tlsWildcard = new Map<string, TlsMatch | undefined>();
  for (const host of tlsHosts) {
    const { wildcard, key } = hostKey(host);
    const owner = contributorsOn(state.tlsHosts, host)[0];
    const entry = owner?.tls.find((tls) => tls.host === host);
    (wildcard ? tlsWildcard : tlsExact).set(key, owner && entry ? tlsMatch(owner, entry) : undefined);
  }

  state.parts = {
    routes: routes.list,
    skipped: old.skipped,
    warnings: old.warnings,
    ingresses: refs,
    exactHosts: hosts.exactVersion(),
    wildcardHosts: hosts.wildcardVersion(),
    anyHost: hosts.any,
    defaultBackend,
    tlsExact: old.tlsExact.with(tlsExact),
    tlsWildcard: old.tlsWildcard.with(tlsWildcard),
  };
  return true;
}

/** Takes `removed` out of the label order and puts `added` in place; returns the table's new `ingresses`. */
function relabel(
  state: CompiledState,
  removed: readonly IngressParts[],
  added: readonly IngressParts[],
): ObjectRef[] {
  const sorted = state.sortedByLabel;
  const refs = [...state.parts.ingresses];
  for (const ingress of removed) {
    const at = labelPosition(sorted, ingress);
    if (sorted[at] === ingress) {
      sorted.splice(at, 1);
      refs.splice(at, 1);
    }
  }
  for (const ingress of added) {
    const at = labelPosition(sorted, ingress);
    sorted.splice(at, 0, ingress);
    refs.splice(at, 0, ingress.ref);
  }
  return refs;
}

/**
 * `route` under another id. Written out field by field: an object spread with a field changed can make a
 * dictionary-mode object in V8, several times the size.
 */
function withId(route: RouteMatch, id: number): RouteMatch {
  return Object.freeze({
    id,
    kind: route.kind,
    ingress: route.ingress,
    host: route.host,
    path: route.path,
    pathType: route.pathType,
    backend: route.backend,
    annotations: route.annotations,
    ruleIndex: route.ruleIndex,
    pathIndex: route.pathIndex,
  });
}

/** The first index of `sorted` whose label is not below `ingress`'s. */
function labelPosition(sorted: readonly IngressParts[], ingress: IngressParts): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byLabel(sorted[mid]!, ingress) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The route list of the new table: a copy of the old one whose released ids are taken by new routes first. */
class RouteIds {
  readonly list: RouteMatch[];
  private readonly free: number[] = [];

  constructor(old: readonly RouteMatch[]) {
    this.list = [...old]; // not slice(): V8's slice of a frozen array takes a slow path (ten times as long)
  }

  release(id: number): void {
    this.free.push(id);
  }

  add(make: (id: number) => RouteMatch): RouteMatch {
    const id = this.free.pop() ?? this.list.length;
    const route = make(id);
    this.list[id] = route;
    return route;
  }

  /** Fills the ids still free with the last routes (each one re-made with its new id), so ids stay dense. */
  compact(moved: (from: RouteMatch, to: RouteMatch) => void): void {
    const free = this.free.sort((a, b) => a - b);
    let lo = 0;
    let hi = free.length - 1;
    while (lo <= hi) {
      const last = this.list.length - 1;
      if (free[hi] === last) {
        this.list.pop();
        hi--;
        continue;
      }
      const hole = free[lo++]!;
      const from = this.list.pop()!;
      const to = withId(from, hole);
      this.list[hole] = to;
      moved(from, to);
    }
    free.length = 0;
  }
}

/** The hosts rebuilt so far over the old table's (which is never changed), keyed by rule host as written. */
class HostChanges {
  any: HostRoutes | null;
  private readonly exact = new Map<string, HostRoutes | undefined>();
  private readonly wildcard = new Map<string, HostRoutes | undefined>();

  constructor(private readonly old: TableParts) {
    this.any = old.anyHost;
  }

  /** `host` as written in a rule: "" for any host, "*.x" for a wildcard. */
  get(host: string): HostRoutes | undefined {
    if (host === "") return this.any ?? undefined;
    const { wildcard, key } = hostKey(host);
    const changes = wildcard ? this.wildcard : this.exact;
    if (changes.has(key)) return changes.get(key);
    return (wildcard ? this.old.wildcardHosts : this.old.exactHosts).get(key);
  }

  set(host: string, routes: HostRoutes | undefined): void {
    if (host === "") this.any = routes ?? null;
    else {
      const { wildcard, key } = hostKey(host);
      (wildcard ? this.wildcard : this.exact).set(key, routes);
    }
  }

  exactVersion(): LayeredMap<HostRoutes> {
    return this.old.exactHosts.with(this.exact);
  }

  wildcardVersion(): LayeredMap<HostRoutes> {
    return this.old.wildcardHosts.with(this.wildcard);
  }
}

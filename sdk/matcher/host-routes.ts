// The routes of one host (or of one wildcard, or of "any host") in a compiled table, and the path lookup over
// them: the Exact map, then the Prefix map probed at each '/' boundary from the longest candidate down. Maps are
// made on first use: a table of 10,000 hosts mostly has one Prefix "/" per host.
import type { RouteEntry } from "./ingress-routes";
import type { RouteMatch } from "./types";

const SLASH = 47;
/** Prefix keys up to this long are noted in a bit mask; a host with a longer one gets a Uint8Array. */
const MASK_LENGTHS = 30;

/** One shared empty map for hosts without Exact or Prefix keys (most hosts have only "/"). */
const NO_ROUTES: ReadonlyMap<string, RouteMatch> = new Map();

// What one host costs matters with 10,000 of them: a host with one Prefix key besides "/" (the usual "/" and
// "/api") keeps it in two fields rather than a Map, and the lengths to probe in a number rather than an array
// (about 350 bytes less per host).
export class HostRoutes {
  exact: ReadonlyMap<string, RouteMatch> = NO_ROUTES;
  /** The Prefix keys (other than "/") when there are two or more; one alone is in onlyPrefixKey/-Route. */
  prefix: ReadonlyMap<string, RouteMatch> = NO_ROUTES;
  onlyPrefixKey: string | null = null;
  onlyPrefixRoute: RouteMatch | null = null;
  rootPrefix: RouteMatch | null = null;
  maxExactLength = 0;
  maxPrefixLength = 0;
  /**
   * Which Prefix key lengths exist, to skip probes that cannot hit: bit n of prefixMask, or prefixLengths[n] ===
   * 1 when some key is longer than MASK_LENGTHS.
   */
  prefixMask = 0;
  prefixLengths: Uint8Array | null = null;

  /** Whether an earlier (higher-precedence) rule already owns this route. */
  has(entry: RouteEntry): boolean {
    if (entry.matchKind === "Exact") return this.exact.has(entry.matchPath);
    return entry.matchPath === ""
      ? this.rootPrefix !== null
      : this.prefixRoute(entry.matchPath) !== undefined;
  }

  add(entry: RouteEntry, route: RouteMatch): void {
    const key = entry.matchPath;
    if (entry.matchKind === "Exact") {
      if (this.exact === NO_ROUTES) this.exact = new Map();
      (this.exact as Map<string, RouteMatch>).set(key, route);
      this.maxExactLength = Math.max(this.maxExactLength, key.length);
    } else if (key === "") {
      this.rootPrefix = route;
    } else {
      if (this.prefix === NO_ROUTES && this.onlyPrefixKey === null) {
        this.onlyPrefixKey = key;
        this.onlyPrefixRoute = route;
      } else {
        if (this.prefix === NO_ROUTES) {
          this.prefix = new Map([[this.onlyPrefixKey!, this.onlyPrefixRoute!]]);
          this.onlyPrefixKey = null;
          this.onlyPrefixRoute = null;
        }
        (this.prefix as Map<string, RouteMatch>).set(key, route);
      }
      this.maxPrefixLength = Math.max(this.maxPrefixLength, key.length);
    }
  }

  /** Done adding: works out which Prefix lengths to probe. */
  seal(): void {
    if (this.maxPrefixLength === 0) return;
    const keys = this.onlyPrefixKey !== null ? [this.onlyPrefixKey] : [...this.prefix.keys()];
    if (this.maxPrefixLength <= MASK_LENGTHS) {
      for (const key of keys) this.prefixMask |= 1 << key.length;
    } else {
      this.prefixLengths = new Uint8Array(this.maxPrefixLength + 1);
      for (const key of keys) this.prefixLengths[key.length] = 1;
    }
  }

  /** Every route of the host. */
  *routes(): IterableIterator<RouteMatch> {
    yield* this.exact.values();
    yield* this.prefix.values();
    if (this.onlyPrefixRoute !== null) yield this.onlyPrefixRoute;
    if (this.rootPrefix !== null) yield this.rootPrefix;
  }

  private prefixRoute(key: string): RouteMatch | undefined {
    if (this.onlyPrefixKey !== null) return key === this.onlyPrefixKey ? this.onlyPrefixRoute! : undefined;
    return this.prefix.get(key);
  }

  /**
   * A copy with `from` replaced by `to` (the same rule under another id), for a table that shares this host's
   * routes with an earlier table: a published HostRoutes is never changed.
   */
  withReplaced(from: RouteMatch, to: RouteMatch): HostRoutes {
    const copy = new HostRoutes();
    copy.exact = replaced(this.exact, from, to);
    copy.prefix = replaced(this.prefix, from, to);
    copy.onlyPrefixKey = this.onlyPrefixKey;
    copy.onlyPrefixRoute = this.onlyPrefixRoute === from ? to : this.onlyPrefixRoute;
    copy.rootPrefix = this.rootPrefix === from ? to : this.rootPrefix;
    copy.maxExactLength = this.maxExactLength;
    copy.maxPrefixLength = this.maxPrefixLength;
    copy.prefixMask = this.prefixMask;
    copy.prefixLengths = this.prefixLengths; // the same keys: shared, never written after seal()
    return copy;
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
    const lengths = this.prefixLengths;
    while (end > 0) {
      if (lengths !== null ? lengths[end] === 1 : ((this.prefixMask >>> end) & 1) === 1) {
        const route = this.prefixRoute(end === path.length ? path : path.slice(0, end));
        if (route !== undefined) return route;
      }
      end = path.lastIndexOf("/", end - 1);
    }
    return this.rootPrefix;
  }
}

function replaced(
  map: ReadonlyMap<string, RouteMatch>,
  from: RouteMatch,
  to: RouteMatch,
): ReadonlyMap<string, RouteMatch> {
  if (map === NO_ROUTES) return map;
  const copy = new Map(map);
  for (const [key, route] of map) if (route === from) copy.set(key, to);
  return copy;
}

// Chooses the upstream endpoint for a request: round robin, or least-request with the power of two random
// choices, skipping ejected endpoints and ones already tried. When every endpoint is ejected it picks among them
// anyway (panic mode): a possibly-bad endpoint beats a certain 503.
import type { UpstreamEndpoint } from "../backend-resolver";
import type { RouteTarget } from "../snapshot";
import type { EndpointHealth } from "./endpoint-health";

export class EndpointPicker {
  // Round-robin positions per backend Service ("namespace/name:port"), kept across snapshot swaps: every
  // EndpointSlice change builds new targets, and restarting at the first endpoint each time would load it most.
  private readonly cursors = new Map<string, { next: number }>();

  constructor(
    private readonly health: EndpointHealth,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The endpoint for the next attempt, or null when every endpoint is excluded (or there are none).
   * `affinity` is a cookie id from the request; an eligible endpoint with that id wins.
   */
  pick(
    target: RouteTarget,
    exclude: ReadonlySet<string> | null,
    affinity: string | null,
  ): UpstreamEndpoint | null {
    const endpoints = target.endpoints;
    const n = endpoints.length;
    if (n === 0) return null;
    const now = this.health.now();
    const eligible = (endpoint: UpstreamEndpoint): boolean =>
      !(exclude !== null && exclude.has(endpoint.key)) && !this.health.isEjected(endpoint.key, now);
    if (affinity !== null) {
      for (const endpoint of endpoints) {
        if (endpoint.cookieId === affinity && eligible(endpoint)) return endpoint;
      }
    }
    if (target.options.loadBalance === "least-request" && n > 1) {
      const a = Math.floor(this.random() * n);
      let b = Math.floor(this.random() * (n - 1));
      if (b >= a) b++;
      const first = endpoints[a]!;
      const second = endpoints[b]!;
      const firstOk = eligible(first);
      const secondOk = eligible(second);
      if (firstOk && secondOk) {
        return this.health.active(second.key) < this.health.active(first.key) ? second : first;
      }
      if (firstOk) return first;
      if (secondOk) return second;
      let best: UpstreamEndpoint | null = null;
      for (const endpoint of endpoints) {
        if (
          eligible(endpoint) &&
          (best === null || this.health.active(endpoint.key) < this.health.active(best.key))
        ) {
          best = endpoint;
        }
      }
      return best ?? this.panic(target, exclude);
    }
    let cursor = this.cursors.get(target.serviceLabel);
    if (!cursor) {
      // A random start, so that workers and replicas do not all begin with the same endpoint.
      cursor = { next: Math.floor(this.random() * n) };
      this.cursors.set(target.serviceLabel, cursor);
    }
    for (let i = 0; i < n; i++) {
      const index = (cursor.next + i) % n;
      const endpoint = endpoints[index]!;
      if (eligible(endpoint)) {
        cursor.next = (index + 1) % n;
        return endpoint;
      }
    }
    return this.panic(target, exclude);
  }

  /** Forgets the positions of Services no longer routed to (called after each snapshot swap). */
  retain(serviceLabels: ReadonlySet<string>): void {
    for (const label of this.cursors.keys()) if (!serviceLabels.has(label)) this.cursors.delete(label);
  }

  private panic(target: RouteTarget, exclude: ReadonlySet<string> | null): UpstreamEndpoint | null {
    const candidates =
      exclude === null ? target.endpoints : target.endpoints.filter((e) => !exclude.has(e.key));
    if (candidates.length === 0) return null;
    return candidates[Math.floor(this.random() * candidates.length)]!;
  }
}

// Per-endpoint state that outlives snapshots: requests in flight (for least-request) and passive ejection of
// endpoints that keep refusing connections. Keyed by "address:port", so a reload does not forget a bad endpoint.

export interface EndpointHealthOptions {
  /** Consecutive connect failures that eject an endpoint. Default 5. */
  failureThreshold?: number;
  /** First ejection, ms; doubles on each consecutive ejection. Default 10 000. */
  baseEjectionMs?: number;
  /** Longest ejection, ms. Default 30 000. */
  maxEjectionMs?: number;
  now?: () => number;
}

export interface EndpointState {
  active: number;
  consecutiveFailures: number;
  ejectedUntil: number;
  ejections: number;
}

export class EndpointHealth {
  private readonly states = new Map<string, EndpointState>();
  private readonly failureThreshold: number;
  private readonly baseEjectionMs: number;
  private readonly maxEjectionMs: number;
  readonly now: () => number;

  constructor(options: EndpointHealthOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.baseEjectionMs = options.baseEjectionMs ?? 10_000;
    this.maxEjectionMs = options.maxEjectionMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  state(key: string): EndpointState {
    let state = this.states.get(key);
    if (!state) {
      state = { active: 0, consecutiveFailures: 0, ejectedUntil: 0, ejections: 0 };
      this.states.set(key, state);
    }
    return state;
  }

  active(key: string): number {
    return this.states.get(key)?.active ?? 0;
  }

  isEjected(key: string, now: number): boolean {
    const state = this.states.get(key);
    return state !== undefined && state.ejectedUntil > now;
  }

  begin(key: string): void {
    this.state(key).active++;
  }

  end(key: string): void {
    const state = this.states.get(key);
    if (state && state.active > 0) state.active--;
  }

  /** Records a failed connection attempt; returns the ejection in ms when this failure ejects the endpoint. */
  connectFailed(key: string): number {
    const state = this.state(key);
    state.consecutiveFailures++;
    if (state.consecutiveFailures < this.failureThreshold) return 0;
    const ms = Math.min(this.maxEjectionMs, this.baseEjectionMs * 2 ** state.ejections);
    state.ejections++;
    state.consecutiveFailures = 0;
    state.ejectedUntil = this.now() + ms;
    return ms;
  }

  /** Records a successful connection: the failure streak and ejection backoff start over. */
  connected(key: string): void {
    const state = this.states.get(key);
    if (!state) return;
    state.consecutiveFailures = 0;
    state.ejections = 0;
    state.ejectedUntil = 0;
  }

  /** Forgets idle endpoints that no snapshot names any more. */
  retain(keys: ReadonlySet<string>): void {
    for (const [key, state] of this.states) {
      if (!keys.has(key) && state.active === 0) this.states.delete(key);
    }
  }
}

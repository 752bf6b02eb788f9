// Keep-alive connections to upstream endpoints for the fast HTTP/1.1 path: per endpoint (and protocol and TLS
// name) a stack of idle connections, most recently used first (the warmest, and the least likely to have been
// closed by the upstream's own idle timeout). No limit on connections in use per endpoint, as with undici's Pool
// before: the client side bounds concurrency. Idle connections close after keepAliveTimeoutMs.
//
// HTTPS upstreams get the client's host as their TLS name (SNI), so one endpoint may have a pool per name, and
// a wildcard rule lets clients choose the names. What bounds them: the idle connections of all of an
// endpoint's names share one budget (maxIdlePerEndpoint), and a name's pool is dropped once it has no
// connection left, as Envoy and HAProxy do with their per-SNI connection pools.
import type { UpstreamEndpoint } from "../backend-resolver";
import {
  UpstreamConnection,
  type ConnectionReleaser,
  type UpstreamAddress,
  type UpstreamOwner,
} from "./upstream-connection";

export interface UpstreamConnectionPoolOptions {
  /** Idle upstream connections close after this, ms. Default 30 000. */
  keepAliveTimeoutMs?: number;
  /** At most this many idle connections are kept per endpoint. Default 256. */
  maxIdlePerEndpoint?: number;
}

/** Idle connections one endpoint may keep, shared by its pools (one per TLS name). */
class IdleBudget {
  idle = 0;
  constructor(readonly max: number) {}
}

class EndpointConnections implements ConnectionReleaser {
  readonly idle: UpstreamConnection[] = [];
  /** Connections open (idle or busy). */
  open = 0;
  /** No snapshot names the endpoint any more, or the pool was dropped: released connections close. */
  retired = false;

  constructor(
    readonly address: UpstreamAddress,
    readonly endpointKey: string,
    private readonly budget: IdleBudget,
  ) {}

  released(connection: UpstreamConnection, reusable: boolean): void {
    if (reusable && !this.retired && this.budget.idle < this.budget.max) {
      this.idle.push(connection);
      this.budget.idle++;
    } else if (reusable) {
      connection.socket.destroy();
    }
  }

  closed(connection: UpstreamConnection): void {
    this.open--;
    const at = this.idle.indexOf(connection);
    if (at !== -1) {
      this.idle.splice(at, 1);
      this.budget.idle--;
    }
  }

  /** The most recently used idle connection, taken out of the pool. */
  takeIdle(): UpstreamConnection | undefined {
    const connection = this.idle.pop();
    if (connection) this.budget.idle--;
    return connection;
  }

  closeIdle(olderThan: number, now: number): void {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const connection = this.idle[i]!;
      if (connection.idleSince <= olderThan || connection.idleUntil <= now) connection.socket.destroy();
    }
  }

  closeAll(): void {
    for (const connection of [...this.idle]) connection.socket.destroy();
    this.budget.idle -= this.idle.length;
    this.idle.length = 0;
  }
}

export class UpstreamConnectionPool {
  private readonly endpoints = new Map<string, EndpointConnections>();
  /** Per endpoint key: the idle budget its pools share. */
  private readonly budgets = new Map<string, IdleBudget>();
  private readonly keepAliveTimeoutMs: number;
  private readonly maxIdle: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: UpstreamConnectionPoolOptions = {}) {
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 30_000;
    this.maxIdle = options.maxIdlePerEndpoint ?? 256;
    this.sweeper = setInterval(() => this.closeIdle(Date.now()), Math.min(1_000, this.keepAliveTimeoutMs));
    this.sweeper.unref();
  }

  /**
   * Lends `owner` a connection to `endpoint`: an idle one (already connected; the caller writes at once), or a
   * new one whose `onUpstreamConnect` (or `onUpstreamFailure`) comes later.
   */
  acquire(
    endpoint: UpstreamEndpoint,
    secure: boolean,
    servername: string,
    connectTimeoutMs: number,
    readTimeoutMs: number,
    owner: UpstreamOwner,
  ): UpstreamConnection {
    const key = secure ? `https|${endpoint.key}|${servername}` : endpoint.key;
    let connections = this.endpoints.get(key);
    if (!connections) {
      let budget = this.budgets.get(endpoint.key);
      if (!budget) {
        budget = new IdleBudget(this.maxIdle);
        this.budgets.set(endpoint.key, budget);
      }
      connections = new EndpointConnections(
        { host: endpoint.address, port: endpoint.port, secure, servername: secure ? servername : "" },
        endpoint.key,
        budget,
      );
      this.endpoints.set(key, connections);
    }
    const now = Date.now();
    const expired = now - this.keepAliveTimeoutMs;
    for (;;) {
      const idle = connections.takeIdle();
      if (!idle) break;
      if (!idle.alive || idle.idleSince <= expired || idle.idleUntil <= now) {
        idle.socket.destroy();
        continue;
      }
      idle.attach(owner, readTimeoutMs);
      return idle;
    }
    const connection = new UpstreamConnection(connections.address, connectTimeoutMs, connections);
    connections.open++;
    connection.attach(owner, readTimeoutMs);
    return connection;
  }

  /** Idle connections in the pool (tests, metrics). */
  idleCount(): number {
    let count = 0;
    for (const connections of this.endpoints.values()) count += connections.idle.length;
    return count;
  }

  /** Pools held: one per plain endpoint, one per HTTPS endpoint and TLS name (tests). */
  poolCount(): number {
    return this.endpoints.size;
  }

  /** Closes the idle connections of endpoints no snapshot names any more (busy ones close when released). */
  retain(endpointKeys: ReadonlySet<string>): void {
    for (const [key, connections] of this.endpoints) {
      if (endpointKeys.has(connections.endpointKey)) continue;
      this.endpoints.delete(key);
      connections.retired = true;
      connections.closeAll();
    }
    for (const key of this.budgets.keys()) if (!endpointKeys.has(key)) this.budgets.delete(key);
  }

  /** Closes expired idle connections and drops the pools (and budgets) left without any connection. */
  private closeIdle(now: number): void {
    const inUse = new Set<string>();
    for (const [key, connections] of this.endpoints) {
      connections.closeIdle(now - this.keepAliveTimeoutMs, now);
      if (connections.open === 0) {
        // A busy connection keeps its pool (it returns there); a pool with none is cheap to make again.
        this.endpoints.delete(key);
        connections.retired = true;
      } else {
        inUse.add(connections.endpointKey);
      }
    }
    for (const key of this.budgets.keys()) if (!inUse.has(key)) this.budgets.delete(key);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const connections of this.endpoints.values()) connections.closeAll();
    this.endpoints.clear();
  }
}

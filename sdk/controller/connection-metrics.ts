// Metrics about client connections rather than requests: connections refused by --max-connections, and open
// WebSocket tunnels. Registered on the controller's registry next to the request metrics (metrics.ts), once per
// registry, because prom-client refuses a second metric of the same name and two listeners (plain and TLS)
// share one registry. With --workers N the primary sums them across workers like the other series.
import { Counter, Gauge, type Registry } from "prom-client";

/** The listener a connection came to, the `listener` label. */
export type ListenerName = "http" | "https";

export interface ConnectionMetrics {
  /** A connection was closed at accept because its listener had --max-connections open already. */
  connectionRefused(listener: ListenerName): void;
  /** A WebSocket tunnel was established (the client got the 101). */
  tunnelOpened(): void;
  tunnelClosed(): void;
}

const byRegistry = new WeakMap<Registry, ConnectionMetrics>();

export function connectionMetrics(registry: Registry): ConnectionMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const refused = new Counter({
    name: "ingress_kit_connections_refused_total",
    help: "Client connections closed at accept because the listener had --max-connections open, by listener.",
    labelNames: ["listener"] as const,
    registers: [registry],
  });
  // Both series exist from the start, at 0, so that rate() sees the first refusal.
  refused.labels("http").inc(0);
  refused.labels("https").inc(0);
  const tunnels = new Gauge({
    name: "ingress_kit_websocket_tunnels",
    help: "Open WebSocket tunnels (upgrades the upstream answered with 101).",
    registers: [registry],
  });
  const created: ConnectionMetrics = {
    connectionRefused: (listener) => refused.labels(listener).inc(),
    tunnelOpened: () => tunnels.inc(),
    tunnelClosed: () => tunnels.dec(),
  };
  byRegistry.set(registry, created);
  return created;
}

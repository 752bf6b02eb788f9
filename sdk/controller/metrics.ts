// Prometheus metrics (prom-client), one registry per process. With --workers N the primary aggregates the
// workers' registries (prom-client's AggregatorRegistry) and serves them on the health port.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Snapshot } from "./snapshot";

/** Kinds of upstream failure, the `kind` label of ingress_kit_upstream_errors_total. */
export type UpstreamErrorKind =
  | "connect_refused"
  | "connect_timeout"
  | "connect_error"
  | "read_timeout"
  | "reset"
  | "protocol"
  | "no_endpoints";

export interface ControllerMetrics {
  readonly registry: Registry;
  /** Counts one finished request and observes its latency. */
  observeRequest(ingress: string, service: string, status: number, seconds: number): void;
  upstreamError(kind: UpstreamErrorKind): void;
  reload(success: boolean, seconds: number, snapshot: Snapshot | null): void;
}

function statusClass(status: number): string {
  if (status >= 100 && status < 600) return `${Math.floor(status / 100)}xx`;
  return "other";
}

export function createControllerMetrics(options: { defaultMetrics?: boolean } = {}): ControllerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "ingress_kit_" });
  const requests = new Counter({
    name: "ingress_kit_requests_total",
    help: "Requests served, by Ingress (namespace/name, empty when no route matched), backend service and status class.",
    labelNames: ["ingress", "service", "status_class"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "ingress_kit_request_duration_seconds",
    help: "Time from the request head to the end of the response, by Ingress.",
    labelNames: ["ingress"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const upstreamErrors = new Counter({
    name: "ingress_kit_upstream_errors_total",
    help: "Upstream failures by kind.",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const reloads = new Counter({
    name: "ingress_kit_snapshot_reloads_total",
    help: "Snapshot rebuilds by result (success keeps serving the new snapshot, failure keeps the old one).",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  const reloadDuration = new Histogram({
    name: "ingress_kit_snapshot_reload_duration_seconds",
    help: "Time to compile a snapshot.",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const routes = new Gauge({
    name: "ingress_kit_routes",
    help: "Routes in the serving snapshot.",
    registers: [registry],
  });
  const endpoints = new Gauge({
    name: "ingress_kit_endpoints",
    help: "Distinct upstream endpoints in the serving snapshot.",
    registers: [registry],
  });
  const unservable = new Gauge({
    name: "ingress_kit_unservable_ingresses",
    help: "Problems with Ingresses of the served class that cannot be (fully) served.",
    registers: [registry],
  });
  const version = new Gauge({
    name: "ingress_kit_snapshot_version",
    help: "Version of the serving snapshot.",
    registers: [registry],
  });

  // Label children are cached: prom-client hashes labels on every call otherwise.
  const requestChildren = new Map<
    string,
    { count: Counter.Internal; latency: Histogram.Internal<"ingress"> }
  >();
  return {
    registry,
    observeRequest(ingress, service, status, seconds) {
      const cls = statusClass(status);
      const key = `${ingress}|${service}|${cls}`;
      let child = requestChildren.get(key);
      if (!child) {
        if (requestChildren.size > 50_000) requestChildren.clear();
        child = { count: requests.labels(ingress, service, cls), latency: duration.labels(ingress) };
        requestChildren.set(key, child);
      }
      child.count.inc();
      child.latency.observe(seconds);
    },
    upstreamError(kind) {
      upstreamErrors.labels(kind).inc();
    },
    reload(success, seconds, snapshot) {
      reloads.labels(success ? "success" : "failure").inc();
      reloadDuration.observe(seconds);
      if (snapshot) {
        routes.set(snapshot.routeCount);
        endpoints.set(snapshot.endpointCount);
        unservable.set(snapshot.unservable.length);
        version.set(snapshot.version);
      }
    },
  };
}

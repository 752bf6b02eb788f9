// Prometheus metrics (prom-client), one registry per process. With --workers N the primary aggregates the
// workers' registries (prom-client's AggregatorRegistry) and serves them on the health port.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { FastHistogram, type HistogramSeries } from "./fast-histogram";
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

/** The listener a connection came to, the `listener` label. */
export type ListenerName = "http" | "https";

export interface ControllerMetrics {
  readonly registry: Registry;
  /** Counts one finished request and observes its latency. */
  observeRequest(ingress: string, service: string, status: number, seconds: number): void;
  upstreamError(kind: UpstreamErrorKind): void;
  reload(success: boolean, seconds: number, snapshot: Snapshot | null): void;
  /** A connection was closed at accept because its listener had --max-connections open already. */
  connectionRefused(listener: ListenerName): void;
  /** A WebSocket tunnel was established (the client got the 101), or closed. */
  tunnelOpened(): void;
  tunnelClosed(): void;
}

interface RequestCount {
  readonly labels: { ingress: string; service: string; status_class: string };
  /** Requests not yet added to the prom-client counter. */
  pending: number;
}

/** The status_class label values, indexed by statusClassIndex. */
const STATUS_CLASSES = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"] as const;

function statusClassIndex(status: number): number {
  return status >= 100 && status < 600 ? Math.floor(status / 100) : 0;
}

/** What one request adds to: its label set's count and its Ingress's latency series. */
interface RequestSeries {
  readonly count: RequestCount;
  readonly latency: HistogramSeries;
}

export function createControllerMetrics(options: { defaultMetrics?: boolean } = {}): ControllerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "ingress_kit_" });
  // Requests are counted in plain records and added to the counter when it is read (a scrape), not one
  // prom-client call per request.
  const requestCounts = new Map<string, RequestCount>();
  new Counter({
    name: "ingress_kit_requests_total",
    help: "Requests served, by Ingress (namespace/name, empty when no route matched), backend service and status class.",
    labelNames: ["ingress", "service", "status_class"] as const,
    registers: [registry],
    collect() {
      for (const entry of requestCounts.values()) {
        if (entry.pending === 0) continue;
        this.inc(entry.labels, entry.pending);
        entry.pending = 0;
      }
    },
  });
  const duration = new FastHistogram({
    name: "ingress_kit_request_duration_seconds",
    help: "Time from the request head to the end of the response, by Ingress.",
    labelName: "ingress",
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
  const connectionsRefused = new Counter({
    name: "ingress_kit_connections_refused_total",
    help: "Client connections closed at accept because the listener had --max-connections open, by listener.",
    labelNames: ["listener"] as const,
    registers: [registry],
  });
  // Both series exist from the start, at 0, so that rate() sees the first refusal.
  connectionsRefused.labels("http").inc(0);
  connectionsRefused.labels("https").inc(0);
  const tunnels = new Gauge({
    name: "ingress_kit_websocket_tunnels",
    help: "Open WebSocket tunnels (upgrades the upstream answered with 101).",
    registers: [registry],
  });

  // Per label set, found by Ingress, then service, then status class: the label strings come from the snapshot's
  // route targets, so the maps hash strings they have seen before and no key is built per request.
  const requestSeries = new Map<string, Map<string, (RequestSeries | undefined)[]>>();
  let labelSets = 0;
  const seriesFor = (ingress: string, service: string, classIndex: number): RequestSeries => {
    let byService = requestSeries.get(ingress);
    if (!byService) {
      if (labelSets > 50_000) {
        requestSeries.clear(); // the counts live on in requestCounts; only the lookup cache restarts
        labelSets = 0;
      }
      byService = new Map();
      requestSeries.set(ingress, byService);
    }
    let byClass = byService.get(service);
    if (!byClass) {
      byClass = [];
      byService.set(service, byClass);
    }
    let series = byClass[classIndex];
    if (!series) {
      const cls = STATUS_CLASSES[classIndex]!;
      const key = `${ingress}|${service}|${cls}`;
      let count = requestCounts.get(key);
      if (!count) {
        count = { labels: { ingress, service, status_class: cls }, pending: 0 };
        requestCounts.set(key, count);
      }
      series = { count, latency: duration.seriesFor(ingress) };
      byClass[classIndex] = series;
      labelSets++;
    }
    return series;
  };
  return {
    registry,
    observeRequest(ingress, service, status, seconds) {
      const series = seriesFor(ingress, service, statusClassIndex(status));
      series.count.pending++;
      duration.observe(series.latency, seconds);
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
    connectionRefused(listener) {
      connectionsRefused.labels(listener).inc();
    },
    tunnelOpened() {
      tunnels.inc();
    },
    tunnelClosed() {
      tunnels.dec();
    },
  };
}

// The Kubernetes source: lists and watches Ingress, IngressClass, Service, EndpointSlice and Secret (TLS only)
// through one Reflector per kind, serves their union as ClusterState, writes `status.loadBalancer` of the
// Ingresses the controller serves, and reports the ones it cannot serve as Warning Events.
import { hostname } from "node:os";
import {
  CoreV1Api,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Event,
  type KubeConfig,
} from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { BackoffOptions } from "./backoff";
import { buildClusterState } from "./cluster-state";
import { SourceCodes } from "./codes";
import { errorFields } from "./error-fields";
import { buildLoadBalancerIngress, buildStatusPatch, hasLoadBalancerIngress } from "./ingress-status";
import { KubeHttp } from "./kube-http";
import type { ClusterState } from "./objects";
import { Reflector } from "./reflector";
import { RESOURCE_KINDS, type ResourceKind } from "./resource-kinds";
import type { LoadBalancerAddress, ObjectSource, UnservableIngress } from "./source";
import { UnservableReporter } from "./unservable-reporter";

export interface KubeSourceOptions {
  /** How to reach the API server; see `loadKubeConfig`. */
  readonly kubeConfig: KubeConfig;
  /** Structured logger; the source adds `source: "kube"`. */
  readonly logger: Logger;
  /** Watch only this namespace (`--namespace`); IngressClasses are cluster-scoped and always watched. */
  readonly namespace?: string;
  /** Create a Warning Event (core/v1) for each unservable Ingress besides the log line; default true. */
  readonly emitEvents?: boolean;
  /** The Events' `source.component` and `reportingComponent`; default `ingress-kit-controller`. */
  readonly component?: string;
  /** Backoff of re-lists and watch reconnects; default 250 ms doubling to 30 s. */
  readonly backoff?: BackoffOptions;
  /** The server ends each watch after this many seconds, randomised up to twice that; default 180. */
  readonly watchTimeoutSeconds?: number;
  /** A list or watch connection silent this long (ms) is dropped and resumed; default covers a whole watch. */
  readonly idleTimeoutMs?: number;
  /** Page size of lists; default 500. */
  readonly pageSize?: number;
  /** Status writes in flight at once; default 8. */
  readonly statusConcurrency?: number;
}

export class KubeSource implements ObjectSource {
  readonly name: string;

  private readonly reflectors = new Map<ResourceKind["stateKey"], Reflector>();
  private readonly listeners = new Set<() => void>();
  private readonly log: Logger;
  private readonly networking: NetworkingV1Api;
  private readonly core: CoreV1Api;
  private readonly reporter: UnservableReporter;
  private readonly pending = new Set<Promise<unknown>>();
  /** `namespace/name` -> `resourceVersion status` last written, so a write is not repeated before the watch echoes it. */
  private readonly written = new Map<string, string>();
  private state: ClusterState | undefined;
  private synced = false;
  private started: Promise<void> | undefined;

  constructor(private readonly options: KubeSourceOptions) {
    this.name = options.namespace ? `kube:${options.namespace}` : "kube";
    this.log = options.logger.child({ source: this.name });
    const watchTimeoutSeconds = options.watchTimeoutSeconds ?? 180;
    const http = new KubeHttp(options.kubeConfig, {
      idleTimeoutMs: options.idleTimeoutMs ?? (2 * watchTimeoutSeconds + 30) * 1000,
    });
    for (const kind of RESOURCE_KINDS) {
      const reflector = new Reflector({
        kind,
        http,
        logger: this.log,
        namespace: options.namespace,
        onChange: () => this.changed(),
        backoff: options.backoff,
        watchTimeoutSeconds,
        pageSize: options.pageSize,
      });
      this.reflectors.set(kind.stateKey, reflector);
    }
    this.networking = options.kubeConfig.makeApiClient(NetworkingV1Api);
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.reporter = new UnservableReporter({
      logger: this.log,
      versionOf: (namespace, name) => {
        const meta = this.ingresses().get(namespace, name)?.metadata;
        return meta?.generation !== undefined ? String(meta.generation) : meta?.resourceVersion;
      },
      emit: options.emitEvents === false ? undefined : (item) => this.track(this.createEvent(item)),
    });
  }

  start(): Promise<void> {
    this.started ??= (async () => {
      for (const reflector of this.reflectors.values()) reflector.start();
      await Promise.all([...this.reflectors.values()].map((r) => r.synced));
      this.synced = true;
      const s = this.current();
      this.log.info(
        {
          code: SourceCodes.SYNCED,
          ingresses: s.ingresses.length,
          ingressClasses: s.ingressClasses.length,
          services: s.services.length,
          endpointSlices: s.endpointSlices.length,
          secrets: s.secrets.length,
        },
        "listed every kind; watching for changes",
      );
    })();
    return this.started;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.reflectors.values()].map((r) => r.stop()));
    await Promise.allSettled([...this.pending]);
    this.listeners.clear();
  }

  current(): ClusterState {
    this.state ??= buildClusterState(
      new Map([...this.reflectors].map(([key, reflector]) => [key, reflector.items()])),
    );
    return this.state;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reportUnservable(items: readonly UnservableIngress[]): void {
    this.reporter.report(items);
  }

  async publishAddress(
    ingresses: readonly { namespace: string; name: string }[],
    address: LoadBalancerAddress,
  ): Promise<void> {
    const entries = buildLoadBalancerIngress(address);
    const signature = JSON.stringify(entries);
    const due = ingresses.flatMap(({ namespace, name }) => {
      const ingress = this.ingresses().get(namespace, name);
      if (!ingress || hasLoadBalancerIngress(ingress, entries)) return [];
      const key = `${namespace}/${name}`;
      const version = `${ingress.metadata?.resourceVersion ?? ""} ${signature}`;
      return this.written.get(key) === version ? [] : [{ namespace, name, key, version }];
    });
    const write = async (item: (typeof due)[number]) => {
      try {
        await this.networking.patchNamespacedIngressStatus(
          { namespace: item.namespace, name: item.name, body: buildStatusPatch(entries) },
          setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
        );
        this.written.set(item.key, item.version);
        this.log.info(
          { code: SourceCodes.STATUS_WRITTEN, ingress: item.key, loadBalancer: entries },
          `wrote status.loadBalancer of Ingress ${item.key}`,
        );
      } catch (error) {
        this.log.error(
          { code: SourceCodes.STATUS_WRITE_FAILED, ingress: item.key, error: errorFields(error) },
          `writing status.loadBalancer of Ingress ${item.key} failed; the next snapshot retries`,
        );
      }
    };
    await this.track(runLimited(due, this.options.statusConcurrency ?? 8, write));
    // Forget what was written for Ingresses no longer served, so the map cannot grow without bound.
    const served = new Set(ingresses.map(({ namespace, name }) => `${namespace}/${name}`));
    for (const key of this.written.keys()) if (!served.has(key)) this.written.delete(key);
  }

  private ingresses(): Reflector {
    return this.reflectors.get("ingresses")!;
  }

  private changed(): void {
    this.state = undefined;
    if (!this.synced) return;
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.log.error({ error: errorFields(error) }, "a change listener threw");
      }
    }
  }

  private async createEvent(item: UnservableIngress): Promise<void> {
    const ingress = this.ingresses().get(item.namespace, item.name);
    const component = this.options.component ?? "ingress-kit-controller";
    const now = new Date();
    const body: CoreV1Event = {
      metadata: { generateName: `${item.name}.`, namespace: item.namespace },
      involvedObject: {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        namespace: item.namespace,
        name: item.name,
        uid: ingress?.metadata?.uid,
        resourceVersion: ingress?.metadata?.resourceVersion,
      },
      type: "Warning",
      reason: "Unservable",
      message: truncate(`${item.message} (${item.code})`, 1024),
      source: { component, host: hostname() },
      reportingComponent: component,
      reportingInstance: hostname(),
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    try {
      await this.core.createNamespacedEvent({ namespace: item.namespace, body });
    } catch (error) {
      this.log.error(
        {
          code: SourceCodes.EVENT_WRITE_FAILED,
          ingress: `${item.namespace}/${item.name}`,
          error: errorFields(error),
        },
        `creating the Warning Event for Ingress ${item.namespace}/${item.name} failed`,
      );
    }
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise)).catch(() => undefined);
    return promise;
  }
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function runLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// The contract between the sources (kube, file) and the snapshot builder. Data flows forward: a source only
// reports that its objects changed; the snapshot builder reads `current()`, debounces, compiles and swaps.
import type { ClusterState } from "./objects";

/** An Ingress the controller cannot serve, with the reason (the matcher's or the snapshot's message). */
export interface UnservableIngress {
  readonly namespace: string;
  readonly name: string;
  readonly code: string;
  readonly message: string;
}

/** The load balancer address written into the status of the Ingresses the controller serves. */
export interface LoadBalancerAddress {
  readonly ip?: string;
  readonly hostname?: string;
}

export interface ObjectSource {
  /** Human name for logs, e.g. `kube` or `file:/etc/routes`. */
  readonly name: string;
  /** Lists (or reads) everything and starts watching; resolves once the first complete state is known. */
  start(): Promise<void>;
  /** Stops watching and releases timers and connections. */
  stop(): Promise<void>;
  /** The latest complete state. Never a partial one: a failed re-list or re-read keeps the previous state. */
  current(): ClusterState;
  /** Calls `listener` after every change (not debounced). Returns a function that unsubscribes. */
  onChange(listener: () => void): () => void;
  /**
   * Tells the source which Ingresses the latest snapshot could not serve, so it can warn once per object
   * and generation (a Kubernetes Event or a log line). Optional: the file source only logs.
   */
  reportUnservable?(items: readonly UnservableIngress[]): void;
  /** Writes `address` into `status.loadBalancer` of the given Ingresses where it differs. Optional. */
  publishAddress?(
    ingresses: readonly { namespace: string; name: string }[],
    address: LoadBalancerAddress,
  ): Promise<void>;
}

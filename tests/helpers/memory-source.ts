// An in-memory ObjectSource for controller tests: set the ClusterState, and the snapshot builder sees a change.
import { EMPTY_CLUSTER_STATE, type ClusterState } from "../../sdk/controller/sources/objects";
import type {
  LoadBalancerAddress,
  ObjectSource,
  UnservableIngress,
} from "../../sdk/controller/sources/source";

export class MemorySource implements ObjectSource {
  readonly name = "memory";
  private state: ClusterState;
  private readonly listeners = new Set<() => void>();
  /** Every list passed to reportUnservable, in order. */
  readonly reported: (readonly UnservableIngress[])[] = [];
  /** Every publishAddress call: the Ingresses ("namespace/name") and the address. */
  readonly published: [string[], LoadBalancerAddress][] = [];
  started = false;
  stopped = false;

  constructor(state: Partial<ClusterState> = {}) {
    this.state = { ...EMPTY_CLUSTER_STATE, ...state };
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  current(): ClusterState {
    return this.state;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reportUnservable(items: readonly UnservableIngress[]): void {
    this.reported.push(items);
  }

  async publishAddress(
    ingresses: readonly { namespace: string; name: string }[],
    address: LoadBalancerAddress,
  ): Promise<void> {
    this.published.push([ingresses.map((i) => `${i.namespace}/${i.name}`), address]);
  }

  /** Replaces the given parts of the state and notifies listeners. */
  set(state: Partial<ClusterState>): void {
    this.state = { ...this.state, ...state };
    for (const listener of this.listeners) listener();
  }
}

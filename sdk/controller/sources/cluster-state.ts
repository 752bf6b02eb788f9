// Building the immutable ClusterState a source hands on: every kind's objects sorted by namespace and name,
// so that two equal states compare equal and logs and snapshots come out in a stable order.
import type { ClusterState } from "./objects";
import type { KubeObject } from "./kube-object";
import type { ResourceKind } from "./resource-kinds";

export function compareByNamespaceAndName(a: KubeObject, b: KubeObject): number {
  const an = a.metadata?.namespace ?? "";
  const bn = b.metadata?.namespace ?? "";
  if (an !== bn) return an < bn ? -1 : 1;
  const a2 = a.metadata?.name ?? "";
  const b2 = b.metadata?.name ?? "";
  return a2 < b2 ? -1 : a2 > b2 ? 1 : 0;
}

/** A frozen, sorted copy of `objects` (the objects themselves are shared, never mutated). */
export function sortedFrozen(objects: Iterable<KubeObject>): readonly KubeObject[] {
  return Object.freeze([...objects].sort(compareByNamespaceAndName));
}

/** A frozen ClusterState from each kind's objects; kinds not given are empty. */
export function buildClusterState(
  byKind: ReadonlyMap<ResourceKind["stateKey"], readonly KubeObject[]>,
): ClusterState {
  const get = (key: ResourceKind["stateKey"]) => byKind.get(key) ?? Object.freeze([]);
  return Object.freeze({
    ingresses: get("ingresses"),
    ingressClasses: get("ingressClasses"),
    services: get("services"),
    endpointSlices: get("endpointSlices"),
    secrets: get("secrets"),
  }) as ClusterState;
}

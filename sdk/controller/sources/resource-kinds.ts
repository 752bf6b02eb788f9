// The five kinds the controller reads, where the API serves them and which ClusterState array holds them.
import type { ClusterState } from "./objects";

export interface ResourceKind {
  readonly kind: "Ingress" | "IngressClass" | "Service" | "EndpointSlice" | "Secret";
  readonly apiVersion: string;
  /** The ClusterState array that holds objects of this kind. */
  readonly stateKey: keyof ClusterState;
  /** The lower-case plural of the API path. */
  readonly plural: string;
  readonly namespaced: boolean;
  /**
   * A server-side field selector for list and watch: Secrets are asked for `kubernetes.io/tls` only, so other
   * secrets' data never reaches the controller.
   */
  readonly fieldSelector?: string;
}

export const RESOURCE_KINDS: readonly ResourceKind[] = Object.freeze([
  {
    kind: "Ingress",
    apiVersion: "networking.k8s.io/v1",
    stateKey: "ingresses",
    plural: "ingresses",
    namespaced: true,
  },
  {
    kind: "IngressClass",
    apiVersion: "networking.k8s.io/v1",
    stateKey: "ingressClasses",
    plural: "ingressclasses",
    namespaced: false,
  },
  { kind: "Service", apiVersion: "v1", stateKey: "services", plural: "services", namespaced: true },
  {
    kind: "EndpointSlice",
    apiVersion: "discovery.k8s.io/v1",
    stateKey: "endpointSlices",
    plural: "endpointslices",
    namespaced: true,
  },
  {
    kind: "Secret",
    apiVersion: "v1",
    stateKey: "secrets",
    plural: "secrets",
    namespaced: true,
    fieldSelector: "type=kubernetes.io/tls",
  },
]);

export function findResourceKind(kind: unknown): ResourceKind | undefined {
  return RESOURCE_KINDS.find((k) => k.kind === kind);
}

/**
 * The API path of a kind's collection, e.g. `/apis/networking.k8s.io/v1/namespaces/web/ingresses`.
 * Cluster-scoped kinds ignore `namespace`.
 */
export function collectionPath(kind: ResourceKind, namespace?: string): string {
  const prefix = kind.apiVersion.includes("/") ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`;
  const scope = kind.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${prefix}${scope}/${kind.plural}`;
}

// The Kubernetes objects the bundled controller reads, as plain JSON (the shape `kubectl get -o json` prints and
// the API's list/watch returns). Only the fields the controller uses are typed; everything is optional because
// sources pass on whatever they read and the snapshot reports what is missing instead of throwing.
import type { IngressObject, ObjectMeta } from "../../matcher";

export type { IngressObject, ObjectMeta };

/** `networking.k8s.io/v1` IngressClass. */
export interface IngressClassObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: { controller?: string; parameters?: unknown };
}

export interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

/** `v1` Service. */
export interface ServiceObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: { type?: string; ports?: ServicePort[]; externalName?: string; clusterIP?: string };
}

export interface EndpointSlicePort {
  name?: string | null;
  port?: number | null;
  protocol?: string;
  appProtocol?: string;
}

export interface Endpoint {
  addresses?: string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  nodeName?: string;
  zone?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string };
}

/** `discovery.k8s.io/v1` EndpointSlice; `metadata.labels["kubernetes.io/service-name"]` names its Service. */
export interface EndpointSliceObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  addressType?: string;
  endpoints?: Endpoint[];
  ports?: EndpointSlicePort[];
}

/** `v1` Secret; `data` is base64 as in the API, `stringData` is accepted from manifest files. */
export interface SecretObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** Everything a source knows at one moment. A source replaces the arrays on change; it never mutates them. */
export interface ClusterState {
  readonly ingresses: readonly IngressObject[];
  readonly ingressClasses: readonly IngressClassObject[];
  readonly services: readonly ServiceObject[];
  readonly endpointSlices: readonly EndpointSliceObject[];
  readonly secrets: readonly SecretObject[];
}

export const EMPTY_CLUSTER_STATE: ClusterState = Object.freeze({
  ingresses: [],
  ingressClasses: [],
  services: [],
  endpointSlices: [],
  secrets: [],
});

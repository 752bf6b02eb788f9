// Builders for the Kubernetes objects the controller reads, shaped as `kubectl get -o json` prints them.
import type {
  EndpointSliceObject,
  IngressClassObject,
  IngressObject,
  SecretObject,
  ServiceObject,
} from "../../sdk/controller/sources/objects";

export const CLASS = "ingress-kit";

export function ingressClass(
  name = CLASS,
  options: { isDefault?: boolean; controller?: string } = {},
): IngressClassObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "IngressClass",
    metadata: {
      name,
      annotations: options.isDefault ? { "ingressclass.kubernetes.io/is-default-class": "true" } : {},
    },
    spec: { controller: options.controller ?? "ingress-kit.dev/controller" },
  };
}

export interface PathSpec {
  path: string;
  pathType?: "Exact" | "Prefix" | "ImplementationSpecific";
  service: string;
  port?: number | string;
}

export interface IngressSpecInput {
  namespace?: string;
  className?: string | null;
  rules?: { host?: string; paths: PathSpec[] }[];
  defaultBackend?: { service: string; port?: number | string };
  tls?: { hosts: string[]; secretName: string }[];
  annotations?: Record<string, string>;
  creationTimestamp?: string;
}

function backend(service: string, port: number | string = 80) {
  return { service: { name: service, port: typeof port === "number" ? { number: port } : { name: port } } };
}

export function ingress(name: string, spec: IngressSpecInput): IngressObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name,
      namespace: spec.namespace ?? "default",
      annotations: spec.annotations ?? {},
      creationTimestamp: spec.creationTimestamp ?? "2026-01-01T00:00:00Z",
    },
    spec: {
      ...(spec.className === null ? {} : { ingressClassName: spec.className ?? CLASS }),
      ...(spec.defaultBackend
        ? { defaultBackend: backend(spec.defaultBackend.service, spec.defaultBackend.port) }
        : {}),
      ...(spec.tls ? { tls: spec.tls } : {}),
      rules: (spec.rules ?? []).map((rule) => ({
        ...(rule.host !== undefined ? { host: rule.host } : {}),
        http: {
          paths: rule.paths.map((p) => ({
            path: p.path,
            pathType: p.pathType ?? "Prefix",
            backend: backend(p.service, p.port),
          })),
        },
      })),
    },
  };
}

export function service(
  name: string,
  ports: { name?: string; port: number }[] = [{ name: "http", port: 80 }],
  namespace = "default",
): ServiceObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    spec: { type: "ClusterIP", ports },
  };
}

export interface SliceEndpoint {
  address: string;
  ready?: boolean | null;
}

export function endpointSlice(
  serviceName: string,
  endpoints: SliceEndpoint[],
  ports: { name?: string; port: number }[],
  options: { namespace?: string; name?: string } = {},
): EndpointSliceObject {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: options.name ?? `${serviceName}-${Math.random().toString(36).slice(2, 7)}`,
      namespace: options.namespace ?? "default",
      labels: { "kubernetes.io/service-name": serviceName },
    },
    addressType: "IPv4",
    endpoints: endpoints.map((e) => ({
      addresses: [e.address],
      conditions: e.ready === undefined ? { ready: true } : { ready: e.ready },
    })),
    ports: ports.map((p) => ({
      ...(p.name !== undefined ? { name: p.name } : {}),
      port: p.port,
      protocol: "TCP",
    })),
  };
}

/**
 * A Service (port 80 named "http") backed by servers on 127.0.0.1, one EndpointSlice per server because each
 * listens on its own port.
 */
export function serviceFor(
  name: string,
  ports: readonly number[],
  namespace = "default",
): { service: ServiceObject; slices: EndpointSliceObject[] } {
  return {
    service: service(name, [{ name: "http", port: 80 }], namespace),
    slices: ports.map((port, i) =>
      endpointSlice(name, [{ address: "127.0.0.1" }], [{ name: "http", port }], {
        namespace,
        name: `${name}-${i}`,
      }),
    ),
  };
}

export function tlsSecret(name: string, cert: string, key: string, namespace = "default"): SecretObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/tls",
    metadata: { name, namespace },
    data: { "tls.crt": Buffer.from(cert).toString("base64"), "tls.key": Buffer.from(key).toString("base64") },
  };
}

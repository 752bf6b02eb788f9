// Small builders for plain networking.k8s.io/v1 Ingress objects, so table tests read like the YAML they stand for.
import type { IngressBackend, IngressObject } from "../../sdk/matcher";

export interface PathSpec {
  path?: string;
  pathType?: string;
  service: string;
  port?: number | string;
}

export function backend(service: string, port: number | string = 80): IngressBackend {
  return { service: { name: service, port: typeof port === "number" ? { number: port } : { name: port } } };
}

export function rule(host: string | undefined, ...paths: PathSpec[]) {
  return {
    ...(host === undefined ? {} : { host }),
    http: {
      paths: paths.map((p) => ({
        path: p.path ?? "/",
        pathType: p.pathType ?? "Prefix",
        backend: backend(p.service, p.port),
      })),
    },
  };
}

export interface IngressOptions {
  namespace?: string;
  created?: string;
  ingressClassName?: string;
  annotations?: Record<string, string>;
  defaultBackend?: IngressBackend;
  tls?: { hosts?: string[]; secretName?: string }[];
}

export function ingress(
  name: string,
  rules: ReturnType<typeof rule>[],
  options: IngressOptions = {},
): IngressObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name,
      namespace: options.namespace ?? "default",
      ...(options.created ? { creationTimestamp: options.created } : {}),
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    spec: {
      ...(options.ingressClassName ? { ingressClassName: options.ingressClassName } : {}),
      ...(options.defaultBackend ? { defaultBackend: options.defaultBackend } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      rules,
    },
  };
}

/** The service name a match resolved to, or null: what most routing assertions compare. */
export function served(match: { backend: IngressBackend } | null): string | null {
  return match?.backend.service?.name ?? null;
}

// Small builders of the Kubernetes objects the source tests seed into the fake API server.
import type { FakeObject } from "../../helpers/fake-kube-api";

export function ingress(namespace: string, name: string, host: string, service = "web"): FakeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { namespace, name },
    spec: {
      ingressClassName: "ingress-kit",
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: service, port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
  };
}

export function ingressClass(name = "ingress-kit"): FakeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "IngressClass",
    metadata: { name },
    spec: { controller: "ingress-kit.dev/controller" },
  };
}

export function service(namespace: string, name: string): FakeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace, name },
    spec: { ports: [{ name: "http", port: 80, targetPort: 8080 }] },
  };
}

export function endpointSlice(namespace: string, service: string, addresses: string[]): FakeObject {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { namespace, name: `${service}-abc12`, labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
  };
}

/** A TLS secret whose data values are recognisable, so a test can prove they were never logged. */
export function tlsSecret(namespace: string, name: string): FakeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/tls",
    metadata: {
      namespace,
      name,
      annotations: {
        "kubectl.kubernetes.io/last-applied-configuration": '{"data":{"tls.key":"U0VDUkVULUtFWQ=="}}',
      },
    },
    data: {
      "tls.crt": Buffer.from("CERT-PEM-DATA").toString("base64"),
      "tls.key": Buffer.from("SECRET-KEY").toString("base64"),
      "ca.crt": Buffer.from("CA-PEM-DATA").toString("base64"),
    },
  };
}

export function opaqueSecret(namespace: string, name: string): FakeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: { namespace, name },
    data: { password: Buffer.from("HUNTER2-PASSWORD").toString("base64") },
  };
}

/** Values that must never appear in a log line. */
export const SECRET_VALUES = ["SECRET-KEY", "U0VDUkVULUtFWQ==", "HUNTER2", "SFVOVEVSMi1QQVNTV09SRA=="];

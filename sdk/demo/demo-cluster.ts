// The objects a cluster would hold next to the program's own: for every demo backend an EndpointSlice (the
// endpoints controller's job), and for every TLS secret the program refers to a certificate from the local CA
// (the job of cert-manager or of whoever provisions `tls.secretName` in a cluster).
import type { EndpointSliceObject, SecretObject, ServiceObject } from "../controller/sources/objects";
import type { IngressObject } from "../matcher";
import type { IssuedCertificate } from "../x509/issue-certificate";
import { issueCertificate } from "../x509/issue-certificate";
import type { DemoBackend } from "./demo-backends";

/** One EndpointSlice per backend: each replica listens on its own loopback port, and a slice has one port list. */
export function endpointSlicesFor(
  backends: readonly DemoBackend[],
  services: readonly ServiceObject[],
): EndpointSliceObject[] {
  return backends.map((backend) => {
    const service = services.find(
      (s) =>
        s.metadata?.name === backend.service && (s.metadata?.namespace ?? "default") === backend.namespace,
    );
    // The slice's port carries the Service port's name, as the EndpointSlice controller writes it.
    const portName = service?.spec?.ports?.[0]?.name ?? "";
    return {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        name: `${backend.replica}-demo`,
        namespace: backend.namespace,
        labels: { "kubernetes.io/service-name": backend.service },
      },
      addressType: "IPv4",
      ports: [{ name: portName, port: backend.port, protocol: "TCP" }],
      endpoints: [
        {
          addresses: ["127.0.0.1"],
          conditions: { ready: true },
          targetRef: { kind: "Pod", name: backend.replica, namespace: backend.namespace },
        },
      ],
    };
  });
}

/** The TLS secrets the Ingresses name, each holding a certificate for the hosts it serves, signed by `ca`. */
export function tlsSecretsFor(ingresses: readonly IngressObject[], ca: IssuedCertificate): SecretObject[] {
  const hostsBySecret = new Map<string, { namespace: string; name: string; hosts: Set<string> }>();
  for (const ingress of ingresses) {
    const namespace = ingress.metadata?.namespace ?? "default";
    for (const tls of ingress.spec?.tls ?? []) {
      if (!tls.secretName) continue;
      const key = `${namespace}/${tls.secretName}`;
      const entry = hostsBySecret.get(key) ?? { namespace, name: tls.secretName, hosts: new Set<string>() };
      for (const host of tls.hosts ?? []) entry.hosts.add(host);
      hostsBySecret.set(key, entry);
    }
  }
  return [...hostsBySecret.values()].map(({ namespace, name, hosts }) => {
    const altNames = [...hosts].sort();
    const leaf = issueCertificate({
      subject: { commonName: altNames[0] ?? name },
      altNames,
      issuer: ca,
      days: 30,
    });
    return {
      apiVersion: "v1",
      kind: "Secret",
      type: "kubernetes.io/tls",
      metadata: { name, namespace },
      data: {
        "tls.crt": Buffer.from(leaf.cert).toString("base64"),
        "tls.key": Buffer.from(leaf.key).toString("base64"),
      },
    };
  });
}

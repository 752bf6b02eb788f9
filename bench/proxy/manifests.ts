// The manifests the controller under test reads (`--manifests FOLDER`): the benchmark routes (routes.ts) as
// Ingresses of the IngressClass "bench", with a kubernetes.io/tls Secret for their hosts, and the generated
// large table of the second mode. Every Ingress turns off the HTTP-to-HTTPS redirect, so that plain HTTP is
// proxied as by NGINX and HAProxy.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CertificateFiles } from "./certificate";
import { HOSTS, PREFIXES, type Endpoint } from "./routes";

export const INGRESS_CLASS = "bench";
const NO_REDIRECT = `annotations: { "ingress-kit.dev/ssl-redirect": "false" }`;

const ingressClass = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: ${INGRESS_CLASS} }
spec: { controller: ingress-kit.dev/controller }`;

function service(name: string, endpoints: readonly Endpoint[]): string {
  const port = endpoints[0]?.port ?? 80;
  return `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec: { ports: [{ name: http, port: 80, targetPort: ${port} }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: ${name}-1, namespace: default, labels: { kubernetes.io/service-name: ${name} } }
addressType: IPv4
ports: [{ name: http, port: ${port} }]
endpoints:
${endpoints.map(({ address }) => `  - { addresses: ["${address}"], conditions: { ready: true } }`).join("\n")}`;
}

function ingress(name: string, host: string, serviceName: string, tlsSecret: string | null): string {
  const paths = PREFIXES.map(
    (path) =>
      `          - { path: ${path}, pathType: Prefix, backend: { service: { name: ${serviceName}, port: { number: 80 } } } }`,
  );
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: ${name}, namespace: default, ${NO_REDIRECT} }
spec:
  ingressClassName: ${INGRESS_CLASS}
${tlsSecret === null ? "" : `  tls: [{ hosts: ["${host}"], secretName: ${tlsSecret} }]\n`}  rules:
    - host: ${host}
      http:
        paths:
${paths.join("\n")}`;
}

function tlsSecret(name: string, certificate: CertificateFiles): string {
  const indent = (pem: string): string => pem.trimEnd().replaceAll("\n", "\n    ");
  return `apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: default }
type: kubernetes.io/tls
stringData:
  tls.crt: |
    ${indent(certificate.cert)}
  tls.key: |
    ${indent(certificate.key)}`;
}

/** The benchmark routes, in `<folder>/routes.yaml`. */
export function writeRoutesManifests(
  folder: string,
  endpoints: readonly Endpoint[],
  certificate: CertificateFiles,
): void {
  mkdirSync(folder, { recursive: true });
  const docs = [
    ingressClass,
    tlsSecret("bench-tls", certificate),
    service("web", endpoints),
    ...HOSTS.map((host, i) => ingress(`bench-${i}`, host, "web", "bench-tls")),
  ];
  writeFileSync(join(folder, "routes.yaml"), docs.join("\n---\n") + "\n");
}

export const largeTableHost = (i: number): string => `app-${i}.example.com`;

/** Ingresses per generated file; a change to one Ingress re-reads (re-parses) one file this large. */
export const INGRESSES_PER_FILE = 500;

/**
 * `count` Ingresses (host `app-<i>.example.com`, paths `/` and `/api`, no TLS), each with a Service and an
 * EndpointSlice of the two upstream endpoints of its own, in files of INGRESSES_PER_FILE. Returns the files.
 */
export function writeLargeTable(folder: string, count: number, endpoints: readonly Endpoint[]): string[] {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "class.yaml"), ingressClass + "\n");
  const files: string[] = [];
  for (let first = 0; first < count; first += INGRESSES_PER_FILE) {
    const docs: string[] = [];
    for (let i = first; i < Math.min(count, first + INGRESSES_PER_FILE); i++) {
      docs.push(service(`app-${i}`, endpoints), ingress(`app-${i}`, largeTableHost(i), `app-${i}`, null));
    }
    const file = join(folder, `apps-${String(files.length).padStart(4, "0")}.yaml`);
    writeFileSync(file, docs.join("\n---\n") + "\n");
    files.push(file);
  }
  return files;
}

/** One more Ingress for host `host` (to Service app-0), as its own file or appended to an existing one. */
export function addIngress(
  target: { newFile: string } | { appendTo: string },
  name: string,
  host: string,
): void {
  const doc = ingress(name, host, "app-0", null);
  if ("newFile" in target) writeFileSync(target.newFile, doc + "\n");
  else appendFileSync(target.appendTo, `---\n${doc}\n`);
}

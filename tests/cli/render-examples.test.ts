// Every example renders offline, and the YAML holds what the program means: kinds, names, class, rules, TLS,
// Helm charts with pinned versions, and no secret value in clear.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { runCliSource } from "../helpers/run-cli";

interface Doc {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: {
    ingressClassName?: string;
    controller?: string;
    rules?: { host: string; http: { paths: { path: string; pathType: string }[] } }[];
    tls?: { hosts: string[]; secretName: string }[];
  };
  type?: string;
  data?: Record<string, string>;
  stringData?: unknown;
  helmChart?: {
    name: string;
    chart: string;
    repository: string;
    version: string;
    values: Record<string, unknown>;
  };
}

function render(example: string): { docs: Doc[]; text: string } {
  const result = runCliSource(["render", `examples/${example}`]);
  assert.equal(result.code, 0, result.stderr);
  const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as Doc);
  return { docs, text: result.stdout };
}

const ingresses = (docs: Doc[]) => docs.filter((d) => d.kind === "Ingress");
const hostsOf = (docs: Doc[]) =>
  ingresses(docs)
    .flatMap((i) => i.spec!.rules!.map((r) => r.host))
    .sort();

function assertNoSecretInClear(text: string): void {
  assert.doesNotMatch(text, /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  assert.doesNotMatch(text, /tls\.key: (?!\(secret\)|\(known after deploy\))/);
}

describe("ingress-kit render: the examples", () => {
  it("01-two-services: an NGINX chart and one Ingress per host on the gateway's class", () => {
    const { docs, text } = render("01-two-services");
    const [chart] = docs.filter((d) => d.helmChart).map((d) => d.helmChart!);
    assert.equal(chart?.chart, "nginx-ingress");
    assert.equal(chart?.repository, "https://helm.nginx.com/stable");
    assert.match(chart?.version ?? "", /^\d+\.\d+\.\d+$/);
    assert.deepEqual(hostsOf(docs), ["api.example.com", "www.example.com"]);
    for (const ingress of ingresses(docs)) {
      assert.equal(ingress.apiVersion, "networking.k8s.io/v1");
      assert.equal(ingress.spec!.ingressClassName, "public");
      assert.deepEqual(
        ingress.spec!.rules![0]!.http.paths.map((p) => [p.path, p.pathType]),
        [["/", "Prefix"]],
      );
    }
    assertNoSecretInClear(text);
  });

  it("02-tls-gateway-ca: kubernetes.io/tls Secrets whose data is hidden, and TLS on every Ingress", () => {
    const { docs, text } = render("02-tls-gateway-ca");
    const secrets = docs.filter((d) => d.kind === "Secret" && d.type === "kubernetes.io/tls");
    assert.ok(secrets.length >= 2, `expected a TLS Secret per route, got ${secrets.length}`);
    for (const secret of secrets) {
      const values = [
        ...Object.values(secret.data ?? {}),
        ...(typeof secret.stringData === "object"
          ? Object.values(secret.stringData as object)
          : [secret.stringData]),
      ];
      for (const value of values) {
        assert.ok(
          value === "(secret)" || value === "(known after deploy)" || value === undefined,
          `secret value shown: ${String(value)}`,
        );
      }
    }
    for (const ingress of ingresses(docs)) {
      assert.deepEqual(ingress.spec!.tls![0]!.hosts, [ingress.spec!.rules![0]!.host]);
    }
    assert.ok(
      docs.some((d) => d.kind === "IngressClass" && d.spec?.controller === "ingress-kit.dev/controller"),
    );
    assertNoSecretInClear(text);
  });

  it("03-two-controllers: a Traefik chart and the builtin controller's manifests, each Ingress on its own class", () => {
    const { docs, text } = render("03-two-controllers");
    assert.ok(docs.some((d) => d.helmChart?.chart === "traefik"));
    for (const kind of [
      "ServiceAccount",
      "ClusterRole",
      "ClusterRoleBinding",
      "Deployment",
      "Service",
      "PodDisruptionBudget",
      "IngressClass",
    ]) {
      assert.ok(
        docs.some((d) => d.kind === kind),
        `the builtin gateway renders a ${kind}`,
      );
    }
    const classes = ingresses(docs)
      .map((i) => i.spec!.ingressClassName)
      .sort();
    assert.equal(new Set(classes).size, 2, `two classes, got ${classes.join(", ")}`);
    assertNoSecretInClear(text);
  });
});
